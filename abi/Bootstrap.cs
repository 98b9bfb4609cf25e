// What the kernel hands the bootstrap process: a read-only page at BootstrapLayout.InfoPage
// describing its capabilities (untyped memory, the initfs) and the boot mode.
namespace Vireo.Abi;

public static class BootstrapLayout
{
    public const ulong UserTop = 0x0000_7400_0000_0000;
    public const ulong InfoPage = 0x0000_73FF_FFFF_E000;
    public const ulong StackTop = 0x0000_73FF_FFFF_0000;
    public const ulong IpcBuffer = 0x0000_73FF_FFFF_C000;
    public const ulong StackSize = 64 * 1024;
    public const ulong InitfsBase = 0x0000_7000_0000_0000;
    /// <summary>The bootstrap's CNode: 16,384 slots (1 MiB). The initfs takes one per page, and as the
    /// process manager it holds a few per process (their CNodes, threads, memory blocks).</summary>
    public const int CNodeSlotBits = 14;
    public const ulong Magic = 0x564952454F424F4F; // "VIREOBOO"
}

public unsafe struct BootstrapInfo
{
    public const int MaxUntyped = 56;
    public const ulong FlagTestMode = 1;
    public const ulong FlagBenchMode = 2;
    /// <summary>A normal boot that reports the instructions from reset to the shell's first prompt.</summary>
    public const ulong FlagBootBench = 4;
    /// <summary>The disk benchmarks' boot (etc/diskbench.rc: a disk, its driver and diskfs, then svcbench disk).</summary>
    public const ulong FlagDiskBench = 8;
    /// <summary>With FlagBenchMode: a boot without -icount (the `wallclock` word), whose TSC follows the host's
    /// clock; the SMP benchmarks that need parallel CPUs run there (bench/Guest/Bootstrap/SmpBenchmarks.cs).</summary>
    public const ulong FlagWallClock = 16;

    public ulong Magic;
    public ulong Flags;
    public ulong InitfsBase;       // where the initfs archive is mapped, read-only
    public ulong InitfsSize;
    public ulong InitfsFrameSlot;  // first slot of one frame capability per initfs page
    public ulong InitfsFrameCount;
    public ulong FirstFreeSlot;    // slots from here up are empty
    public ulong UntypedCount;
    public ulong FirstUntypedSlot;
    public ulong FirstDeviceSlot;  // DeviceMemory capabilities: the VGA window, the PCI hole, then ECAM (EcamDeviceSlot)
    public ulong DeviceCount;
    public fixed ulong UntypedPhys[MaxUntyped];
    public fixed byte UntypedSizeBits[MaxUntyped];
    /// <summary>The wall clock: the CMOS clock's reading at boot as Unix seconds (0 if it could not be
    /// read), and the monotonic time (Syscall.Time, nanoseconds since boot) at which it was taken.</summary>
    public long RtcUnixSeconds;
    public ulong RtcNanos;
    /// <summary>PCI Express configuration space from ACPI's MCFG (its first entry): the ECAM window's
    /// address for bus 0, its segment and the buses it decodes; all 0 when there is no MCFG (QEMU's pc
    /// machine: use ports 0xCF8/0xCFC). EcamDeviceSlot is the first of the DeviceMemory capabilities
    /// (consecutive, ascending) that cover [EcamBase + EcamStartBus MiB, EcamBase + (EcamEndBus + 1) MiB),
    /// or 0 when the window lies inside the PCI hole's capabilities (carve it from those).</summary>
    public ulong EcamBase;
    public ulong EcamDeviceSlot;
    public ushort EcamSegment;
    public byte EcamStartBus, EcamEndBus;
}
