// The kernel tick: the local APIC timer in periodic mode at 1 kHz. The thread layer hangs the
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

    private static void OnTick(InterruptFrame* frame)
    {
        s_ticks++;
        if (TickHook != null) TickHook();
    }
}
