// The application processors: every enabled CPU of the MADT came up (with -smp 4 in ./vireo test's
// second Multiboot1 run), each has its own per-CPU block, stacks and TSS, and its local APIC timer
// runs while it idles in hlt.
using Vireo.Kernel.Arch.X64;
using Vireo.Kernel.Boot;

namespace Vireo.Kernel.Tests;

public static unsafe class SmpTests
{
    public static void Register()
    {
        GuestTestRunner.Run("smp.every_madt_cpu_online", &EveryCpuOnline);
        GuestTestRunner.Run("smp.bsp_block_through_gs", &BspBlockThroughGs);
        GuestTestRunner.Run("smp.cpus_have_own_stacks_and_tss", &OwnStacksAndTss);
        GuestTestRunner.Run("smp.ap_timers_tick_while_halted", &ApTimersTick);
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

    private static void ApTimersTick()
    {
        ulong* before = stackalloc ulong[PerCpu.MaxCpus];
        for (int i = 0; i < PerCpu.Count; i++) before[i] = PerCpu.Block(i)->TimerTicks;
        ulong start = Timer.Ticks;
        while (Timer.Ticks < start + 5) Cpu.EnableInterruptsAndHalt();
        for (int i = 1; i < PerCpu.Count; i++)
            Check.True(PerCpu.Block(i)->TimerTicks > before[i], "every AP's local APIC timer ticked in 5 ms");
    }
}
