// The time-stamp counter: the kernel's clock. Calibrated against the PIT at boot. Under
// `-icount shift=0,sleep=off` it counts guest instructions, which is what benchmarks report.
namespace Vireo.Kernel.Arch.X64;

public static class Tsc
{
    private static ulong s_hz;
    private static ulong s_boot;

    public static ulong Hz => s_hz;

    /// <summary>Measures TSC ticks over 10 ms of PIT time.</summary>
    public static void Calibrate()
    {
        s_boot = Cpu.ReadTsc();
        const ushort ticks = (ushort)(Pit.Frequency / 100);
        Pit.StartOneShot(ticks);
        ulong start = Cpu.ReadTsc();
        while (!Pit.Expired) Cpu.Pause();
        ulong elapsed = Cpu.ReadTsc() - start;
        s_hz = elapsed * Pit.Frequency / ticks;
        if (s_hz == 0) s_hz = 1;
    }

    public static ulong NanosSinceBoot()
    {
        if (s_hz == 0) return 0;
        ulong t = Cpu.ReadTsc() - s_boot;
        // Split to avoid overflow of t * 1e9 for long uptimes.
        return t / s_hz * 1000000000UL + t % s_hz * 1000000000UL / s_hz;
    }
}
