// Walks the MADT's variable-length entry list. Each entry is (type, length, payload); an
// entry whose length is below 2 would loop forever and one that runs past the table end
// would read foreign memory, so either stops the walk with MalformedEntry. Entries parsed
// before the bad one stay in the result for diagnostics, but the caller should treat the
// MADT as untrustworthy. Unknown types (x2APIC, GIC, ...) are skipped by their length.
using Vireo.Kernel.Memory;

namespace Vireo.Kernel.Acpi;

public static class MadtParser
{
    public const uint EntriesOffset = 44;

    public const byte TypeLocalApic = 0;
    public const byte TypeIoApic = 1;
    public const byte TypeInterruptOverride = 2;
    public const byte TypeLocalApicNmi = 4;
    public const byte TypeLocalApicAddressOverride = 5;

    public static AcpiStatus Parse(PhysMap map, ulong phys, out MadtInfo madt)
    {
        AcpiStatus status = AcpiTable.Open(map, phys, AcpiSignature.Madt, out AcpiTable table);
        if (status != AcpiStatus.Ok)
        {
            madt = default;
            return status;
        }
        return Parse(table, out madt);
    }

    public static AcpiStatus Parse(in AcpiTable table, out MadtInfo madt)
    {
        madt = default;
        if (table.Signature != AcpiSignature.Madt)
            return AcpiStatus.BadSignature;
        if (table.Length < EntriesOffset)
            return AcpiStatus.BadLength;

        madt.LocalApicAddress = table.U32(36);
        madt.Flags = table.U32(40);

        uint length = table.Length;
        uint offset = EntriesOffset;
        while (offset < length)
        {
            if (length - offset < 2)
                return AcpiStatus.MalformedEntry;
            byte type = table.U8(offset);
            uint entryLength = table.U8(offset + 1);
            if (entryLength < 2 || entryLength > length - offset || entryLength < MinimumLength(type))
                return AcpiStatus.MalformedEntry;

            switch (type)
            {
                case TypeLocalApic:
                    madt.AddCpu(table.U8(offset + 2), table.U8(offset + 3), table.U32(offset + 4));
                    break;
                case TypeIoApic:
                    madt.AddIoApic(table.U8(offset + 2), table.U32(offset + 4), table.U32(offset + 8));
                    break;
                case TypeInterruptOverride:
                    madt.AddOverride(table.U8(offset + 2), table.U8(offset + 3), table.U32(offset + 4), table.U16(offset + 8));
                    break;
                case TypeLocalApicNmi:
                    madt.AddLocalApicNmi(table.U8(offset + 2), table.U16(offset + 3), table.U8(offset + 5));
                    break;
                case TypeLocalApicAddressOverride:
                    madt.LocalApicAddress = table.U64(offset + 4);
                    madt.LocalApicAddressOverridden = true;
                    break;
            }
            offset += entryLength;
        }
        return AcpiStatus.Ok;
    }

    /// <summary>Smallest legal length per known type; longer entries (future revisions) are accepted.</summary>
    private static uint MinimumLength(byte type) => type switch
    {
        TypeLocalApic => 8,
        TypeIoApic => 12,
        TypeInterruptOverride => 10,
        TypeLocalApicNmi => 6,
        TypeLocalApicAddressOverride => 12,
        _ => 2,
    };
}
