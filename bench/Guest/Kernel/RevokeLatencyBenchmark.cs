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
    private static ulong s_last, s_longest;

    // The kernel's hooks, with the time of every preemption point recorded.
    private struct TimedHooks : IObjectHooks
    {
        public ObjectHooks Inner;
        public bool Preemptible;

        public void Initialize(ObjectType type, ulong phys, int sizeBits) => Inner.Initialize(type, phys, sizeBits);
        public void Destroy(ObjectType type, ulong phys, int sizeBits) => Inner.Destroy(type, phys, sizeBits);
        public void CapRemoved(ref CapSlot slot) => Inner.CapRemoved(ref slot);

        public bool PreemptionPoint()
        {
            if (!Preemptible) return false;
            Mark();
            return Inner.PreemptionPoint();
        }
    }

    private static void Mark()
    {
        ulong now = Cpu.ReadTsc();
        if (now - s_last > s_longest) s_longest = now - s_last;
        s_last = now;
    }

    /// <summary>Longest stretch without a preemption point, and how many restarts the revoke took.</summary>
    public static ulong Measure(bool preemptible, out ulong restarts)
    {
        restarts = 0;
        if (!PreemptionWorld.Create() || !PreemptionWorld.BuildCopyTree(TreeSize, 1)) return 0;
        var map = KernelState.Direct;
        PreemptionWorld.StartInterrupts(10000);
        s_longest = 0;
        s_last = Cpu.ReadTsc();
        while (true)
        {
            var hooks = new TimedHooks { Preemptible = preemptible };
            Status s = CapOps.Revoke(map, PreemptionWorld.Slot(0), ref hooks);
            Mark();
            if (s != Preemption.Restart) break;
            restarts++;
            PreemptionWorld.TakeInterrupts();
            s_last = Cpu.ReadTsc();
        }
        PreemptionWorld.StopInterrupts();
        bool clean = PreemptionWorld.At(PreemptionWorld.Slot(0))->FirstChild == 0;
        PreemptionWorld.Destroy();
        return clean ? s_longest : 0;
    }
}
