// The kernel's list of dying CNodes: CNodes whose last capability went and whose own capabilities are
// still to be deleted (CapDeletion.Drain; the list is threaded through the dead CNodes' own slot 0, so
// it needs no memory of its own). Whatever deletes capabilities puts the CNodes it destroys here, in the
// middle of a hook as much as in a syscall, and the list is finished in bounded steps with a preemption
// point after each (ADR 0003):
// - by the call that caused it (CapDelete, CapRevoke, ThreadConfigure), before it answers: a stop
//   restarts the call, which then only goes on draining and answers what it owed (Syscalls.Finish);
// - before a Retype or KernelCounters, which must not reuse the dead CNodes' memory (given back to its
//   untyped when the last capability went, and not to be written while their slots are scanned) or
//   count objects that are about to go. That also finishes a list left by a thread that died draining.
// So user code runs on a list that is empty but for a call stopped half-way, as it would with a revoke.
using System.Runtime.CompilerServices;
using Vireo.Kernel.Caps;

namespace Vireo.Kernel.Nucleus;

public static class DyingCNodes
{
    /// <summary>The first entry (CapDeletion's list head), Null when empty.</summary>
    public static SlotAddr Head;

    /// <summary>No CNode is waiting. A property of its own, inlined: read in place (Head.Value, two IL
    /// instructions) the test pushed Syscalls.Settled over the inliner's size limit, a call more per Retype.</summary>
    public static bool IsEmpty
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Head.Value == 0;
    }

    /// <summary>Drains the list; false when a preemption point stopped it (an interrupt is pending).</summary>
    public static bool Drain()
    {
        if (IsEmpty) return true;
        var hooks = new ObjectHooks();
        return CapDeletion.Drain(NucleusContext.Current.Direct, ref Head, ref hooks, preemptible: true);
    }
}
