using Vireo.Abi;
using Vireo.Kernel.Sched;
using Xunit;

namespace Vireo.Tests.Sched;

public unsafe class MlfqTests
{
    private const ulong Us = 1_000;
    private const ulong Ms = 1_000_000;

    [Fact]
    public void SlicesDoubleWithDepth()
    {
        Assert.Equal(2 * Ms, Scheduler.TsSliceNanos(0));
        Assert.Equal(4 * Ms, Scheduler.TsSliceNanos(1));
        Assert.Equal(256 * Ms, Scheduler.TsSliceNanos(Scheduler.TsLevels - 1));
        Assert.True(Scheduler.TsLevels >= 8);
    }

    [Fact]
    public void UsingAFullSliceDemotesOneLevelDownToTheBottom()
    {
        var s = new Scheduler(0, 0);
        using var pool = new EntityPool(s, 1);
        SchedEntity* e = pool[0];
        s.Enqueue(e);
        ulong now = 0;
        for (int level = 0; level < Scheduler.TsLevels + 2; level++)
        {
            SchedEntity* cur = s.PickNext();
            Assert.True(cur == e);
            int expected = level < Scheduler.TsLevels ? level : Scheduler.TsLevels - 1;
            Assert.Equal(expected, e->Priority);
            ulong slice = Scheduler.TsSliceNanos(expected);
            now += slice - 1;
            Assert.False(s.Tick(cur, now, slice - 1));
            Assert.Equal(expected, e->Priority);
            now += 1;
            Assert.True(s.Tick(cur, now, 1));
            Assert.True(e->SliceExpired);
            s.PutPrev(cur);
            Assert.False(e->SliceExpired);
            Assert.True(s.CheckConsistency());
        }
        Assert.Equal(Scheduler.TsLevels - 1, e->Priority);
        Assert.Equal(Scheduler.TsSliceNanos(Scheduler.TsLevels - 1), e->SliceLeftNanos);
    }

    [Fact]
    public void DemotedEntityGoesToTheTailOfItsNewLevel()
    {
        var s = new Scheduler(0, 0);
        using var pool = new EntityPool(s, 2);
        s.Enqueue(pool.Make(s, 1, SchedClass.TimeSharing, 1));
        s.Enqueue(pool[0]);
        SchedEntity* cur = s.PickNext();
        Assert.True(cur == pool[0]);
        Assert.True(s.Tick(cur, 2 * Ms, 2 * Ms));
        s.PutPrev(cur);
        Assert.True(s.PickNext() == pool[1]);
        Assert.True(s.PickNext() == pool[0]);
    }

    [Fact]
    public void BlockingBeforeTheSliceEndsKeepsLevelAndRemainingAllotment()
    {
        var s = new Scheduler(0, 0);
        using var pool = new EntityPool(s, 1);
        SchedEntity* e = pool.Make(s, 0, SchedClass.TimeSharing, 2);
        s.Enqueue(e);
        SchedEntity* cur = s.PickNext();
        Assert.False(s.Tick(cur, 5 * Ms, 5 * Ms));
        Assert.False(s.Remove(cur));

        s.Tick(null, 50 * Ms, 45 * Ms);
        s.Enqueue(e);
        Assert.Equal(2, e->Priority);
        Assert.Equal(Scheduler.TsSliceNanos(2) - 5 * Ms, e->SliceLeftNanos);

        cur = s.PickNext();
        Assert.True(s.Tick(cur, 53 * Ms, 3 * Ms));
        Assert.Equal(3, e->Priority);
    }

    [Fact]
    public void HigherLevelWakeupPreemptsLowerLevel()
    {
        var s = new Scheduler(0, 0);
        using var pool = new EntityPool(s, 3);
        SchedEntity* low = pool.Make(s, 0, SchedClass.TimeSharing, 4);
        SchedEntity* same = pool.Make(s, 1, SchedClass.TimeSharing, 4);
        SchedEntity* high = pool[2];
        s.Enqueue(low);
        SchedEntity* cur = s.PickNext();
        Assert.False(s.ShouldPreempt(cur, same));
        Assert.True(s.ShouldPreempt(cur, high));
        Assert.True(s.ShouldPreempt(null, same));
        Assert.False(s.ShouldPreempt(cur, null));
        Assert.False(s.ShouldPreempt(cur, cur));
    }

    [Fact]
    public void BoostReturnsQueuedBlockedAndRunningEntitiesToTheirBaseLevel()
    {
        var s = new Scheduler(Scheduler.DefaultBoostPeriodNanos, 0);
        using var pool = new EntityPool(s, 4);
        SchedEntity* queued = pool.Make(s, 0, SchedClass.TimeSharing, 0);
        SchedEntity* blocked = pool.Make(s, 1, SchedClass.TimeSharing, 0);
        SchedEntity* running = pool.Make(s, 2, SchedClass.TimeSharing, 0);
        SchedEntity* based = pool.Make(s, 3, SchedClass.TimeSharing, 2);
        queued->Priority = 5;
        blocked->Priority = 6;
        running->Priority = 7;
        based->Priority = 7;
        s.Enqueue(queued);
        s.Enqueue(based);
        Assert.True(s.PickNext() == queued);
        s.Enqueue(queued);
        Assert.True(s.CheckConsistency());

        s.Tick(running, Scheduler.DefaultBoostPeriodNanos - 1, Ms);
        Assert.Equal(7, running->Priority);
        Assert.Equal(0ul, s.BoostEpoch);
        s.Tick(running, Scheduler.DefaultBoostPeriodNanos, 1);
        Assert.Equal(1ul, s.BoostEpoch);
        Assert.Equal(0, queued->Priority);
        Assert.Equal(2, based->Priority);
        Assert.Equal(0, running->Priority);
        Assert.Equal(6, blocked->Priority);
        Assert.True(s.CheckConsistency());

        s.Enqueue(blocked);
        Assert.Equal(0, blocked->Priority);
        Assert.Equal(Scheduler.TsSliceNanos(0), blocked->SliceLeftNanos);
        Assert.True(s.PickNext() == queued);
        Assert.True(s.PickNext() == blocked);
        Assert.True(s.PickNext() == based);
    }

    [Fact]
    public void BoostPreventsStarvationOfADemotedHog()
    {
        ulong withBoost = LowThreadRunTime(Scheduler.DefaultBoostPeriodNanos, out ulong firstRun);
        ulong withoutBoost = LowThreadRunTime(0, out _);
        Assert.True(withBoost > 0);
        Assert.True(firstRun <= 300 * Ms + Scheduler.DefaultBoostPeriodNanos);
        Assert.Equal(0ul, withoutBoost);
    }

    // Thread 0 is a CPU hog that sinks to the bottom level alone during the first 300 ms; then eight
    // interactive threads (0.5 ms of CPU, 0.5 ms asleep) keep the upper levels busy. Returns the hog's
    // CPU time and the start of its first run during the following second.
    private static ulong LowThreadRunTime(ulong boostPeriod, out ulong firstRunAfterStart)
    {
        var s = new Scheduler(boostPeriod, 0);
        using var sim = new SchedSim(s, 9, 100 * Us);
        sim.Start(0, 0, 0);
        sim.Run(300 * Ms);
        Assert.Equal(Scheduler.TsLevels - 1, sim.Pool[0]->Priority);
        for (int i = 1; i < 9; i++)
            sim.Start(i, 500 * Us, 500 * Us);
        sim.Run(1000 * Ms + 10 * Ms);
        Assert.True(s.CheckConsistency());

        firstRunAfterStart = ulong.MaxValue;
        for (int step = 0; step < sim.Timeline.Count; step++)
        {
            ulong t = (ulong)step * sim.Step;
            if (t >= 300 * Ms && sim.Timeline[step] == 0)
            {
                firstRunAfterStart = t;
                break;
            }
        }
        for (int i = 1; i < 9; i++)
            Assert.True(sim.RunTime[i] > 0);
        return sim.RunTimeBetween(0, 300 * Ms, 1310 * Ms);
    }
}
