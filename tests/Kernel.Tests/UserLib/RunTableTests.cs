// The page pool's runs (user/lib/Schemes/RunTable.cs): memory made into runs serves single pages when
// no page is free, and comes back as a whole run when all its pages do, so neither use can starve the
// other (diskfs's pool ran out with runs free: BusyBox's suite, reverted in 404dec3).
using Vireo.User.Schemes;
using Xunit;

namespace Vireo.Tests.UserLib;

public sealed class RunTableTests
{
    private const int Pages = RunTable.Pages;

    private static RunTable WithFreeRuns(params int[] runs)
    {
        var t = new RunTable();
        foreach (int r in runs)
        {
            t.Added(r);
            t.ReleaseRun(r);
        }
        return t;
    }

    [Fact]
    public void AFreeRunIsSplitForPagesAndIsWholeAgainWhenTheyAllComeBack()
    {
        RunTable t = WithFreeRuns(7);
        Assert.Equal(Pages, t.FreePages);
        for (int k = 0; k < Pages; k++)
        {
            Assert.True(t.TakePage(out int r, out int page));
            Assert.Equal(7, r);
            Assert.Equal(k, page);
        }
        Assert.Equal(0, t.FreePages);
        Assert.False(t.TakePage(out _, out _));
        Assert.False(t.TakeRun(out _));            // split: no run while any page is out
        for (int k = 0; k < Pages - 1; k++) Assert.False(t.FreePage(7, k));
        Assert.False(t.TakeRun(out _));
        Assert.Equal(Pages - 1, t.FreePages);
        Assert.False(t.FreePage(7, Pages - 1));
        Assert.Equal(Pages, t.FreePages);
        Assert.True(t.TakeRun(out int whole));
        Assert.Equal(7, whole);
        Assert.True(t.IsWhole(7));
        Assert.Equal(0, t.FreePages);
    }

    [Fact]
    public void PagesComeFromASplitRunBeforeAnotherRunIsSplit()
    {
        RunTable t = WithFreeRuns(1, 2);
        Assert.True(t.TakePage(out int first, out _));
        Assert.True(t.TakePage(out int second, out _));
        Assert.Equal(first, second);
        Assert.True(t.TakeRun(out int other));     // the other run stays whole for a window
        Assert.NotEqual(first, other);
        Assert.False(t.TakeRun(out _));
    }

    [Fact]
    public void AWholeRunGivingBackOnePageIsSplitAndTheCallerIsTold()
    {
        RunTable t = WithFreeRuns(3);
        Assert.True(t.TakeRun(out int r));
        Assert.True(t.FreePage(r, 5));             // readers' whole-run copies must go now
        Assert.False(t.IsWhole(r));
        Assert.Equal(1, t.FreePages);
        Assert.True(t.TakePage(out int again, out int page));
        Assert.Equal((r, 5), (again, page));       // the page serves single use; the rest stay the holder's
        Assert.False(t.FreePage(r, 5));
        for (int k = 0; k < Pages; k++)
            if (k != 5) t.FreePage(r, k);
        Assert.Equal(Pages, t.FreePages);
        Assert.True(t.TakeRun(out int back));
        Assert.Equal(r, back);
    }

    [Fact]
    public void SplitRunsLeaveTheListFromTheMiddleWhenWhole()
    {
        RunTable t = WithFreeRuns(1, 2, 3);
        var taken = new (int Run, int Page)[3 * Pages];
        for (int i = 0; i < taken.Length; i++) Assert.True(t.TakePage(out taken[i].Run, out taken[i].Page));
        // One page of each back: all three are on the split list; the middle one then fills up.
        t.FreePage(taken[0].Run, taken[0].Page);
        t.FreePage(taken[Pages].Run, taken[Pages].Page);
        t.FreePage(taken[2 * Pages].Run, taken[2 * Pages].Page);
        for (int i = Pages + 1; i < 2 * Pages; i++) t.FreePage(taken[i].Run, taken[i].Page);
        Assert.Equal(Pages + 2, t.FreePages);
        Assert.True(t.TakeRun(out int whole));
        Assert.Equal(taken[Pages].Run, whole);
        Assert.False(t.TakeRun(out _));
        // The two split runs still give their free pages, then nothing.
        Assert.True(t.TakePage(out int a, out _));
        Assert.True(t.TakePage(out int b, out _));
        Assert.NotEqual(a, b);
        Assert.False(t.TakePage(out _, out _));
        Assert.Equal(3, t.Made);
    }
}
