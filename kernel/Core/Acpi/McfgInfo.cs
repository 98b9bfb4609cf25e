// The MCFG table: where PCI Express's memory-mapped configuration space (ECAM) lies. Each entry
// describes one segment's window: configuration space of bus b, device d, function f begins at
// BaseAddress + (b << 20 | d << 15 | f << 12). QEMU's q35 has one entry (0xB0000000, buses 0-255);
// the pc machine has no MCFG and PCI is reached through ports 0xCF8/0xCFC. Only the first entry is
// kept: Vireo knows one segment.
namespace Vireo.Kernel.Acpi;

public struct McfgInfo
{
    /// <summary>The header and 8 reserved bytes before the first entry.</summary>
    public const uint EntriesOffset = 44;
    public const uint EntryLength = 16;

    /// <summary>The window's address for bus 0 (even when StartBus is higher).</summary>
    public ulong BaseAddress;
    public ushort Segment;
    public byte StartBus, EndBus;

    /// <summary>The part of the window that holds the decoded buses: [BaseAddress + StartBus MiB, + buses MiB).</summary>
    public readonly ulong WindowStart => BaseAddress + ((ulong)StartBus << 20);
    public readonly ulong WindowEnd => BaseAddress + ((ulong)EndBus + 1 << 20);

    public static AcpiStatus Parse(in AcpiTable table, out McfgInfo mcfg)
    {
        mcfg = default;
        if (table.Signature != AcpiSignature.Mcfg)
            return AcpiStatus.BadSignature;
        if (table.Length < EntriesOffset + EntryLength)
            return AcpiStatus.BadLength;
        ulong address = table.U64(EntriesOffset);
        byte start = table.U8(EntriesOffset + 10), end = table.U8(EntriesOffset + 11);
        // A window not aligned to 1 MiB, or buses in the wrong order, describes no usable space.
        if ((address & 0xFFFFF) != 0 || end < start)
            return AcpiStatus.MalformedEntry;
        mcfg.BaseAddress = address;
        mcfg.Segment = table.U16(EntriesOffset + 8);
        mcfg.StartBus = start;
        mcfg.EndBus = end;
        return AcpiStatus.Ok;
    }
}
