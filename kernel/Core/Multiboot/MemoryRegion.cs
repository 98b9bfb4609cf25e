// One entry of the firmware memory map, in the boot-protocol-neutral form the rest of the kernel uses.
// Both Multiboot versions use the same type numbering, so MemoryRegion.FromMultibootType serves both.
namespace Vireo.Kernel.Multiboot;

public enum MemoryRegionType : byte
{
    Usable,
    Reserved,
    AcpiReclaimable,
    AcpiNvs,
    Bad,
}

// Layout is three 8-byte slots (Base, Length, Type + padding): BootInfo stores regions in a fixed ulong buffer
// of three slots per region and relies on this size.
public struct MemoryRegion
{
    public ulong Base;
    public ulong Length;
    public MemoryRegionType Type;

    public MemoryRegion(ulong @base, ulong length, MemoryRegionType type)
    {
        Base = @base;
        Length = length;
        Type = type;
    }

    /// <summary>Exclusive end, saturated at ulong.MaxValue so a region that reaches the top of the address space stays ordered.</summary>
    public ulong End => Length > ulong.MaxValue - Base ? ulong.MaxValue : Base + Length;

    /// <summary>Multiboot type codes: 1 usable, 3 ACPI reclaimable, 4 ACPI NVS, 5 bad; anything else is reserved.</summary>
    public static MemoryRegionType FromMultibootType(uint type)
    {
        switch (type)
        {
            case 1: return MemoryRegionType.Usable;
            case 3: return MemoryRegionType.AcpiReclaimable;
            case 4: return MemoryRegionType.AcpiNvs;
            case 5: return MemoryRegionType.Bad;
            default: return MemoryRegionType.Reserved;
        }
    }
}
