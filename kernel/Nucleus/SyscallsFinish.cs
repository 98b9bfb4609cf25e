// The calls that can destroy CNodes (CapDelete, CapRevoke, ThreadConfigure) finish the list of dying
// CNodes before they answer (DyingCNodes). When a preemption point stops that drain, the call's own work
// is done but its answer is not given: the thread keeps the status in OwedStatus and the call restarts;
// the restarted call drains on and answers that status, without doing its work again (its handle may
// name nothing by then). A thread killed meanwhile owes nothing (Threads.Kill clears it).
using Vireo.Abi;
using Vireo.Kernel.Caps;

namespace Vireo.Kernel.Nucleus;

public static unsafe partial class Syscalls
{
    /// <summary>The restart of a call whose work was done (OwedStatus set): drain on, then answer what
    /// it owed (Restart while the drain goes on).</summary>
    private static Status PayOwed(Tcb* t)
    {
        if (!DyingCNodes.Drain()) return Preemption.Restart;
        var s = (Status)(long)(t->OwedStatus - 1);
        t->OwedStatus = 0;
        return s;
    }

    /// <summary>The call's work ended with `s`: drain the dying CNodes before answering it.</summary>
    private static Status Finish(Tcb* t, Status s)
    {
        if (s == Preemption.Restart || DyingCNodes.Drain() || t->State == ThreadState.Dead) return s;
        t->OwedStatus = (ulong)(long)s + 1;
        return Preemption.Restart;
    }

    /// <summary>Before a call that reuses memory or counts objects: drain first (Restart if stopped;
    /// the call has changed nothing yet).</summary>
    private static bool Settled() => DyingCNodes.IsEmpty || DyingCNodes.Drain();
}
