// irq_latency_during_cnode_delete: the longest time an interrupt can wait while the last capability of a
// CNode of 4,096 occupied slots is deleted through the restartable delete the CapDelete syscall uses
// (CapOps.DeleteRestartable: the CNode is emptied a capability at a time, then destroyed without a scan;
// ADR 0003). Measured as irq_latency_during_revoke is (LatencyProbe). cnode_delete_4096_unpreempted is
// the plain Delete of the same CNode: one stretch, as the syscall did before. irq_latency_during_revoke_cnode
// is the same CNode retyped from an untyped of its own size that is then revoked: the revoke empties the
// CNode restartably too (CapDeletion.RevokeDescendants), where it once destroyed it in one stretch.
using Vireo.Abi;
using Vireo.Kernel.Boot;
using Vireo.Kernel.Caps;
using Vireo.Kernel.Tests;

namespace Vireo.Kernel.Bench;

public static unsafe class CNodeDeleteLatencyBenchmark
{
    private const int SlotBits = 12;

    /// <summary>Longest stretch without a preemption point, and how many restarts the delete took; 0 if
    /// the CNode could not be built or was not destroyed.</summary>
    public static ulong Measure(bool preemptible, out ulong restarts) =>
        preemptible ? Run(&DeleteRestartable, true, false, out restarts) : Run(&DeletePlain, false, false, out restarts);

    /// <summary>The same for a revoke of the untyped the CNode was retyped from.</summary>
    public static ulong MeasureRevoke(out ulong restarts) => Run(&Revoke, true, true, out restarts);

    private static ulong Run(delegate*<ref LatencyProbe.TimedHooks, Status> op, bool preemptible, bool ownUntyped,
        out ulong restarts)
    {
        restarts = 0;
        if (!PreemptionWorld.Create() || !PreemptionWorld.BuildFullCNode(SlotBits, ownUntyped)) return 0;
        Status s = LatencyProbe.RunRestarting(op, preemptible, out restarts);
        bool gone = s == Status.Ok && PreemptionWorld.At(PreemptionWorld.HolderSlot(2))->IsEmpty &&
            PreemptionWorld.At(PreemptionWorld.Slot(0))->FirstChild.IsNull;
        PreemptionWorld.Destroy();
        return gone ? LatencyProbe.Longest : 0;
    }

    // The syscalls: the operation on the kernel's list of dying CNodes, then Syscalls.Finish.
    private static Status Revoke(ref LatencyProbe.TimedHooks hooks) => LatencyProbe.Owed ? LatencyProbe.Finish(Status.Ok, ref hooks)
        : LatencyProbe.Finish(CapOps.Revoke(KernelState.Direct, PreemptionWorld.HolderSlot(3), ref LatencyProbe.Dying, ref hooks), ref hooks);

    private static Status DeleteRestartable(ref LatencyProbe.TimedHooks hooks) => LatencyProbe.Owed ? LatencyProbe.Finish(Status.Ok, ref hooks)
        : LatencyProbe.Finish(CapOps.DeleteRestartable(KernelState.Direct, PreemptionWorld.HolderSlot(2), ref LatencyProbe.Dying, ref hooks), ref hooks);

    private static Status DeletePlain(ref LatencyProbe.TimedHooks hooks) =>
        CapOps.Delete(KernelState.Direct, PreemptionWorld.HolderSlot(2), ref hooks);
}
