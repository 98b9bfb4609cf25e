// Reader for the Multiboot2 boot information structure, in place in physical memory.
// TryCreate walks and validates the whole tag chain once (every tag inside total_size, sizes sane, an end tag
// present) and remembers where the single-instance tags are; later accessors therefore read only memory that
// was proven to lie inside the structure.
//
// Layout: u32 total_size, u32 reserved, then tags at 8-byte aligned offsets, each u32 type, u32 size (size
// includes the 8-byte tag header but not the alignment padding). Tags used:
//   0 end; 1 cmdline (C string inline); 3 module (u32 mod_start, u32 mod_end, C string inline);
//   4 basic memory (u32 mem_lower, u32 mem_upper in KiB); 6 memory map (u32 entry_size, u32 entry_version,
//   then entries of u64 base, u64 length, u32 type, u32 reserved); 14 ACPI 1.0 RSDP copy; 15 ACPI 2.0+ RSDP copy.
using System;
using Vireo.Kernel.Memory;

namespace Vireo.Kernel.Multiboot;

public readonly unsafe struct Multiboot2Info : IBootInfoSource
{
    public const uint BootloaderMagic = 0x36D76289;

    public const uint TagEnd = 0;
    public const uint TagCmdline = 1;
    public const uint TagModule = 3;
    public const uint TagBasicMemory = 4;
    public const uint TagMemoryMap = 6;
    public const uint TagAcpiOld = 14;
    public const uint TagAcpiNew = 15;

    private const ulong HeaderSize = 8;
    private const ulong TagHeaderSize = 8;
    private const uint RsdpV1Size = 20;
    private const uint RsdpV2Size = 36;
    private const uint MinMapEntrySize = 24;

    private readonly PhysMap _map;

    public readonly ulong InfoPhys;
    public readonly uint TotalSize;

    // Physical addresses of the first tag of each kind, 0 when absent (a tag never sits at physical 0,
    // because the 8-byte header precedes it).
    private readonly ulong _cmdlineTag;
    private readonly ulong _basicMemoryTag;
    private readonly ulong _memoryMapTag;
    private readonly ulong _rsdpTag;

    private Multiboot2Info(PhysMap map, ulong infoPhys, uint totalSize, ulong cmdlineTag, ulong basicMemoryTag,
        ulong memoryMapTag, ulong rsdpTag)
    {
        _map = map;
        InfoPhys = infoPhys;
        TotalSize = totalSize;
        _cmdlineTag = cmdlineTag;
        _basicMemoryTag = basicMemoryTag;
        _memoryMapTag = memoryMapTag;
        _rsdpTag = rsdpTag;
    }

    public static BootParseStatus TryCreate(PhysMap map, uint magic, ulong infoPhys, out Multiboot2Info info)
    {
        info = default;
        if (magic != BootloaderMagic)
            return BootParseStatus.BadMagic;
        if (!map.Contains(infoPhys, HeaderSize))
            return BootParseStatus.Malformed;
        uint totalSize = *map.As<uint>(infoPhys);
        if (totalSize < HeaderSize + TagHeaderSize || !map.Contains(infoPhys, totalSize))
            return BootParseStatus.Malformed;

        ulong cmdline = 0, basicMemory = 0, memoryMap = 0, rsdpOld = 0, rsdpNew = 0;
        bool sawEnd = false;
        // Invariant: offset is 8-aligned and every tag before it lay wholly inside total_size.
        ulong offset = HeaderSize;
        while (offset < totalSize)
        {
            if (totalSize - offset < TagHeaderSize)
                return BootParseStatus.Malformed;
            ulong tag = infoPhys + offset;
            uint type = *map.As<uint>(tag);
            uint size = *map.As<uint>(tag + 4);
            if (size < TagHeaderSize || size > totalSize - offset)
                return BootParseStatus.Malformed;
            if (type == TagEnd)
            {
                sawEnd = true;
                break;
            }
            if (!TagSizeValid(map, tag, type, size))
                return BootParseStatus.Malformed;

            if (type == TagCmdline && cmdline == 0)
                cmdline = tag;
            else if (type == TagBasicMemory && basicMemory == 0)
                basicMemory = tag;
            else if (type == TagMemoryMap && memoryMap == 0)
                memoryMap = tag;
            else if (type == TagAcpiOld && rsdpOld == 0)
                rsdpOld = tag;
            else if (type == TagAcpiNew && rsdpNew == 0)
                rsdpNew = tag;

            offset += AlignTag(size);
        }
        if (!sawEnd)
            return BootParseStatus.Malformed;

        // The 2.0+ RSDP carries the XSDT address, so it wins when the loader supplies both.
        info = new Multiboot2Info(map, infoPhys, totalSize, cmdline, basicMemory, memoryMap,
            rsdpNew != 0 ? rsdpNew : rsdpOld);
        return BootParseStatus.Ok;
    }

    public BootParseStatus GetMemoryBounds(out uint lowerKiB, out uint upperKiB)
    {
        lowerKiB = 0;
        upperKiB = 0;
        if (_basicMemoryTag == 0)
            return BootParseStatus.Missing;
        lowerKiB = *_map.As<uint>(_basicMemoryTag + 8);
        upperKiB = *_map.As<uint>(_basicMemoryTag + 12);
        return BootParseStatus.Ok;
    }

    /// <summary>Copies the kernel command line (without its NUL) into <paramref name="dest"/>.</summary>
    public BootParseStatus CopyCmdline(Span<byte> dest, out int length)
    {
        length = 0;
        if (_cmdlineTag == 0)
            return BootParseStatus.Missing;
        uint size = *_map.As<uint>(_cmdlineTag + 4);
        return PhysString.Copy(_map, _cmdlineTag + TagHeaderSize, size - TagHeaderSize, dest, out length);
    }

    /// <summary>Physical address of the RSDP copy inside the info structure (2.0+ preferred), or 0 if none.</summary>
    public ulong RsdpPhys => _rsdpTag == 0 ? 0 : _rsdpTag + TagHeaderSize;

    /// <summary>Bytes of RSDP copy available at <see cref="RsdpPhys"/> (0 if none).</summary>
    public uint RsdpLength => _rsdpTag == 0 ? 0 : *_map.As<uint>(_rsdpTag + 4) - (uint)TagHeaderSize;

    public BootParseStatus ReadModules(Span<BootModule> dest, out int count)
    {
        count = 0;
        if (TotalSize == 0)
            return BootParseStatus.Missing;
        bool truncated = false;
        ulong offset = HeaderSize;
        while (true)
        {
            ulong tag = ReadTagHeader(offset, out uint type, out uint size);
            if (type == TagEnd)
                break;
            if (type == TagModule)
            {
                if (count == dest.Length)
                {
                    truncated = true;
                    break;
                }
                uint start = *_map.As<uint>(tag + 8);
                uint end = *_map.As<uint>(tag + 12);
                dest[count] = new BootModule(start, end, tag + 16);
                count++;
            }
            offset += AlignTag(size);
        }
        return truncated ? BootParseStatus.Truncated : BootParseStatus.Ok;
    }

    public BootParseStatus ReadMemoryMap(Span<MemoryRegion> dest, out int count)
    {
        count = 0;
        if (_memoryMapTag == 0)
            return BootParseStatus.Missing;
        uint size = *_map.As<uint>(_memoryMapTag + 4);
        uint entrySize = *_map.As<uint>(_memoryMapTag + 8);
        // Entries start after the tag header and the entry_size/entry_version pair; TagSizeValid checked both fit.
        ulong first = _memoryMapTag + 16;
        ulong entries = (size - 16) / entrySize;
        for (ulong i = 0; i < entries; i++)
        {
            if (count == dest.Length)
                return BootParseStatus.Truncated;
            byte* entry = _map.Ptr(first + i * entrySize);
            dest[count] = new MemoryRegion(*(ulong*)entry, *(ulong*)(entry + 8),
                MemoryRegion.FromMultibootType(*(uint*)(entry + 16)));
            count++;
        }
        return BootParseStatus.Ok;
    }

    // Only reached for offsets produced by the walk TryCreate validated, so the header is in bounds.
    private ulong ReadTagHeader(ulong offset, out uint type, out uint size)
    {
        ulong tag = InfoPhys + offset;
        type = *_map.As<uint>(tag);
        size = *_map.As<uint>(tag + 4);
        return tag;
    }

    private static bool TagSizeValid(PhysMap map, ulong tag, uint type, uint size)
    {
        switch (type)
        {
            case TagModule:
                return size >= 16 && *map.As<uint>(tag + 12) >= *map.As<uint>(tag + 8);
            case TagBasicMemory:
                return size >= 16;
            case TagMemoryMap:
                if (size < 16)
                    return false;
                uint entrySize = *map.As<uint>(tag + 8);
                return entrySize >= MinMapEntrySize && entrySize % 8 == 0;
            case TagAcpiOld:
                return size >= TagHeaderSize + RsdpV1Size;
            case TagAcpiNew:
                return size >= TagHeaderSize + RsdpV2Size;
            default:
                return true;
        }
    }

    private static ulong AlignTag(uint size) => ((ulong)size + 7) & ~7ul;
}
