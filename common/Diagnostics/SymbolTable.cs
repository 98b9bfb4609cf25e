// Symbol table used to name code addresses: in kernel panic backtraces and, in user programs, where
// an exception was thrown (each image embeds its own table, see toolchain/Native.targets).
// The blob is produced at build time by `vireo-tools ksyms` (tools/Vireo.Tools/KernelSymbols.cs)
// from the kernel ELF's .symtab. Format, all integers little-endian:
//
//   offset 0   "VKSY"               magic
//   offset 4   uint version         = 1
//   offset 8   uint count           number of entries
//   offset 12  uint poolSize        bytes in the string pool
//   offset 16  count x 16-byte entries, sorted by address (non-decreasing):
//                ulong address      first byte of the symbol
//                uint  size         bytes covered; 0 = unknown, extends to the next symbol
//                uint  nameOffset   offset of the name in the string pool
//   then       poolSize bytes of UTF-8 names, each NUL-terminated
//
// The blob is untrusted input to the panic path, so TryCreate checks every offset once up front
// (bounds, sort order, terminating NUL); after that TryLookup can never read outside the blob.
// The struct keeps raw pointers: the blob must stay mapped for as long as the table is used.
using System;

namespace Vireo.Kernel.Diagnostics;

public readonly unsafe struct SymbolTable
{
    /// <summary>"VKSY" read as a little-endian uint.</summary>
    public const uint Magic = 0x5953_4B56;
    public const uint FormatVersion = 1;
    public const int HeaderSize = 16;
    public const int EntrySize = 16;

    private readonly byte* _entries;
    private readonly byte* _pool;
    private readonly uint _count;
    private readonly uint _poolSize;

    private SymbolTable(byte* entries, uint count, byte* pool, uint poolSize)
    {
        _entries = entries;
        _count = count;
        _pool = pool;
        _poolSize = poolSize;
    }

    public int Count => (int)_count;

    /// <summary>Validates the blob at [blob, blob+length) and wraps it. Bytes past the pool are ignored.</summary>
    public static bool TryCreate(byte* blob, ulong length, out SymbolTable table)
    {
        table = default;
        if (blob == null || length < HeaderSize)
            return false;
        if (ReadU32(blob) != Magic || ReadU32(blob + 4) != FormatVersion)
            return false;

        uint count = ReadU32(blob + 8);
        uint poolSize = ReadU32(blob + 12);
        // count <= 2^32, so this sum cannot overflow a ulong.
        ulong required = HeaderSize + (ulong)count * EntrySize + poolSize;
        if (required > length)
            return false;
        // Count reports the number as an int.
        if (count > int.MaxValue)
            return false;

        byte* entries = blob + HeaderSize;
        byte* pool = entries + (ulong)count * EntrySize;
        if (count != 0 && (poolSize == 0 || pool[poolSize - 1] != 0))
            return false;

        ulong previous = 0;
        for (uint i = 0; i < count; i++)
        {
            byte* entry = entries + (ulong)i * EntrySize;
            ulong address = ReadU64(entry);
            if (address < previous)
                return false;
            if (ReadU32(entry + 12) >= poolSize)
                return false;
            previous = address;
        }

        table = new SymbolTable(entries, count, pool, poolSize);
        return true;
    }

    /// <summary>
    /// Finds the symbol containing address: the last symbol starting at or below it, provided the
    /// address falls inside its size (a size of 0 means "up to the next symbol").
    /// </summary>
    public bool TryLookup(ulong address, out ulong symbolStart, out ReadOnlySpan<byte> name)
    {
        symbolStart = 0;
        name = default;

        // Invariant of the loop: entries [0, low) start <= address, entries [high, count) start above it.
        uint low = 0;
        uint high = _count;
        while (low < high)
        {
            uint mid = low + (high - low) / 2;
            if (ReadU64(EntryAt(mid)) <= address)
                low = mid + 1;
            else
                high = mid;
        }

        if (low == 0)
            return false;

        byte* entry = EntryAt(low - 1);
        ulong start = ReadU64(entry);
        uint size = ReadU32(entry + 8);
        if (size != 0 && address - start >= size)
            return false;

        symbolStart = start;
        name = NameAt(ReadU32(entry + 12));
        return true;
    }

    /// <summary>Reads entry index (0-based, in address order).</summary>
    public bool TryGetEntry(int index, out ulong start, out uint size, out ReadOnlySpan<byte> name)
    {
        start = 0;
        size = 0;
        name = default;
        if (index < 0 || (uint)index >= _count)
            return false;

        byte* entry = EntryAt((uint)index);
        start = ReadU64(entry);
        size = ReadU32(entry + 8);
        name = NameAt(ReadU32(entry + 12));
        return true;
    }

    private byte* EntryAt(uint index) => _entries + (ulong)index * EntrySize;

    // offset < _poolSize and the pool ends in NUL (checked by TryCreate), so the scan stays inside.
    private ReadOnlySpan<byte> NameAt(uint offset)
    {
        byte* start = _pool + offset;
        int length = 0;
        while (start[length] != 0)
            length++;
        return new ReadOnlySpan<byte>(start, length);
    }

    // Byte-wise reads: the blob may sit at any alignment and the format is little-endian by definition.
    private static uint ReadU32(byte* p)
        => p[0] | ((uint)p[1] << 8) | ((uint)p[2] << 16) | ((uint)p[3] << 24);

    private static ulong ReadU64(byte* p) => ReadU32(p) | ((ulong)ReadU32(p + 4) << 32);
}
