// The disk daemon's page cache for mapped readers (user/lib/FileSystems/FilePageCache.cs, ADR 0012)
// over real ext2 images: 4 KiB pages assembled from 1 KiB blocks with holes as zeros, and kept equal
// to the volume through writes and truncates (what a mapped reader copies is what a read of the
// volume gives), with the header's sequence counter moved around each change; then e2fsck -fn
// finds nothing. A reader is simulated with the client's window arithmetic (FileMapBytes.cs).
using System;
using Vireo.Abi;
using Vireo.User.FileSystems;
using Vireo.User.FileSystems.Ext2;
using Vireo.User.Schemes;
using Xunit;
using static Vireo.Tests.FileSystems.Ext2TestSupport;

namespace Vireo.Tests.FileSystems;

public sealed unsafe class FilePageCacheTests
{
    private const uint Root = 2;
    private const int Page = FileMap.PageSize;

    /// <summary>A file of a volume as a page cache reads it (FileCachesTests use it too).</summary>
    internal struct VolumeReader : IFileReader
    {
        public Ext2Volume<MemoryDisk> Volume;
        public uint Inode;
        public Status Read(ulong offset, Span<byte> into, out int read) => Volume.Read(Inode, offset, into, out read);
        public Status ReadPages(ulong offset, byte** pages, int count) => Volume.ReadPages(Inode, offset, Page, pages, count);
    }

    internal sealed class Fixture
    {
        public DiskImage Image;
        public Ext2Volume<MemoryDisk> Volume;
        public uint Inode;
        public HostPages Pages = new HostPages();
        public FilePageCache<HostPageStore> Cache;
        public FileMapHeader Header;
        public VolumeReader Reader;

        public Fixture(int blockSize, byte[] data)
        {
            Image = new DiskImage(E2fsprogs.MakeImage(blockSize, 2048));
            Volume = Mount(Image);
            Inode = CreateFile(Volume, Root, "f", data);
            Cache = new FilePageCache<HostPageStore>(Pages.Store, (ulong)data.Length);
            Reader = new VolumeReader { Volume = Volume, Inode = Inode };
        }

        public uint Load(ulong index)
        {
            Ok(Cache.Load(index, ref Reader, out uint page));
            return page;
        }

        public void Write(ulong offset, byte[] data)
        {
            Ok(Volume.Write(Inode, offset, data, out int written));
            fixed (FileMapHeader* h = &Header) Cache.Written(h, offset, data.AsSpan(0, written));
        }

        public void Truncate(ulong size)
        {
            Ok(Volume.Truncate(Inode, size));
            fixed (FileMapHeader* h = &Header) Cache.Truncated(h, size);
        }

        /// <summary>What a mapped reader gets reading sequentially from 0 in reads of `chunk` bytes:
        /// a window of WindowPages pages that slides, each page the cache's (0: zeros).</summary>
        public byte[] ReadMapped(int chunk)
        {
            ulong size = Header.Size;
            var got = new byte[size];
            ulong position = 0;
            byte* window = stackalloc byte[FileMap.WindowPages * Page];
            ulong mapped = ulong.MaxValue;
            uint data = 0;
            while (true)
            {
                int n = FileMap.Available(position, chunk, size);
                if (n == 0) break;
                ulong first = FileMap.WindowOf(position / Page);
                if (first != mapped)
                {
                    // The window slides: its pages are (re)mapped, those with a page of their own as data.
                    mapped = first;
                    data = 0;
                    for (int i = 0; i < FileMap.WindowPages; i++)
                    {
                        uint page = Load(first + (ulong)i);
                        if (page == 0) continue;
                        data |= 1u << i;
                        Buffer.MemoryCopy(Pages.Address(page), window + i * Page, Page, Page);
                    }
                }
                n = FileMap.InWindow(first, position, n);
                fixed (byte* into = &got[position])
                    FileMap.CopyOut(window, data, (int)(position - first * Page), into, n);
                position += (ulong)n;
            }
            return got;
        }

        /// <summary>Every cached page holds what the volume reads there (zeros past the end).</summary>
        public void AssertCoherent()
        {
            Ok(Volume.Stat(Inode, out Ext2Stat st));
            Assert.Equal(st.Size, Cache.Size);
            for (ulong index = 0; index < 64; index++)
            {
                uint page = Cache.Cached(index);
                if (page == 0) continue;
                var expected = new byte[Page];
                if (index * Page < st.Size) Ok(Volume.Read(Inode, index * Page, expected, out _));
                Assert.True(expected.AsSpan().SequenceEqual(new ReadOnlySpan<byte>(Pages.Address(page), Page)), "page " + index);
            }
        }
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(4096)]
    public void PagesAreAssembledFromBlocksAndHolesReadAsZeros(int blockSize)
    {
        byte[] data = Pattern(9000, 1);
        var f = new Fixture(blockSize, data);
        // A hole from 9,000 to 20,000, then 100 bytes.
        byte[] tail = Pattern(100, 2);
        Ok(f.Volume.Write(f.Inode, 20000, tail, out _));
        f.Cache = new FilePageCache<HostPageStore>(f.Pages.Store, 20100);
        for (ulong i = 0; i < 5; i++) Assert.NotEqual(0u, f.Load(i));
        Assert.Equal(0u, f.Load(5));   // past the end: not kept
        Assert.Equal(5, f.Cache.Count);
        Assert.True(data.AsSpan(4096, Page).SequenceEqual(new ReadOnlySpan<byte>(f.Pages.Address(f.Cache.Cached(1)), Page)));
        byte* third = f.Pages.Address(f.Cache.Cached(2));
        Assert.Equal(data[8999], third[8999 - 2 * Page]);
        for (int i = 9000 - 2 * Page; i < Page; i++) Assert.Equal(0, third[i]);
        byte* fourth = f.Pages.Address(f.Cache.Cached(3));
        for (int i = 0; i < Page; i++) Assert.Equal(0, fourth[i]);
        byte* fifth = f.Pages.Address(f.Cache.Cached(4));
        Assert.Equal(tail[0], fifth[20000 - 4 * Page]);
        Assert.Equal(0, fifth[20100 - 4 * Page]);
        f.AssertCoherent();
        f.Cache.Clear();
        Assert.Empty(f.Pages.Live);
    }

    [Fact]
    public void AWriteReachesTheCachedPagesTheVolumeAndAMappedReader()
    {
        byte[] data = Pattern(10000, 3);
        var f = new Fixture(1024, data);
        fixed (FileMapHeader* h = &f.Header) FileMap.EndChange(h, f.Cache.Size);
        for (ulong i = 0; i < 3; i++) f.Load(i);
        uint seq = f.Header.Seq;
        byte[] small = { 1, 2, 3, 4, 5, 6 };
        f.Write(4093, small);   // across the boundary of pages 0 and 1
        Assert.NotEqual(seq, f.Header.Seq);
        Assert.Equal(0u, f.Header.Seq & 1);
        small.CopyTo(data, 4093);
        f.AssertCoherent();
        // Past the end, into a page that was cached only up to the old end.
        byte[] more = Pattern(5000, 4);
        f.Write(9000, more);
        Assert.Equal(14000UL, f.Header.Size);
        f.AssertCoherent();
        byte[] expected = new byte[14000];
        data.AsSpan(0, 9000).CopyTo(expected);
        more.CopyTo(expected, 9000);
        Assert.Equal(expected, f.ReadMapped(3000));
        Ok(f.Volume.Unmount());
        E2fsprogs.AssertClean(f.Image);
        Assert.Equal(expected, E2fsprogs.Cat(f.Image, "/f"));
    }

    [Fact]
    public void AShrinkZeroesThePagesPastTheEndAndAGrowthShowsZeros()
    {
        byte[] data = Pattern(10000, 5);
        var f = new Fixture(1024, data);
        for (ulong i = 0; i < 3; i++) f.Load(i);
        uint kept = f.Cache.Cached(2);
        f.Truncate(100);
        Assert.Equal(100UL, f.Header.Size);
        Assert.Equal(kept, f.Cache.Cached(2));   // kept (a reader may map it), but zero
        for (int i = 0; i < Page; i++) Assert.Equal(0, f.Pages.Address(kept)[i]);
        f.AssertCoherent();
        Assert.Equal(data.AsSpan(0, 100).ToArray(), f.ReadMapped(4096));
        f.Truncate(9000);
        f.AssertCoherent();
        byte[] grown = f.ReadMapped(4096);
        Assert.Equal(9000, grown.Length);
        Assert.True(grown.AsSpan(0, 100).SequenceEqual(data.AsSpan(0, 100)));
        Assert.All(grown[100..], b => Assert.Equal(0, b));
        Ok(f.Volume.Unmount());
        E2fsprogs.AssertClean(f.Image);
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(4096)]
    public void AFileLargerThanTheWindowReadsSequentially(int blockSize)
    {
        // 200 KiB: past the 1 KiB image's direct and single indirect blocks, three windows and a bit.
        byte[] data = Pattern(200 * 1024, 6);
        var f = new Fixture(blockSize, data);
        fixed (FileMapHeader* h = &f.Header) FileMap.EndChange(h, f.Cache.Size);
        Assert.Equal(data, f.ReadMapped(3000));
        Assert.Equal(50, f.Cache.Count);
        // A write into the third window while its pages are cached, seen by the next reader.
        byte[] patch = Pattern(7000, 7);
        f.Write(150 * 1024 - 10, patch);
        patch.CopyTo(data, 150 * 1024 - 10);
        Assert.Equal(data, f.ReadMapped(65536));
        f.AssertCoherent();
    }
}
