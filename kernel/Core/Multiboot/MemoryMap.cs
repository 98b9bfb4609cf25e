// Turns a firmware memory map (unsorted, overlapping, unaligned, as loaders really deliver it) into a sorted
// list of disjoint regions the frame allocator can trust.
//
// Design: a sweep over elementary intervals. The boundaries of all input regions cut the address space into
// intervals; each interval takes the most restrictive type of the regions covering it (anything beats Usable,
// Bad beats everything), equal neighbours are merged, and Usable regions are then shrunk inward to 4 KiB
// pages. This is O(n^2) in the number of entries, which is bounded by BootInfo.RegionCapacity, and needs no
// scratch memory, so it runs before any allocator exists.
using System;
using Vireo.Abi;

namespace Vireo.Kernel.Multiboot;

public static class MemoryMap
{
    public const ulong PageSize = ObjectSizes.PageSize;

    /// <summary>
    /// Writes the normalised map to <paramref name="output"/> and returns its length. On return the output is
    /// sorted by Base, no two regions overlap, no two adjacent regions of the same type touch, no region is
    /// empty, and every Usable region is page aligned. Addresses not covered by the input are not listed.
    /// <paramref name="truncated"/> is set when the output span was too small; the regions written are
    /// still a correct (lowest-address) prefix of the full result.
    /// </summary>
    public static int Normalize(ReadOnlySpan<MemoryRegion> input, Span<MemoryRegion> output, out bool truncated)
    {
        truncated = false;
        int count = 0;
        bool haveCursor = FirstBoundary(input, out ulong cursor);
        while (haveCursor)
        {
            haveCursor = NextBoundary(input, cursor, out ulong next);
            if (!haveCursor)
                break;
            if (Covering(input, cursor, out MemoryRegionType type))
            {
                if (count > 0 && output[count - 1].Type == type && output[count - 1].End == cursor)
                {
                    output[count - 1].Length += next - cursor;
                }
                else
                {
                    if (count == output.Length)
                    {
                        truncated = true;
                        break;
                    }
                    output[count++] = new MemoryRegion(cursor, next - cursor, type);
                }
            }
            cursor = next;
        }
        return AlignUsable(output, count);
    }

    /// <summary>Higher rank wins where regions overlap; Usable loses to every kind of reservation.</summary>
    private static int Rank(MemoryRegionType type)
    {
        switch (type)
        {
            case MemoryRegionType.Usable: return 0;
            case MemoryRegionType.AcpiReclaimable: return 1;
            case MemoryRegionType.AcpiNvs: return 2;
            case MemoryRegionType.Reserved: return 3;
            default: return 4;
        }
    }

    private static bool FirstBoundary(ReadOnlySpan<MemoryRegion> input, out ulong first)
    {
        bool found = false;
        first = 0;
        for (int i = 0; i < input.Length; i++)
        {
            if (input[i].Length == 0)
                continue;
            if (!found || input[i].Base < first)
                first = input[i].Base;
            found = true;
        }
        return found;
    }

    /// <summary>Smallest region start or end strictly above <paramref name="cursor"/>.</summary>
    private static bool NextBoundary(ReadOnlySpan<MemoryRegion> input, ulong cursor, out ulong next)
    {
        bool found = false;
        next = 0;
        for (int i = 0; i < input.Length; i++)
        {
            if (input[i].Length == 0)
                continue;
            ulong start = input[i].Base;
            ulong end = input[i].End;
            if (start > cursor && (!found || start < next))
            {
                next = start;
                found = true;
            }
            if (end > cursor && (!found || end < next))
            {
                next = end;
                found = true;
            }
        }
        return found;
    }

    /// <summary>Strongest type of the regions covering the interval that starts at <paramref name="at"/>.</summary>
    private static bool Covering(ReadOnlySpan<MemoryRegion> input, ulong at, out MemoryRegionType type)
    {
        bool found = false;
        type = MemoryRegionType.Usable;
        for (int i = 0; i < input.Length; i++)
        {
            if (input[i].Length == 0 || input[i].Base > at || input[i].End <= at)
                continue;
            if (!found || Rank(input[i].Type) > Rank(type))
                type = input[i].Type;
            found = true;
        }
        return found;
    }

    // Shrinking can empty a region; those are dropped, so the survivors are compacted toward the front.
    private static int AlignUsable(Span<MemoryRegion> regions, int count)
    {
        int kept = 0;
        for (int i = 0; i < count; i++)
        {
            MemoryRegion r = regions[i];
            if (r.Type == MemoryRegionType.Usable)
            {
                ulong end = r.End & ~(PageSize - 1);
                ulong start = r.Base > ulong.MaxValue - (PageSize - 1) ? end : (r.Base + PageSize - 1) & ~(PageSize - 1);
                if (start >= end)
                    continue;
                r = new MemoryRegion(start, end - start, MemoryRegionType.Usable);
            }
            regions[kept++] = r;
        }
        return kept;
    }
}
