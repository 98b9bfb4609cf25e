// The collected heap: size-class cells in 8 KiB blocks, and large objects in runs of whole blocks,
// over one contiguous region of address space that is committed (mapped) from the bottom up as the
// heap grows. The region starts with the block side table (GcBlock entries, committed a page at a
// time as blocks are added), then the mark stack, then the blocks. Nothing moves: an object keeps
// its address until it is unreachable, so compiled code needs no write barrier and stacks can be
// scanned conservatively.
//
// Allocation pops a cell from its class's free list (three memory operations); only when the list
// is empty does it format a fresh block into cells, grow the heap or collect. Free cells are zero
// but for their first word (the link), which the pop clears: compiled code relies on new objects
// being zero.
//
// Portable: the state is this struct, memory comes through the commit function and collections
// through the collector function, so the host tests run it over a pinned buffer with synthetic
// MethodTables (tests/Kernel.Tests/Gc).
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Vireo.User.Runtime;

public unsafe partial struct GcHeap
{
    public const int ClassCount = 24;
    public const int MaxSmall = 2048;
    public const int PageSize = 4096;
    public const int MarkStackBytes = 8192;
    /// <summary>Collect after this many bytes allocated, or after as many as survived the last
    /// collection if that is more (the heap may then grow to about twice the live size).</summary>
    public const uint DefaultMinTrigger = 1024 * 1024;

    private byte* _base;
    private byte* _blocks;
    private nint* _markStack;
    private nuint _maxBlocks;
    private nuint _committedBlocks;
    private nuint _freeBlocks;       // committed blocks of kind Free (Reserve counts on them)
    private nuint _tableCommitted;
    private nuint _committedBytes;
    private nuint _commitLimit;
    private bool _markStackReady;
    private bool _collecting;

    // Maps [address, address + bytes) to zeroed memory; false if it cannot.
    private delegate*<byte*, nuint, bool> _commit;
    // Runs a whole collection (roots, then FinishCollection); false if it could not.
    private delegate*<GcHeap*, void*, bool> _collector;
    private void* _collectorContext;

    private fixed ulong _freeLists[ClassCount];
    private fixed uint _classSizes[ClassCount];
    private fixed byte _classOfGranule[MaxSmall / 16 + 1];

    private nuint _freeBlockHint;
    private nuint _trigger;
    private nuint _minTrigger;
    private int _markTop;
    private bool _markOverflow;

    /// <summary>Completed collections.</summary>
    public ulong Collections;
    /// <summary>Bytes in cells and large runs that survived the last collection.</summary>
    public nuint LiveBytes;
    /// <summary>Bytes handed out since the last collection (cell and run sizes).</summary>
    public nuint AllocatedSinceCollection;

    public nuint CommittedBytes => _committedBytes;
    public nuint BlockBytes => _committedBlocks << GcBlock.Shift;
    public nuint RegionEnd => (nuint)(_blocks + (_maxBlocks << GcBlock.Shift));
    public byte* BlocksStart => _blocks;
    /// <summary>Committed blocks that hold nothing (what Reserve counts).</summary>
    public nuint FreeBlocks => _freeBlocks;

    /// <summary>Whether `bytes` more could be allocated now without failing, counted in whole free
    /// blocks: the committed free ones, else blocks committed now for what is missing, else what a
    /// collection frees. Nothing is allocated. A daemon asks before a request that allocates, so that
    /// a full heap is a status it answers (NoSpace) instead of an allocation that ends the process.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]   // the usual answer is one compare
    public bool Reserve(nuint bytes)
    {
        nuint want = (bytes + GcBlock.Size - 1) >> GcBlock.Shift;
        return _freeBlocks >= want || ReserveMore(want);
    }

    private bool ReserveMore(nuint want)
    {
        if (CommitAtLeast(want - _freeBlocks)) return true;
        if (!TryCollect()) return false;
        return _freeBlocks >= want || CommitAtLeast(want - _freeBlocks);
    }

    /// <summary>Blocks Reserve commits at least at once (64 KiB): each commit maps frames, and every
    /// frame costs the process a capability slot, so a daemon whose heap grows through Reserve pays
    /// a few slots per 64 KiB rather than one per 8 KiB block.</summary>
    public const int ReserveChunkBlocks = 8;

    // `count` blocks, or ReserveChunkBlocks if more, or just `count` when the larger does not fit.
    private bool CommitAtLeast(nuint count) =>
        count < ReserveChunkBlocks && CommitBlocks(ReserveChunkBlocks) || CommitBlocks(count);

    /// <summary>Lays the heap out over [regionBase, regionBase + regionBytes), of which nothing is
    /// committed yet. regionBase must be page aligned. commitLimit caps the committed bytes (0: none).</summary>
    public void Init(byte* regionBase, nuint regionBytes, delegate*<byte*, nuint, bool> commit,
        delegate*<GcHeap*, void*, bool> collector, void* collectorContext, nuint minTrigger = DefaultMinTrigger, nuint commitLimit = 0)
    {
        _base = regionBase;
        // Solve table + mark stack + blocks <= region, the table rounded up to whole blocks.
        nuint perBlock = (nuint)GcBlock.Size + (nuint)sizeof(GcBlock);
        nuint maxBlocks = (regionBytes - MarkStackBytes - GcBlock.Size) / perBlock;
        nuint tableBytes = AlignUp(maxBlocks * (nuint)sizeof(GcBlock), GcBlock.Size);
        _maxBlocks = maxBlocks;
        _markStack = (nint*)(regionBase + tableBytes);
        _blocks = regionBase + tableBytes + MarkStackBytes;
        _committedBlocks = 0;
        _freeBlocks = 0;
        _tableCommitted = 0;
        _committedBytes = 0;
        _commitLimit = commitLimit;
        _markStackReady = false;
        _collecting = false;
        _commit = commit;
        _collector = collector;
        _collectorContext = collectorContext;
        _freeBlockHint = 0;
        _minTrigger = minTrigger;
        _trigger = minTrigger;
        Collections = 0;
        LiveBytes = 0;
        AllocatedSinceCollection = 0;
        InitClasses();
    }

    // Classes 16..128 in steps of 16, then four per doubling up to 2048 (at most 25% lost to rounding).
    private void InitClasses()
    {
        uint size = 0;
        for (int c = 0; c < ClassCount; c++)
        {
            size = c < 8 ? (uint)(c + 1) * 16 : size + (1u << (System.Numerics.BitOperations.Log2(size) - 2));
            _classSizes[c] = size;
            _freeLists[c] = 0;
        }
        int cls = 0;
        for (int g = 0; g <= MaxSmall / 16; g++)
        {
            while (_classSizes[cls] < (uint)g * 16) cls++;
            _classOfGranule[g] = (byte)cls;
        }
    }

    public uint ClassSize(int sizeClass) => _classSizes[sizeClass];

    public int ClassOf(nuint size) => _classOfGranule[(size + 15) >> 4];

    /// <summary>Zeroed memory for an object of size bytes (a multiple of 8), or null when the heap
    /// can neither find, grow nor collect its way to it.</summary>
    public byte* Allocate(nuint size)
    {
        if (size <= MaxSmall)
        {
            int c = _classOfGranule[(size + 15) >> 4];
            ulong cell = _freeLists[c];
            return cell != 0 ? TakeCell(c, cell) : AllocateSmallSlow(c);
        }
        return AllocateLarge(size);
    }

    // Unlinks the head cell of class c and clears its link: the cell is then all zero.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private byte* TakeCell(int c, ulong cell)
    {
        _freeLists[c] = *(ulong*)cell;
        *(ulong*)cell = 0;
        AllocatedSinceCollection += _classSizes[c];
        return (byte*)cell;
    }

    private byte* AllocateSmallSlow(int c)
    {
        bool collected = AllocatedSinceCollection >= _trigger && TryCollect();
        while (true)
        {
            ulong cell = _freeLists[c];
            if (cell != 0) return TakeCell(c, cell);
            if (TryTakeBlocks(1, out nuint index)) FormatSmall(index, c);
            else if (collected || !TryCollect()) return null;
            else collected = true;
        }
    }

    private byte* AllocateLarge(nuint size)
    {
        nuint run = (size + GcBlock.Size - 1) >> GcBlock.Shift;
        if (run > uint.MaxValue / GcBlock.Size) return null;
        bool collected = AllocatedSinceCollection >= _trigger && TryCollect();
        nuint index;
        while (!TryTakeBlocks(run, out index))
        {
            if (collected || !TryCollect()) return null;
            collected = true;
        }
        GcBlock* head = Table + index;
        _freeBlocks -= run;
        head->Kind = GcBlockKind.LargeHead;
        head->Run = (uint)run;
        head->CellCount = 1;
        head->CellSize = (uint)(run << GcBlock.Shift);
        for (nuint k = 1; k < run; k++)
        {
            Table[index + k].Kind = GcBlockKind.LargeTail;
            Table[index + k].Run = (uint)k;
        }
        AllocatedSinceCollection += run << GcBlock.Shift;
        return BlockAddress(index);
    }

    private GcBlock* Table => (GcBlock*)_base;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private byte* BlockAddress(nuint index) => _blocks + (index << GcBlock.Shift);

    // Cuts a free block into cells of class c and puts them at the front of the class's list.
    private void FormatSmall(nuint index, int c)
    {
        GcBlock* b = Table + index;
        uint size = _classSizes[c];
        _freeBlocks--;
        b->Kind = GcBlockKind.Small;
        b->SizeClass = (byte)c;
        b->CellSize = size;
        b->CellCount = GcBlock.Size / size;
        byte* start = BlockAddress(index);
        ulong head = _freeLists[c];
        for (int j = (int)b->CellCount - 1; j >= 0; j--)
        {
            byte* cell = start + (uint)j * size;
            *(ulong*)cell = head;
            head = (ulong)cell;
        }
        _freeLists[c] = head;
    }

    // A run of `count` free blocks: the lowest that fits among the committed ones, else at the end
    // (reusing free blocks already there), committing what is missing.
    private bool TryTakeBlocks(nuint count, out nuint index)
    {
        nuint run = 0;
        for (nuint i = _freeBlockHint; i < _committedBlocks; i++)
        {
            if (Table[i].Kind != GcBlockKind.Free)
            {
                run = 0;
                continue;
            }
            if (++run == count)
            {
                index = i + 1 - count;
                if (count == 1) _freeBlockHint = i + 1;
                return true;
            }
        }
        index = _committedBlocks - run;
        if (!CommitBlocks(count - run)) return false;
        // No block from the hint up was free, or the single block would have been found.
        if (count == 1) _freeBlockHint = index + 1;
        return true;
    }

    private bool CommitBlocks(nuint count)
    {
        nuint blocks = _committedBlocks + count;
        if (blocks > _maxBlocks) return false;
        nuint table = AlignUp(blocks * (nuint)sizeof(GcBlock), PageSize);
        nuint tableGrowth = table > _tableCommitted ? table - _tableCommitted : 0;
        nuint bytes = count << GcBlock.Shift;
        // The mark stack comes with the first block: a full heap must still be able to collect.
        nuint markStack = _markStackReady ? 0 : (nuint)MarkStackBytes;
        if (!CanCommit(tableGrowth + bytes + markStack)) return false;
        if (markStack != 0)
        {
            if (!_commit((byte*)_markStack, markStack)) return false;
            _committedBytes += markStack;
            _markStackReady = true;
        }
        if (tableGrowth != 0)
        {
            if (!_commit(_base + _tableCommitted, tableGrowth)) return false;
            _tableCommitted = table;
            _committedBytes += tableGrowth;
        }
        if (!_commit(BlockAddress(_committedBlocks), bytes)) return false;
        _committedBlocks = blocks;
        _freeBlocks += count;
        _committedBytes += bytes;
        return true;
    }

    private bool CanCommit(nuint bytes) => _commitLimit == 0 || _committedBytes + bytes <= _commitLimit;

    private bool TryCollect()
    {
        if (_collector == null || _collecting) return false;
        _collecting = true;
        bool done;
        fixed (GcHeap* self = &this)
            done = _collector(self, _collectorContext);
        _collecting = false;
        return done;
    }

    /// <summary>Runs the installed collector now (GC.Collect).</summary>
    public bool Collect() => TryCollect();

    private static nuint AlignUp(nuint value, nuint alignment) => (value + alignment - 1) & ~(alignment - 1);

    private static void Zero(byte* p, nuint bytes) => NativeMemory.Clear(p, bytes);
}
