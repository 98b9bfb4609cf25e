// Read-ahead in the ext2 volume: a file read from its start in small pieces costs a device request
// per 64 KiB run, not one per block; a read elsewhere (not where the last one ended) reads only the
// blocks it needs; Prefetch brings a range in without reading it out; the block numbers a read-ahead
// mapped (the map memo) are not used once a write or truncate changed the map.
using System;
using System.IO;
using Vireo.User.FileSystems.Ext2;
using Xunit;
using static Vireo.Tests.FileSystems.Ext2TestSupport;

namespace Vireo.Tests.FileSystems;

public sealed class Ext2ReadAheadTests
{
    private const int FileBytes = 300 * 1024;
    private const uint Root = 2;

    private static (DiskImage, Ext2Volume<MemoryDisk>, byte[], uint) MakeVolume()
    {
        string folder = E2fsprogs.NewFolder();
        try
        {
            byte[] data = Pattern(FileBytes, 9);
            File.WriteAllBytes(System.IO.Path.Combine(folder, "big"), data);
            var image = new DiskImage(E2fsprogs.MakeImage(1024, 4096, folder));
            var v = Mount(image, cacheBlocks: 256);
            return (image, v, data, Ext2TestSupport.Path(v, "big"));
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void ASequentialReadInSmallPiecesReadsRunsOf64KiB()
    {
        var (image, v, data, ino) = MakeVolume();
        long before = image.Reads;
        var back = new byte[FileBytes];
        for (int at = 0; at < FileBytes; at += 480)
        {
            Ok(v.Read(ino, (ulong)at, back.AsSpan(at, Math.Min(480, FileBytes - at)), out int got));
            Assert.Equal(Math.Min(480, FileBytes - at), got);
        }
        Assert.Equal(data, back);
        // 300 blocks: five 64-block windows at best; the indirect block and a run broken by it a few more.
        long requests = image.Reads - before;
        Assert.InRange(requests, 5, 12);
    }

    [Fact]
    public void AReadElsewhereReadsOnlyItsBlocks()
    {
        var (image, v, data, ino) = MakeVolume();
        var back = new byte[100];
        Ok(v.Read(ino, 0, back, out _));                  // from the start: a window
        long before = image.Reads;
        Ok(v.Read(ino, 150 * 1024 + 10, back, out int got));
        Assert.Equal(100, got);
        Assert.Equal(data.AsSpan(150 * 1024 + 10, 100).ToArray(), back);
        Assert.InRange(image.Reads - before, 1, 2);       // the block, and maybe its indirect block
        Assert.All(image.ReadRequests.GetRange((int)before, (int)(image.Reads - before)), r => Assert.Equal(1024, r.Bytes));
    }

    [Fact]
    public void PrefetchBringsARangeInWithoutReadingItOut()
    {
        var (image, v, data, ino) = MakeVolume();
        Ok(v.Prefetch(ino, 20 * 1024, 32 * 1024));        // direct blocks 12.. and indirect ones after
        long before = image.Reads;
        var back = new byte[32 * 1024];
        Ok(v.Read(ino, 20 * 1024, back, out int got));
        Assert.Equal(back.Length, got);
        Assert.Equal(data.AsSpan(20 * 1024, back.Length).ToArray(), back);
        Assert.Equal(before, image.Reads);
        Ok(v.Prefetch(ino, FileBytes + 4096, 4096));     // past the end: nothing
        Assert.Equal(before, image.Reads);
    }

    // A file shrunk and grown again after a read-ahead: its old blocks are gone, so reads see zeros,
    // not the blocks the memo remembered.
    [Fact]
    public void AReadAfterATruncateSeesTheNewMap()
    {
        var (_, v, data, ino) = MakeVolume();
        var back = new byte[4096];
        Ok(v.Read(ino, 0, back, out _));
        Assert.Equal(data.AsSpan(0, 4096).ToArray(), back);
        Ok(v.Truncate(ino, 0));
        Ok(v.Truncate(ino, FileBytes));
        Ok(v.Read(ino, 4096, back, out int got));
        Assert.Equal(4096, got);
        Assert.All(back, b => Assert.Equal(0, b));
    }
}
