// The kernel tick: the local APIC timer in periodic mode at 1 kHz, on every CPU. The thread layer hangs the
// scheduler's tick (time slices, real-time budgets, boosts, sleepers) off TickHook; each CPU's tick
// serves its own run queue once the APs run threads.
namespace Vireo.Kernel.Arch.X64;

public static unsafe class Timer
{
    public const uint TickHz = 1000;
    private static ulong s_ticks;

    public static ulong Ticks => s_ticks;

    public static void Init()
    {
        Interrupts.Register(Interrupts.TimerVector, &OnTick);
        LocalApic.StartPeriodic(TickHz);
    }

    // The scheduler's tick, installed by the thread layer.
    public static delegate*<void> TickHook;

    // Every CPU's timer takes this vector (under the big kernel lock); only the bootstrap processor's
    // advances Ticks. An AP's tick drives its own run queue once the APs run threads, which is when the
    // lock goes on (Threads.EnableCpus; docs/design/scheduling.md, "Several CPUs"); before, it only counts.
    private static void OnTick(InterruptFrame* frame)
    {
        PerCpuBlock* cpu = PerCpu.Current;
        cpu->TimerTicks++;
        if (cpu->Index == 0) s_ticks++;
        else if (!BigKernelLock.On) return;
        if (TickHook != null) TickHook();
    }
}
