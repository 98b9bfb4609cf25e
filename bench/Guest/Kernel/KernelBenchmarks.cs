// Kernel micro-benchmarks. Each prints "BENCH <name> <value>", the mean TSC delta per operation;
// under `-icount shift=0,sleep=off` (./vireo bench) the TSC counts guest instructions, so the
// figures are instruction counts and repeat exactly. The host turns them into build/bench.json.
using Vireo.Kernel.Arch.X64;
using Vireo.Kernel.Boot;
using Vireo.Kernel.Log;
using Vireo.Kernel.Memory;
using Vireo.Kernel.Paging;
using Vireo.Kernel.Caps;
using Vireo.Abi;

namespace Vireo.Kernel.Bench;

public static unsafe class KernelBenchmarks
{
    private const ulong ScratchVirt = 0xFFFFFE8000000000;
    private static volatile bool s_fired;

    public static void RunAll()
    {
        KernelLog.Info("bench: running kernel benchmarks");
        Report("frame_alloc_free", FrameAllocFree());
        Report("page_map_unmap", PageMapUnmap());
        Report("timer_irq_roundtrip", TimerIrqRoundTrip());
        Report("cap_lookup", CapLookup());
        Report("irq_latency_during_revoke", RevokeLatencyBenchmark.Measure(preemptible: true, out ulong restarts));
        Report("irq_latency_during_revoke_restarts", restarts);
        Report("revoke_10000_unpreempted", RevokeLatencyBenchmark.Measure(preemptible: false, out _));
        Report("irq_latency_during_zeroing", ZeroingLatencyBenchmark.Measure(preemptible: true, out restarts));
        Report("irq_latency_during_zeroing_restarts", restarts);
        Report("zeroing_64MiB_unpreempted", ZeroingLatencyBenchmark.Measure(preemptible: false, out _));
        Report("irq_latency_during_cnode_delete", CNodeDeleteLatencyBenchmark.Measure(preemptible: true, out restarts));
        Report("irq_latency_during_cnode_delete_restarts", restarts);
        Report("cnode_delete_4096_unpreempted", CNodeDeleteLatencyBenchmark.Measure(preemptible: false, out _));
        Report("irq_latency_during_revoke_cnode", CNodeDeleteLatencyBenchmark.MeasureRevoke(out restarts));
        Report("irq_latency_during_revoke_cnode_restarts", restarts);
        Report("irq_latency_during_cnode_cycle", CNodeCycleLatencyBenchmark.Measure(out restarts));
        Report("irq_latency_during_cnode_cycle_restarts", restarts);
    }

    private static void Report(string name, ulong value)
    {
        KernelLog.Begin(LogLevel.Info);
        KernelLog.Str("BENCH ");
        KernelLog.Str(name);
        KernelLog.Char(' ');
        KernelLog.Dec(value);
        KernelLog.End();
    }

    private static ulong FrameAllocFree()
    {
        var frames = KernelState.Frames;
        const int n = 10000;
        ulong start = Cpu.ReadTsc();
        for (int i = 0; i < n; i++)
        {
            frames.TryAlloc(out PhysAddr f);
            frames.Free(f);
        }
        return (Cpu.ReadTsc() - start) / n;
    }

    private static ulong PageMapUnmap()
    {
        ref FrameAllocatorFrameSource frames = ref KernelState.FrameSource;
        PageTable table = KernelSpace.Table;
        var flags = PageFlags.Present | PageFlags.Writable | PageFlags.NoExecute;
        KernelState.Frames.TryAlloc(out PhysAddr anchor);
        KernelState.Frames.TryAlloc(out PhysAddr frame);
        // An anchor page keeps the intermediate tables alive: this measures the leaf operation.
        table.Map4K(ref frames, ScratchVirt + 4096, anchor, flags);
        const int n = 10000;
        ulong start = Cpu.ReadTsc();
        for (int i = 0; i < n; i++)
        {
            table.Map4K(ref frames, ScratchVirt, frame, flags);
            table.Unmap4K(ref frames, ScratchVirt, out _);
            Cpu.InvalidatePage(ScratchVirt);
        }
        ulong result = (Cpu.ReadTsc() - start) / n;
        table.Unmap4K(ref frames, ScratchVirt + 4096, out _);
        Cpu.InvalidatePage(ScratchVirt + 4096);
        KernelState.Frames.Free(anchor);
        KernelState.Frames.Free(frame);
        return result;
    }

    // Finding a capability by handle: index into the CNode, check the generation and the type.
    private static ulong CapLookup()
    {
        var map = KernelState.Direct;
        KernelState.Frames.TryAllocZeroed(out PhysAddr cnode);
        CapOps.InstallRoot(map, CNode.SlotAddress(cnode, 5), ObjectType.Frame, Rights.All, 0x1000, 12, 0, 0);
        var handle = new CapHandle(5, 0);
        const int n = 10000;
        ulong found = 0;
        ulong start = Cpu.ReadTsc();
        for (int i = 0; i < n; i++)
        {
            CNode.Lookup(map, cnode, 6, handle, out SlotAddr slot);
            found += slot.Value;
        }
        ulong result = (Cpu.ReadTsc() - start) / n;
        KernelState.Frames.Free(cnode);
        return found != 0 ? result : 0;
    }

    private static void OnTimer(InterruptFrame* frame) => s_fired = true;

    // From arming a one-shot local APIC timer with the shortest count to its handler having run
    // and returned: interrupt entry, register save, dispatch, EOI, restore, iretq.
    private static ulong TimerIrqRoundTrip()
    {
        Interrupts.Register(Interrupts.TimerVector, &OnTimer);
        LocalApic.StopTimer();
        const int n = 1000;
        ulong total = 0;
        for (int i = 0; i < n; i++)
        {
            s_fired = false;
            ulong start = Cpu.ReadTsc();
            LocalApic.StartOneShot(1);
            while (!s_fired) Cpu.Pause();
            total += Cpu.ReadTsc() - start;
        }
        Timer.Init();
        return total / n;
    }
}
