// The RSDT (32-bit entries) or XSDT (64-bit entries): the list of all other tables.
// The XSDT is preferred when the RSDP is revision 2+ and gives its address; if that XSDT
// fails validation we fall back to the RSDT, as ACPICA does, since some firmware ships a
// broken XSDT alongside a good RSDT. Entries are read on demand; nothing is copied.
using Vireo.Kernel.Memory;

namespace Vireo.Kernel.Acpi;

public readonly struct RootTable
{
    private readonly PhysMap _map;
    private readonly AcpiTable _table;

    public readonly bool IsXsdt;

    /// <summary>Number of entries; trailing bytes that do not form a whole entry are ignored.</summary>
    public readonly int Count;

    private RootTable(PhysMap map, AcpiTable table, bool isXsdt)
    {
        _map = map;
        _table = table;
        IsXsdt = isXsdt;
        Count = (int)((table.Length - AcpiTable.HeaderLength) / EntrySize(isXsdt));
    }

    public ulong Phys => _table.Phys;

    public AcpiTable Table => _table;

    private static uint EntrySize(bool isXsdt) => isXsdt ? 8u : 4u;

    public static AcpiStatus Open(PhysMap map, in Rsdp rsdp, out RootTable root)
    {
        if (rsdp.PrefersXsdt)
        {
            AcpiStatus xsdtStatus = OpenXsdt(map, rsdp.XsdtAddress, out root);
            if (xsdtStatus == AcpiStatus.Ok || rsdp.RsdtAddress == 0)
                return xsdtStatus;
        }
        return OpenRsdt(map, rsdp.RsdtAddress, out root);
    }

    public static AcpiStatus OpenRsdt(PhysMap map, ulong phys, out RootTable root) =>
        OpenAs(map, phys, false, out root);

    public static AcpiStatus OpenXsdt(PhysMap map, ulong phys, out RootTable root) =>
        OpenAs(map, phys, true, out root);

    private static AcpiStatus OpenAs(PhysMap map, ulong phys, bool isXsdt, out RootTable root)
    {
        root = default;
        if (phys == 0)
            return AcpiStatus.NotFound;
        AcpiStatus status = AcpiTable.Open(map, phys, isXsdt ? AcpiSignature.Xsdt : AcpiSignature.Rsdt, out AcpiTable table);
        if (status != AcpiStatus.Ok)
            return status;
        root = new RootTable(map, table, isXsdt);
        return AcpiStatus.Ok;
    }

    /// <summary>Physical address of entry <paramref name="index"/>, or 0 when out of range.</summary>
    public ulong EntryAt(int index)
    {
        if ((uint)index >= (uint)Count)
            return 0;
        uint offset = AcpiTable.HeaderLength + (uint)index * EntrySize(IsXsdt);
        return IsXsdt ? _table.U64(offset) : _table.U32(offset);
    }

    /// <summary>
    /// First listed table with <paramref name="signature"/> that validates. If tables with
    /// that signature are listed but none validates, returns the first one's failure so the
    /// caller can tell "corrupt" from "absent".
    /// </summary>
    public AcpiStatus FindTable(uint signature, out AcpiTable table)
    {
        table = default;
        AcpiStatus result = AcpiStatus.NotFound;
        for (int i = 0; i < Count; i++)
        {
            ulong phys = EntryAt(i);
            if (phys == 0 || !AcpiTable.TryReadSignature(_map, phys, out uint found) || found != signature)
                continue;
            AcpiStatus status = AcpiTable.Open(_map, phys, signature, out table);
            if (status == AcpiStatus.Ok)
                return status;
            if (result == AcpiStatus.NotFound)
                result = status;
        }
        table = default;
        return result;
    }

    public bool TryFindTable(uint signature, out ulong phys)
    {
        bool found = FindTable(signature, out AcpiTable table) == AcpiStatus.Ok;
        phys = found ? table.Phys : 0;
        return found;
    }
}
