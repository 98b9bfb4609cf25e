using Vireo.Abi;
using Vireo.Kernel.Sched;
using Xunit;

namespace Vireo.Tests.Sched;

public unsafe class RealTimeBudgetTests
{
    private const ulong Us = 1_000;
    private const ulong Ms = 1_000_000;

    [Fact]
    public void RunawayRealTimeThreadLeavesTheRestOfEachPeriodToTimeSharing()
    {
        var s = new Scheduler();
        using var sim = new SchedSim(s, 2, 100 * Us);
        sim.Pool.Make(s, 0, SchedClass.RealTimeFifo, Scheduler.RtPriorities - 1);
        sim.Start(0, 0, 0);
        sim.Start(1, 0, 0);
        sim.Run(100 * Ms);

        ulong period = Scheduler.DefaultRtPeriodNanos;
        ulong budget = Scheduler.DefaultRtBudgetNanos;
        for (ulong start = 0; start < 100 * Ms; start += period)
        {
            Assert.True(sim.RunTimeBetween(1, start, start + period) >= period - budget);
            Assert.True(sim.RunTimeBetween(0, start, start + period) >= budget - 100 * Us);
        }
        Assert.True(s.CheckConsistency());
    }

    [Fact]
    public void WithoutAnythingElseTheCpuIdlesWhileThrottled()
    {
        var s = new Scheduler();
        using var sim = new SchedSim(s, 1, 100 * Us);
        sim.Pool.Make(s, 0, SchedClass.RealTimeRoundRobin, 0);
        sim.Start(0, 0, 0);
        sim.Run(20 * Ms);
        Assert.Equal(2 * Scheduler.DefaultRtBudgetNanos, sim.RunTime[0]);
    }

    [Fact]
    public void ThrottledEntityIsReleasedExactlyAtItsNextPeriod()
    {
        var s = new Scheduler();
        using var pool = new EntityPool(s, 2);
        SchedEntity* rt = pool.Make(s, 0, SchedClass.RealTimeFifo, 10);
        Assert.True(s.SetBudget(rt, 1 * Ms, 4 * Ms));
        SchedEntity* ts = pool.Make(s, 1, SchedClass.TimeSharing, 3);
        s.Enqueue(rt);
        s.Enqueue(ts);

        SchedEntity* cur = s.PickNext();
        Assert.True(cur == rt);
        Assert.True(s.Tick(cur, 1 * Ms, 1 * Ms));
        s.PutPrev(cur);
        Assert.True(rt->Throttled);
        Assert.False(rt->Queued);
        Assert.Equal(1, s.ThrottledCount);
        Assert.True(s.CheckConsistency());

        cur = s.PickNext();
        Assert.True(cur == ts);
        Assert.False(s.Tick(cur, 4 * Ms - 1, 3 * Ms - 1));
        Assert.True(rt->Throttled);
        Assert.True(s.Tick(cur, 4 * Ms, 1));
        Assert.False(rt->Throttled);
        Assert.Equal(0, s.ThrottledCount);
        Assert.Equal(4 * Ms, rt->PeriodStart);
        Assert.Equal(0ul, rt->BudgetUsed);
        s.PutPrev(cur);
        Assert.True(s.PickNext() == rt);
    }

    [Fact]
    public void WakingWithASpentBudgetGoesToTheThrottledList()
    {
        var s = new Scheduler();
        using var pool = new EntityPool(s, 2);
        SchedEntity* rt = pool.Make(s, 0, SchedClass.RealTimeFifo, 3);
        s.Enqueue(rt);
        SchedEntity* cur = s.PickNext();
        s.Tick(cur, Scheduler.DefaultRtBudgetNanos, Scheduler.DefaultRtBudgetNanos);

        Assert.False(s.ShouldPreempt(pool[1], rt));
        Assert.True(s.Enqueue(rt));
        Assert.True(rt->Throttled);
        Assert.False(s.Enqueue(rt));
        Assert.True(s.PickNext() == null);

        Assert.True(s.Remove(rt));
        Assert.False(rt->Throttled);
        Assert.Equal(0, s.ThrottledCount);
        Assert.True(s.CheckConsistency());

        s.Tick(null, Scheduler.DefaultRtPeriodNanos, 0);
        Assert.True(s.ShouldPreempt(pool[1], rt));
        Assert.True(s.Enqueue(rt));
        Assert.True(rt->Queued);
    }

    [Fact]
    public void PeriodsStayAlignedAfterALongSleep()
    {
        var s = new Scheduler();
        using var pool = new EntityPool(s, 1);
        SchedEntity* rt = pool.Make(s, 0, SchedClass.RealTimeRoundRobin, 1);
        s.Enqueue(rt);
        SchedEntity* cur = s.PickNext();
        s.Tick(cur, 3 * Ms, 3 * Ms);
        Assert.Equal(3 * Ms, rt->BudgetUsed);
        s.Tick(cur, 57 * Ms, 1 * Ms);
        Assert.Equal(50 * Ms, rt->PeriodStart);
        Assert.Equal(1 * Ms, rt->BudgetUsed);
    }

    [Fact]
    public void LeavingRealTimeUnthrottlesAndReenteringStartsAFreshPeriod()
    {
        var s = new Scheduler();
        using var pool = new EntityPool(s, 1);
        SchedEntity* rt = pool.Make(s, 0, SchedClass.RealTimeFifo, 31);
        s.Enqueue(rt);
        SchedEntity* cur = s.PickNext();
        s.Tick(cur, 9600 * Us, 9600 * Us);
        s.PutPrev(cur);
        Assert.True(rt->Throttled);

        Assert.True(s.SetClass(rt, SchedClass.TimeSharing, 0));
        Assert.True(rt->Queued);
        Assert.False(rt->Throttled);
        Assert.True(s.CheckConsistency());

        Assert.True(s.SetClass(rt, SchedClass.RealTimeRoundRobin, 4));
        Assert.Equal(0ul, rt->BudgetUsed);
        Assert.True(s.PickNext() == rt);
    }
}
