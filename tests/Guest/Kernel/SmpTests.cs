// The application processors: every enabled CPU of the MADT came up (with -smp 4 in ./vireo test's
// second Multiboot1 run), each has its own per-CPU block, stacks and TSS, and its local APIC timer
// runs while it idles in hlt; cross-CPU calls run on their target and are acknowledged, the ticket
// lock excludes, and a TLB shootdown reaches the other CPUs before it returns.
using Vireo.Kernel.Arch.X64;
using Vireo.Kernel.Boot;
using Vireo.Kernel.Log;
using Vireo.Kernel.Memory;
using Vireo.Kernel.Paging;

namespace Vireo.Kernel.Tests;

public static unsafe class SmpTests
{
    public static void Register()
    {
        GuestTestRunner.Run("smp.every_madt_cpu_online", &EveryCpuOnline);
        GuestTestRunner.Run("smp.bsp_block_through_gs", &BspBlockThroughGs);
        GuestTestRunner.Run("smp.cpus_have_own_stacks_and_tss", &OwnStacksAndTss);
        GuestTestRunner.Run("smp.ap_timers_tick_while_halted", &ApTimersTick);
        GuestTestRunner.Run("smp.cross_call_runs_on_its_cpu", &CrossCallRunsThere);
        GuestTestRunner.Run("smp.ticket_lock_counts_across_cpus", &TicketLockCounts);
        GuestTestRunner.Run("smp.tlb_shootdown_reaches_other_cpus", &TlbShootdown);
    }

    private static void EveryCpuOnline()
    {
        int enabled = KernelState.Acpi.Madt.EnabledCpuCount;
        int expected = enabled < PerCpu.MaxCpus ? enabled : PerCpu.MaxCpus;
        Check.Equal((ulong)expected, (ulong)Smp.OnlineCount, "CPUs online = enabled CPUs in the MADT");
        Check.Equal((ulong)expected, (ulong)PerCpu.Count, "one per-CPU block per started CPU");
    }

    private static void BspBlockThroughGs()
    {
        PerCpuBlock* b = PerCpu.Current;
        Check.True(b == PerCpu.Block(0), "GS points at block 0 on the BSP");
        Check.True(b->Self == b, "the block's self pointer");
        Check.Equal(0, PerCpu.Index, "the BSP is CPU 0");
        Check.Equal(LocalApic.ApicId, b->ApicId, "block 0 holds the BSP's APIC id");
        Check.Equal(KernelState.Layout.BootStackTop, b->KernelStackTop, "the BSP's kernel stack is the boot stack");
        Check.Equal(Cpu.ReadCr3().Value, b->ActiveRoot, "block 0 records the root CR3 holds (TLB shootdown reads it)");
    }

    private static void OwnStacksAndTss()
    {
        for (int i = 0; i < PerCpu.Count; i++)
        {
            PerCpuBlock* a = PerCpu.Block(i);
            Check.True(a->Self == a && a->Index == (uint)i, "each block names itself and its index");
            Check.True(a->Tss != null && a->KernelStackTop != 0, "each CPU has a TSS and a kernel stack");
            for (int j = 0; j < i; j++)
            {
                PerCpuBlock* b = PerCpu.Block(j);
                Check.True(a->Tss != b->Tss, "no two CPUs share a TSS");
                Check.True(a->KernelStackTop != b->KernelStackTop, "no two CPUs share a kernel stack");
                Check.True(a->Tss->Ist1 != b->Tss->Ist1, "no two CPUs share a double-fault stack");
                Check.True(a->ApicId != b->ApicId, "APIC ids differ");
            }
        }
    }

    // Each AP's timer must tick while it halts. QEMU runs a vCPU when the host schedules its thread, so
    // on a loaded host an AP may take a while: wait up to 2 s of the BSP's ticks for all of them.
    private static void ApTimersTick()
    {
        ulong* before = stackalloc ulong[PerCpu.MaxCpus];
        for (int i = 0; i < PerCpu.Count; i++) before[i] = PerCpu.Block(i)->TimerTicks;
        ulong start = Timer.Ticks;
        bool all = false;
        while (!all && Timer.Ticks < start + 2000)
        {
            Cpu.EnableInterruptsAndHalt();
            all = true;
            for (int i = 1; i < PerCpu.Count; i++)
                if (PerCpu.Block(i)->TimerTicks <= before[i] + 2) all = false;
        }
        Check.True(all, "every AP's local APIC timer ticked (three times within 2 s)");
    }

    private struct PerCpuWords { public fixed ulong Words[PerCpuBlock.MaxCpus]; }
    private static PerCpuWords s_seen;
    private static TicketLock s_lock;
    private static ulong s_counter;
    // Few rounds: a ticket lock hands over strictly in turn, and under QEMU on a loaded host each
    // hand-over may wait for the host to run the next vCPU's thread.
    private const int LockRounds = 1000;
    // An unused kernel-half slot (PagingTests' scratch slot, 1 GiB further).
    private const ulong ScratchVirt = 0xFFFFFE8040000000;

    private static void RecordIndex(ulong slot) => s_seen.Words[(int)slot] = PerCpu.Index + 1;

    private static void CrossCallRunsThere()
    {
        for (int i = 0; i < PerCpuBlock.MaxCpus; i++) s_seen.Words[i] = 0;
        for (int i = 1; i < PerCpu.Count; i++) CrossCall.Run(i, &RecordIndex, (ulong)i);
        for (int i = 1; i < PerCpu.Count; i++)
            Check.Equal((ulong)i + 1, s_seen.Words[i], "the call ran on the CPU it was sent to, before Run returned");
        // Twice in a row on one CPU: the mailbox is reused once acknowledged.
        if (PerCpu.Count > 1)
        {
            s_seen.Words[0] = 0;
            CrossCall.Run(1, &RecordIndex, 0);
            Check.Equal(2, s_seen.Words[0], "a second call to the same CPU runs too");
        }
    }

    // Posted to every AP at once: contrary to the rule for cross-CPU requests it takes a lock, which is
    // the point; the APs' waits poll their mailboxes and must not start this request inside itself.
    private static void Hammer(ulong rounds)
    {
        fixed (TicketLock* l = &s_lock)
        {
            for (ulong i = 0; i < rounds; i++)
            {
                Locks.Acquire(l);
                s_counter++;
                Locks.Release(l);
            }
        }
    }

    private static void TicketLockCounts()
    {
        s_counter = 0;
        uint* seqs = stackalloc uint[PerCpuBlock.MaxCpus];
        for (int i = 1; i < PerCpu.Count; i++) seqs[i] = CrossCall.Post(i, &Hammer, LockRounds);
        Hammer(LockRounds);
        for (int i = 1; i < PerCpu.Count; i++) CrossCall.Wait(i, seqs[i]);
        Check.Equal((ulong)PerCpu.Count * LockRounds, s_counter, "every CPU's increments under the lock counted");
        fixed (TicketLock* l = &s_lock) Check.True(!Locks.IsHeld(l), "the lock is free at the end");
    }

    private static void ReadScratch(ulong unused) => s_seen.Words[PerCpu.Index] = *(ulong*)ScratchVirt;

    private static void TlbShootdown()
    {
        PageTable table = KernelSpace.Table;
        ref FrameAllocatorFrameSource frames = ref KernelState.FrameSource;
        var flags = PageFlags.Present | PageFlags.Writable | PageFlags.NoExecute | PageFlags.Global;
        KernelState.Frames.TryAllocZeroed(out PhysAddr a);
        KernelState.Frames.TryAllocZeroed(out PhysAddr b);
        *KernelState.Direct.As<ulong>(a) = 0xAAAA;
        *KernelState.Direct.As<ulong>(b) = 0xBBBB;
        Check.Equal((ulong)MapStatus.Ok, (ulong)table.Map4K(ref frames, ScratchVirt, a, flags), "scratch page mapped");
        // Every AP reads through the mapping, so its TLB holds it.
        for (int i = 1; i < PerCpu.Count; i++) CrossCall.Run(i, &ReadScratch, 0);
        for (int i = 1; i < PerCpu.Count; i++) Check.Equal(0xAAAA, s_seen.Words[i], "the AP read the first frame");
        table.Unmap4K(ref frames, ScratchVirt, out _);
        Cpu.InvalidatePage(ScratchVirt);
        table.Map4K(ref frames, ScratchVirt, b, flags);
        Cpu.InvalidatePage(ScratchVirt);
        int stale = 0;
        if (PerCpu.Count > 1)
        {
            CrossCall.Run(1, &ReadScratch, 0);
            if (s_seen.Words[1] == 0xAAAA) stale = 1;
        }
        Tlb.ShootDownKernel(ScratchVirt, 12);
        for (int i = 1; i < PerCpu.Count; i++) CrossCall.Run(i, &ReadScratch, 0);
        for (int i = 1; i < PerCpu.Count; i++) Check.Equal(0xBBBB, s_seen.Words[i], "after the shootdown every AP reads the new frame");
        KernelLog.Begin(LogLevel.Info);
        KernelLog.Str("smp: before the shootdown CPU 1 read ");
        KernelLog.Str(stale != 0 ? "the stale frame" : "the new frame (or there is no CPU 1)");
        KernelLog.End();
        table.Unmap4K(ref frames, ScratchVirt, out _);
        Tlb.ShootDownKernel(ScratchVirt, 12);
        Cpu.InvalidatePage(ScratchVirt);
        KernelState.Frames.Free(a);
        KernelState.Frames.Free(b);
    }
}
