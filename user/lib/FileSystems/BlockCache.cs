// A write-back cache of file-system blocks over a block device. Blocks stay dirty in memory until
// they are evicted (least recently used first) or Sync is called; either way a dirty block goes to
// the disk only after every dirty block of an earlier WriteStage, which is the whole of the file
// system's crash ordering (docs/design/ext2.md). Memory is allocated once, at construction.
//
// Device requests are what a disk costs (an IPC round trip to the driver and an interrupt each, for
// 1 KiB or for 64 KiB alike), so the cache moves runs: ReadRun brings a run of contiguous blocks in
// with one request per run of missing ones (the file system's read-ahead), and a stage is written
// sorted by block, contiguous dirty blocks merged into one request (up to MaxRunBytes). Blocks
// within one stage have no order among them, so a merged write that tears is no worse than a stage
// cut short; no request ever mixes two stages.
//
// Contract with callers: a span from Bytes(slot) is valid until the next call that may bring
// another block in (Get, GetForOverwrite, ReadRun); callers copy what they need out of it before that.
using System;
using System.Collections.Generic;
using Vireo.Abi;

namespace Vireo.User.FileSystems;

public sealed class BlockCache<TDevice> where TDevice : struct, IBlockDevice
{
    /// <summary>The most one device request moves: the virtio-blk client's buffer area (BlockClient).</summary>
    public const int MaxRunBytes = 64 * 1024;

    private const sbyte Clean = -1;
    private const int Stages = (int)WriteStage.Super + 1;

    private TDevice _device;
    private readonly int _blockSize;
    private readonly int _sectorsPerBlock;
    private readonly int _maxRun;
    private readonly byte[] _data;
    private readonly byte[] _run;        // a run's bytes when its slots are not adjacent in _data
    private readonly ulong[] _block;
    private readonly sbyte[] _dirty;
    private readonly bool[] _valid;
    private readonly int[] _dirtyInStage = new int[Stages];
    private readonly int[] _order;       // the slots of one stage's write, sorted by block
    private readonly int[] _dirtyList;   // every dirty slot (a sync looks at these, not the whole cache)
    private readonly int[] _dirtyAt;     // by slot: its place in _dirtyList, or -1
    private int _dirtyCount;
    private readonly int[] _taken;       // the slots of one run being read
    private readonly Dictionary<ulong, int> _index;
    private readonly LruList _lru;

    /// <summary>Blocks read from and written to the device, and the requests that moved them (for
    /// tests and benchmarks).</summary>
    public ulong DeviceReads { get; private set; }
    public ulong DeviceWrites { get; private set; }
    public ulong DeviceRequests { get; private set; }

    public int BlockSize => _blockSize;
    public int Capacity => _block.Length;
    /// <summary>The most blocks one request moves (ReadRun's and a merged write's limit).</summary>
    public int MaxRun => _maxRun;
    public ref TDevice Device => ref _device;

    /// <summary>A cache of `capacity` blocks of `blockSize` bytes; the block size must be a multiple
    /// of the device's sector size (the caller checks, see Fits).</summary>
    public BlockCache(TDevice device, int blockSize, int capacity)
    {
        _device = device;
        _blockSize = blockSize;
        _sectorsPerBlock = blockSize / device.SectorSize;
        // A run never takes more than half the cache, so reading one cannot evict its own blocks.
        _maxRun = Math.Max(1, Math.Min(MaxRunBytes / blockSize, capacity / 2));
        _data = new byte[blockSize * capacity];
        _run = new byte[blockSize * _maxRun];
        _block = new ulong[capacity];
        _dirty = new sbyte[capacity];
        _valid = new bool[capacity];
        _order = new int[capacity];
        _dirtyList = new int[capacity];
        _dirtyAt = new int[capacity];
        _taken = new int[_maxRun];
        for (int i = 0; i < capacity; i++)
        {
            _dirty[i] = Clean;
            _dirtyAt[i] = -1;
        }
        _index = new Dictionary<ulong, int>(capacity);
        _lru = new LruList(capacity);
    }

    /// <summary>Whether blocks of `blockSize` bytes are whole sectors of `device`.</summary>
    public static bool Fits(TDevice device, int blockSize) =>
        device.SectorSize > 0 && device.SectorSize <= blockSize && blockSize % device.SectorSize == 0;

    public Span<byte> Bytes(int slot) => new Span<byte>(_data, slot * _blockSize, _blockSize);

    /// <summary>Whether `block` is in the cache (no device request would be made for it).</summary>
    public bool Contains(ulong block) => _index.ContainsKey(block);

    /// <summary>Counts MarkDirty calls: every change to what the disk will hold (a file's block map
    /// included) dirties a block, so a caller's memo of such a structure is current while this stays.</summary>
    public ulong Changes { get; private set; }

    /// <summary>Get for a block that is cached (one lookup); false, and no device request, if it is not.</summary>
    public bool TryGet(ulong block, out int slot)
    {
        if (!_index.TryGetValue(block, out slot)) return false;
        _lru.Touch(slot);
        return true;
    }

    /// <summary>The block's contents, read from the device if they are not cached.</summary>
    public Status Get(ulong block, out int slot)
    {
        if (_index.TryGetValue(block, out slot))
        {
            _lru.Touch(slot);
            return Status.Ok;
        }
        Status s = Take(block, out slot);
        if (s != Status.Ok) return s;
        s = ReadInto(block, 1, slot);
        if (s != Status.Ok) Forget(slot);
        return s;
    }

    /// <summary>A slot for a block whose old contents do not matter (it is about to be overwritten
    /// whole, or was just allocated): no read; the bytes are zero unless the block was cached.</summary>
    public Status GetForOverwrite(ulong block, out int slot)
    {
        if (_index.TryGetValue(block, out slot))
        {
            _lru.Touch(slot);
            return Status.Ok;
        }
        Status s = Take(block, out slot);
        if (s == Status.Ok) Bytes(slot).Clear();
        return s;
    }

    /// <summary>Brings blocks `first` .. `first + count - 1` into the cache (at most MaxRun of them),
    /// one device request for each run of them that is not cached yet. A read that fails leaves the
    /// blocks it was for uncached.</summary>
    public Status ReadRun(ulong first, int count)
    {
        if (count > _maxRun) count = _maxRun;
        for (int i = 0; i < count;)
        {
            ulong block = first + (ulong)i;
            if (_index.TryGetValue(block, out int cached))
            {
                _lru.Touch(cached);
                i++;
                continue;
            }
            int missing = 1;
            while (i + missing < count && !_index.ContainsKey(block + (ulong)missing)) missing++;
            Status s = ReadMissing(block, missing);
            if (s != Status.Ok) return s;
            i += missing;
        }
        return Status.Ok;
    }

    /// <summary>Reads `count` pieces of `blocksPerPiece` contiguous blocks from `first` on, piece i
    /// into `pieces[i]`, past the cache (no slot is taken): for a caller that keeps the bytes itself
    /// (a page cache) and has checked that none of these blocks is cached, so the disk holds them.</summary>
    public unsafe Status ReadPieces(ulong first, int blocksPerPiece, byte** pieces, int count)
    {
        Status s = _device.ReadPieces(first * (ulong)_sectorsPerBlock, blocksPerPiece * _blockSize, pieces, count);
        if (s != Status.Ok) return s;
        DeviceReads += (ulong)(blocksPerPiece * count);
        DeviceRequests++;
        return Status.Ok;
    }

    /// <summary>Marks the slot's block dirty in `stage`. A block dirtied again in a later stage moves
    /// to that stage (it now holds the later change too).</summary>
    public void MarkDirty(int slot, WriteStage stage)
    {
        Changes++;
        sbyte s = (sbyte)stage;
        if (_dirty[slot] >= s) return;
        if (_dirty[slot] != Clean) _dirtyInStage[_dirty[slot]]--;
        else
        {
            _dirtyAt[slot] = _dirtyCount;
            _dirtyList[_dirtyCount++] = slot;
        }
        _dirty[slot] = s;
        _dirtyInStage[s]++;
    }

    /// <summary>Writes the slot's block now if it is dirty, after the dirty blocks of every earlier stage.</summary>
    public Status WriteNow(int slot)
    {
        if (_dirty[slot] == Clean) return Status.Ok;
        Status s = WriteStagesBefore(_dirty[slot]);
        if (s != Status.Ok) return s;
        _order[0] = slot;
        return WriteRun(0, 1);
    }

    /// <summary>WriteNow for `block` if it is cached (an evicted block was written when it left).</summary>
    public Status WriteBlockNow(ulong block) => _index.TryGetValue(block, out int slot) ? WriteNow(slot) : Status.Ok;

    /// <summary>Writes every dirty block, stage by stage, then flushes the device once.</summary>
    public Status Sync()
    {
        Status s = WriteStagesBefore(Stages);
        if (s != Status.Ok) return s;
        s = _device.Flush();
        if (s == Status.Ok) DeviceRequests++;
        return s;
    }

    /// <summary>Whether any block is waiting to be written.</summary>
    public bool HasDirty => _dirtyCount != 0;

    // The least recently used slot for `block`, indexed and most recent; its bytes are stale. A dirty
    // block leaving writes its whole stage (and the earlier ones) merged: one eviction in a stream of
    // writes cleans the blocks the next evictions would each have written alone.
    private Status Take(ulong block, out int slot)
    {
        slot = _lru.Oldest;
        if (_valid[slot])
        {
            if (_dirty[slot] != Clean)
            {
                Status w = WriteStagesBefore(_dirty[slot] + 1);
                if (w != Status.Ok) return w;
            }
            _index.Remove(_block[slot]);
        }
        _block[slot] = block;
        _valid[slot] = true;
        _index[block] = slot;
        _lru.Touch(slot);
        return Status.Ok;
    }

    // A slot taken for a block that could not be read: uncached again, and the next to be reused.
    private void Forget(int slot)
    {
        _index.Remove(_block[slot]);
        _valid[slot] = false;
        _lru.MakeOldest(slot);
    }

    // Reads `count` missing blocks from `first` into slots of their own, in one request. Taking a
    // slot may write (a dirty block leaving), which uses _order and the run buffer: the slots are
    // all taken before the read.
    private Status ReadMissing(ulong first, int count)
    {
        for (int i = 0; i < count; i++)
        {
            Status t = Take(first + (ulong)i, out _taken[i]);
            if (t != Status.Ok)
            {
                for (int k = 0; k < i; k++) Forget(_taken[k]);
                return t;
            }
        }
        Status s = Adjacent(_taken, 0, count)
            ? ReadInto(first, count, _taken[0])
            : ReadScattered(first, count);
        if (s != Status.Ok)
            for (int k = 0; k < count; k++) Forget(_taken[k]);
        return s;
    }

    // `count` blocks from `first` straight into the slots from `slot` on (adjacent in _data).
    private Status ReadInto(ulong first, int count, int slot)
    {
        Status s = _device.Read(first * (ulong)_sectorsPerBlock, new Span<byte>(_data, slot * _blockSize, count * _blockSize));
        if (s != Status.Ok) return s;
        DeviceReads += (ulong)count;
        DeviceRequests++;
        return Status.Ok;
    }

    // `count` blocks from `first` into the slots _taken[0 ..] through the run buffer.
    private Status ReadScattered(ulong first, int count)
    {
        Span<byte> run = new Span<byte>(_run, 0, count * _blockSize);
        Status s = _device.Read(first * (ulong)_sectorsPerBlock, run);
        if (s != Status.Ok) return s;
        for (int k = 0; k < count; k++) run.Slice(k * _blockSize, _blockSize).CopyTo(Bytes(_taken[k]));
        DeviceReads += (ulong)count;
        DeviceRequests++;
        return Status.Ok;
    }

    // Whether slots[from ..] for `count` are consecutive slots (one span of _data).
    private static bool Adjacent(int[] slots, int from, int count)
    {
        for (int k = 1; k < count; k++)
            if (slots[from + k] != slots[from] + k) return false;
        return true;
    }

    private Status WriteStagesBefore(int stage)
    {
        for (int t = 0; t < stage; t++)
        {
            if (_dirtyInStage[t] == 0) continue;
            Status s = WriteStageNow(t);
            if (s != Status.Ok) return s;
        }
        return Status.Ok;
    }

    // Every dirty block of stage `t`, in block order, runs of contiguous blocks one request each.
    private Status WriteStageNow(int t)
    {
        int n = 0;
        for (int i = 0; i < _dirtyCount && n < _dirtyInStage[t]; i++)
            if (_dirty[_dirtyList[i]] == t) _order[n++] = _dirtyList[i];
        BlockRuns.SortSlots(_order, n, _block);
        for (int i = 0; i < n;)
        {
            int run = BlockRuns.RunLength(_order, i, n, _block, _maxRun);
            Status s = WriteRun(i, run);
            if (s != Status.Ok) return s;
            i += run;
        }
        return Status.Ok;
    }

    // Writes the blocks of slots _order[from ..] for `count` (contiguous blocks) in one request.
    private Status WriteRun(int from, int count)
    {
        int first = _order[from];
        ReadOnlySpan<byte> bytes;
        if (Adjacent(_order, from, count))
        {
            bytes = new ReadOnlySpan<byte>(_data, first * _blockSize, count * _blockSize);
        }
        else
        {
            for (int k = 0; k < count; k++) Bytes(_order[from + k]).CopyTo(new Span<byte>(_run, k * _blockSize, _blockSize));
            bytes = new ReadOnlySpan<byte>(_run, 0, count * _blockSize);
        }
        Status s = _device.Write(_block[first] * (ulong)_sectorsPerBlock, bytes);
        if (s != Status.Ok) return s;
        DeviceWrites += (ulong)count;
        DeviceRequests++;
        for (int k = 0; k < count; k++)
        {
            int slot = _order[from + k];
            _dirtyInStage[_dirty[slot]]--;
            _dirty[slot] = Clean;
            int at = _dirtyAt[slot], last = _dirtyList[--_dirtyCount];
            _dirtyList[at] = last;
            _dirtyAt[last] = at;
            _dirtyAt[slot] = -1;
        }
        return Status.Ok;
    }
}
