// Scheduler policy for one CPU: which runnable entity runs next and for how long. It decides, the caller
// (the arch layer) switches; it never allocates and owns no threads, only links their SchedEntity structs.
//
// Two classes. Real-time (RealTimeFifo, RealTimeRoundRobin): fixed priorities 0..31, higher first; FIFO
// runs until it blocks, yields or is preempted, round-robin also rotates every RrQuantumNanos among equal
// priorities. Every real-time entity has a budget per period (default 9.5 ms per 10 ms); when it is spent
// the entity is throttled (kept off the run queues) until its next period, so a runaway real-time thread
// cannot starve time-sharing. Time-sharing sits below all real-time priorities and is a multi-level
// feedback queue of TsLevels levels: level 0 is highest, its allotment is 2 ms and doubles per level; using
// up the allotment demotes one level; blocking or yielding keeps the level and what is left of the allotment
// (so sleeping just before the allotment ends gains nothing); every boost period all time-sharing entities
// go back to their base level, so nothing starves for longer than one period.
//
// O(1) pick: one FIFO per priority/level plus a bitmap of non-empty FIFOs per class; the best real-time
// queue is the highest set bit, the best time-sharing queue the lowest. Enqueue, Remove, PickNext are O(1).
// Tick is O(throttled entities) and, once per boost period, O(queued time-sharing entities): entities off
// the queues (running, blocked) are boosted lazily through an epoch counter when they next run or queue.
//
// Protocol (see docs/design/scheduling.md): PickNext takes the chosen entity off its queue, so the running
// entity is never queued. On each timer interrupt and before every switch the caller charges the running
// entity with Tick; when Tick says reschedule, the caller returns the still-runnable current entity with
// PutPrev (head of its queue if preempted, tail if its slice ran out, the throttled list if its budget did)
// and then calls PickNext. A null pick means idle.
//
// Invariants (checked by CheckConsistency): bit p of _rtMask is set exactly when _rt[p] is non-empty, the
// same for _tsMask and _ts; every entity on _rt[p] is real-time with Priority p and Queued; every entity on
// _ts[l] is time-sharing with Priority l, Queued and an up-to-date BoostEpoch; every entity on _throttled is
// real-time, Throttled and has spent its budget.
using System.Numerics;
using Vireo.Abi;
using System.Runtime.CompilerServices;

namespace Vireo.Kernel.Sched;

public sealed unsafe class Scheduler
{
    public const int RtPriorities = 32;
    public const int TsLevels = 8;
    public const ulong TsBaseSliceNanos = 2_000_000;
    public const ulong RrQuantumNanos = 5_000_000;
    public const ulong DefaultRtBudgetNanos = 9_500_000;
    public const ulong DefaultRtPeriodNanos = 10_000_000;
    public const ulong DefaultBoostPeriodNanos = 1_000_000_000;

    // Preemption ranks: any real-time entity outranks any time-sharing one.
    private const int TsRankBase = 32;
    private const int RtRankBase = 64;

    private readonly RunQueue[] _rt = new RunQueue[RtPriorities];
    private readonly RunQueue[] _ts = new RunQueue[TsLevels];
    private RunQueue _throttled;
    private uint _rtMask;
    private uint _tsMask;
    private readonly ulong _boostPeriod;
    private ulong _nextBoost;
    private ulong _boostEpoch;
    private ulong _now;

    public Scheduler() : this(DefaultBoostPeriodNanos, 0)
    {
    }

    /// <summary>A boost period of 0 disables boosting (for tests that show why it exists).</summary>
    public Scheduler(ulong boostPeriodNanos, ulong nowNanos)
    {
        _boostPeriod = boostPeriodNanos;
        _now = nowNanos;
        _nextBoost = nowNanos + boostPeriodNanos;
    }

    /// <summary>The latest time passed to Tick; RT period checks on Enqueue use it.</summary>
    public ulong Now => _now;
    public ulong BoostEpoch => _boostEpoch;
    public int ThrottledCount => _throttled.Count;

    /// <summary>Whether any entity is queued: loads an idle CPU may make without the lock, as a hint
    /// (it takes the lock before it acts on it).</summary>
    public bool HasQueued => (_rtMask | _tsMask) != 0;

    /// <summary>Whether any entity is queued or throttled (a hint, as HasQueued).</summary>
    public bool HasWork => HasQueued || _throttled.Count != 0;

    public int QueuedCount
    {
        get
        {
            int count = 0;
            for (int p = 0; p < RtPriorities; p++)
                count += _rt[p].Count;
            for (int l = 0; l < TsLevels; l++)
                count += _ts[l].Count;
            return count;
        }
    }

    public static ulong TsSliceNanos(int level) => TsBaseSliceNanos << level;

    /// <summary>Makes e a fresh time-sharing entity at level 0, off every list, with the default RT budget.</summary>
    public void InitEntity(SchedEntity* e, ulong id)
    {
        e->Next = null;
        e->Prev = null;
        e->Id = id;
        e->Class = SchedClass.TimeSharing;
        e->Priority = 0;
        e->BaseLevel = 0;
        e->Queued = false;
        e->Throttled = false;
        e->SliceExpired = false;
        e->SliceLeftNanos = TsSliceNanos(0);
        e->BoostEpoch = _boostEpoch;
        e->BudgetNanos = DefaultRtBudgetNanos;
        e->PeriodNanos = DefaultRtPeriodNanos;
        e->BudgetUsed = 0;
        e->PeriodStart = _now;
    }

    /// <summary>Makes e runnable at the tail of its queue (or throttled, if its budget is spent).
    /// False when e is null or already queued or throttled.</summary>
    public bool Enqueue(SchedEntity* e) => Insert(e, false);

    /// <summary>Like Enqueue but at the head: a preempted entity keeps its turn.</summary>
    public bool EnqueueFront(SchedEntity* e) => Insert(e, true);

    /// <summary>Returns the entity that was running and is still runnable: at the tail if Tick found its
    /// slice or quantum used up, otherwise (preempted) at the head.</summary>
    public bool PutPrev(SchedEntity* e)
    {
        if (e == null)
            return false;
        return Insert(e, !e->SliceExpired);
    }

    /// <summary>Takes e off its run queue or the throttled list (it blocked, was suspended or died).
    /// False when it was on neither.</summary>
    public bool Remove(SchedEntity* e)
    {
        if (e == null)
            return false;
        if (e->Queued)
        {
            Unqueue(e);
            return true;
        }
        if (e->Throttled)
        {
            _throttled.Unlink(e);
            e->Throttled = false;
            return true;
        }
        return false;
    }

    /// <summary>Removes and returns the best runnable entity, or null when there is none (idle).</summary>
    public SchedEntity* PickNext()
    {
        SchedEntity* e = PeekNext();
        if (e != null)
            Unqueue(e);
        return e;
    }

    /// <summary>The entity PickNext would return, left on its queue.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public SchedEntity* PeekNext()
    {
        if (_rtMask != 0)
            return _rt[31 - BitOperations.LeadingZeroCount(_rtMask)].Head;
        if (_tsMask != 0)
            return _ts[BitOperations.TrailingZeroCount(_tsMask)].Head;
        return null;
    }

    /// <summary>Charges elapsedNanos to current alone (not queued): what a thread that blocks, yields
    /// or is switched away from owes, without the periodic work of Tick (boost, throttle release,
    /// queue comparison). Returns true when its slice, quantum or budget ran out.</summary>
    public bool Account(SchedEntity* current, ulong elapsedNanos)
    {
        if (current == null || current->Queued || current->Throttled)
            return false;
        bool reschedule = false;
        if (current->Class == SchedClass.TimeSharing)
        {
            ApplyPendingBoost(current);
            NormalizeSlice(current);
            if (elapsedNanos >= current->SliceLeftNanos)
            {
                if (current->Priority < TsLevels - 1)
                    current->Priority++;
                current->SliceLeftNanos = TsSliceNanos(current->Priority);
                current->SliceExpired = true;
                reschedule = true;
            }
            else
            {
                current->SliceLeftNanos -= elapsedNanos;
            }
        }
        else
        {
            RefreshPeriod(current);
            ulong used = current->BudgetUsed + elapsedNanos;
            current->BudgetUsed = used < elapsedNanos ? ulong.MaxValue : used;
            if (current->BudgetUsed >= current->BudgetNanos)
                reschedule = true;
            if (current->Class == SchedClass.RealTimeRoundRobin)
            {
                NormalizeSlice(current);
                if (elapsedNanos >= current->SliceLeftNanos)
                {
                    current->SliceLeftNanos = RrQuantumNanos;
                    current->SliceExpired = true;
                    reschedule = true;
                }
                else
                {
                    current->SliceLeftNanos -= elapsedNanos;
                }
            }
        }
        return reschedule;
    }

    /// <summary>Advances time to nowNanos and charges elapsedNanos to current (null when idle): boosts
    /// time-sharing when the boost period is over, releases throttled entities whose period restarted,
    /// demotes current on a used-up allotment, rotates round-robin, and detects a spent RT budget.
    /// Returns true when the caller should reschedule. current must not be on a queue (PickNext took it
    /// off); a queued current is not charged.</summary>
    public bool Tick(SchedEntity* current, ulong nowNanos, ulong elapsedNanos)
    {
        if (nowNanos > _now)
            _now = nowNanos;
        if (_boostPeriod != 0 && _now >= _nextBoost)
        {
            Boost();
            _nextBoost = _now + _boostPeriod;
        }
        ReleaseThrottled();

        if (current == null)
            return _rtMask != 0 || _tsMask != 0;
        if (current->Queued || current->Throttled)
            return false;

        bool reschedule = Account(current, elapsedNanos);
        return reschedule || BestQueuedRank() > Rank(current);
    }

    /// <summary>current gives up the CPU but stays runnable: tail of its queue, same level, same slice left.</summary>
    public bool Yield(SchedEntity* current)
    {
        if (current == null)
            return false;
        Remove(current);
        return Insert(current, false);
    }

    /// <summary>True when woken, just made runnable, should take the CPU from current (null = idle).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool ShouldPreempt(SchedEntity* current, SchedEntity* woken)
    {
        if (woken == null || woken->Throttled || woken == current)
            return false;
        if (woken->Class != SchedClass.TimeSharing && BudgetSpent(woken))
            return false;
        if (current == null)
            return true;
        return Rank(woken) > Rank(current);
    }

    /// <summary>Moves e to a class and priority (RT 0..31, TS base level 0..TsLevels-1). Entering real-time
    /// starts a fresh budget period; a TS entity starts at its new base level. False on bad input,
    /// unchanged.</summary>
    public bool SetClass(SchedEntity* e, SchedClass schedClass, int priority)
    {
        if (e == null || priority < 0)
            return false;
        bool rt = schedClass == SchedClass.RealTimeFifo || schedClass == SchedClass.RealTimeRoundRobin;
        if (rt ? priority >= RtPriorities : schedClass != SchedClass.TimeSharing || priority >= TsLevels)
            return false;

        bool listed = Remove(e);
        if (rt)
        {
            if (e->Class == SchedClass.TimeSharing)
            {
                if (e->PeriodNanos == 0 || e->BudgetNanos == 0)
                {
                    e->BudgetNanos = DefaultRtBudgetNanos;
                    e->PeriodNanos = DefaultRtPeriodNanos;
                }
                e->BudgetUsed = 0;
                e->PeriodStart = _now;
            }
            e->SliceLeftNanos = RrQuantumNanos;
        }
        else
        {
            e->BaseLevel = (byte)priority;
            e->SliceLeftNanos = TsSliceNanos(priority);
            e->BoostEpoch = _boostEpoch;
        }
        e->Class = schedClass;
        e->Priority = (byte)priority;
        e->SliceExpired = false;
        if (listed)
            Insert(e, false);
        return true;
    }

    /// <summary>Changes the priority (RT) or base level (TS) within e's class.</summary>
    public bool SetPriority(SchedEntity* e, int priority) => e != null && SetClass(e, e->Class, priority);

    /// <summary>Sets a real-time budget of budgetNanos per periodNanos, a new period starting now.
    /// False unless 0 &lt; budget &lt;= period.</summary>
    public bool SetBudget(SchedEntity* e, ulong budgetNanos, ulong periodNanos)
    {
        if (e == null || budgetNanos == 0 || periodNanos == 0 || budgetNanos > periodNanos)
            return false;
        bool listed = Remove(e);
        e->BudgetNanos = budgetNanos;
        e->PeriodNanos = periodNanos;
        e->BudgetUsed = 0;
        e->PeriodStart = _now;
        if (listed)
            Insert(e, false);
        return true;
    }

    /// <summary>Checks every invariant in the header, O(entities); for tests and debug builds.</summary>
    public bool CheckConsistency()
    {
        for (int p = 0; p < RtPriorities; p++)
        {
            if (!CheckQueue(ref _rt[p], _rtMask, p))
                return false;
            for (SchedEntity* e = _rt[p].Head; e != null; e = e->Next)
                if (e->Class == SchedClass.TimeSharing || e->Priority != p || !e->Queued || e->Throttled)
                    return false;
        }
        for (int l = 0; l < TsLevels; l++)
        {
            if (!CheckQueue(ref _ts[l], _tsMask, l))
                return false;
            for (SchedEntity* e = _ts[l].Head; e != null; e = e->Next)
                if (e->Class != SchedClass.TimeSharing || e->Priority != l || !e->Queued || e->Throttled
                    || e->BoostEpoch != _boostEpoch || e->Priority < e->BaseLevel)
                    return false;
        }
        if (!CheckLinks(ref _throttled))
            return false;
        for (SchedEntity* e = _throttled.Head; e != null; e = e->Next)
            if (e->Class == SchedClass.TimeSharing || !e->Throttled || e->Queued || e->BudgetUsed < e->BudgetNanos)
                return false;
        return true;
    }

    private bool Insert(SchedEntity* e, bool front)
    {
        if (e == null || e->Queued || e->Throttled)
            return false;
        e->SliceExpired = false;
        if (e->Class == SchedClass.TimeSharing)
        {
            ApplyPendingBoost(e);
        }
        else if (BudgetSpent(e))
        {
            e->Throttled = true;
            _throttled.PushBack(e);
            return true;
        }
        NormalizeSlice(e);

        e->Queued = true;
        ref RunQueue queue = ref QueueOf(e);
        if (front)
            queue.PushFront(e);
        else
            queue.PushBack(e);
        SetMaskBit(e);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Unqueue(SchedEntity* e)
    {
        ref RunQueue queue = ref QueueOf(e);
        queue.Unlink(e);
        e->Queued = false;
        if (queue.IsEmpty)
        {
            if (e->Class == SchedClass.TimeSharing)
                _tsMask &= ~(1u << e->Priority);
            else
                _rtMask &= ~(1u << e->Priority);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref RunQueue QueueOf(SchedEntity* e)
    {
        if (e->Class == SchedClass.TimeSharing)
            return ref _ts[e->Priority];
        return ref _rt[e->Priority];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SetMaskBit(SchedEntity* e)
    {
        if (e->Class == SchedClass.TimeSharing)
            _tsMask |= 1u << e->Priority;
        else
            _rtMask |= 1u << e->Priority;
    }

    /// <summary>Starts a new budget period if the current one is over. Periods stay aligned to PeriodStart.</summary>
    private void RefreshPeriod(SchedEntity* e)
    {
        if (e->PeriodNanos == 0)
            return;
        if (_now >= e->PeriodStart && _now - e->PeriodStart >= e->PeriodNanos)
        {
            e->PeriodStart += (_now - e->PeriodStart) / e->PeriodNanos * e->PeriodNanos;
            e->BudgetUsed = 0;
        }
    }

    private bool BudgetSpent(SchedEntity* e)
    {
        RefreshPeriod(e);
        return e->BudgetUsed >= e->BudgetNanos;
    }

    /// <summary>Moves every throttled entity whose period restarted back to the tail of its queue.</summary>
    private void ReleaseThrottled()
    {
        SchedEntity* e = _throttled.Head;
        while (e != null)
        {
            SchedEntity* next = e->Next;
            if (!BudgetSpent(e))
            {
                _throttled.Unlink(e);
                e->Throttled = false;
                Insert(e, false);
            }
            e = next;
        }
    }

    /// <summary>Sends every queued time-sharing entity back to its base level, keeping queue order
    /// (level by level); entities off the queues follow lazily through the epoch.</summary>
    private void Boost()
    {
        _boostEpoch++;
        SchedEntity* chain = null;
        SchedEntity* chainTail = null;
        for (int l = 0; l < TsLevels; l++)
        {
            if (_ts[l].IsEmpty)
                continue;
            SchedEntity* tail = _ts[l].Tail;
            SchedEntity* head = _ts[l].DetachAll();
            if (chainTail == null)
            {
                chain = head;
            }
            else
            {
                chainTail->Next = head;
                head->Prev = chainTail;
            }
            chainTail = tail;
        }
        _tsMask = 0;

        while (chain != null)
        {
            SchedEntity* next = chain->Next;
            chain->Next = null;
            chain->Prev = null;
            chain->Queued = false;
            Insert(chain, false);
            chain = next;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ApplyPendingBoost(SchedEntity* e)
    {
        if (e->BoostEpoch == _boostEpoch)
            return;
        e->BoostEpoch = _boostEpoch;
        e->Priority = e->BaseLevel;
        e->SliceLeftNanos = TsSliceNanos(e->BaseLevel);
    }

    /// <summary>A zero slice means "never set" (a zeroed entity): give it a full one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void NormalizeSlice(SchedEntity* e)
    {
        if (e->SliceLeftNanos != 0)
            return;
        if (e->Class == SchedClass.TimeSharing)
            e->SliceLeftNanos = TsSliceNanos(e->Priority);
        else if (e->Class == SchedClass.RealTimeRoundRobin)
            e->SliceLeftNanos = RrQuantumNanos;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Rank(SchedEntity* e)
    {
        if (e->Class != SchedClass.TimeSharing)
            return RtRankBase + e->Priority;
        int level = e->BoostEpoch == _boostEpoch ? e->Priority : e->BaseLevel;
        return TsRankBase + TsLevels - 1 - level;
    }

    private int BestQueuedRank()
    {
        if (_rtMask != 0)
            return RtRankBase + 31 - BitOperations.LeadingZeroCount(_rtMask);
        if (_tsMask != 0)
            return TsRankBase + TsLevels - 1 - BitOperations.TrailingZeroCount(_tsMask);
        return 0;
    }

    private static bool CheckQueue(ref RunQueue queue, uint mask, int bit)
    {
        if (((mask >> bit) & 1) != (queue.IsEmpty ? 0u : 1u))
            return false;
        return CheckLinks(ref queue);
    }

    private static bool CheckLinks(ref RunQueue queue)
    {
        int count = 0;
        SchedEntity* prev = null;
        for (SchedEntity* e = queue.Head; e != null; e = e->Next)
        {
            if (e->Prev != prev)
                return false;
            prev = e;
            count++;
        }
        return prev == queue.Tail && count == queue.Count;
    }
}
