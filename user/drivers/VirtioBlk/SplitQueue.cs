// A virtio split virtqueue (virtio 1.x, section 2.7) seen from the driver: the descriptor table, the
// available ring the driver fills and the used ring the device fills, all in memory both can reach.
// Portable (nothing here makes a syscall or knows a physical address it was not given), so the host
// tests drive it with an emulated device: chains, ring wrap-around, completions out of order.
//
// Free descriptors are a list threaded through the descriptors' own `Next` fields, as Linux's
// virtio_ring does: taking and giving back a chain touches only its own descriptors. The available
// ring's index is written once per Publish, after the entries, so the device never sees an entry
// before it is complete; the used ring's index is read once per TryTakeUsed, before its entry. On
// x86 stores are seen in order, so the volatile index fields (no reordering by the compiler) are the
// only fences needed.
using System;

namespace Vireo.Virtio;

/// <summary>One descriptor (16 bytes, as the device reads it).</summary>
public struct VirtqDescriptor
{
    public ulong Address;
    public uint Length;
    public ushort Flags;
    public ushort Next;
}

/// <summary>The first four bytes of the available and used rings; the index is what the other side
/// polls, so it is volatile.</summary>
public struct VirtqRingHeader
{
    public volatile ushort Flags;
    public volatile ushort Index;
}

/// <summary>An entry of the used ring: the head of a finished chain and the bytes the device wrote.</summary>
public struct VirtqUsedElement
{
    public uint Id;
    public uint Length;
}

/// <summary>A piece of a request: a physical address range the device reads, or writes when
/// DeviceWrites.</summary>
public struct VirtqBuffer
{
    public ulong Physical;
    public uint Length;
    public bool DeviceWrites;

    public VirtqBuffer(ulong physical, uint length, bool deviceWrites)
    {
        Physical = physical;
        Length = length;
        DeviceWrites = deviceWrites;
    }
}

public unsafe struct SplitQueue
{
    public const ushort FlagNext = 1, FlagWrite = 2;
    /// <summary>Set by the device in the used ring's flags: it does not want to be notified.</summary>
    public const ushort UsedNoNotify = 1;
    private const ushort End = 0xFFFF;

    private VirtqDescriptor* _descriptors;
    private VirtqRingHeader* _avail;
    private ushort* _availRing;
    private VirtqRingHeader* _used;
    private VirtqUsedElement* _usedRing;
    private ushort _size;
    private ushort _freeHead;
    private ushort _freeCount;
    private ushort _availIndex;   // the driver's next available index (published at Publish)
    private ushort _usedIndex;    // the next used entry this driver has not taken

    /// <summary>Bytes of the three parts for `size` descriptors and their offsets from the queue's
    /// start: descriptors at 0 (16-byte aligned), the available ring after them, the used ring at the
    /// next 4-byte boundary (modern devices) or the next `usedAlign` boundary (4096 for legacy ones).</summary>
    public static int Layout(int size, int usedAlign, out int availOffset, out int usedOffset)
    {
        availOffset = 16 * size;
        int availEnd = availOffset + 4 + 2 * size + 2;   // flags, index, ring, used_event
        usedOffset = (availEnd + usedAlign - 1) & -usedAlign;
        return usedOffset + 4 + 8 * size + 2;            // flags, index, ring, avail_event
    }

    /// <summary>A queue of `size` descriptors (a power of two, at most 32,768) over `memory`, laid out
    /// as Layout says, zeroed here: every descriptor free, both rings empty.</summary>
    public static bool TryCreate(byte* memory, int size, int usedAlign, out SplitQueue q)
    {
        q = default;
        if (size <= 0 || size > 32768 || (size & (size - 1)) != 0 || usedAlign < 4 || (usedAlign & (usedAlign - 1)) != 0) return false;
        int total = Layout(size, usedAlign, out int availOffset, out int usedOffset);
        new Span<byte>(memory, total).Clear();
        q._descriptors = (VirtqDescriptor*)memory;
        q._avail = (VirtqRingHeader*)(memory + availOffset);
        q._availRing = (ushort*)(memory + availOffset + 4);
        q._used = (VirtqRingHeader*)(memory + usedOffset);
        q._usedRing = (VirtqUsedElement*)(memory + usedOffset + 4);
        q._size = (ushort)size;
        for (int i = 0; i < size; i++) q._descriptors[i].Next = (ushort)(i + 1 < size ? i + 1 : End);
        q._freeHead = 0;
        q._freeCount = (ushort)size;
        return true;
    }

    public int Size => _size;
    public int FreeDescriptors => _freeCount;

    /// <summary>Chains `parts` (device-readable ones must come before device-writable ones, as the
    /// specification requires) and puts the chain's head in the available ring, unpublished. False,
    /// and nothing changed, when there are too few free descriptors or the order is wrong.</summary>
    public bool TryAdd(ReadOnlySpan<VirtqBuffer> parts, out ushort head)
    {
        head = End;
        if (parts.Length == 0 || parts.Length > _freeCount) return false;
        for (int i = 1; i < parts.Length; i++)
            if (parts[i - 1].DeviceWrites && !parts[i].DeviceWrites) return false;
        head = _freeHead;
        ushort at = head;
        for (int i = 0; i < parts.Length; i++)
        {
            VirtqDescriptor* d = &_descriptors[at];
            ushort next = d->Next;
            d->Address = parts[i].Physical;
            d->Length = parts[i].Length;
            d->Flags = (ushort)((parts[i].DeviceWrites ? FlagWrite : 0) | (i + 1 < parts.Length ? FlagNext : 0));
            if (i + 1 == parts.Length) _freeHead = next;
            else d->Next = next;   // the next free descriptor is the chain's next: already linked
            at = next;
        }
        _freeCount -= (ushort)parts.Length;
        _availRing[_availIndex & (_size - 1)] = head;
        _availIndex++;
        return true;
    }

    /// <summary>Makes every chain added since the last Publish visible to the device. True when the
    /// device wants to be told (its used ring does not say NoNotify): then write the queue's notify
    /// register.</summary>
    public bool Publish()
    {
        _avail->Index = _availIndex;
        return (_used->Flags & UsedNoNotify) == 0;
    }

    /// <summary>Chains the device has finished and this driver has not taken yet.</summary>
    public int Pending => (ushort)(_used->Index - _usedIndex);

    /// <summary>Takes the next finished chain: its head and the bytes the device wrote into it; its
    /// descriptors are free again. False when the device has finished nothing new.</summary>
    public bool TryTakeUsed(out ushort head, out uint written)
    {
        head = End;
        written = 0;
        if (_used->Index == _usedIndex) return false;
        VirtqUsedElement e = _usedRing[_usedIndex & (_size - 1)];
        _usedIndex++;
        head = (ushort)e.Id;
        written = e.Length;
        FreeChain(head);
        return true;
    }

    // The chain from `head` goes back on the free list in front; a device that names a descriptor
    // out of range (it is trusted with DMA, but not to corrupt our list) is ignored.
    private void FreeChain(ushort head)
    {
        if (head >= _size) return;
        ushort at = head;
        int n = 1;
        while ((_descriptors[at].Flags & FlagNext) != 0 && n < _size)
        {
            at = _descriptors[at].Next;
            if (at >= _size) return;
            n++;
        }
        _descriptors[at].Flags = 0;
        _descriptors[at].Next = _freeHead;
        _freeHead = head;
        _freeCount += (ushort)n;
    }
}
