// The page caches a file daemon keeps per file (user/lib/FileSystems/FileCaches.cs): a file's pages
// outlive its last mapping handle, under a budget of pages for the files nobody maps, the least
// recently used of them dropped first; a file in use is never dropped, and when the store runs out
// the unused files give their pages to it; a freed inode's pages go (an ext2 volume reports it), so
// a new file with the same number never shows the old file's bytes.
using System;
using Vireo.Abi;
using Vireo.User.FileSystems;
using Vireo.User.FileSystems.Ext2;
using Xunit;
using static Vireo.Tests.FileSystems.Ext2TestSupport;

namespace Vireo.Tests.FileSystems;

public sealed unsafe class FileCachesTests
{
    private const int Page = HostPages.PageSize;

    // The caches over the pool, which asks them to give back before NoSpace (as diskfs wires DataPages).
    private static FileCaches<HostPageStore, int> Caches(HostPages pool, int budget)
    {
        var caches = new FileCaches<HostPageStore, int>(pool.Store, budget);
        pool.Reclaim = caches.Reclaim;
        return caches;
    }

    /// <summary>A file's bytes from an array; counts the page reads.</summary>
    private struct Bytes : IFileReader
    {
        public byte[] Data;
        public int[] Reads;

        public Status Read(ulong offset, Span<byte> into, out int read)
        {
            read = offset >= (ulong)Data.Length ? 0 : Math.Min(into.Length, Data.Length - (int)offset);
            if (read > 0) Data.AsSpan((int)offset, read).CopyTo(into);
            return Status.Ok;
        }

        public Status ReadPages(ulong offset, byte** pages, int count)
        {
            Reads[0] += count;
            for (int i = 0; i < count; i++) Read(offset + (ulong)(i * Page), new Span<byte>(pages[i], Page), out _);
            return Status.Ok;
        }
    }

    private static Bytes File(int pages, int seed) => new Bytes { Data = Pattern(pages * Page, seed), Reads = new int[1] };

    // Every page of the file loaded through the caches (in use meanwhile), then unused.
    private static void ReadWhole(FileCaches<HostPageStore, int> caches, uint ino, ref Bytes file)
    {
        var e = caches.Use(ino, (ulong)file.Data.Length);
        for (ulong i = 0; i * Page < (ulong)file.Data.Length; i++)
        {
            Ok(caches.Load(e, i, ref file, out uint page));
            Assert.NotEqual(0u, page);
        }
        caches.Unuse(e);
    }

    [Fact]
    public void AClosedFileKeepsItsPagesAndIsReadAgainWithoutTheVolume()
    {
        var pool = new HostPages();
        var caches = Caches(pool, 100);
        Bytes a = File(20, 1);
        ReadWhole(caches, 12, ref a);
        Assert.Equal(20, a.Reads[0]);
        Assert.Equal(20, caches.UnusedPages);
        Assert.Equal(20, pool.Withdrawn);   // readers' copies taken back at the last close
        ReadWhole(caches, 12, ref a);
        Assert.Equal(20, a.Reads[0]);        // every page found again
        var e = caches.Use(12, 0);
        Ok(caches.Load(e, 7, ref a, out uint page));
        Assert.True(a.Data.AsSpan(7 * Page, Page).SequenceEqual(new ReadOnlySpan<byte>(pool.Address(page), Page)));
        Assert.Equal(0, caches.UnusedPages);   // in use: not counted against the budget
    }

    [Fact]
    public void PastTheBudgetTheLeastRecentlyUsedUnusedFilesGoFirst()
    {
        var pool = new HostPages();
        var caches = Caches(pool, 40);
        Bytes a = File(16, 1), b = File(16, 2), c = File(16, 3);
        ReadWhole(caches, 11, ref a);
        ReadWhole(caches, 12, ref b);
        ReadWhole(caches, 11, ref a);            // a is used again: b is now the oldest
        Assert.Equal(32, caches.UnusedPages);
        var inUse = caches.Use(13, (ulong)c.Data.Length);
        for (ulong i = 0; i < 16; i++) Ok(caches.Load(inUse, i, ref c, out _));
        Assert.Equal(3, caches.Count);           // a file in use does not count against the budget
        caches.Unuse(inUse);                     // 48 unused pages: b goes
        Assert.Null(caches.Find(12));
        Assert.NotNull(caches.Find(11));
        Assert.NotNull(caches.Find(13));
        Assert.Equal(32, caches.UnusedPages);
        Assert.Equal(32, pool.Live.Count);
        ReadWhole(caches, 12, ref b);            // read from the volume again; a, the oldest now, goes
        Assert.Equal(32, b.Reads[0]);
        Assert.Null(caches.Find(11));
        Assert.Equal(32, caches.DropUnused());
        Assert.Empty(pool.Live);
    }

    [Fact]
    public void AFileInUseTakesThePagesOfUnusedFilesWhenTheStoreRunsOut()
    {
        var pool = new HostPages { Limit = 24 };
        var caches = Caches(pool, 1000);
        Bytes a = File(16, 1), b = File(16, 2);
        ReadWhole(caches, 11, ref a);
        var e = caches.Use(12, (ulong)b.Data.Length);
        for (ulong i = 0; i < 16; i++)
        {
            Ok(caches.Load(e, i, ref b, out uint page));
            Assert.NotEqual(0u, page);
        }
        Assert.Null(caches.Find(11));
        Assert.Equal(16, pool.Live.Count);
        // With nothing left to drop the store's NoSpace comes through, and nothing is kept half-read.
        var third = File(16, 3);
        var f = caches.Use(13, (ulong)third.Data.Length);
        for (ulong i = 0; i < 8; i++) Ok(caches.Load(f, i, ref third, out _));
        Assert.Equal(Status.NoSpace, caches.Load(f, 8, ref third, out uint none));
        Assert.Equal(0u, none);
        Assert.Equal(24, pool.Live.Count);
    }

    [Fact]
    public void ReclaimDropsTheOldestUnusedFileAndForARunTheOldestHoldingOne()
    {
        var pool = new HostPages { Runs = true };
        var caches = Caches(pool, 1000);
        Bytes small = File(4, 1), big = File(16, 2), other = File(3, 3);
        ReadWhole(caches, 11, ref small);          // under half a run: pages
        ReadWhole(caches, 12, ref big);            // one run
        ReadWhole(caches, 13, ref other);
        Assert.Equal(1, caches.Find(12).Pages.Runs);
        Assert.True(caches.Reclaim(run: true));    // the oldest unused file holding a run, not the oldest
        Assert.Null(caches.Find(12));
        Assert.NotNull(caches.Find(11));
        Assert.False(caches.Reclaim(run: true));   // no run left to give: page-only files stay
        Assert.NotNull(caches.Find(11));
        Assert.Equal(7, caches.UnusedPages);
        var inUse = caches.Use(13, (ulong)other.Data.Length);
        Assert.True(caches.Reclaim(run: false));   // 11, the oldest; 13 is in use
        Assert.Null(caches.Find(11));
        Assert.False(caches.Reclaim(run: false));
        Assert.NotNull(caches.Find(13));
        Assert.Equal(3, pool.Live.Count);
        caches.Unuse(inUse);
    }

    [Fact]
    public void AShrunkUnusedFileGivesUpItsPagesPastTheEnd()
    {
        var pool = new HostPages();
        var caches = Caches(pool, 100);
        Bytes a = File(16, 1);
        ReadWhole(caches, 11, ref a);
        var e = caches.Find(11);
        e.Pages.Truncated(null, 5 * Page + 1);
        caches.Shrunk(e, 5 * Page + 1);
        Assert.Equal(6, caches.UnusedPages);
        Assert.Equal(6, pool.Live.Count);
    }

    [Fact]
    public void AFreedInodeLosesItsPagesSoItsNextFileReadsFromTheDisk()
    {
        var pool = new HostPages();
        var caches = Caches(pool, 100);
        var image = new DiskImage(E2fsprogs.MakeImage(1024, 2048));
        var v = Mount(image);
        v.InodeReused = caches.Forget;
        byte[] old = Pattern(3 * Page, 4);
        uint ino = CreateFile(v, 2, "old", old);
        var reader = new FilePageCacheTests.VolumeReader { Volume = v, Inode = ino };
        var e = caches.Use(ino, (ulong)old.Length);
        Ok(caches.Load(e, 0, ref reader, out _));
        caches.Unuse(e);
        Assert.NotNull(caches.Find(ino));
        Ok(v.Unlink(2, Utf8("old")));
        Assert.Null(caches.Find(ino));
        byte[] fresh = Pattern(3 * Page, 5);
        Assert.Equal(ino, CreateFile(v, 2, "new", fresh));   // the number is reused
        e = caches.Use(ino, (ulong)fresh.Length);
        Ok(caches.Load(e, 0, ref reader, out uint page));
        Assert.True(fresh.AsSpan(0, Page).SequenceEqual(new ReadOnlySpan<byte>(pool.Address(page), Page)));
    }
}
