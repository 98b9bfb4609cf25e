// kmain: the one place that binds the architecture to the portable core. Boot order matters:
// runtime (heap, statics, fail-fast) -> log -> descriptor tables (so faults report) -> boot
// information -> frames -> kernel page tables -> ACPI -> interrupt controllers -> timer -> the other CPUs.
// The heap is sealed at the end: after that the kernel allocates nothing of its own.
using System;
using System.Runtime;
using Internal.Runtime;
using Vireo.Kernel.Acpi;
using Vireo.Kernel.Arch.X64;
using Vireo.Kernel.Diagnostics;
using Vireo.Kernel.Log;
using Vireo.Kernel.Memory;
using Vireo.Kernel.Multiboot;
using Vireo.Kernel.Nucleus;
using Vireo.Kernel.Paging;

namespace Vireo.Kernel.Boot;

public static unsafe class KernelMain
{
    private const ulong BootDirectMapLimit = 4UL << 30; // what boot.S maps; see docs/design/memory.md

    [RuntimeExport("kmain")]
    public static void Main(uint magic, uint info)
    {
        Serial.Init();
        KernelLayout layout;
        KernelLayout.Read(&layout);
        Heap.Init((byte*)layout.ArenaStart, (nuint)(layout.ArenaEnd - layout.ArenaStart));
        RuntimeHooks.FailFast = &Panic.FailFast;
        if (!StartupCodeHelpers.InitializeModules((void**)layout.ModulesStart, (void**)layout.ModulesEnd))
            EarlyFail("bad module header");
        KernelState.Layout = layout;

        Tsc.Calibrate();
        KernelLog.Install(&Serial.Write, &Tsc.NanosSinceBoot);
        KernelLog.Begin(LogLevel.Info);
        KernelLog.Str(Version.Name);
        KernelLog.Char(' ');
        KernelLog.Str(Version.Number);
        KernelLog.Str(" (x86_64, C# compiled ahead of time by ilc) booting");
        KernelLog.End();

        PerCpu.Load(PerCpu.Prepare(0, 0, Gdt.Init(layout)));
        Idt.Init(layout);
        bool haveSymbols = SymbolTable.TryCreate((byte*)layout.KsymsStart, layout.KsymsEnd - layout.KsymsStart, out SymbolTable symbols);
        Panic.Init(symbols, haveSymbols, layout.BssStart, layout.BssEnd, layout.TextStart, layout.TextEnd);
        KernelLog.Begin(LogLevel.Info);
        KernelLog.Str("kernel: image ");
        KernelLog.Hex(layout.PhysStart);
        KernelLog.Str("-");
        KernelLog.Hex(layout.PhysEnd);
        KernelLog.Str(", ");
        KernelLog.Dec((ulong)symbols.Count);
        KernelLog.Str(" symbols, TSC ");
        KernelLog.Dec(Tsc.Hz / 1000000);
        KernelLog.Str(" MHz");
        KernelLog.End();

        CpuInfo.Detect();
        CpuInfo.Log();
        if (!CpuInfo.HasNx || !CpuInfo.HasApic) Panic.Fail("CPU lacks NX or a local APIC");

        var direct = new PhysMap((byte*)KernelSpace.DirectMapBase, BootDirectMapLimit);
        KernelState.Direct = direct;
        if (BootInfo.Parse(direct, magic, info, out BootInfo boot) != BootParseStatus.Ok)
            Panic.Fail("boot information unreadable");
        KernelState.BootInfo = boot;
        LogBootInfo(ref boot);

        // ACPI is read while the trampoline still maps all of the low 4 GiB: firmware may keep its
        // tables in reserved memory that the kernel's direct map does not cover. Only values are kept.
        ReadAcpi(direct, ref boot);
        InitMemory(direct, ref boot, layout);
        InitInterrupts();
        Smp.StartAps(KernelState.Direct, KernelState.Frames, ref KernelState.FrameSource, KernelState.Acpi.Madt, boot);

        NucleusContext.Init(new NucleusContext { Direct = KernelState.Direct, Madt = KernelState.Acpi.Madt, Mcfg = KernelState.Acpi.Mcfg });
        Threads.Init();
        InitAsidTable();
        UserMode.Init(layout.BootStackTop);
        Interrupts.UserFaultHandler = &Faults.OnUserFault;
        Timer.TickHook = &Threads.OnTimerTick;

        KernelState.BootNanos = Tsc.NanosSinceBoot();
        Heap.Seal();
        KernelLog.Begin(LogLevel.Info);
        KernelLog.Str("boot complete in ");
        KernelLog.Dec(KernelState.BootNanos / 1000000);
        KernelLog.Str(" ms; kernel heap ");
        KernelLog.Dec(Heap.Allocations);
        KernelLog.Str(" objects, ");
        KernelLog.Size((ulong)(layout.ArenaEnd - layout.ArenaStart) - Heap.BytesLeft);
        KernelLog.Str(" used; sealed");
        KernelLog.End();

        BootMode.Run(ref boot);
    }

    private static void LogBootInfo(ref BootInfo boot)
    {
        KernelLog.Begin(LogLevel.Info);
        KernelLog.Str("boot: ");
        KernelLog.Str(boot.Protocol == BootProtocol.Multiboot2 ? "multiboot2" : "multiboot1");
        KernelLog.Str(", command line \"");
        for (int i = 0; i < boot.CmdlineLength; i++) KernelLog.Char((char)boot.CmdlineByte(i));
        KernelLog.Str("\", ");
        KernelLog.Dec((ulong)boot.ModuleCount);
        KernelLog.Str(" modules");
        KernelLog.End();

        ulong usable = 0;
        for (int i = 0; i < boot.RegionCount; i++)
        {
            MemoryRegion r = boot.Region(i);
            if (r.Type == MemoryRegionType.Usable) usable += r.Length;
            KernelLog.Begin(LogLevel.Info);
            KernelLog.Str("mem: ");
            KernelLog.Hex(r.Base, 12);
            KernelLog.Str("-");
            KernelLog.Hex(r.End - 1, 12);
            KernelLog.Char(' ');
            KernelLog.Str(RegionName(r.Type));
            KernelLog.End();
        }
        KernelLog.Begin(LogLevel.Info);
        KernelLog.Str("mem: ");
        KernelLog.Dec((ulong)boot.RegionCount);
        KernelLog.Str(" regions, ");
        KernelLog.Size(usable);
        KernelLog.Str(" usable");
        KernelLog.End();
    }

    private static string RegionName(MemoryRegionType type) => type switch
    {
        MemoryRegionType.Usable => "usable",
        MemoryRegionType.AcpiReclaimable => "ACPI reclaimable",
        MemoryRegionType.AcpiNvs => "ACPI NVS",
        MemoryRegionType.Bad => "bad",
        _ => "reserved",
    };

    private static void InitMemory(PhysMap direct, ref BootInfo boot, in KernelLayout layout)
    {
        var regions = new MemoryRegion[BootInfo.RegionCapacity];
        int regionCount = boot.CopyRegions(regions);
        var reserved = new PhysRange[BootInfo.ModuleCapacity + 2];
        int n = 0;
        reserved[n++] = new PhysRange(layout.PhysStart, layout.PhysEnd - layout.PhysStart);
        reserved[n++] = new PhysRange(boot.InfoPhys, boot.InfoLength);
        ulong directEnd = 0;
        for (int i = 0; i < boot.ModuleCount; i++)
        {
            BootModule m = boot.Module(i);
            reserved[n++] = new PhysRange(m.Start, m.End - m.Start);
        }
        for (int i = 0; i < regionCount; i++)
            if (regions[i].Type != MemoryRegionType.Reserved && regions[i].Type != MemoryRegionType.Bad && regions[i].End > directEnd)
                directEnd = regions[i].End;
        directEnd = (directEnd + PageTable.Size2M - 1) & ~(PageTable.Size2M - 1);
        if (directEnd > BootDirectMapLimit)
        {
            KernelLog.Warn("mem: RAM above 4 GiB is not managed yet");
            directEnd = BootDirectMapLimit;
        }

        if (!FrameAllocator.TryCreate(direct, new ReadOnlySpan<MemoryRegion>(regions, 0, regionCount), new ReadOnlySpan<PhysRange>(reserved, 0, n), out FrameAllocator frames))
            Panic.Fail("no usable memory for the frame allocator");
        KernelState.Frames = frames;
        KernelState.FrameSource = new FrameAllocatorFrameSource(frames);

        MapStatus status = KernelSpace.Build(direct, ref KernelState.FrameSource, layout, directEnd);
        if (status != MapStatus.Ok) Panic.Fail("cannot build the kernel page tables");
        // The trampoline mapped 4 GiB; the real direct map ends at the last RAM region.
        KernelState.Direct = new PhysMap((byte*)KernelSpace.DirectMapBase, directEnd);
        KernelLog.Begin(LogLevel.Info);
        KernelLog.Str("mem: ");
        KernelLog.Dec(frames.FreeFrames);
        KernelLog.Str(" free frames of ");
        KernelLog.Dec(frames.TotalFrames);
        KernelLog.Str(" (");
        KernelLog.Size(frames.FreeFrames * FrameAllocator.FrameSize);
        KernelLog.Str(" free); direct map ");
        KernelLog.Size(directEnd);
        KernelLog.Str("; kernel text RX, rodata R, data RW NX, page 0 unmapped");
        KernelLog.End();
    }

    private static void ReadAcpi(PhysMap direct, ref BootInfo boot)
    {
        AcpiStatus acpiStatus = boot.RsdpPhys != 0
            ? AcpiParser.Parse(direct, boot.RsdpPhys, out KernelState.Acpi)
            : AcpiParser.Discover(direct, out KernelState.Acpi);
        if (acpiStatus != AcpiStatus.Ok || !KernelState.Acpi.HasMadt) Panic.Fail("ACPI tables (RSDP/MADT) not found or invalid");
        AcpiLog.Tables(ref KernelState.Acpi);
    }

    private static void InitInterrupts()
    {
        ref AcpiInfo acpi = ref KernelState.Acpi;

        Pic.RemapAndMask();
        byte* lapic = KernelSpace.MapDevice(ref KernelState.FrameSource, new PhysAddr(acpi.Madt.LocalApicAddress), PageTable.Size4K);
        if (lapic == null) Panic.Fail("cannot map the local APIC");
        LocalApic.Init(lapic);
        if (acpi.Madt.IoApicCount > 0)
        {
            var io = acpi.Madt.GetIoApic(0);
            byte* ioapic = KernelSpace.MapDevice(ref KernelState.FrameSource, new PhysAddr(io.Address), PageTable.Size4K);
            if (ioapic == null) Panic.Fail("cannot map the IOAPIC");
            IoApic.Init(ioapic, io.GsiBase);
        }
        KernelLog.Begin(LogLevel.Info);
        KernelLog.Str("apic: local APIC id ");
        KernelLog.Dec((ulong)LocalApic.ApicId);
        KernelLog.Str(", IOAPIC ");
        KernelLog.Dec((ulong)IoApic.Lines);
        KernelLog.Str(" lines from GSI ");
        KernelLog.Dec((ulong)IoApic.GsiBase);
        KernelLog.Str(" (all masked); legacy PIC masked");
        KernelLog.End();

        LocalApic.CalibrateTimer();
        Timer.Init();
        Cpu.EnableInterrupts();
        KernelLog.Begin(LogLevel.Info);
        KernelLog.Str("timer: local APIC timer ");
        KernelLog.Dec(LocalApic.TimerHz / 1000);
        KernelLog.Str(" kHz (calibrated against the PIT), tick ");
        KernelLog.Dec((ulong)Timer.TickHz);
        KernelLog.Str(" Hz periodic");
        KernelLog.End();
    }

    // The one table the thread layer needs that no user object can hold: live address spaces by ASID.
    private static void InitAsidTable()
    {
        ulong bytes = AddressSpaces.MaxAsids * 16;
        if (!KernelState.Frames.TryAllocContiguous((bytes + PageTable.Size4K - 1) / PageTable.Size4K, 1, out PhysAddr phys)) Panic.Fail("no memory for the ASID table");
        AddressSpaces.Init(KernelState.Direct.Ptr(phys));
    }

    private static void EarlyFail(string reason)
    {
        for (int i = 0; i < reason.Length; i++) Serial.Write((byte)reason[i]);
        QemuExit.Exit(ExitStatus.Panic);
    }
}
