// Decoded MADT entries as handed out by MadtInfo. Small immutable values; MadtInfo stores
// them internally as parallel fixed arrays because fixed buffers can only hold primitives.
namespace Vireo.Kernel.Acpi;

/// <summary>MADT type 0: one processor's local APIC.</summary>
public readonly struct MadtProcessor
{
    public const uint FlagEnabled = 1;
    public const uint FlagOnlineCapable = 2;

    public readonly byte ProcessorUid;
    public readonly byte ApicId;
    public readonly uint Flags;

    public MadtProcessor(byte processorUid, byte apicId, uint flags)
    {
        ProcessorUid = processorUid;
        ApicId = apicId;
        Flags = flags;
    }

    public bool Enabled => (Flags & FlagEnabled) != 0;

    /// <summary>Disabled now but may be brought online later; neither bit set means unusable.</summary>
    public bool OnlineCapable => (Flags & FlagOnlineCapable) != 0;
}

/// <summary>MADT type 1: an I/O APIC and the first GSI it serves.</summary>
public readonly struct MadtIoApic
{
    public readonly byte Id;
    public readonly uint Address;
    public readonly uint GsiBase;

    public MadtIoApic(byte id, uint address, uint gsiBase)
    {
        Id = id;
        Address = address;
        GsiBase = gsiBase;
    }
}

/// <summary>
/// MADT type 2: ISA IRQ <see cref="SourceIrq"/> is wired to <see cref="Gsi"/>.
/// Flags bits 0-1 polarity (00 bus default, 01 high, 11 low), bits 2-3 trigger
/// (00 bus default, 01 edge, 11 level). The ISA bus default is active-high, edge.
/// </summary>
public readonly struct MadtInterruptOverride
{
    public const ushort PolarityMask = 0x3;
    public const ushort PolarityActiveLow = 0x3;
    public const ushort TriggerMask = 0xC;
    public const ushort TriggerLevel = 0xC;

    public readonly byte Bus;
    public readonly byte SourceIrq;
    public readonly uint Gsi;
    public readonly ushort Flags;

    public MadtInterruptOverride(byte bus, byte sourceIrq, uint gsi, ushort flags)
    {
        Bus = bus;
        SourceIrq = sourceIrq;
        Gsi = gsi;
        Flags = flags;
    }

    public bool ActiveLow => (Flags & PolarityMask) == PolarityActiveLow;
    public bool LevelTriggered => (Flags & TriggerMask) == TriggerLevel;
}

/// <summary>MADT type 4: which LINT pin of which processor's local APIC carries NMI.</summary>
public readonly struct MadtLocalApicNmi
{
    public const byte AllProcessors = 0xFF;

    public readonly byte ProcessorUid;
    public readonly ushort Flags;
    public readonly byte Lint;

    public MadtLocalApicNmi(byte processorUid, ushort flags, byte lint)
    {
        ProcessorUid = processorUid;
        Flags = flags;
        Lint = lint;
    }

    public bool AppliesToAll => ProcessorUid == AllProcessors;
    public bool ActiveLow => (Flags & MadtInterruptOverride.PolarityMask) == MadtInterruptOverride.PolarityActiveLow;
    public bool LevelTriggered => (Flags & MadtInterruptOverride.TriggerMask) == MadtInterruptOverride.TriggerLevel;
}
