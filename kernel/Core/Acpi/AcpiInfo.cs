// Everything the kernel learned from the ACPI tables at boot, in one allocation-free value.
// Per-table status fields keep "absent" (NotFound) apart from "present but corrupt", so the
// kernel can log precisely and choose its fallback (PIT instead of HPET, PIC instead of APIC).
namespace Vireo.Kernel.Acpi;

public unsafe struct AcpiInfo
{
    public const int MaxTables = 32;

    public ulong RsdpPhys;

    /// <summary>RSDP revision: 0 for ACPI 1.0, 2+ for ACPI 2.0 and later.</summary>
    public byte Revision;

    public ulong RootTablePhys;
    public bool UsesXsdt;

    /// <summary>True when the root table listed more than MaxTables non-null entries.</summary>
    public bool TablesTruncated;

    public int TableCount { get; private set; }

    public MadtInfo Madt;
    public AcpiStatus MadtStatus;

    public HpetInfo Hpet;
    public AcpiStatus HpetStatus;

    public FadtInfo Fadt;
    public AcpiStatus FadtStatus;

    public McfgInfo Mcfg;
    public AcpiStatus McfgStatus;

    private fixed uint _tableSignature[MaxTables];
    private fixed ulong _tableAddress[MaxTables];

    public bool HasMadt => MadtStatus == AcpiStatus.Ok;
    public bool HasHpet => HpetStatus == AcpiStatus.Ok;
    public bool HasFadt => FadtStatus == AcpiStatus.Ok;
    public bool HasMcfg => McfgStatus == AcpiStatus.Ok;

    /// <summary>The six OEM id bytes from the RSDP, byte i in bits 8i..8i+7.</summary>
    public ulong OemId;

    public byte OemIdByte(int index) => (uint)index < 6 ? (byte)(OemId >> (index * 8)) : (byte)0;

    /// <summary>
    /// Root-table entry <paramref name="index"/> (in table order). Signature is 0 when the
    /// entry points outside the PhysMap. Listed tables are not checksum-validated here.
    /// </summary>
    public bool TryGetTable(int index, out uint signature, out ulong phys)
    {
        if ((uint)index >= (uint)TableCount)
        {
            signature = 0;
            phys = 0;
            return false;
        }
        signature = _tableSignature[index];
        phys = _tableAddress[index];
        return true;
    }

    /// <summary>First recorded table with the given signature.</summary>
    public bool TryFindTable(uint signature, out ulong phys)
    {
        for (int i = 0; i < TableCount; i++)
        {
            if (_tableSignature[i] == signature)
            {
                phys = _tableAddress[i];
                return true;
            }
        }
        phys = 0;
        return false;
    }

    internal void AddTable(uint signature, ulong phys)
    {
        if (TableCount >= MaxTables)
        {
            TablesTruncated = true;
            return;
        }
        _tableSignature[TableCount] = signature;
        _tableAddress[TableCount] = phys;
        TableCount++;
    }
}
