// ACPI as found on the QEMU PC, the runtime the kernel was built on, and the memory discipline.
using Internal.Runtime;
using Vireo.Kernel.Acpi;
using Vireo.Kernel.Arch.X64;
using Vireo.Kernel.Boot;
using Vireo.Kernel.Multiboot;
using Vireo.Kernel.Diagnostics;

namespace Vireo.Kernel.Tests;

public static unsafe class PlatformTests
{
    public static void Register()
    {
        GuestTestRunner.Run("acpi.madt_cpu_and_ioapic", &MadtCpuAndIoApic);
        GuestTestRunner.Run("acpi.isa_irq0_overridden_to_gsi2", &IsaIrq0Override);
        GuestTestRunner.Run("acpi.fadt_found", &FadtFound);
        GuestTestRunner.Run("boot.command_line_parsed", &CommandLineParsed);
        GuestTestRunner.Run("symbols.resolve_kernel_method", &SymbolsResolve);
        GuestTestRunner.Run("runtime.reference_statics_initialised", &StaticsInitialised);
        GuestTestRunner.Run("runtime.heap_sealed_after_boot", &HeapSealed);
    }

    private static void MadtCpuAndIoApic()
    {
        ref AcpiInfo acpi = ref KernelState.Acpi;
        Check.True(acpi.HasMadt, "MADT parsed");
        Check.True(acpi.Madt.EnabledCpuCount >= 1, "at least one enabled CPU");
        Check.True(acpi.Madt.IoApicCount >= 1, "an IOAPIC");
        Check.Equal(0xFEE00000, acpi.Madt.LocalApicAddress, "local APIC at the architectural address");
        Check.Equal(24, IoApic.Lines, "the PC IOAPIC has 24 lines");
    }

    private static void IsaIrq0Override()
    {
        Check.True(KernelState.Acpi.Madt.IsaIrqToGsi(0, out uint gsi, out _, out _), "IRQ 0 has an override");
        Check.Equal(2, gsi, "the PIT's IRQ 0 arrives on GSI 2");
    }

    private static void FadtFound()
    {
        Check.True(KernelState.Acpi.HasFadt, "FADT parsed");
        Check.True(KernelState.Acpi.Fadt.Pm1aControlPort != 0, "PM1a control port known (for power-off later)");
    }

    private static void CommandLineParsed()
    {
        ref BootInfo boot = ref KernelState.BootInfo;
        byte* text = stackalloc byte[BootInfo.CmdlineCapacity];
        int n = boot.CopyCmdline(new System.Span<byte>(text, BootInfo.CmdlineCapacity));
        var cmdline = new KernelCommandLine(new System.ReadOnlySpan<byte>(text, n));
        Check.True(cmdline.Has("test"), "the test flag that started this run is visible");
        Check.True(!cmdline.Has("tes"), "prefixes do not match");
    }

    private static void SymbolsResolve()
    {
        var layout = KernelState.Layout;
        Check.True(SymbolTable.TryCreate((byte*)layout.KsymsStart, layout.KsymsEnd - layout.KsymsStart, out SymbolTable table), "embedded symbol table valid");
        Check.True(table.Count > 100, "symbol table has the kernel's methods");
        ulong address = (ulong)(delegate*<void>)&SymbolsResolve + 3;
        Check.True(table.TryLookup(address, out ulong start, out System.ReadOnlySpan<byte> name), "own address resolves");
        Check.True(start <= address && address - start < 4096, "symbol start precedes the address");
        Check.True(EndsWith(name, "PlatformTests__SymbolsResolve"), "resolves to this method's name");
    }

    private static bool EndsWith(System.ReadOnlySpan<byte> name, string suffix)
    {
        if (name.Length < suffix.Length) return false;
        for (int i = 0; i < suffix.Length; i++)
            if (name[name.Length - suffix.Length + i] != (byte)suffix[i]) return false;
        return true;
    }

    private static void StaticsInitialised()
    {
        Check.True(KernelState.Frames != null, "a reference-type static set during boot is visible");
    }

    private static void HeapSealed()
    {
        Check.True(Heap.IsSealed, "the boot arena is sealed");
        Check.True(Heap.Allocations > 0, "boot did allocate from the arena (the counter counts)");
    }

    public static void NoAllocationsAfterBoot()
    {
        Check.Equal(0, Heap.AllocationsAfterSeal, "managed allocations after boot");
    }
}
