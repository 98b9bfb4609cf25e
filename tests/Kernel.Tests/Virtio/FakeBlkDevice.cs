// An emulated virtio-blk device for the virtqueue tests: it reads the available ring as QEMU does,
// walks each chain (header, data, status), serves it from a byte array, and puts finished chains on
// the used ring in whatever order the test asks. Physical addresses are host addresses (the queue
// and buffers live in pinned host memory), so the device dereferences them directly.
using System;
using System.Collections.Generic;
using Vireo.Virtio;

namespace Vireo.Tests.Virtio;

public sealed unsafe class FakeBlkDevice
{
    public readonly byte[] Disk;
    private readonly VirtqDescriptor* _descriptors;
    private readonly VirtqRingHeader* _avail;
    private readonly ushort* _availRing;
    private readonly VirtqRingHeader* _used;
    private readonly VirtqUsedElement* _usedRing;
    private readonly int _size;
    private ushort _seenAvail;
    /// <summary>Chains taken from the available ring and served, not yet on the used ring: (head, bytes written).</summary>
    public readonly List<(ushort Head, uint Written)> Done = new();
    public readonly List<uint> Types = new();
    public int Flushes;

    public FakeBlkDevice(byte* queue, int size, int usedAlign, byte[] disk)
    {
        SplitQueue.Layout(size, usedAlign, out int availOffset, out int usedOffset);
        _descriptors = (VirtqDescriptor*)queue;
        _avail = (VirtqRingHeader*)(queue + availOffset);
        _availRing = (ushort*)(queue + availOffset + 4);
        _used = (VirtqRingHeader*)(queue + usedOffset);
        _usedRing = (VirtqUsedElement*)(queue + usedOffset + 4);
        _size = size;
        Disk = disk;
    }

    /// <summary>Serves every chain published since the last call (into Done); returns how many.</summary>
    public int Serve()
    {
        int n = 0;
        while (_seenAvail != _avail->Index)
        {
            ushort head = _availRing[_seenAvail % _size];
            _seenAvail++;
            Done.Add((head, ServeChain(head)));
            n++;
        }
        return n;
    }

    private uint ServeChain(ushort head)
    {
        var parts = new List<VirtqDescriptor>();
        ushort at = head;
        while (true)
        {
            VirtqDescriptor d = _descriptors[at];
            parts.Add(d);
            if ((d.Flags & SplitQueue.FlagNext) == 0) break;
            at = d.Next;
            if (parts.Count > _size) throw new InvalidOperationException("a loop in a chain");
        }
        if (parts.Count < 2) throw new InvalidOperationException("a chain without header and status");
        VirtqDescriptor header = parts[0], status = parts[^1];
        if ((header.Flags & SplitQueue.FlagWrite) != 0 || header.Length != 16) throw new InvalidOperationException("bad header");
        if ((status.Flags & SplitQueue.FlagWrite) == 0 || status.Length != 1) throw new InvalidOperationException("bad status");
        uint type = *(uint*)header.Address;
        ulong sector = *(ulong*)(header.Address + 8);
        Types.Add(type);
        long offset = (long)sector * VirtioBlk.SectorSize;
        uint written = 0;
        byte result = VirtioBlk.StatusOk;
        for (int i = 1; i < parts.Count - 1; i++)
        {
            VirtqDescriptor d = parts[i];
            bool deviceWrites = (d.Flags & SplitQueue.FlagWrite) != 0;
            if (offset + d.Length > Disk.Length) { result = VirtioBlk.StatusIoError; break; }
            if (type == VirtioBlk.TypeIn && deviceWrites)
            {
                new ReadOnlySpan<byte>(Disk, (int)offset, (int)d.Length).CopyTo(new Span<byte>((void*)d.Address, (int)d.Length));
                written += d.Length;
            }
            else if (type == VirtioBlk.TypeOut && !deviceWrites)
                new ReadOnlySpan<byte>((void*)d.Address, (int)d.Length).CopyTo(new Span<byte>(Disk, (int)offset, (int)d.Length));
            else result = VirtioBlk.StatusIoError;
            offset += d.Length;
        }
        if (type == VirtioBlk.TypeFlush) Flushes++;
        else if (type != VirtioBlk.TypeIn && type != VirtioBlk.TypeOut) result = VirtioBlk.StatusUnsupported;
        *(byte*)status.Address = result;
        return written + 1;
    }

    /// <summary>Puts served chain `index` of Done on the used ring (and drops it from Done).</summary>
    public void Complete(int index)
    {
        (ushort head, uint written) = Done[index];
        Done.RemoveAt(index);
        VirtqUsedElement* e = &_usedRing[_used->Index % _size];
        e->Id = head;
        e->Length = written;
        _used->Index = (ushort)(_used->Index + 1);
    }

    public void CompleteAll()
    {
        while (Done.Count > 0) Complete(0);
    }
}
