// The kernel tick: the local APIC timer in periodic mode at 1 kHz, on every CPU. The thread layer hangs the
// scheduler's tick (time slices, real-time budgets, boosts, sleepers) off TickHook.
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

    // Every CPU's timer takes this vector; only the bootstrap processor's drives time and the
    // scheduler while the other CPUs run no threads (docs/design/scheduling.md, "Several CPUs").
    private static void OnTick(InterruptFrame* frame)
    {
        PerCpuBlock* cpu = PerCpu.Current;
        cpu->TimerTicks++;
        if (cpu->Index != 0) return;
        s_ticks++;
        if (TickHook != null) TickHook();
    }
}
