// Boot log lines describing the ACPI tables the kernel found.
using Vireo.Kernel.Acpi;
using Vireo.Kernel.Log;

namespace Vireo.Kernel.Boot;

public static class AcpiLog
{
    public static void Tables(ref AcpiInfo acpi)
    {
        KernelLog.Begin(LogLevel.Info);
        KernelLog.Str("acpi: RSDP ");
        KernelLog.Hex(acpi.RsdpPhys);
        KernelLog.Str(" revision ");
        KernelLog.Dec((ulong)acpi.Revision);
        KernelLog.Str(" OEM \"");
        for (int i = 0; i < 6; i++) KernelLog.Char((char)acpi.OemIdByte(i));
        KernelLog.Str(acpi.UsesXsdt ? "\", XSDT " : "\", RSDT ");
        KernelLog.Hex(acpi.RootTablePhys);
        KernelLog.Str(", tables:");
        for (int i = 0; i < acpi.TableCount; i++)
        {
            if (!acpi.TryGetTable(i, out uint signature, out _)) continue;
            KernelLog.Char(' ');
            for (int b = 0; b < 4; b++) KernelLog.Char((char)((signature >> (b * 8)) & 0xFF));
        }
        KernelLog.End();

        KernelLog.Begin(LogLevel.Info);
        KernelLog.Str("acpi: MADT: ");
        KernelLog.Dec((ulong)acpi.Madt.EnabledCpuCount);
        KernelLog.Str(" CPU(s), local APIC ");
        KernelLog.Hex(acpi.Madt.LocalApicAddress);
        KernelLog.Str(", ");
        KernelLog.Dec((ulong)acpi.Madt.IoApicCount);
        KernelLog.Str(" IOAPIC(s)");
        if (acpi.Madt.IoApicCount > 0)
        {
            KernelLog.Str(" (first at ");
            KernelLog.Hex(acpi.Madt.GetIoApic(0).Address);
            KernelLog.Str(")");
        }
        KernelLog.Str(", ");
        KernelLog.Dec((ulong)acpi.Madt.OverrideCount);
        KernelLog.Str(" interrupt overrides");
        KernelLog.End();

        if (acpi.HasHpet)
        {
            KernelLog.Begin(LogLevel.Info);
            KernelLog.Str("acpi: HPET at ");
            KernelLog.Hex(acpi.Hpet.BaseAddress.Address);
            KernelLog.End();
        }

        if (acpi.HasMcfg)
        {
            KernelLog.Begin(LogLevel.Info);
            KernelLog.Str("acpi: MCFG: ECAM at ");
            KernelLog.Hex(acpi.Mcfg.BaseAddress);
            KernelLog.Str(", buses ");
            KernelLog.Dec((ulong)acpi.Mcfg.StartBus);
            KernelLog.Str("-");
            KernelLog.Dec((ulong)acpi.Mcfg.EndBus);
            KernelLog.End();
        }
    }
}
