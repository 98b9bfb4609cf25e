// The kernel tick: the local APIC timer in periodic mode. The scheduler (next issue) hangs off
// OnTick; for now it counts ticks so uptime and the in-guest tests can observe it.
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
