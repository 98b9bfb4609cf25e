// virtio-blk requests (virtio 1.x, section 5.2.6) on a split queue: each request is a chain of a
// 16-byte header the device reads (type, sector), the data buffers, and one status byte the device
// writes. The headers and status bytes live in a slot array in DMA memory the caller gives (one slot
// per request in flight), so a request costs no allocation; completions come back in whatever order
// the device finishes them and are matched to their slot through the chain's head. Portable: the
// host tests run it over an emulated device.
using System;
using Vireo.Abi;

namespace Vireo.Virtio;

public static class VirtioBlk
{
    // Request types.
    public const uint TypeIn = 0, TypeOut = 1, TypeFlush = 4, TypeGetId = 8;
    // Status byte values.
    public const byte StatusOk = 0, StatusIoError = 1, StatusUnsupported = 2;
    /// <summary>virtio-blk counts in 512-byte sectors whatever the block size.</summary>
    public const int SectorSize = 512;
    // Feature bits.
    public const int FeatureSizeMax = 1, FeatureSegMax = 2, FeatureReadOnly = 5, FeatureBlockSize = 6, FeatureFlush = 9;
    // Device configuration: capacity (u64, in sectors) is first.
    public const int ConfigCapacity = 0;

    /// <summary>A finished request's status byte as the driver answers it: the device's I/O error (or
    /// a byte it never wrote) is IoError, an unsupported request NotSupported.</summary>
    public static Status StatusOf(byte status) =>
        status == StatusOk ? Status.Ok : status == StatusUnsupported ? Status.NotSupported : Status.IoError;
}

public unsafe struct BlkRequests
{
    public const int HeaderBytes = 16;
    private const byte Pending = 0xFF;   // a status byte the device has not written

    private SplitQueue _queue;
    private byte* _slots;
    private ulong _slotsPhysical;
    private int _count;
    private int[] _slotOfHead;   // by descriptor index: the slot whose chain starts there
    private ulong[] _tags;
    private bool[] _busy;
    private int _inFlight;

    /// <summary>Bytes the slot array needs for `count` requests: a header each, then a status byte each.</summary>
    public static int SlotBytes(int count) => count * HeaderBytes + count;

    /// <summary>Requests over `queue`, at most `count` in flight, their headers and statuses in
    /// `slots` (SlotBytes(count) bytes the device can reach at `slotsPhysical`).</summary>
    public BlkRequests(SplitQueue queue, byte* slots, ulong slotsPhysical, int count)
    {
        _queue = queue;
        _slots = slots;
        _slotsPhysical = slotsPhysical;
        _count = count;
        _slotOfHead = new int[queue.Size];
        _tags = new ulong[count];
        _busy = new bool[count];
        _inFlight = 0;
    }

    public int InFlight => _inFlight;
    public int Capacity => _count;

    /// <summary>Whether a request of `dataParts` buffers would be accepted now.</summary>
    public bool HasRoom(int dataParts) => _inFlight < _count && _queue.FreeDescriptors >= dataParts + 2;

    /// <summary>Queues a request (unpublished: call Publish). `data` is read by the device for TypeOut,
    /// written for TypeIn, empty for TypeFlush. `tag` comes back with its completion. False, nothing
    /// queued, when there is no free slot or too few descriptors.</summary>
    public bool TryStart(uint type, ulong sector, ReadOnlySpan<VirtqBuffer> data, ulong tag)
    {
        if (!HasRoom(data.Length)) return false;
        int slot = 0;
        while (_busy[slot]) slot++;
        byte* header = _slots + slot * HeaderBytes;
        *(uint*)header = type;
        *(uint*)(header + 4) = 0;
        *(ulong*)(header + 8) = sector;
        _slots[_count * HeaderBytes + slot] = Pending;
        Span<VirtqBuffer> parts = stackalloc VirtqBuffer[data.Length + 2];
        parts[0] = new VirtqBuffer(_slotsPhysical + (ulong)(slot * HeaderBytes), HeaderBytes, false);
        bool deviceWrites = type == VirtioBlk.TypeIn || type == VirtioBlk.TypeGetId;
        for (int i = 0; i < data.Length; i++) parts[i + 1] = new VirtqBuffer(data[i].Physical, data[i].Length, deviceWrites);
        parts[data.Length + 1] = new VirtqBuffer(_slotsPhysical + (ulong)(_count * HeaderBytes + slot), 1, true);
        if (!_queue.TryAdd(parts, out ushort head)) return false;
        _slotOfHead[head] = slot;
        _tags[slot] = tag;
        _busy[slot] = true;
        _inFlight++;
        return true;
    }

    /// <summary>Publishes what TryStart queued; true when the device must be notified.</summary>
    public bool Publish() => _queue.Publish();

    /// <summary>The next finished request: its tag and the status byte the device wrote (StatusIoError
    /// if it wrote none). False when nothing new has finished.</summary>
    public bool TryComplete(out ulong tag, out byte status)
    {
        tag = 0;
        status = VirtioBlk.StatusIoError;
        while (_queue.TryTakeUsed(out ushort head, out _))
        {
            if (head >= _slotOfHead.Length) continue;
            int slot = _slotOfHead[head];
            if (!_busy[slot]) continue;   // a head the device gave twice
            _busy[slot] = false;
            _inFlight--;
            tag = _tags[slot];
            byte s = _slots[_count * HeaderBytes + slot];
            status = s == Pending ? VirtioBlk.StatusIoError : s;
            return true;
        }
        return false;
    }
}
