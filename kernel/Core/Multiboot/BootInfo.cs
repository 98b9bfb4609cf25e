// Boot-protocol-neutral copy of what the loader told us, filled from Multiboot1 or Multiboot2.
// It is a fixed-capacity value (fixed buffers, no heap) so it can be filled before any allocator exists and
// so the loader's structure can be forgotten afterwards, except for what the caller must keep reserved:
// the modules, their strings, and the info structure itself when RsdpPhys points into it (Multiboot2).
//
// Regions and modules are stored as runs of three ulongs per element, which is exactly the layout of
// MemoryRegion and BootModule (see their headers); this lets the parsers write straight into the buffers.
using System;
using Vireo.Kernel.Memory;

namespace Vireo.Kernel.Multiboot;

public enum BootProtocol : byte
{
    None,
    Multiboot1,
    Multiboot2,
}

public unsafe struct BootInfo
{
    public const int RegionCapacity = 64;
    public const int ModuleCapacity = 16;
    public const int CmdlineCapacity = 256;

    private const int SlotsPerElement = 3;
    private const ulong OneMiB = 1ul << 20;

    private fixed ulong _regions[RegionCapacity * SlotsPerElement];
    private fixed ulong _modules[ModuleCapacity * SlotsPerElement];
    private fixed byte _cmdline[CmdlineCapacity];

    public BootProtocol Protocol { get; private set; }

    /// <summary>Physical extent of the loader's info structure, for the caller to reserve while it is still needed.</summary>
    public ulong InfoPhys { get; private set; }
    public ulong InfoLength { get; private set; }

    public int RegionCount { get; private set; }
    /// <summary>The loader's map had more than RegionCapacity entries; the leading ones were kept.</summary>
    public bool RegionsTruncated { get; private set; }
    /// <summary>False when the regions were synthesised from mem_lower/mem_upper because no map was given.</summary>
    public bool HasFirmwareMemoryMap { get; private set; }

    public int ModuleCount { get; private set; }
    public bool ModulesTruncated { get; private set; }

    public int CmdlineLength { get; private set; }
    public bool CmdlineTruncated { get; private set; }

    public bool HasMemoryBounds { get; private set; }
    public uint MemLowerKiB { get; private set; }
    public uint MemUpperKiB { get; private set; }

    /// <summary>Physical address of the loader's RSDP copy (Multiboot2 tags 14/15), 0 if none.</summary>
    public ulong RsdpPhys { get; private set; }
    public uint RsdpLength { get; private set; }

    /// <summary>
    /// Dispatches on <paramref name="magic"/> (the value the loader left in EAX). Returns Ok, BadMagic or
    /// Malformed; truncation of regions, modules or command line is reported through the flags instead.
    /// </summary>
    public static BootParseStatus Parse(PhysMap map, uint magic, ulong infoPhys, out BootInfo info)
    {
        info = default;
        if (magic == Multiboot1Info.BootloaderMagic)
            return ParseMultiboot1(map, magic, infoPhys, ref info);
        if (magic == Multiboot2Info.BootloaderMagic)
            return ParseMultiboot2(map, magic, infoPhys, ref info);
        return BootParseStatus.BadMagic;
    }

    public MemoryRegion Region(int index)
    {
        fixed (ulong* slots = _regions)
            return new Span<MemoryRegion>(slots, RegionCount)[index];
    }

    public BootModule Module(int index)
    {
        fixed (ulong* slots = _modules)
            return new Span<BootModule>(slots, ModuleCount)[index];
    }

    public byte CmdlineByte(int index)
    {
        fixed (byte* bytes = _cmdline)
            return new Span<byte>(bytes, CmdlineLength)[index];
    }

    /// <summary>Copies up to dest.Length regions; returns how many were copied.</summary>
    public int CopyRegions(Span<MemoryRegion> dest)
    {
        int n = RegionCount < dest.Length ? RegionCount : dest.Length;
        for (int i = 0; i < n; i++)
            dest[i] = Region(i);
        return n;
    }

    public int CopyModules(Span<BootModule> dest)
    {
        int n = ModuleCount < dest.Length ? ModuleCount : dest.Length;
        for (int i = 0; i < n; i++)
            dest[i] = Module(i);
        return n;
    }

    public int CopyCmdline(Span<byte> dest)
    {
        int n = CmdlineLength < dest.Length ? CmdlineLength : dest.Length;
        for (int i = 0; i < n; i++)
            dest[i] = CmdlineByte(i);
        return n;
    }

    private static BootParseStatus ParseMultiboot1(PhysMap map, uint magic, ulong infoPhys, ref BootInfo info)
    {
        BootParseStatus status = Multiboot1Info.TryCreate(map, magic, infoPhys, out Multiboot1Info mb);
        if (status != BootParseStatus.Ok)
            return status;
        info.Protocol = BootProtocol.Multiboot1;
        info.InfoPhys = infoPhys;
        info.InfoLength = Multiboot1Info.StructSize;
        return info.Fill(mb);
    }

    private static BootParseStatus ParseMultiboot2(PhysMap map, uint magic, ulong infoPhys, ref BootInfo info)
    {
        BootParseStatus status = Multiboot2Info.TryCreate(map, magic, infoPhys, out Multiboot2Info mb);
        if (status != BootParseStatus.Ok)
            return status;
        info.Protocol = BootProtocol.Multiboot2;
        info.InfoPhys = infoPhys;
        info.InfoLength = mb.TotalSize;
        info.RsdpPhys = mb.RsdpPhys;
        info.RsdpLength = mb.RsdpLength;
        return info.Fill(mb);
    }

    private BootParseStatus Fill<T>(T source) where T : struct, IBootInfoSource
    {
        uint lower, upper;
        HasMemoryBounds = source.GetMemoryBounds(out lower, out upper) == BootParseStatus.Ok;
        MemLowerKiB = lower;
        MemUpperKiB = upper;

        BootParseStatus status;
        int count;
        fixed (ulong* slots = _regions)
            status = source.ReadMemoryMap(new Span<MemoryRegion>(slots, RegionCapacity), out count);
        if (!StoreRegions(status, count))
            return BootParseStatus.Malformed;

        fixed (ulong* slots = _modules)
            status = source.ReadModules(new Span<BootModule>(slots, ModuleCapacity), out count);
        if (!StoreModules(status, count))
            return BootParseStatus.Malformed;

        fixed (byte* bytes = _cmdline)
            status = source.CopyCmdline(new Span<byte>(bytes, CmdlineCapacity), out count);
        return StoreCmdline(status, count) ? BootParseStatus.Ok : BootParseStatus.Malformed;
    }

    private bool StoreRegions(BootParseStatus status, int count)
    {
        if (status == BootParseStatus.Malformed)
            return false;
        if (status == BootParseStatus.Missing)
        {
            SynthesiseRegions();
            return true;
        }
        RegionCount = count;
        RegionsTruncated = status == BootParseStatus.Truncated;
        HasFirmwareMemoryMap = true;
        return true;
    }

    // Without a map the only knowledge is the two classic bounds: conventional memory from 0 and
    // extended memory from 1 MiB. Everything else stays unknown and is therefore never used.
    private void SynthesiseRegions()
    {
        if (!HasMemoryBounds)
            return;
        fixed (ulong* slots = _regions)
        {
            Span<MemoryRegion> regions = new Span<MemoryRegion>(slots, RegionCapacity);
            int n = 0;
            if (MemLowerKiB != 0)
                regions[n++] = new MemoryRegion(0, (ulong)MemLowerKiB * 1024, MemoryRegionType.Usable);
            if (MemUpperKiB != 0)
                regions[n++] = new MemoryRegion(OneMiB, (ulong)MemUpperKiB * 1024, MemoryRegionType.Usable);
            RegionCount = n;
        }
    }

    private bool StoreModules(BootParseStatus status, int count)
    {
        if (status == BootParseStatus.Malformed)
            return false;
        ModuleCount = count;
        ModulesTruncated = status == BootParseStatus.Truncated;
        return true;
    }

    private bool StoreCmdline(BootParseStatus status, int length)
    {
        if (status == BootParseStatus.Malformed)
            return false;
        CmdlineLength = length;
        CmdlineTruncated = status == BootParseStatus.Truncated;
        return true;
    }
}
