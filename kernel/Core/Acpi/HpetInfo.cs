// The HPET description table: where the timer block's registers are and how finely it can
// tick. The kernel maps BaseAddress (a memory-space GAS on every real machine) and reads the
// period from the block itself; EventTimerBlockId is a copy of its capabilities register.
using Vireo.Kernel.Memory;

namespace Vireo.Kernel.Acpi;

public struct HpetInfo
{
    public const uint TableLength = 56;

    public uint EventTimerBlockId;
    public GenericAddress BaseAddress;
    public byte HpetNumber;

    /// <summary>Minimum clock tick, in HPET counter ticks, for periodic mode without lost interrupts.</summary>
    public ushort MinimumTick;

    public byte PageProtection;

    public byte HardwareRevision => (byte)EventTimerBlockId;
    public int ComparatorCount => (int)((EventTimerBlockId >> 8) & 0x1F) + 1;
    public bool Counter64Bit => (EventTimerBlockId & (1u << 13)) != 0;
    public bool LegacyReplacementCapable => (EventTimerBlockId & (1u << 15)) != 0;
    public ushort PciVendorId => (ushort)(EventTimerBlockId >> 16);

    public static AcpiStatus Parse(PhysMap map, ulong phys, out HpetInfo hpet)
    {
        AcpiStatus status = AcpiTable.Open(map, phys, AcpiSignature.Hpet, out AcpiTable table);
        if (status != AcpiStatus.Ok)
        {
            hpet = default;
            return status;
        }
        return Parse(table, out hpet);
    }

    public static AcpiStatus Parse(in AcpiTable table, out HpetInfo hpet)
    {
        hpet = default;
        if (table.Signature != AcpiSignature.Hpet)
            return AcpiStatus.BadSignature;
        if (table.Length < TableLength)
            return AcpiStatus.BadLength;
        hpet.EventTimerBlockId = table.U32(36);
        hpet.BaseAddress = table.Gas(40);
        hpet.HpetNumber = table.U8(52);
        hpet.MinimumTick = table.U16(53);
        hpet.PageProtection = table.U8(55);
        return AcpiStatus.Ok;
    }
}
