// One 8 KiB block of the collected heap, described in a side table rather than inside the block,
// so that cells fill the block whole and a large object's tail blocks stay pure object data. The
// table entry is what lets a conservative candidate (any word on a stack) be checked: its block's
// kind says whether it can hold an object at all, and the cell size maps an interior pointer to
// the start of its object. Portable: compiled into the host tests too.
using System.Runtime.CompilerServices;

namespace Vireo.User.Runtime;

public enum GcBlockKind : byte
{
    /// <summary>Committed, zeroed, owned by no size class.</summary>
    Free = 0,
    /// <summary>Cells of one size class.</summary>
    Small = 1,
    /// <summary>First block of a large object's run; the object starts at the block.</summary>
    LargeHead = 2,
    /// <summary>A later block of a large object's run; Run is the distance back to the head.</summary>
    LargeTail = 3,
}

public unsafe struct GcBlock
{
    public const int Shift = 13;
    public const int Size = 1 << Shift;
    /// <summary>The smallest cell is 16 bytes, so 512 mark bits cover a block.</summary>
    public const int MarkWords = Size / 16 / 64;

    /// <summary>Bit j: cell j is marked (for a large head, bit 0 marks the object).</summary>
    public fixed ulong Marks[MarkWords];
    public uint CellSize;
    public uint CellCount;
    /// <summary>Large head: blocks in the run. Large tail: blocks back to the head.</summary>
    public uint Run;
    public GcBlockKind Kind;
    public byte SizeClass;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsMarked(uint cell) => (Marks[cell >> 6] & (1UL << (int)(cell & 63))) != 0;

    /// <summary>Sets the mark; returns false if it was already set.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryMark(uint cell)
    {
        ulong bit = 1UL << (int)(cell & 63);
        ulong word = Marks[cell >> 6];
        if ((word & bit) != 0) return false;
        Marks[cell >> 6] = word | bit;
        return true;
    }

    public void ClearMarks()
    {
        for (int i = 0; i < MarkWords; i++) Marks[i] = 0;
    }
}
