// The block cache alone: write-back (nothing reaches the device before Sync or eviction), the
// stage order on Sync and on eviction, LRU eviction, and contents surviving a round trip.
using System;
using System.Linq;
using Vireo.Abi;
using Vireo.User.FileSystems;
using Xunit;

namespace Vireo.Tests.FileSystems;

public sealed class BlockCacheTests
{
    private const int BlockSize = 1024;
    private const int SectorsPerBlock = BlockSize / MemoryDisk.Sector;

    /// <summary>A cache of `capacity` 1 KiB blocks over a disk of `blocks` blocks, every byte of block
    /// b holding (byte)b when `patterned` (else zeros).</summary>
    internal static (DiskImage, BlockCache<MemoryDisk>) Make(int capacity, int blocks = 64, bool patterned = false)
    {
        var bytes = new byte[blocks * BlockSize];
        for (int b = 0; patterned && b < blocks; b++) bytes.AsSpan(b * BlockSize, BlockSize).Fill((byte)b);
        var image = new DiskImage(bytes);
        return (image, new BlockCache<MemoryDisk>(new MemoryDisk(image), BlockSize, capacity));
    }

    internal static void Dirty(BlockCache<MemoryDisk> cache, ulong block, byte value, WriteStage stage)
    {
        Assert.Equal(Status.Ok, cache.Get(block, out int slot));
        cache.Bytes(slot).Fill(value);
        cache.MarkDirty(slot, stage);
    }

    private static ulong[] BlocksWritten(DiskImage image) =>
        image.WrittenSectors.Select(s => s / SectorsPerBlock).ToArray();

    [Fact]
    public void DirtyBlocksWaitForSync()
    {
        var (image, cache) = Make(8);
        Dirty(cache, 3, 0xAB, WriteStage.Data);
        Assert.Equal(0, image.Bytes[3 * BlockSize]);
        Assert.True(cache.HasDirty);
        Assert.Equal(Status.Ok, cache.Sync());
        Assert.Equal(0xAB, image.Bytes[3 * BlockSize]);
        Assert.Equal(0xAB, image.Bytes[4 * BlockSize - 1]);
        Assert.False(cache.HasDirty);
        Assert.Equal(Status.Ok, cache.Sync());
        Assert.Equal(1, image.Writes);
    }

    [Fact]
    public void SyncWritesStageByStage()
    {
        var (image, cache) = Make(8);
        Dirty(cache, 1, 1, WriteStage.Super);
        Dirty(cache, 2, 2, WriteStage.Directory);
        Dirty(cache, 3, 3, WriteStage.Inode);
        Dirty(cache, 4, 4, WriteStage.Bitmap);
        Dirty(cache, 5, 5, WriteStage.Data);
        Assert.Equal(Status.Ok, cache.Sync());
        Assert.Equal(new ulong[] { 5, 4, 3, 2, 1 }, BlocksWritten(image));
    }

    [Fact]
    public void EvictingADirtyBlockWritesEarlierStagesFirst()
    {
        var (image, cache) = Make(3);
        Dirty(cache, 10, 10, WriteStage.Directory);
        Dirty(cache, 11, 11, WriteStage.Data);
        Assert.Equal(Status.Ok, cache.Get(12, out _));
        Assert.Equal(Status.Ok, cache.Get(13, out _));   // evicts block 10, the least recently used
        Assert.Equal(new ulong[] { 11, 10 }, BlocksWritten(image));
        Assert.Equal(Status.Ok, cache.Get(10, out int slot));
        Assert.Equal(10, cache.Bytes(slot)[7]);
    }

    [Fact]
    public void ABlockDirtiedAgainLaterMovesToTheLaterStage()
    {
        var (image, cache) = Make(8);
        Dirty(cache, 1, 1, WriteStage.Inode);
        Dirty(cache, 2, 2, WriteStage.Data);
        Dirty(cache, 2, 3, WriteStage.Directory);
        Dirty(cache, 1, 4, WriteStage.Data);   // stays an inode block
        Assert.Equal(Status.Ok, cache.Sync());
        Assert.Equal(new ulong[] { 1, 2 }, BlocksWritten(image));
    }

    [Fact]
    public void WriteNowWritesOneBlockAfterItsPredecessors()
    {
        var (image, cache) = Make(8);
        Dirty(cache, 1, 1, WriteStage.Super);
        Dirty(cache, 2, 2, WriteStage.Inode);
        Dirty(cache, 3, 3, WriteStage.Directory);
        Assert.Equal(Status.Ok, cache.WriteBlockNow(3));
        Assert.Equal(new ulong[] { 2, 3 }, BlocksWritten(image));
        Assert.Equal(Status.Ok, cache.WriteBlockNow(40));   // not cached: nothing to do
        Assert.True(cache.HasDirty);
    }

    [Fact]
    public void LeastRecentlyUsedIsEvictedAndReadAgain()
    {
        var (image, cache) = Make(2);
        image.Bytes[5 * BlockSize] = 55;
        Assert.Equal(Status.Ok, cache.Get(5, out _));
        Assert.Equal(Status.Ok, cache.Get(6, out _));
        Assert.Equal(Status.Ok, cache.Get(5, out _));      // 6 is now the older one
        Assert.Equal(Status.Ok, cache.Get(7, out _));
        ulong reads = cache.DeviceReads;
        Assert.Equal(Status.Ok, cache.Get(5, out int slot));
        Assert.Equal(reads, cache.DeviceReads);
        Assert.Equal(55, cache.Bytes(slot)[0]);
        Assert.Equal(Status.Ok, cache.Get(6, out _));
        Assert.Equal(reads + 1, cache.DeviceReads);
        image.FailReads = true;
        Assert.Equal(Status.IoError, cache.Get(20, out _));
    }
}
