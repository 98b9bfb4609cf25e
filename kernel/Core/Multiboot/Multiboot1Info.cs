// Reader for the Multiboot (version 1) information structure, in place in physical memory.
// Nothing is copied at creation: each accessor validates the part it reads against the direct-map window,
// because a boot loader bug must show up as Malformed, not as a wild read.
//
// Layout used (offsets in the info structure, little-endian u32):
//   0 flags; 4 mem_lower, 8 mem_upper (flag bit 0, KiB); 16 cmdline (bit 2, phys of C string);
//   20 mods_count, 24 mods_addr (bit 3; entries of 16 bytes: mod_start, mod_end, string, reserved);
//   44 mmap_length, 48 mmap_addr (bit 6; each entry is preceded by its u32 size, which excludes itself,
//   then base u64, length u64, type u32).
using System;
using Vireo.Kernel.Memory;

namespace Vireo.Kernel.Multiboot;

public readonly unsafe struct Multiboot1Info : IBootInfoSource
{
    public const uint BootloaderMagic = 0x2BADB002;

    /// <summary>Size of the info structure as defined by the specification (through the framebuffer fields).</summary>
    public const ulong StructSize = 116;

    public const uint FlagMemoryBounds = 1u << 0;
    public const uint FlagCmdline = 1u << 2;
    public const uint FlagModules = 1u << 3;
    public const uint FlagMemoryMap = 1u << 6;

    // The parser reads nothing past mmap_addr, so that is all that must be mapped.
    private const ulong RequiredSize = 52;
    private const ulong ModuleEntrySize = 16;
    private const uint MinMapEntrySize = 20;

    private readonly PhysMap _map;

    public readonly ulong InfoPhys;

    private Multiboot1Info(PhysMap map, ulong infoPhys)
    {
        _map = map;
        InfoPhys = infoPhys;
    }

    public static BootParseStatus TryCreate(PhysMap map, uint magic, ulong infoPhys, out Multiboot1Info info)
    {
        info = default;
        if (magic != BootloaderMagic)
            return BootParseStatus.BadMagic;
        if (!map.Contains(infoPhys, RequiredSize))
            return BootParseStatus.Malformed;
        info = new Multiboot1Info(map, infoPhys);
        return BootParseStatus.Ok;
    }

    /// <summary>0 for a default (never created) reader, so every accessor then reports Missing.</summary>
    public uint Flags => _map.Base == null ? 0 : Field(0);

    public BootParseStatus GetMemoryBounds(out uint lowerKiB, out uint upperKiB)
    {
        lowerKiB = 0;
        upperKiB = 0;
        if ((Flags & FlagMemoryBounds) == 0)
            return BootParseStatus.Missing;
        lowerKiB = Field(4);
        upperKiB = Field(8);
        return BootParseStatus.Ok;
    }

    /// <summary>Copies the kernel command line (without its NUL) into <paramref name="dest"/>.</summary>
    public BootParseStatus CopyCmdline(Span<byte> dest, out int length)
    {
        length = 0;
        if ((Flags & FlagCmdline) == 0)
            return BootParseStatus.Missing;
        return PhysString.Copy(_map, Field(16), ulong.MaxValue, dest, out length);
    }

    public BootParseStatus ReadModules(Span<BootModule> dest, out int count)
    {
        count = 0;
        if ((Flags & FlagModules) == 0)
            return BootParseStatus.Missing;
        ulong total = Field(20);
        ulong table = Field(24);
        if (!_map.Contains(table, total * ModuleEntrySize))
            return BootParseStatus.Malformed;

        ulong toRead = total < (ulong)dest.Length ? total : (ulong)dest.Length;
        for (ulong i = 0; i < toRead; i++)
        {
            uint* entry = _map.As<uint>(table + i * ModuleEntrySize);
            if (entry[1] < entry[0])
                return BootParseStatus.Malformed;
            dest[count] = new BootModule(entry[0], entry[1], entry[2]);
            count++;
        }
        return toRead < total ? BootParseStatus.Truncated : BootParseStatus.Ok;
    }

    public BootParseStatus ReadMemoryMap(Span<MemoryRegion> dest, out int count)
    {
        count = 0;
        if ((Flags & FlagMemoryMap) == 0)
            return BootParseStatus.Missing;
        ulong length = Field(44);
        ulong table = Field(48);
        if (!_map.Contains(table, length))
            return BootParseStatus.Malformed;

        // Invariant: offset is the position of an entry's size field, and [table, table+length) is mapped.
        ulong offset = 0;
        while (offset < length)
        {
            if (length - offset < 4)
                return BootParseStatus.Malformed;
            uint size = *_map.As<uint>(table + offset);
            if (size < MinMapEntrySize || size > length - offset - 4)
                return BootParseStatus.Malformed;
            if (count == dest.Length)
                return BootParseStatus.Truncated;
            byte* entry = _map.Ptr(table + offset + 4);
            dest[count] = new MemoryRegion(*(ulong*)entry, *(ulong*)(entry + 8),
                MemoryRegion.FromMultibootType(*(uint*)(entry + 16)));
            count++;
            offset += 4 + (ulong)size;
        }
        return BootParseStatus.Ok;
    }

    private uint Field(ulong offset) => *_map.As<uint>(InfoPhys + offset);
}
