// Marking and sweeping. A collection is driven from outside (the collector function knows the
// roots): BeginCollection, then MarkRange over each stack and register block (conservative: any
// word that points into a live cell keeps that cell's object), MarkRoot for each static base
// (precise), then FinishCollection, which traces what the roots reached and sweeps.
//
// Tracing uses an explicit, bounded mark stack. When it is full, a newly marked object is left
// unscanned and the overflow flag set; FinishCollection then rescans every marked object until
// a pass ends without overflow, so deep lists and wide arrays cost time, never correctness.
using System.Runtime.CompilerServices;

namespace Vireo.User.Runtime;

public unsafe partial struct GcHeap
{
    private const int MarkStackCapacity = MarkStackBytes / 8;

    /// <summary>False if the heap has no memory yet (nothing to collect: the mark stack is
    /// committed with the first block).</summary>
    public bool BeginCollection()
    {
        if (!_markStackReady) return false;
        _markTop = 0;
        _markOverflow = false;
        return true;
    }

    /// <summary>Undoes the marks of a collection that cannot finish (a thread that could not be stopped).</summary>
    public void AbortCollection()
    {
        for (nuint i = 0; i < _committedBlocks; i++) Table[i].ClearMarks();
        _markTop = 0;
    }

    /// <summary>Conservative roots: every 8-byte aligned word in [from, to).</summary>
    public void MarkRange(byte* from, byte* to)
    {
        for (nint* p = (nint*)(((nuint)from + 7) & ~(nuint)7); p + 1 <= (nint*)to; p++) MarkReference(*p);
        Drain();
    }

    /// <summary>A precise root: a static base. One outside the heap (allocated before the collector
    /// took over) is not marked, but its fields are.</summary>
    public void MarkRoot(byte* obj)
    {
        if (obj == null) return;
        if (Contains(obj)) MarkReference((nint)obj);
        else
        {
            fixed (GcHeap* self = &this) GcLayout.MarkFields(self, obj);
        }
        Drain();
    }

    /// <summary>Precise roots: every object of a region outside the heap where objects lie back to
    /// back (the bump region that held the first allocations), up to the first unused word.</summary>
    public void MarkObjectsIn(byte* from, byte* to)
    {
        fixed (GcHeap* self = &this)
        {
            for (byte* obj = from; obj + 8 <= to && *(byte**)obj != null; obj += GcLayout.SizeOf(obj))
            {
                GcLayout.MarkFields(self, obj);
                Drain();
            }
        }
    }

    /// <summary>True if p lies in a committed block (a live object, a free cell or block).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Contains(void* p) => (nuint)((byte*)p - _blocks) < (_committedBlocks << GcBlock.Shift);

    /// <summary>Marks the object holding address `value`, if any, and queues it for tracing.
    /// Anything else (null, a small integer, a frozen or stack-allocated object, a free cell) is ignored.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void MarkReference(nint value)
    {
        nuint offset = (nuint)((byte*)value - _blocks);
        if (offset >= _committedBlocks << GcBlock.Shift) return;
        nuint index = offset >> GcBlock.Shift;
        GcBlock* b = Table + index;
        uint cell = 0;
        byte* obj;
        switch (b->Kind)
        {
            case GcBlockKind.Small:
                cell = (uint)(offset & (GcBlock.Size - 1)) / b->CellSize;
                if (cell >= b->CellCount) return;
                obj = BlockAddress(index) + cell * b->CellSize;
                break;
            case GcBlockKind.LargeTail:
                index -= b->Run;
                b = Table + index;
                obj = BlockAddress(index);
                break;
            case GcBlockKind.LargeHead:
                obj = BlockAddress(index);
                break;
            default:
                return;
        }
        // A free cell holds a link (into the heap) or nothing; an object holds its MethodTable,
        // which lies in the program image.
        byte* mt = *(byte**)obj;
        if (mt == null || Contains(mt)) return;
        if (!b->TryMark(cell) || !GcLayout.HasPointers(mt)) return;
        if (_markTop == MarkStackCapacity)
        {
            _markOverflow = true;
            return;
        }
        _markStack[_markTop++] = (nint)obj;
    }

    private void Drain()
    {
        fixed (GcHeap* self = &this)
        {
            while (_markTop > 0) GcLayout.MarkFields(self, (byte*)_markStack[--_markTop]);
        }
    }

    /// <summary>Traces everything the roots reached, then sweeps: unmarked cells are zeroed and
    /// relinked, blocks with no survivor and dead large runs become free blocks for any class.</summary>
    public void FinishCollection()
    {
        Drain();
        while (_markOverflow)
        {
            _markOverflow = false;
            RescanMarked();
        }
        Sweep();
    }

    private void RescanMarked()
    {
        for (nuint i = 0; i < _committedBlocks; i++)
        {
            GcBlock* b = Table + i;
            byte* start = BlockAddress(i);
            if (b->Kind == GcBlockKind.Small)
            {
                for (uint j = 0; j < b->CellCount; j++)
                    if (b->IsMarked(j)) Rescan(start + j * b->CellSize);
            }
            else if (b->Kind == GcBlockKind.LargeHead && b->IsMarked(0))
            {
                Rescan(start);
            }
        }
    }

    private void Rescan(byte* obj)
    {
        if (!GcLayout.HasPointers(GcLayout.MethodTableOf(obj))) return;
        fixed (GcHeap* self = &this) GcLayout.MarkFields(self, obj);
        Drain();
    }

    private void Sweep()
    {
        for (int c = 0; c < ClassCount; c++) _freeLists[c] = 0;
        nuint live = 0;
        nuint lowestFree = _committedBlocks;
        nuint free = 0;
        for (nuint i = 0; i < _committedBlocks; i++)
        {
            GcBlock* b = Table + i;
            if (b->Kind == GcBlockKind.Small) live += SweepSmall(b, BlockAddress(i));
            else if (b->Kind == GcBlockKind.LargeHead)
            {
                nuint run = b->Run;
                if (b->IsMarked(0))
                {
                    live += run << GcBlock.Shift;
                    b->ClearMarks();
                }
                else
                {
                    Zero(BlockAddress(i), run << GcBlock.Shift);
                    for (nuint k = 0; k < run; k++) Table[i + k] = default;
                    free += run;
                }
                i += run - 1;
                continue;
            }
            if (b->Kind != GcBlockKind.Free) continue;
            free++;   // free before, or a small block left empty just now
            if (i < lowestFree) lowestFree = i;
        }
        _freeBlocks = free;
        // Freed large runs may lie below the first free block seen in the loop.
        for (nuint i = 0; i < lowestFree; i++)
        {
            if (Table[i].Kind == GcBlockKind.Free)
            {
                lowestFree = i;
                break;
            }
        }
        _freeBlockHint = lowestFree;
        LiveBytes = live;
        AllocatedSinceCollection = 0;
        _trigger = live > _minTrigger ? live : _minTrigger;
        Collections++;
    }

    // Returns the bytes that survive in the block. A block left empty becomes free, whole.
    // Unmarked cells are found 64 at a time from the inverted mark words.
    private nuint SweepSmall(GcBlock* b, byte* start)
    {
        uint size = b->CellSize;
        uint count = b->CellCount;
        uint marked = 0;
        for (int w = 0; w < GcBlock.MarkWords; w++) marked += (uint)System.Numerics.BitOperations.PopCount(b->Marks[w]);
        if (marked == 0)
        {
            Zero(start, count * size);
            *b = default;
            return 0;
        }
        ulong head = _freeLists[b->SizeClass];
        for (uint w = 0; w * 64 < count; w++)
        {
            ulong unmarked = ~b->Marks[w];
            uint left = count - w * 64;
            if (left < 64) unmarked &= (1UL << (int)left) - 1;
            while (unmarked != 0)
            {
                uint j = w * 64 + (uint)System.Numerics.BitOperations.TrailingZeroCount(unmarked);
                unmarked &= unmarked - 1;
                byte* cell = start + j * size;
                byte* first = *(byte**)cell;
                // A dead object is cleared whole; a cell that was already free is zero but for its link.
                if (first != null && !Contains(first)) Zero(cell, size);
                *(ulong*)cell = head;
                head = (ulong)cell;
            }
            b->Marks[w] = 0;
        }
        _freeLists[b->SizeClass] = head;
        return (nuint)marked * size;
    }
}
