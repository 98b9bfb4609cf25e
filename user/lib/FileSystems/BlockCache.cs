// A write-back cache of file-system blocks over a block device. Blocks stay dirty in memory until
// they are evicted (least recently used first) or Sync is called; either way a dirty block goes to
// the disk only after every dirty block of an earlier WriteStage, which is the whole of the file
// system's crash ordering (docs/design/ext2.md). Memory is allocated once, at construction.
//
// Contract with callers: a span from Bytes(slot) is valid until the next call that may bring
// another block in (Get, GetForOverwrite); callers copy what they need out of it before that.
using System;
using System.Collections.Generic;
using Vireo.Abi;

namespace Vireo.User.FileSystems;

public sealed class BlockCache<TDevice> where TDevice : struct, IBlockDevice
{
    private const sbyte Clean = -1;
    private const int Stages = (int)WriteStage.Super + 1;

    private TDevice _device;
    private readonly int _blockSize;
    private readonly int _sectorsPerBlock;
    private readonly byte[] _data;
    private readonly ulong[] _block;
    private readonly ulong[] _lastUse;
    private readonly sbyte[] _dirty;
    private readonly bool[] _valid;
    private readonly int[] _dirtyInStage = new int[Stages];
    private readonly Dictionary<ulong, int> _index;
    private ulong _clock;

    /// <summary>Blocks read from and written to the device (for tests and benchmarks).</summary>
    public ulong DeviceReads { get; private set; }
    public ulong DeviceWrites { get; private set; }

    public int BlockSize => _blockSize;
    public int Capacity => _block.Length;
    public ref TDevice Device => ref _device;

    /// <summary>A cache of `capacity` blocks of `blockSize` bytes; the block size must be a multiple
    /// of the device's sector size (the caller checks, see Fits).</summary>
    public BlockCache(TDevice device, int blockSize, int capacity)
    {
        _device = device;
        _blockSize = blockSize;
        _sectorsPerBlock = blockSize / device.SectorSize;
        _data = new byte[blockSize * capacity];
        _block = new ulong[capacity];
        _lastUse = new ulong[capacity];
        _dirty = new sbyte[capacity];
        _valid = new bool[capacity];
        for (int i = 0; i < capacity; i++) _dirty[i] = Clean;
        _index = new Dictionary<ulong, int>(capacity);
    }

    /// <summary>Whether blocks of `blockSize` bytes are whole sectors of `device`.</summary>
    public static bool Fits(TDevice device, int blockSize) =>
        device.SectorSize > 0 && device.SectorSize <= blockSize && blockSize % device.SectorSize == 0;

    public Span<byte> Bytes(int slot) => new Span<byte>(_data, slot * _blockSize, _blockSize);

    /// <summary>The block's contents, read from the device if they are not cached.</summary>
    public Status Get(ulong block, out int slot) => Load(block, read: true, out slot);

    /// <summary>A slot for a block whose old contents do not matter (it is about to be overwritten
    /// whole, or was just allocated): no read; the bytes are zero unless the block was cached.</summary>
    public Status GetForOverwrite(ulong block, out int slot) => Load(block, read: false, out slot);

    /// <summary>Marks the slot's block dirty in `stage`. A block dirtied again in a later stage moves
    /// to that stage (it now holds the later change too).</summary>
    public void MarkDirty(int slot, WriteStage stage)
    {
        sbyte s = (sbyte)stage;
        if (_dirty[slot] >= s) return;
        if (_dirty[slot] != Clean) _dirtyInStage[_dirty[slot]]--;
        _dirty[slot] = s;
        _dirtyInStage[s]++;
    }

    /// <summary>Writes the slot's block now if it is dirty, after the dirty blocks of every earlier stage.</summary>
    public Status WriteNow(int slot)
    {
        if (_dirty[slot] == Clean) return Status.Ok;
        Status s = WriteStagesBefore(_dirty[slot]);
        return s != Status.Ok ? s : WriteSlot(slot);
    }

    /// <summary>WriteNow for `block` if it is cached (an evicted block was written when it left).</summary>
    public Status WriteBlockNow(ulong block) => _index.TryGetValue(block, out int slot) ? WriteNow(slot) : Status.Ok;

    /// <summary>Writes every dirty block, stage by stage, then flushes the device.</summary>
    public Status Sync()
    {
        Status s = WriteStagesBefore(Stages);
        return s != Status.Ok ? s : _device.Flush();
    }

    /// <summary>Whether any block is waiting to be written.</summary>
    public bool HasDirty
    {
        get
        {
            for (int i = 0; i < Stages; i++) if (_dirtyInStage[i] != 0) return true;
            return false;
        }
    }

    private Status Load(ulong block, bool read, out int slot)
    {
        ulong now = ++_clock;
        if (_index.TryGetValue(block, out slot))
        {
            _lastUse[slot] = now;
            return Status.Ok;
        }
        slot = Victim();
        if (_valid[slot])
        {
            if (_dirty[slot] != Clean)
            {
                Status w = WriteNow(slot);
                if (w != Status.Ok) return w;
            }
            _index.Remove(_block[slot]);
            _valid[slot] = false;
        }
        Span<byte> bytes = Bytes(slot);
        if (read)
        {
            Status r = _device.Read(block * (ulong)_sectorsPerBlock, bytes);
            if (r != Status.Ok) return r;
            DeviceReads++;
        }
        else
        {
            bytes.Clear();
        }
        _block[slot] = block;
        _valid[slot] = true;
        _lastUse[slot] = now;
        _index[block] = slot;
        return Status.Ok;
    }

    private int Victim()
    {
        int best = 0;
        for (int i = 0; i < _block.Length; i++)
        {
            if (!_valid[i]) return i;
            if (_lastUse[i] < _lastUse[best]) best = i;
        }
        return best;
    }

    private Status WriteStagesBefore(int stage)
    {
        for (int t = 0; t < stage; t++)
        {
            for (int i = 0; i < _block.Length && _dirtyInStage[t] != 0; i++)
            {
                if (_dirty[i] != t) continue;
                Status s = WriteSlot(i);
                if (s != Status.Ok) return s;
            }
        }
        return Status.Ok;
    }

    private Status WriteSlot(int slot)
    {
        Status s = _device.Write(_block[slot] * (ulong)_sectorsPerBlock, Bytes(slot));
        if (s != Status.Ok) return s;
        DeviceWrites++;
        _dirtyInStage[_dirty[slot]]--;
        _dirty[slot] = Clean;
        return Status.Ok;
    }
}
