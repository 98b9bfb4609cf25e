using System;
using System.Collections.Generic;
using Vireo.Abi;
using Vireo.Kernel.Sched;
using Xunit;

namespace Vireo.Tests.Sched;

public unsafe class SchedulerPickTests
{
    private const ulong Ms = 1_000_000;

    [Fact]
    public void EmptySchedulerPicksNothing()
    {
        var s = new Scheduler();
        Assert.True(s.PickNext() == null);
        Assert.True(s.PeekNext() == null);
        Assert.False(s.Tick(null, Ms, Ms));
        Assert.True(s.CheckConsistency());
    }

    [Fact]
    public void RealTimeRunsBeforeTimeSharing()
    {
        var s = new Scheduler();
        using var pool = new EntityPool(s, 3);
        SchedEntity* ts = pool[0];
        SchedEntity* rtLow = pool.Make(s, 1, SchedClass.RealTimeFifo, 0);
        SchedEntity* rr = pool.Make(s, 2, SchedClass.RealTimeRoundRobin, 0);
        s.Enqueue(ts);
        s.Enqueue(rtLow);
        s.Enqueue(rr);
        Assert.True(s.PickNext() == rtLow);
        Assert.True(s.PickNext() == rr);
        Assert.True(s.PickNext() == ts);
        Assert.True(s.PickNext() == null);
    }

    [Fact]
    public void HigherRealTimePriorityFirstAndLowerTsLevelFirst()
    {
        var s = new Scheduler();
        using var pool = new EntityPool(s, 8);
        int[] rtPriorities = { 3, 31, 0, 17 };
        for (int i = 0; i < rtPriorities.Length; i++)
            s.Enqueue(pool.Make(s, i, SchedClass.RealTimeFifo, rtPriorities[i]));
        int[] tsLevels = { 5, 0, 7, 2 };
        for (int i = 0; i < tsLevels.Length; i++)
            s.Enqueue(pool.Make(s, 4 + i, SchedClass.TimeSharing, tsLevels[i]));

        var order = new List<ulong>();
        for (SchedEntity* e = s.PickNext(); e != null; e = s.PickNext())
            order.Add(e->Id);
        Assert.Equal(new ulong[] { 1, 3, 0, 2, 5, 7, 4, 6 }, order);
        Assert.True(s.CheckConsistency());
    }

    [Fact]
    public void FifoKeepsCpuAmongEqualsWhileRoundRobinRotates()
    {
        var s = new Scheduler();
        using var pool = new EntityPool(s, 4);
        SchedEntity* fifoA = pool.Make(s, 0, SchedClass.RealTimeFifo, 5);
        SchedEntity* fifoB = pool.Make(s, 1, SchedClass.RealTimeFifo, 5);
        s.Enqueue(fifoA);
        s.Enqueue(fifoB);
        SchedEntity* cur = s.PickNext();
        Assert.True(cur == fifoA);
        for (ulong t = 1; t <= 9; t++)
            Assert.False(s.Tick(cur, t * Ms, Ms));

        var s2 = new Scheduler();
        SchedEntity* rrA = pool[2];
        SchedEntity* rrB = pool[3];
        s2.InitEntity(rrA, 2);
        s2.InitEntity(rrB, 3);
        s2.SetClass(rrA, SchedClass.RealTimeRoundRobin, 5);
        s2.SetClass(rrB, SchedClass.RealTimeRoundRobin, 5);
        s2.Enqueue(rrA);
        s2.Enqueue(rrB);
        cur = s2.PickNext();
        Assert.True(cur == rrA);
        ulong now = 0;
        for (int i = 0; i < 4; i++)
        {
            now += Ms;
            Assert.False(s2.Tick(cur, now, Ms));
        }
        now += Ms;
        Assert.True(s2.Tick(cur, now, Ms));
        s2.PutPrev(cur);
        Assert.True(s2.PickNext() == rrB);
        Assert.True(s2.PeekNext() == rrA);
        Assert.Equal(Scheduler.RrQuantumNanos, rrA->SliceLeftNanos);
    }

    [Fact]
    public void PreemptedEntityGoesBackToTheHead()
    {
        var s = new Scheduler();
        using var pool = new EntityPool(s, 3);
        SchedEntity* a = pool.Make(s, 0, SchedClass.RealTimeFifo, 5);
        SchedEntity* b = pool.Make(s, 1, SchedClass.RealTimeFifo, 5);
        SchedEntity* high = pool.Make(s, 2, SchedClass.RealTimeFifo, 10);
        s.Enqueue(a);
        s.Enqueue(b);
        SchedEntity* cur = s.PickNext();
        Assert.True(cur == a);

        Assert.False(s.ShouldPreempt(cur, b));
        s.Enqueue(high);
        Assert.True(s.ShouldPreempt(cur, high));
        Assert.True(s.Tick(cur, Ms, Ms));
        s.PutPrev(cur);
        Assert.True(s.PickNext() == high);
        Assert.True(s.PickNext() == a);
        Assert.True(s.PickNext() == b);
    }

    [Fact]
    public void EnqueueFrontAndYield()
    {
        var s = new Scheduler();
        using var pool = new EntityPool(s, 3);
        s.Enqueue(pool[0]);
        s.Enqueue(pool[1]);
        s.EnqueueFront(pool[2]);
        Assert.True(s.PeekNext() == pool[2]);

        SchedEntity* cur = s.PickNext();
        s.Tick(cur, Ms, Ms / 2);
        Assert.True(s.Yield(cur));
        Assert.Equal(0, cur->Priority);
        Assert.Equal(Scheduler.TsSliceNanos(0) - Ms / 2, cur->SliceLeftNanos);
        Assert.True(s.PickNext() == pool[0]);
        Assert.True(s.PickNext() == pool[1]);
        Assert.True(s.PickNext() == pool[2]);

        s.Enqueue(pool[0]);
        s.Enqueue(pool[1]);
        Assert.True(s.Yield(pool[0]));
        Assert.True(s.PickNext() == pool[1]);
        Assert.False(s.Yield(null));
    }

    [Fact]
    public void RemoveFromHeadMiddleAndTail()
    {
        var s = new Scheduler();
        using var pool = new EntityPool(s, 5);
        for (int i = 0; i < 5; i++)
            s.Enqueue(pool[i]);
        Assert.True(s.Remove(pool[2]));
        Assert.True(s.CheckConsistency());
        Assert.True(s.Remove(pool[0]));
        Assert.True(s.Remove(pool[4]));
        Assert.False(s.Remove(pool[2]));
        Assert.False(s.Remove(null));
        Assert.True(s.CheckConsistency());
        Assert.Equal(2, s.QueuedCount);
        Assert.True(s.PickNext() == pool[1]);
        Assert.True(s.PickNext() == pool[3]);
        Assert.True(s.PickNext() == null);
        Assert.True(pool[2]->Next == null && pool[2]->Prev == null && !pool[2]->Queued);
    }

    [Fact]
    public void RemovingTheLastEntityOfAQueueClearsItsBit()
    {
        var s = new Scheduler();
        using var pool = new EntityPool(s, 2);
        SchedEntity* rt = pool.Make(s, 0, SchedClass.RealTimeFifo, 20);
        s.Enqueue(rt);
        s.Enqueue(pool[1]);
        s.Remove(rt);
        Assert.True(s.CheckConsistency());
        Assert.True(s.PickNext() == pool[1]);
    }

    [Fact]
    public void BadInputIsRefusedAndChangesNothing()
    {
        var s = new Scheduler();
        using var pool = new EntityPool(s, 1);
        SchedEntity* e = pool[0];
        Assert.False(s.Enqueue(null));
        Assert.False(s.EnqueueFront(null));
        Assert.False(s.PutPrev(null));
        Assert.True(s.Enqueue(e));
        Assert.False(s.Enqueue(e));
        Assert.False(s.EnqueueFront(e));
        Assert.Equal(1, s.QueuedCount);

        Assert.False(s.SetClass(e, SchedClass.RealTimeFifo, 32));
        Assert.False(s.SetClass(e, SchedClass.RealTimeRoundRobin, -1));
        Assert.False(s.SetClass(e, SchedClass.TimeSharing, Scheduler.TsLevels));
        Assert.False(s.SetClass(e, (SchedClass)7, 0));
        Assert.False(s.SetClass(null, SchedClass.TimeSharing, 0));
        Assert.False(s.SetPriority(null, 0));
        Assert.False(s.SetBudget(e, 0, Ms));
        Assert.False(s.SetBudget(e, Ms, 0));
        Assert.False(s.SetBudget(e, 2 * Ms, Ms));
        Assert.Equal(SchedClass.TimeSharing, e->Class);
        Assert.Equal(0, e->Priority);
        Assert.Equal(Scheduler.DefaultRtBudgetNanos, e->BudgetNanos);
        Assert.True(s.CheckConsistency());
        Assert.True(s.PickNext() == e);
    }

    [Fact]
    public void SetClassMovesAQueuedEntity()
    {
        var s = new Scheduler();
        using var pool = new EntityPool(s, 2);
        s.Enqueue(pool[0]);
        s.Enqueue(pool[1]);
        Assert.True(s.SetClass(pool[1], SchedClass.RealTimeRoundRobin, 7));
        Assert.True(s.CheckConsistency());
        Assert.True(s.PickNext() == pool[1]);
        Assert.True(s.SetPriority(pool[0], 3));
        Assert.Equal(3, pool[0]->BaseLevel);
        Assert.True(s.CheckConsistency());
        Assert.True(s.PickNext() == pool[0]);
    }

    [Fact]
    public void ZeroedEntityWorksAsTimeSharingLevelZero()
    {
        var s = new Scheduler();
        SchedEntity e = default;
        SchedEntity* p = &e;
        Assert.True(s.Enqueue(p));
        Assert.True(s.PickNext() == p);
        Assert.Equal(Scheduler.TsSliceNanos(0), e.SliceLeftNanos);
        Assert.False(s.Tick(p, Ms, Ms));
    }

    [Fact]
    public void TenThousandEntitiesComeOutInPriorityThenFifoOrder()
    {
        const int n = 10_000;
        var s = new Scheduler();
        using var pool = new EntityPool(s, n);
        var rng = new Random(1234);
        var rank = new int[n];
        for (int i = 0; i < n; i++)
        {
            if (rng.Next(3) == 0)
            {
                int p = rng.Next(Scheduler.RtPriorities);
                pool.Make(s, i, rng.Next(2) == 0 ? SchedClass.RealTimeFifo : SchedClass.RealTimeRoundRobin, p);
                rank[i] = 100 + p;
            }
            else
            {
                int l = rng.Next(Scheduler.TsLevels);
                pool.Make(s, i, SchedClass.TimeSharing, l);
                rank[i] = Scheduler.TsLevels - l;
            }
            Assert.True(s.Enqueue(pool[i]));
        }
        var removed = new bool[n];
        for (int i = 0; i < n; i += 7)
        {
            Assert.True(s.Remove(pool[i]));
            removed[i] = true;
        }
        Assert.True(s.CheckConsistency());

        int picked = 0;
        int lastRank = int.MaxValue;
        int lastIndex = -1;
        for (SchedEntity* e = s.PickNext(); e != null; e = s.PickNext())
        {
            int i = (int)e->Id;
            Assert.False(removed[i]);
            Assert.True(rank[i] <= lastRank);
            if (rank[i] == lastRank)
                Assert.True(i > lastIndex);
            lastRank = rank[i];
            lastIndex = i;
            picked++;
        }
        Assert.Equal(n - (n + 6) / 7, picked);
        Assert.Equal(0, s.QueuedCount);
        Assert.True(s.CheckConsistency());
    }
}
