// Carving: a capability to an aligned power-of-two piece of what an I/O-port or device-memory capability
// covers, so that whoever hands out devices (the PCI daemon) can give a driver exactly its own BARs.
//
// An I/O-port piece is a derived capability like a copy (not Original), only narrower: deleting it
// destroys nothing, and revoking the parent removes it. A device-memory piece is a new region, Original
// and a child of the parent exactly as an untyped carved from an untyped: the parent's watermark moves
// past it and its child count goes up, so frames and pieces never overlap, and when it is destroyed it is
// released to the parent like any object (Untyped.Release). Because the watermark only moves up, pieces
// are carved in ascending order and a hole left below one is not reused until the parent has no children
// at all; unlike RAM, device memory cannot record the hole's start in its padding (writing to a device
// register is not harmless), and a device's BARs are few.
//
// A frame piece is derived like an I/O-port piece (a narrower copy: unmapped, deleting it destroys
// nothing, revoking the parent removes it), and its base is a byte offset in the frame rather than a
// physical address, which its holder may not know (Physical): a file daemon that keeps file data in
// 64 KiB frames hands one 4 KiB page of them to a reader that maps pages (docs/design/diskfs.md).
using Vireo.Abi;
using Vireo.Kernel.Memory;

namespace Vireo.Kernel.Caps;

public static unsafe class Carving
{
    /// <summary>
    /// Places in the empty slot dstSlot a capability to [base, base + 2^sizeBits) of the I/O-port,
    /// device-memory or frame capability in parentSlot (for a frame, base is the byte offset in it),
    /// with the parent's rights. Checks in this order:
    /// InvalidCapability (parent slot empty), WrongType (not IoPorts, DeviceMemory or Frame),
    /// InsufficientRights (no Control), InvalidArgument (sizeBits above 63, or below 12 for device memory
    /// and frames: frames are pages), OutOfRange (the piece is not inside the parent), NotAligned (base not aligned to
    /// 2^sizeBits), OutOfMemory (device memory: the piece starts below the parent's watermark),
    /// Occupied (dstSlot not empty).
    /// </summary>
    public static Status Carve<THooks>(PhysMap map, SlotAddr parentSlot, ulong @base, ulong sizeBits, SlotAddr dstSlot, ref THooks hooks)
        where THooks : struct, IObjectHooks
    {
        CapSlot* p = parentSlot.In(map);
        if (p->IsEmpty)
            return Status.InvalidCapability;
        bool device = p->Type == ObjectType.DeviceMemory;
        bool frame = p->Type == ObjectType.Frame;
        if (!device && !frame && p->Type != ObjectType.IoPorts)
            return Status.WrongType;
        if ((p->Rights & Rights.Control) == 0)
            return Status.InsufficientRights;
        if (sizeBits > 63 || ((device || frame) && sizeBits < (ulong)ObjectSizes.PageBits))
            return Status.InvalidArgument;
        // A frame's piece is named by its offset; below, everything is in the parent's own terms.
        if (frame)
        {
            if (@base >= (1UL << p->SizeBits))
                return Status.OutOfRange;
            @base += p->Object;
        }
        if (sizeBits > p->SizeBits || @base < p->Object)
            return Status.OutOfRange;
        ulong size = 1UL << (int)sizeBits;
        ulong offset = @base - p->Object;
        // sizeBits <= the parent's, so the piece fits when its offset leaves room for it (no overflow).
        if (offset > (1UL << p->SizeBits) - size)
            return Status.OutOfRange;
        if ((@base & (size - 1)) != 0)
            return Status.NotAligned;
        if (device && offset < p->Watermark)
            return Status.OutOfMemory;
        CapSlot* d = dstSlot.In(map);
        if (!d->IsEmpty)
            return Status.Occupied;

        // A frame piece keeps what the frame is (device memory stays uncached), as a copy does.
        CapFlags flags = device ? CapFlags.Original : frame ? p->Flags & CapFlags.Device : CapFlags.None;
        CapOps.Fill(d, p->Type, p->Rights, flags, (int)sizeBits, @base, 0, 0);
        CapTree.InsertChild(map, parentSlot, dstSlot);
        if (device)
        {
            p->Watermark = offset + size;
            p->ChildCount++;
            hooks.Initialize(ObjectType.DeviceMemory, new PhysAddr(@base), (int)sizeBits);
        }
        return Status.Ok;
    }
}
