// irq_latency_during_zeroing: the longest time an interrupt can wait while one 64 MiB frame is retyped,
// most of which is zeroing it (ADR 0003, "Preemption points"; Untyped zeroes an object larger than
// ZeroChunk a chunk at a time). Measured as irq_latency_during_revoke is (LatencyProbe): the longest
// stretch between preemption points under a 10 kHz timer, restarts included.
// zeroing_64MiB_unpreempted is the same retype with no preemption point: one stretch, as before.
using Vireo.Abi;
using Vireo.Kernel.Boot;
using Vireo.Kernel.Caps;
using Vireo.Kernel.Memory;

namespace Vireo.Kernel.Bench;

public static unsafe class ZeroingLatencyBenchmark
{
    private const int FrameBits = 26;
    private const ulong Frames = 1UL << (FrameBits - 12);
    private static PhysAddr s_holder;   // a one-frame CNode: the untyped in slot 0, the frame made in slot 1

    /// <summary>Longest stretch without a preemption point, and how many restarts the retype took;
    /// 0 if the memory could not be had or the frame was not made.</summary>
    public static ulong Measure(bool preemptible, out ulong restarts)
    {
        restarts = 0;
        var map = KernelState.Direct;
        if (!KernelState.Frames.TryAllocZeroed(out PhysAddr holder)) return 0;
        if (!KernelState.Frames.TryAllocContiguous(Frames, Frames, out PhysAddr memory))
        {
            KernelState.Frames.Free(holder);
            return 0;
        }
        s_holder = holder;
        // The untyped is slot 0 of the holder, the frame goes to slot 1.
        Status s = CapOps.InstallRoot(map, CNode.SlotAddress(holder, 0), ObjectType.Untyped, Rights.All, memory.Value, FrameBits, 0, 0);
        SlotAddr frameSlot = CNode.SlotAddress(holder, 1);
        if (s == Status.Ok) s = LatencyProbe.RunRestarting(&Retype, preemptible, out restarts);
        bool made = s == Status.Ok && frameSlot.In(map)->Type == ObjectType.Frame;
        var plain = new Nucleus.ObjectHooks();
        if (made) CapOps.Delete(map, frameSlot, ref plain);
        CapOps.Delete(map, CNode.SlotAddress(holder, 0), ref plain);
        KernelState.Frames.FreeContiguous(memory, Frames);
        KernelState.Frames.Free(holder);
        return made ? LatencyProbe.Longest : 0;
    }

    private static Status Retype(ref LatencyProbe.TimedHooks hooks)
    {
        SlotAddr untyped = CNode.SlotAddress(s_holder, 0);   // before the call, as in Syscalls.Retype
        return Untyped.Retype(KernelState.Direct, untyped, ObjectType.Frame, FrameBits, s_holder, 6, 1, 1, ref hooks, out _);
    }
}
