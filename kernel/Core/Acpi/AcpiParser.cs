// Boot-time entry point: RSDP -> RSDT/XSDT -> MADT, HPET, FADT, MCFG, gathered into AcpiInfo.
// Only an unusable RSDP or root table fails the whole parse; a missing or corrupt leaf
// table is recorded in its status field, because each has an independent fallback.
using Vireo.Kernel.Memory;

namespace Vireo.Kernel.Acpi;

public static class AcpiParser
{
    /// <summary>Parses from a known RSDP address (e.g. handed over by a UEFI loader).</summary>
    public static AcpiStatus Parse(PhysMap map, ulong rsdpPhys, out AcpiInfo info)
    {
        info = default;
        AcpiStatus status = RsdpLocator.ParseRsdp(map, rsdpPhys, out Rsdp rsdp);
        if (status != AcpiStatus.Ok)
            return status;

        info.RsdpPhys = rsdp.Phys;
        info.Revision = rsdp.Revision;
        info.OemId = rsdp.OemId;

        status = RootTable.Open(map, rsdp, out RootTable root);
        if (status != AcpiStatus.Ok)
            return status;
        info.RootTablePhys = root.Phys;
        info.UsesXsdt = root.IsXsdt;

        for (int i = 0; i < root.Count; i++)
        {
            ulong phys = root.EntryAt(i);
            if (phys == 0)
                continue;
            AcpiTable.TryReadSignature(map, phys, out uint signature);
            info.AddTable(signature, phys);
        }

        info.MadtStatus = root.FindTable(AcpiSignature.Madt, out AcpiTable madt);
        if (info.MadtStatus == AcpiStatus.Ok)
            info.MadtStatus = MadtParser.Parse(madt, out info.Madt);

        info.HpetStatus = root.FindTable(AcpiSignature.Hpet, out AcpiTable hpet);
        if (info.HpetStatus == AcpiStatus.Ok)
            info.HpetStatus = HpetInfo.Parse(hpet, out info.Hpet);

        info.FadtStatus = root.FindTable(AcpiSignature.Fadt, out AcpiTable fadt);
        if (info.FadtStatus == AcpiStatus.Ok)
            info.FadtStatus = FadtInfo.Parse(fadt, out info.Fadt);

        info.McfgStatus = root.FindTable(AcpiSignature.Mcfg, out AcpiTable mcfg);
        if (info.McfgStatus == AcpiStatus.Ok)
            info.McfgStatus = McfgInfo.Parse(mcfg, out info.Mcfg);

        return AcpiStatus.Ok;
    }

    /// <summary>BIOS path: scans the EBDA and 0xE0000-0xFFFFF for the RSDP, then parses.</summary>
    public static AcpiStatus Discover(PhysMap map, out AcpiInfo info)
    {
        if (!RsdpLocator.TryFindRsdp(map, out ulong rsdpPhys))
        {
            info = default;
            return AcpiStatus.NotFound;
        }
        return Parse(map, rsdpPhys, out info);
    }
}
