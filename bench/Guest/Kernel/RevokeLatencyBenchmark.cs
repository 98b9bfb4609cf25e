// irq_latency_during_revoke: the longest time an interrupt can wait while a tree of 10,000 capabilities
// is revoked (ADR 0003, "Preemption points"). The kernel runs with interrupts off, so an interrupt raised
// at any instant waits until the next place it can be taken: the next preemption point that finds it
// pending (the operation then stops and the way out enables interrupts). The figure is therefore the
// longest stretch of the revoke between two consecutive preemption points, from its start to the first
// one and from the last one to its end, restarts included (the restarted Revoke's descent from the root
// counts), measured with rdtsc at each point; under -icount the TSC counts instructions. A periodic timer
// at 10 kHz raises real interrupts, so the revoke is really preempted and restarted while it is measured.
// Not included: the syscall's own entry and exit around a restart (about 100 instructions, null_syscall)
// and the rdtsc reads themselves. revoke_10000_unpreempted is the same revoke with no preemption point
// at all: the latency the kernel had before preemption points, when the whole revoke was one stretch.
using Vireo.Abi;
using Vireo.Kernel.Arch.X64;
using Vireo.Kernel.Boot;
using Vireo.Kernel.Caps;
using Vireo.Kernel.Nucleus;
using Vireo.Kernel.Tests;

namespace Vireo.Kernel.Bench;

public static unsafe class RevokeLatencyBenchmark
{
    private const ulong TreeSize = 10000;

    /// <summary>Longest stretch without a preemption point, and how many restarts the revoke took.</summary>
    public static ulong Measure(bool preemptible, out ulong restarts)
    {
        restarts = 0;
        if (!PreemptionWorld.Create() || !PreemptionWorld.BuildCopyTree(TreeSize, 1)) return 0;
        LatencyProbe.RunRestarting(&Revoke, preemptible, out restarts);
        bool clean = PreemptionWorld.At(PreemptionWorld.Slot(0))->FirstChild.IsNull;
        PreemptionWorld.Destroy();
        return clean ? LatencyProbe.Longest : 0;
    }

    private static Status Revoke(ref LatencyProbe.TimedHooks hooks) =>
        CapOps.Revoke(KernelState.Direct, PreemptionWorld.Slot(0), ref hooks);
}
