// Runs in the page cache (user/lib/FileSystems/FilePageCache.cs; docs/design/diskfs.md, "Runs"): a
// window read while none of it is cached becomes one run from the store (16 pages a reader maps with
// one frame), its pages past the end zeros, kept coherent with the volume through writes and
// truncates like any page; a window partly cached, or a store without runs, is read page by page.
using System;
using Vireo.Abi;
using Vireo.User.FileSystems;
using Vireo.User.Schemes;
using Xunit;
using static Vireo.Tests.FileSystems.Ext2TestSupport;

namespace Vireo.Tests.FileSystems;

public sealed unsafe class FilePageCacheRunTests
{
    private const uint Root = 2;
    private const int Page = FileMap.PageSize;
    private const int Run = FilePageCache<HostPageStore>.RunPages;

    // The page cache tests' fixture over a 1 KiB-block image, its store giving runs.
    private static FilePageCacheTests.Fixture Fixture(byte[] data)
    {
        var f = new FilePageCacheTests.Fixture(1024, data);
        f.Pages.Runs = true;
        return f;
    }

    [Fact]
    public void AColdWindowIsOneRunAndItsPagesPastTheEndAreZeros()
    {
        byte[] data = Pattern(100352, 1);   // window 0 whole, window 16 nine pages less 2 KiB
        var f = Fixture(data);
        uint first = f.Load(3);
        Assert.Equal(first, f.Cache.Run(0) + 3);
        Assert.Equal(0u, f.Cache.Run(0) % Run);
        for (ulong i = 0; i < Run; i++) Assert.Equal(f.Cache.Run(0) + (uint)i, f.Cache.Cached(i));
        Assert.Equal(1, f.Pages.RunsMade);
        Assert.NotEqual(0u, f.Load(17));
        Assert.NotEqual(0u, f.Cache.Run(16));
        Assert.Equal(2 * Run, f.Cache.Count);
        // The store's pages came with old bytes: everything past the end is cleared.
        for (ulong i = 24; i < 32; i++)
            for (int b = i == 24 ? 100352 - 24 * Page : 0; b < Page; b++)
                Assert.Equal(0, f.Pages.Address(f.Cache.Cached(i))[b]);
        f.AssertCoherent();
        Assert.Equal(0u, f.Load(40));   // past the end, no window of the file: not kept
        f.Cache.Clear();
        Assert.Empty(f.Pages.Live);
        // LoadWindow makes runs only: a window partly cached, or a store without runs, reads nothing.
        Assert.Equal(Status.Ok, f.Cache.LoadWindow(16, ref f.Reader, out uint again));
        Assert.NotEqual(0u, again);
        Assert.Equal(again, f.Cache.Run(16));
        Assert.Equal(Status.Ok, f.Cache.LoadWindow(16, ref f.Reader, out uint same));
        Assert.Equal(again, same);
        f.Pages.Runs = false;
        Assert.Equal(Status.NoSpace, f.Cache.LoadWindow(0, ref f.Reader, out uint none));
        Assert.Equal(0u, none);
        Assert.Equal(Run, f.Cache.Count);
        f.Cache.Clear();
        // A file of less than half a run is read by pages.
        var small = Fixture(Pattern(7 * Page, 5));
        Assert.NotEqual(0u, small.Load(0));
        Assert.Equal(0u, small.Cache.Run(0));
        Assert.Equal(7, small.Cache.Count);
    }

    [Fact]
    public void WritesAndTruncatesReachARunsPagesAndItStaysARun()
    {
        byte[] data = Pattern(40000, 2);
        var f = Fixture(data);
        f.Load(0);
        uint run = f.Cache.Run(0);
        Assert.NotEqual(0u, run);
        // Growing into the run's pages past the old end: they take the bytes, the run stays.
        f.Write(50000, Pattern(5000, 3));
        Assert.Equal(run, f.Cache.Run(0));
        f.AssertCoherent();
        f.Truncate(5000);
        f.AssertCoherent();
        // Freeing past the end keeps a run that has a page inside the size whole.
        Assert.Equal(0, f.Cache.FreePast(5000));
        Assert.Equal(run, f.Cache.Run(0));
        Assert.Equal(Run, f.Cache.FreePast(0));
        Assert.Equal(0u, f.Cache.Run(0));
        Assert.Empty(f.Pages.Live);
        Ok(f.Volume.Unmount());
        E2fsprogs.AssertClean(f.Image);
    }

    [Fact]
    public void APartlyCachedWindowOrAStoreWithoutRunsIsReadByPages()
    {
        byte[] data = Pattern(40000, 4);
        var f = Fixture(data);
        f.Pages.Runs = false;
        Assert.NotEqual(0u, f.Load(2));   // pages 2..9 (the end of the file), as before
        Assert.Equal(0u, f.Cache.Run(0));
        f.Pages.Runs = true;
        Assert.NotEqual(0u, f.Load(0));   // window 0 has cached pages: pages again
        Assert.Equal(0u, f.Cache.Run(0));
        Assert.Equal(0, f.Pages.RunsMade);
        f.AssertCoherent();
        // Out of room for a run (Limit), the page asked for still comes.
        var g = Fixture(data);
        g.Pages.Limit = 8;
        Assert.NotEqual(0u, g.Load(0));
        Assert.Equal(0u, g.Cache.Run(0));
        g.AssertCoherent();
    }
}
