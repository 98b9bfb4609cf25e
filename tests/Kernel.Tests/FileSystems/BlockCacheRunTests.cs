// The block cache's runs: ReadRun reads each run of missing blocks in one request (and no more than
// MaxRun), a stage's dirty blocks go out sorted and merged into one request per contiguous run, never
// mixing stages, an evicted dirty block takes its whole stage with it, and a failed read leaves nothing
// cached. The LRU list underneath is tested alone.
using System;
using System.Linq;
using Vireo.Abi;
using Vireo.User.FileSystems;
using Xunit;
using static Vireo.Tests.FileSystems.BlockCacheTests;

namespace Vireo.Tests.FileSystems;

public sealed class BlockCacheRunTests
{
    private const int BlockSize = 1024;
    private const int SectorsPerBlock = BlockSize / MemoryDisk.Sector;

    private static (DiskImage, BlockCache<MemoryDisk>) Make(int capacity) => BlockCacheTests.Make(capacity, 256, patterned: true);

    private static byte Held(BlockCache<MemoryDisk> cache, ulong block)
    {
        Assert.True(cache.Contains(block));
        Assert.Equal(Status.Ok, cache.Get(block, out int slot));
        return cache.Bytes(slot)[BlockSize - 1];
    }

    // (first block, blocks) of each write request, in order.
    private static (ulong, int)[] Writes(DiskImage image) =>
        image.WrittenSectors.Zip(image.WrittenLengths, (s, l) => (s / SectorsPerBlock, l / BlockSize)).ToArray();

    [Fact]
    public void ReadRunReadsEachMissingRunInOneRequest()
    {
        var (image, cache) = Make(32);
        Assert.Equal(Status.Ok, cache.Get(12, out _));
        long before = image.Reads;
        Assert.Equal(Status.Ok, cache.ReadRun(10, 6));   // 10, 11 | 12 cached | 13, 14, 15
        Assert.Equal(before + 2, image.Reads);
        Assert.Equal((10UL * SectorsPerBlock, 2 * BlockSize), image.ReadRequests[^2]);
        Assert.Equal((13UL * SectorsPerBlock, 3 * BlockSize), image.ReadRequests[^1]);
        for (ulong b = 10; b < 16; b++) Assert.Equal((byte)b, Held(cache, b));
        Assert.Equal(before + 2, image.Reads);            // all were cached
        Assert.Equal(Status.Ok, cache.ReadRun(10, 6));
        Assert.Equal(before + 2, image.Reads);
    }

    [Fact]
    public void ReadRunStopsAtMaxRun()
    {
        var (image, cache) = Make(16);
        Assert.Equal(8, cache.MaxRun);                    // half the cache
        Assert.Equal(Status.Ok, cache.ReadRun(100, 40));
        Assert.Equal(1, image.Reads);
        Assert.Equal(8 * BlockSize, image.ReadRequests[0].Bytes);
        Assert.True(cache.Contains(107));
        Assert.False(cache.Contains(108));
    }

    [Fact]
    public void ReadRunIntoSlotsScatteredOverTheCache()
    {
        var (image, cache) = Make(16);
        for (ulong b = 0; b < 16; b++) Assert.Equal(Status.Ok, cache.Get(200 + b, out _));
        // Make the least recently used slots every other one: the run lands in slots 1, 3, 5, ...
        for (ulong b = 0; b < 16; b += 2) Assert.Equal(Status.Ok, cache.Get(200 + b, out _));
        Assert.Equal(Status.Ok, cache.ReadRun(30, 8));
        for (ulong b = 30; b < 38; b++) Assert.Equal((byte)b, Held(cache, b));
        for (ulong b = 0; b < 16; b += 2) Assert.True(cache.Contains(200 + b));
    }

    [Fact]
    public void AFailedRunLeavesNothingCached()
    {
        var (image, cache) = Make(16);
        image.FailReads = true;
        Assert.Equal(Status.IoError, cache.ReadRun(40, 4));
        for (ulong b = 40; b < 44; b++) Assert.False(cache.Contains(b));
        image.FailReads = false;
        Assert.Equal(Status.Ok, cache.ReadRun(40, 4));
        Assert.Equal(41, Held(cache, 41));
    }

    [Fact]
    public void SyncMergesContiguousBlocksOfAStageButNeverAcrossStages()
    {
        var (image, cache) = Make(32);
        Dirty(cache, 7, 0xA7, WriteStage.Data);
        Dirty(cache, 5, 0xA5, WriteStage.Data);
        Dirty(cache, 9, 0xA9, WriteStage.Data);
        Dirty(cache, 6, 0xA6, WriteStage.Data);
        Dirty(cache, 8, 0xB8, WriteStage.Bitmap);   // between 7 and 9, a later stage
        Dirty(cache, 1, 0xC1, WriteStage.Super);
        Dirty(cache, 2, 0xC2, WriteStage.Super);
        ulong requests = cache.DeviceRequests;
        Assert.Equal(Status.Ok, cache.Sync());
        Assert.Equal(new[] { (5UL, 3), (9UL, 1), (8UL, 1), (1UL, 2) }, Writes(image));
        Assert.Equal(requests + 5, cache.DeviceRequests);   // four writes and the flush
        for (int b = 5; b <= 7; b++) Assert.Equal(0xA0 + b, image.Bytes[b * BlockSize + 100]);
        Assert.Equal(0xB8, image.Bytes[8 * BlockSize]);
        Assert.Equal(0xC2, image.Bytes[3 * BlockSize - 1]);
    }

    [Fact]
    public void AMergedWriteIsAtMostMaxRunBlocks()
    {
        var (image, cache) = Make(32);                       // MaxRun 16
        for (ulong b = 50; b < 70; b++) Dirty(cache, b, 1, WriteStage.Data);
        Assert.Equal(Status.Ok, cache.Sync());
        Assert.Equal(new[] { (50UL, 16), (66UL, 4) }, Writes(image));
    }

    [Fact]
    public void EvictingADirtyBlockWritesItsWholeStageMerged()
    {
        var (image, cache) = Make(8);
        for (ulong b = 20; b < 24; b++) Dirty(cache, b, 2, WriteStage.Data);
        Dirty(cache, 30, 3, WriteStage.Inode);
        Dirty(cache, 31, 3, WriteStage.Directory);           // later: stays dirty
        for (ulong b = 100; b < 102; b++) Assert.Equal(Status.Ok, cache.Get(b, out _));   // full
        Assert.Empty(Writes(image));
        Assert.Equal(Status.Ok, cache.Get(102, out _));      // evicts block 20
        Assert.Equal(new[] { (20UL, 4) }, Writes(image));
        Assert.True(cache.HasDirty);
        Assert.Equal(Status.Ok, cache.Get(103, out _));      // evicts 21 (clean now): no write
        Assert.Single(Writes(image));
    }

    [Fact]
    public void LruListReusesTheOldestAndAForgottenSlotFirst()
    {
        var lru = new LruList(4);
        Assert.Equal(0, lru.Oldest);
        lru.Touch(0);
        Assert.Equal(1, lru.Oldest);
        lru.Touch(1);
        lru.Touch(2);
        lru.Touch(3);
        Assert.Equal(0, lru.Oldest);
        lru.Touch(0);
        lru.Touch(2);
        Assert.Equal(1, lru.Oldest);
        lru.MakeOldest(2);
        Assert.Equal(2, lru.Oldest);
        lru.Touch(2);
        Assert.Equal(1, lru.Oldest);
        lru.Touch(1);
        Assert.Equal(3, lru.Oldest);
    }

    [Fact]
    public void SortSlotsOrdersByBlock()
    {
        var random = new Random(7);
        ulong[] block = Enumerable.Range(0, 300).Select(_ => (ulong)random.Next(1000)).ToArray();
        int[] slots = Enumerable.Range(0, 300).ToArray();
        BlockRuns.SortSlots(slots, 300, block);
        Assert.Equal(block.OrderBy(b => b).ToArray(), slots.Select(s => block[s]).ToArray());
        Assert.Equal(Enumerable.Range(0, 300), slots.OrderBy(s => s));
    }
}
