// The areas of a Linux address space (Linux's VMAs): which ranges are reserved, with which
// protection, and whether their bytes come from a file. Reserving costs nothing: frames are made
// only when a page is first touched (LinuxMemory's fault handler), so PROT_NONE and MAP_NORESERVE
// reservations of a gigabyte are only a record here. munmap and mprotect of part of an area split it;
// adjacent anonymous areas of one protection (and sharing) merge, so a break grown page by page stays one area.
// Portable: the host tests drive the splitting, merging and placement directly.
using System.Collections.Generic;

namespace Vireo.Linux.Abi;

public static class Prot
{
    public const uint None = 0, Read = 1, Write = 2, Exec = 4, All = 7;
}

public sealed class Area
{
    public ulong Start, End;     // page aligned, [Start, End)
    public uint Prot;            // Prot bits
    public int File = -1;        // which of the memory's files gives its bytes, or -1: anonymous (zero)
    public ulong FileOffset;     // the file offset of Start
    public ulong FileEnd;        // the address past which the file gives no bytes (zero beyond)
    public bool Shared;          // MAP_SHARED: a fork shares its frames, never copies; a file's are written through

    public bool IsAnonymous => File < 0;
    public Area Clone() => new Area { Start = Start, End = End, Prot = Prot, File = File, FileOffset = FileOffset, FileEnd = FileEnd, Shared = Shared };

    /// <summary>Whether `page` (page aligned, in the area) is one the file backs that lies wholly past
    /// the end of a file of `fileSize` bytes (Linux: SIGBUS at its touch).</summary>
    public bool PastFile(ulong page, ulong fileSize) =>
        !IsAnonymous && page < FileEnd && FileOffset + (page - Start) >= fileSize;

    /// <summary>The first address of the area wholly past the end of a file of `fileSize` bytes (End if
    /// none): where a truncate's pages start.</summary>
    public ulong FirstPastFile(ulong fileSize)
    {
        ulong end = (fileSize + 4095) & ~4095UL;
        if (end <= FileOffset) return Start;
        ulong from = Start + (end - FileOffset);
        return from < Start || from > End ? End : from;
    }
}

public sealed class MemoryAreas
{
    private readonly List<Area> _areas = new List<Area>();   // sorted by Start, never overlapping

    public int Count => _areas.Count;
    public Area this[int index] => _areas[index];

    /// <summary>The area holding `address`, or null.</summary>
    public Area Find(ulong address)
    {
        int lo = 0, hi = _areas.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) / 2;
            Area a = _areas[mid];
            if (address < a.Start) hi = mid - 1;
            else if (address >= a.End) lo = mid + 1;
            else return a;
        }
        return null;
    }

    public bool Overlaps(ulong start, ulong end)
    {
        foreach (Area a in _areas)
            if (a.Start < end && start < a.End) return true;
        return false;
    }

    /// <summary>Whether every byte of [start, end) lies in some area.</summary>
    public bool Covers(ulong start, ulong end)
    {
        while (start < end)
        {
            Area a = Find(start);
            if (a == null) return false;
            start = a.End;
        }
        return true;
    }

    /// <summary>Adds an area over a free range (Remove first), merging it with anonymous neighbours of
    /// the same protection.</summary>
    public void Add(Area area)
    {
        int i = 0;
        while (i < _areas.Count && _areas[i].Start < area.Start) i++;
        if (area.IsAnonymous && i > 0 && Mergeable(_areas[i - 1], area) && _areas[i - 1].End == area.Start)
        {
            _areas[i - 1].End = area.End;
            if (i < _areas.Count && Mergeable(_areas[i], area) && _areas[i].Start == area.End)
            {
                _areas[i - 1].End = _areas[i].End;
                _areas.RemoveAt(i);
            }
            return;
        }
        if (area.IsAnonymous && i < _areas.Count && Mergeable(_areas[i], area) && _areas[i].Start == area.End)
        {
            _areas[i].Start = area.Start;
            return;
        }
        _areas.Insert(i, area);
    }

    private static bool Mergeable(Area a, Area b) => a.IsAnonymous && b.IsAnonymous && a.Prot == b.Prot && a.Shared == b.Shared;

    /// <summary>Takes [start, end) out of every area, splitting those it cuts.</summary>
    public void Remove(ulong start, ulong end)
    {
        for (int i = _areas.Count - 1; i >= 0; i--)
        {
            Area a = _areas[i];
            if (a.End <= start || a.Start >= end) continue;
            if (a.Start < start && a.End > end)
            {
                Area tail = Split(a, end);
                a.End = start;
                _areas.Insert(i + 1, tail);
            }
            else if (a.Start < start) a.End = start;
            else if (a.End > end) Advance(a, end);
            else _areas.RemoveAt(i);
        }
    }

    /// <summary>Gives [start, end) the protection `prot`, splitting areas at its ends. The range must
    /// be covered (Covers).</summary>
    public void Protect(ulong start, ulong end, uint prot)
    {
        for (int i = 0; i < _areas.Count; i++)
        {
            Area a = _areas[i];
            if (a.End <= start || a.Start >= end || a.Prot == prot) continue;
            if (a.Start < start)
            {
                _areas.Insert(i + 1, Split(a, start));
                a.End = start;
                continue;   // the part inside comes next
            }
            if (a.End > end)
            {
                _areas.Insert(i + 1, Split(a, end));
                a.End = end;
            }
            a.Prot = prot;
        }
        // Anonymous neighbours that now agree become one again.
        for (int i = _areas.Count - 1; i > 0; i--)
        {
            Area a = _areas[i - 1], b = _areas[i];
            if (a.End == b.Start && Mergeable(a, b))
            {
                a.End = b.End;
                _areas.RemoveAt(i);
            }
        }
    }

    /// <summary>The lowest address at or above `from` where `size` bytes fit below `limit` without
    /// touching an area, or 0.</summary>
    public ulong FindFree(ulong size, ulong from, ulong limit)
    {
        ulong at = from;
        foreach (Area a in _areas)
        {
            if (a.End <= at) continue;
            if (a.Start >= at + size) break;
            at = a.End;
        }
        return at + size <= limit && at + size > at ? at : 0;
    }

    public MemoryAreas Clone()
    {
        var copy = new MemoryAreas();
        foreach (Area a in _areas) copy._areas.Add(a.Clone());
        return copy;
    }

    // The part of `a` from `at` on, as a new area (a file area's offset moves with it).
    private static Area Split(Area a, ulong at)
    {
        Area tail = a.Clone();
        Advance(tail, at);
        return tail;
    }

    private static void Advance(Area a, ulong to)
    {
        if (!a.IsAnonymous) a.FileOffset += to - a.Start;
        a.Start = to;
    }
}
