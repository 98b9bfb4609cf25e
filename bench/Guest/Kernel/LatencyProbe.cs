// What the irq_latency_during_* benchmarks share: the kernel's hooks with the time of every preemption
// point recorded, and the longest stretch between two of them. The kernel runs with interrupts off, so
// an interrupt raised at any instant waits until the next preemption point finds it pending: the longest
// stretch is the longest an interrupt can wait during the operation. Under -icount the TSC counts
// instructions.
using Vireo.Abi;
using Vireo.Kernel.Arch.X64;
using Vireo.Kernel.Boot;
using Vireo.Kernel.Caps;
using Vireo.Kernel.Memory;
using Vireo.Kernel.Nucleus;
using Vireo.Kernel.Tests;

namespace Vireo.Kernel.Bench;

public static unsafe class LatencyProbe
{
    private static ulong s_last, s_longest;
    private static SlotAddr s_dying;
    private static bool s_owed;

    /// <summary>The kernel's hooks; Preemptible false makes the operation one stretch (no points).</summary>
    public struct TimedHooks : IObjectHooks
    {
        public ObjectHooks Inner;
        public bool Preemptible;

        public void Initialize(ObjectType type, PhysAddr phys, int sizeBits) => Inner.Initialize(type, phys, sizeBits);
        public void Destroy(ObjectType type, ulong phys, int sizeBits) => Inner.Destroy(type, phys, sizeBits);
        public void CapRemoved(ref CapSlot slot) => Inner.CapRemoved(ref slot);

        public bool PreemptionPoint()
        {
            if (!Preemptible) return false;
            Mark();
            return Inner.PreemptionPoint();
        }
    }

    /// <summary>A new measurement starts now.</summary>
    public static void Start()
    {
        s_longest = 0;
        s_last = Cpu.ReadTsc();
    }

    /// <summary>A point where an interrupt could be taken: the stretch since the last one ends.</summary>
    public static void Mark()
    {
        ulong now = Cpu.ReadTsc();
        if (now - s_last > s_longest) s_longest = now - s_last;
        s_last = now;
    }

    /// <summary>After a restart's interrupt was taken: the next stretch starts now.</summary>
    public static void Resume() => s_last = Cpu.ReadTsc();

    public static ulong Longest => s_longest;

    /// <summary>The list of dying CNodes of the operation under measure (DyingCNodes' part), empty at
    /// the start of RunRestarting.</summary>
    public static ref SlotAddr Dying => ref s_dying;

    /// <summary>The operation's own work is done and only the list is left to drain (OwedStatus).</summary>
    public static bool Owed => s_owed;

    /// <summary>What Syscalls.Finish does after the operation ended with `s`: drain the list, and when a
    /// preemption point stops that, restart with the work owed.</summary>
    public static Status Finish(Status s, ref TimedHooks hooks)
    {
        if (s == Preemption.Restart) return s;
        s_owed = true;
        if (!CapDeletion.Drain(KernelState.Direct, ref s_dying, ref hooks, preemptible: true)) return Preemption.Restart;
        s_owed = false;
        return s;
    }

    /// <summary>Runs `op` under a 10 kHz timer until it no longer stops at a preemption point, taking the
    /// pending interrupt at each stop as the return to user space would; the longest stretch is then in
    /// Longest. Returns op's final status.</summary>
    public static Status RunRestarting(delegate*<ref TimedHooks, Status> op, bool preemptible, out ulong restarts)
    {
        restarts = 0;
        s_dying = SlotAddr.Null;
        s_owed = false;
        Status s;
        PreemptionWorld.StartInterrupts(10000);
        Start();
        while (true)
        {
            var hooks = new TimedHooks { Preemptible = preemptible };
            s = op(ref hooks);
            Mark();
            if (s != Preemption.Restart) break;
            restarts++;
            PreemptionWorld.TakeInterrupts();
            Resume();
        }
        PreemptionWorld.StopInterrupts();
        return s;
    }
}
