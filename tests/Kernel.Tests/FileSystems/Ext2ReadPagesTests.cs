// Whole pages for a page cache (Ext2Volume.ReadPages): a file laid out in order is read straight from
// the device into the pages, one request per 64 KiB and no block-cache slot taken; a page with a
// block the cache holds (a dirty one above all), a hole, or the last partial page goes through Read,
// so every page holds what Read gives.
using System;
using System.IO;
using System.Runtime.InteropServices;
using Vireo.User.FileSystems.Ext2;
using Vireo.User.FileSystems;
using Xunit;
using static Vireo.Tests.FileSystems.Ext2TestSupport;

namespace Vireo.Tests.FileSystems;

public sealed unsafe class Ext2ReadPagesTests
{
    private const int Page = 4096;

    private static (DiskImage, Ext2Volume<MemoryDisk>, byte[], uint) MakeVolume(int blockSize, int bytes)
    {
        string folder = E2fsprogs.NewFolder();
        try
        {
            byte[] data = Pattern(bytes, 11);
            File.WriteAllBytes(System.IO.Path.Combine(folder, "big"), data);
            var image = new DiskImage(E2fsprogs.MakeImage(blockSize, 4096, folder));
            var v = Mount(image, cacheBlocks: 256);
            return (image, v, data, Ext2TestSupport.Path(v, "big"));
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    // ReadPages of `count` pages from page `first` into zeroed pages of the host's memory.
    private static byte[] ReadPages(Ext2Volume<MemoryDisk> v, uint ino, int first, int count)
    {
        IntPtr memory = Marshal.AllocHGlobal(count * Page);
        try
        {
            new Span<byte>((void*)memory, count * Page).Clear();
            byte** pages = stackalloc byte*[count];
            // Backwards in memory: the pages of a run are not adjacent, as a page pool's are not.
            for (int i = 0; i < count; i++) pages[i] = (byte*)memory + (count - 1 - i) * Page;
            Ok(v.ReadPages(ino, (ulong)first * Page, Page, pages, count));
            var got = new byte[count * Page];
            for (int i = 0; i < count; i++) new ReadOnlySpan<byte>(pages[i], Page).CopyTo(got.AsSpan(i * Page));
            return got;
        }
        finally
        {
            Marshal.FreeHGlobal(memory);
        }
    }

    private static byte[] Expected(byte[] data, int first, int count)
    {
        var expected = new byte[count * Page];
        int from = first * Page;
        if (from < data.Length) data.AsSpan(from, Math.Min(data.Length - from, count * Page)).CopyTo(expected);
        return expected;
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(4096)]
    public void PagesOfAFileInOrderComeFromTheDeviceInRunsWithoutTheBlockCache(int blockSize)
    {
        var (image, v, data, ino) = MakeVolume(blockSize, 256 * 1024);
        ulong slotsBefore = v.Cache.DeviceReads;
        long requests = image.Reads;
        Assert.Equal(Expected(data, 0, 16), ReadPages(v, ino, 0, 16));
        // The run, broken at most once where mke2fs put the indirect block, that block for the map
        // and the inode's table block.
        Assert.InRange(image.Reads - requests, 1, 4);
        Assert.True(v.Cache.DeviceReads - slotsBefore >= (ulong)(16 * Page / blockSize));
        Ok(v.LoadInode(ino, out Ext2Inode inode));
        for (int i = 0; i < 12; i++) Assert.False(v.Cache.Contains(inode.Block[i]), "block " + i + " was cached");
        Assert.Equal(Expected(data, 16, 32), ReadPages(v, ino, 16, 32));
    }

    [Fact]
    public void ADirtyBlockAHoleAndTheLastPartialPageAreReadThroughTheCache()
    {
        var (image, v, data, ino) = MakeVolume(1024, 40 * 1024 + 100);
        byte[] patch = Pattern(300, 12);
        Ok(v.Write(ino, 5 * 1024 + 7, patch, out _));   // dirty in the block cache, not on the disk
        patch.CopyTo(data, 5 * 1024 + 7);
        Ok(v.Truncate(ino, 60 * 1024));                  // a hole from 40 KiB + 100 to 60 KiB
        byte[] tail = Pattern(50, 13);
        Ok(v.Write(ino, 60 * 1024, tail, out _));
        var all = new byte[60 * 1024 + 50];
        data.AsSpan().CopyTo(all);
        tail.CopyTo(all, 60 * 1024);
        Assert.Equal(Expected(all, 0, 16), ReadPages(v, ino, 0, 16));
        Ok(v.Unmount());
        E2fsprogs.AssertClean(image);
    }
}
