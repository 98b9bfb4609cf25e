// irq_latency_during_cnode_cycle: the longest time an interrupt can wait while the CapDelete syscall
// deletes the last capability of a CNode X of 4,096 slots that holds the last capability of another
// CNode Y of 4,096 slots, Y holding that very capability (a cycle). The emptying of X (and of Y, but
// for the deleted capability) is restartable; what it cannot finish itself, Y's destruction after the
// deleted capability goes, waits on the list of dying CNodes and is drained in bounded steps as
// Syscalls.Finish does (once one stretch: Drain's scans of both CNodes). Measured as
// irq_latency_during_revoke is (LatencyProbe).
using Vireo.Abi;
using Vireo.Kernel.Boot;
using Vireo.Kernel.Caps;
using Vireo.Kernel.Tests;

namespace Vireo.Kernel.Bench;

public static unsafe class CNodeCycleLatencyBenchmark
{
    private const int SlotBits = 12;

    private static SlotAddr s_slot;

    /// <summary>Longest stretch without a preemption point, and how many restarts the delete took; 0 if
    /// the cycle could not be built or was not destroyed.</summary>
    public static ulong Measure(out ulong restarts)
    {
        restarts = 0;
        if (!PreemptionWorld.Create() || !PreemptionWorld.BuildCNodeCycle(SlotBits, out s_slot)) return 0;
        Status s = LatencyProbe.RunRestarting(&Delete, true, out restarts);
        bool gone = s == Status.Ok && LatencyProbe.Dying.IsNull && PreemptionWorld.At(PreemptionWorld.Slot(0))->FirstChild.IsNull;
        PreemptionWorld.Destroy();
        return gone ? LatencyProbe.Longest : 0;
    }

    // The CapDelete syscall with Syscalls.Finish.
    private static Status Delete(ref LatencyProbe.TimedHooks hooks) => LatencyProbe.Owed ? LatencyProbe.Finish(Status.Ok, ref hooks)
        : LatencyProbe.Finish(CapOps.DeleteRestartable(KernelState.Direct, s_slot, ref LatencyProbe.Dying, ref hooks), ref hooks);
}
