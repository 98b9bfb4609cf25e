// The 8254 PIT, used only as a reference clock to calibrate the TSC and the local APIC timer:
// channel 2 counts down in mode 0 with its gate opened through port 0x61, polled, no interrupts.
namespace Vireo.Kernel.Arch.X64;

public static class Pit
{
    public const uint Frequency = 1193182;

    /// <summary>Starts a one-shot countdown of `ticks` PIT ticks on channel 2.</summary>
    public static void StartOneShot(ushort ticks)
    {
        byte gate = Cpu.InB(0x61);
        Cpu.OutB(0x61, (byte)((gate & 0xFC) | 0x01)); // gate high, speaker off
        Cpu.OutB(0x43, 0xB0);                           // channel 2, lobyte/hibyte, mode 0
        Cpu.OutB(0x42, (byte)ticks);
        Cpu.OutB(0x42, (byte)(ticks >> 8));
        // Restart the count: mode 0 starts counting on the gate's rising edge.
        gate = Cpu.InB(0x61);
        Cpu.OutB(0x61, (byte)(gate & 0xFE));
        Cpu.OutB(0x61, (byte)(gate | 0x01));
    }

    /// <summary>True once the countdown reached zero (OUT2 high).</summary>
    public static bool Expired => (Cpu.InB(0x61) & 0x20) != 0;
}
