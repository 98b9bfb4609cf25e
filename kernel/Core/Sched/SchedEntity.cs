// The scheduler's view of a thread: an unmanaged struct embedded in the thread object, which lives in
// physical memory. Entities are linked into queues through their own Next/Prev pointers, so the scheduler
// never allocates; an entity is on at most one list at a time (a run queue or the throttled list).
//
// Invariants (kept by Scheduler): Queued and Throttled are never both set; Next/Prev are null unless one of
// them is; while Queued, Class and Priority name the queue the entity is on, so they change only through
// Scheduler.SetClass/SetPriority, which take the entity off its queue first; for time-sharing,
// BaseLevel <= Priority < Scheduler.TsLevels.
using Vireo.Abi;

namespace Vireo.Kernel.Sched;

public unsafe struct SchedEntity
{
    public SchedEntity* Next;
    public SchedEntity* Prev;

    /// <summary>Identifies the owning thread in diagnostics and tests; the scheduler never reads it.</summary>
    public ulong Id;

    public SchedClass Class;

    /// <summary>Real-time: 0..31, higher runs first. Time-sharing: current level, 0 is the highest.</summary>
    public byte Priority;

    /// <summary>Time-sharing: the level the entity starts at and returns to on a boost.</summary>
    public byte BaseLevel;

    /// <summary>On a run queue.</summary>
    public bool Queued;

    /// <summary>On the throttled list: real-time, runnable, budget spent until the next period.</summary>
    public bool Throttled;

    /// <summary>Set by Tick when the slice or quantum ran out, so PutPrev queues at the tail.</summary>
    public bool SliceExpired;

    /// <summary>Time-sharing: what is left of the allotment at the current level; real-time round-robin:
    /// what is left of the quantum. Kept across blocking, so sleeping just before the slice ends does not
    /// earn a fresh one.</summary>
    public ulong SliceLeftNanos;

    /// <summary>Boost epoch last applied; a stale one means a boost happened while the entity was
    /// off the run queues, and it is applied lazily when the entity next runs or is queued.</summary>
    public ulong BoostEpoch;

    public ulong BudgetNanos;
    public ulong PeriodNanos;
    public ulong BudgetUsed;
    public ulong PeriodStart;
}
