// The IOAPIC routes device interrupt lines (GSIs) to vectors. At boot every line is masked;
// drivers (in user space, later) get lines unmasked through IRQ capabilities.
namespace Vireo.Kernel.Arch.X64;

public static unsafe class IoApic
{
    private const uint RegVersion = 0x01;
    private const ulong MaskedEntry = 1UL << 16;

    private static byte* s_base;
    private static uint s_gsiBase;
    private static uint s_lines;

    public static uint Lines => s_lines;
    public static uint GsiBase => s_gsiBase;

    public static void Init(byte* mmio, uint gsiBase)
    {
        s_base = mmio;
        s_gsiBase = gsiBase;
        s_lines = ((Read(RegVersion) >> 16) & 0xFF) + 1;
        for (uint i = 0; i < s_lines; i++) WriteEntry(i, MaskedEntry);
    }

    public static void Route(uint gsi, byte vector, bool activeLow, bool levelTriggered, uint apicId)
    {
        uint line = gsi - s_gsiBase;
        if (line >= s_lines) return;
        ulong entry = vector | (activeLow ? 1UL << 13 : 0) | (levelTriggered ? 1UL << 15 : 0) | ((ulong)apicId << 56);
        WriteEntry(line, entry);
    }

    public static void Mask(uint gsi, bool masked)
    {
        uint line = gsi - s_gsiBase;
        if (line >= s_lines) return;
        ulong entry = ReadEntry(line);
        WriteEntry(line, masked ? entry | MaskedEntry : entry & ~MaskedEntry);
    }

    private static ulong ReadEntry(uint line) => Read(0x10 + 2 * line) | ((ulong)Read(0x11 + 2 * line) << 32);

    private static void WriteEntry(uint line, ulong value)
    {
        Write(0x10 + 2 * line, (uint)value);
        Write(0x11 + 2 * line, (uint)(value >> 32));
    }

    private static uint Read(uint reg)
    {
        Mmio.Write32(s_base, reg);
        return Mmio.Read32(s_base + 0x10);
    }

    private static void Write(uint reg, uint value)
    {
        Mmio.Write32(s_base, reg);
        Mmio.Write32(s_base + 0x10, value);
    }
}
