// Interrupt delivery through the IDT and the local APIC, and the calibrated timer.
using Vireo.Kernel.Arch.X64;

namespace Vireo.Kernel.Tests;

public static unsafe class InterruptTests
{
    private static ulong s_selfHits;
    private static ulong s_oneShotHits;

    public static void Register()
    {
        GuestTestRunner.Run("interrupts.self_ipi_delivered", &SelfIpiDelivered);
        GuestTestRunner.Run("timer.calibrated", &Calibrated);
        GuestTestRunner.Run("timer.periodic_ticks_advance", &PeriodicTicksAdvance);
        GuestTestRunner.Run("timer.one_shot_fires_once", &OneShotFiresOnce);
        GuestTestRunner.Run("interrupts.enabled_after_boot", &EnabledAfterBoot);
    }

    private static void OnSelfTest(InterruptFrame* frame)
    {
        s_selfHits++;
        Check.Equal(Interrupts.SelfTestVector, frame->Vector, "frame carries the vector");
    }

    private static void SelfIpiDelivered()
    {
        Interrupts.Register(Interrupts.SelfTestVector, &OnSelfTest);
        s_selfHits = 0;
        for (int i = 0; i < 3; i++)
        {
            LocalApic.SelfInterrupt(Interrupts.SelfTestVector);
            for (int spin = 0; spin < 100000 && s_selfHits <= (ulong)i; spin++) Cpu.Pause();
        }
        Check.Equal(3, s_selfHits, "three self-IPIs handled");
        Interrupts.Register(Interrupts.SelfTestVector, null);
    }

    private static void Calibrated()
    {
        Check.True(Tsc.Hz > 10000000, "TSC frequency measured (> 10 MHz)");
        Check.True(LocalApic.TimerHz > 100000, "APIC timer frequency measured (> 100 kHz)");
    }

    private static void PeriodicTicksAdvance()
    {
        ulong start = Timer.Ticks;
        ulong t0 = Tsc.NanosSinceBoot();
        while (Timer.Ticks < start + 5) Cpu.EnableInterruptsAndHalt();
        ulong elapsedMs = (Tsc.NanosSinceBoot() - t0) / 1000000;
        // Five ticks at 1000 Hz are 4-5 ms; allow wide slack for a loaded host under TCG.
        Check.True(elapsedMs >= 2 && elapsedMs <= 200, "five ticks take about 5 ms of TSC time");
    }

    // The other CPUs' periodic ticks arrive on the same vector: only this CPU's one-shot counts.
    private static void OnOneShot(InterruptFrame* frame)
    {
        if (PerCpu.Index == 0) s_oneShotHits++;
    }

    private static void OneShotFiresOnce()
    {
        Interrupts.Register(Interrupts.TimerVector, &OnOneShot);
        s_oneShotHits = 0;
        LocalApic.StartOneShot((uint)(LocalApic.TimerHz / 1000)); // 1 ms
        ulong deadline = Tsc.NanosSinceBoot() + 30000000;
        while (Tsc.NanosSinceBoot() < deadline) Cpu.Pause();
        Check.Equal(1, s_oneShotHits, "one-shot timer fired exactly once in 30 ms");
        Timer.Init(); // back to the periodic tick
    }

    private static void EnabledAfterBoot()
    {
        Check.True((Cpu.ReadFlags() & (1UL << 9)) != 0, "RFLAGS.IF set");
        Check.True(Interrupts.Count > 0, "interrupts have been taken");
    }
}
