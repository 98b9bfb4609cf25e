// Untyped memory: a capability to [Object, Object + 2^SizeBits) from which all kernel objects are carved.
// Allocation is a watermark (Badge, bytes used from the start) plus a count of live children (Extra).
// Retype places each object at the watermark aligned up to the object's size; the padding skipped for
// alignment is recorded in its first 8 bytes below the object (CapFlags.Padded) so it can be given back.
// Release, when an object is destroyed, decrements the count; if the object ended exactly at the
// watermark the watermark drops to its start (or to the watermark before its padding); when the count
// reaches zero the watermark drops to 0.
// Fragmentation limit: memory freed below the watermark is only reusable once every object above it is
// gone too (or, when objects above it remain, once the untyped has no objects left at all). Objects destroyed in LIFO order, and revoking the untyped as a whole, return memory exactly;
// any other order may hold memory until the untyped is empty (or revoked). This keeps the untyped to
// two words and every operation O(1), as in seL4, where only a revoke reclaims.
// Untyped memory is not cleared when a child untyped is carved: objects are zeroed when they are made.
// Retype of many objects is preemptible between objects: the objects made so far are committed (caps,
// watermark, count) exactly as if they had been asked for alone, so the untyped is consistent, and the
// caller restarts the rest (ADR 0003, "Preemption points"). An object larger than ZeroChunk (a big frame
// or CNode) is zeroed a chunk at a time with a preemption point after each: a stop records in the
// untyped's Spare where that object would start and how many chunks are zero already (the zeroing mark),
// and the restarted call, finding the object at the same place, goes on from there. Only a commit writes
// memory above the watermark, so every commit clears the mark; releases only lower the watermark, below
// the marked memory, so they leave it valid.
using Vireo.Abi;
using Vireo.Kernel.Memory;

namespace Vireo.Kernel.Caps;

public static unsafe class Untyped
{
    /// <summary>Bytes zeroed between two preemption points when one object is larger.</summary>
    public const int ZeroChunkBits = 16;
    public const ulong ZeroChunk = 1UL << ZeroChunkBits;
    // The zeroing mark in an untyped's Spare: the object's offset in the region (below 2^47) and the
    // chunks zeroed (above bit 48; an object is at most 2^30 bytes, 2^14 chunks). 0: no mark.
    private const int MarkChunksShift = 48;
    private const ulong MarkOffsetMask = (1UL << MarkChunksShift) - 1;

    /// <summary>
    /// Carves `count` objects from an untyped into the empty slots [dstIndex, dstIndex + count) of a
    /// destination CNode. Each object is zeroed (except untyped), announced to hooks.Initialize, and named
    /// by an Original capability with all rights but `withheld`, a child of the untyped capability; frames
    /// and untyped also get the untyped's Physical right (ADR 0011). All or nothing
    /// (when hooks never preempt; see the overload below):
    /// InvalidCapability (untyped slot empty), WrongType (not untyped), InsufficientRights (no Control),
    /// InvalidArgument (type/size not retypable, count 0), OutOfRange (slots beyond the CNode),
    /// Occupied (a destination slot is not empty), OutOfMemory (does not fit above the watermark).
    /// </summary>
    public static Status Retype<THooks>(PhysMap map, SlotAddr untypedSlot, ObjectType type, int sizeBits,
        PhysAddr dstCNode, int dstSlotBits, ulong dstIndex, ulong count, ref THooks hooks, Rights withheld = Rights.None)
        where THooks : struct, IObjectHooks =>
        Retype(map, untypedSlot, type, sizeBits, dstCNode, dstSlotBits, dstIndex, count, ref hooks, out _, withheld);

    /// <summary>As above; in addition, a preemption point after an object (not the last) stops it with
    /// Preemption.Restart, the first `made` objects made and committed; the rest are
    /// [dstIndex + made, dstIndex + count), to be asked for again. made is count on Ok, 0 on failure.</summary>
    public static Status Retype<THooks>(PhysMap map, SlotAddr untypedSlot, ObjectType type, int sizeBits,
        PhysAddr dstCNode, int dstSlotBits, ulong dstIndex, ulong count, ref THooks hooks, out ulong made,
        Rights withheld = Rights.None)
        where THooks : struct, IObjectHooks
    {
        made = 0;
        CapSlot* u = untypedSlot.In(map);
        if (u->IsEmpty)
            return Status.InvalidCapability;
        // Device memory (registers, frame buffers) becomes 4 KiB frames only: never kernel objects,
        // never zeroed, and page-aligned so no padding record is ever written into it.
        bool device = u->Type == ObjectType.DeviceMemory;
        if (u->Type != ObjectType.Untyped && !device)
            return Status.WrongType;
        if (device && (type != ObjectType.Frame || (sizeBits != 0 && sizeBits != ObjectSizes.FrameBits)))
            return Status.WrongType;
        if ((u->Rights & Rights.Control) == 0)
            return Status.InsufficientRights;
        if (count == 0 || !ObjectLayout.TryRetypeSize(type, sizeBits, out int capSizeBits, out int objectBits))
            return Status.InvalidArgument;
        ulong slots = 1UL << dstSlotBits;
        if (dstIndex >= slots || count > slots - dstIndex)
            return Status.OutOfRange;
        for (ulong i = 0; i < count; i++)
        {
            if (!CNode.SlotAddress(dstCNode, dstIndex + i).In(map)->IsEmpty)
                return Status.Occupied;
        }

        // count <= 2^16 and objects <= 2^47 bytes, so none of this overflows.
        ulong objectSize = 1UL << objectBits;
        ulong regionSize = 1UL << u->SizeBits;
        ulong watermark = u->Watermark;
        ulong start = (watermark + objectSize - 1) & ~(objectSize - 1);
        if (objectBits > u->SizeBits || start > regionSize || count * objectSize > regionSize - start)
            return Status.OutOfMemory;

        // Physical passes only to what is memory itself: a frame's address, an untyped's frames.
        Rights inherited = type == ObjectType.Frame || type == ObjectType.Untyped ? u->Rights & Rights.Physical : Rights.None;
        Rights rights = (Rights.All | inherited) & ~withheld;
        bool padded = start != watermark;
        if (padded)
            *map.As<ulong>(u->Object + start - 8) = watermark;   // raw: the typed sum cost an instruction
        for (ulong i = 0; i < count; i++)
        {
            PhysAddr objectPhys = u->ObjectPhys + start + i * objectSize;
            SlotAddr slot = CNode.SlotAddress(dstCNode, dstIndex + i);
            // An address space's page-table pool is zeroed page by page as tables are taken from it.
            if (type == ObjectType.AddressSpace)
                Zero(map, objectPhys, 1UL << ObjectSizes.PageBits);
            else if (type != ObjectType.Untyped && !device && objectSize <= ZeroChunk)
                Zero(map, objectPhys, objectSize);
            else if (type != ObjectType.Untyped && !device &&
                !ZeroInChunks(map, u, start + i * objectSize, objectSize, ref hooks, out ulong mark))
            {
                made = i;
                Commit(u, start, made, objectSize);
                u->Spare = mark;   // after Commit, which clears it
                return Preemption.Restart;
            }
            CapFlags flags = padded && i == 0 ? CapFlags.Original | CapFlags.Padded : CapFlags.Original;
            if (device)
                flags |= CapFlags.Device;
            CapOps.Fill(slot.In(map), type, rights, flags, capSizeBits, objectPhys.Value, 0, 0);
            CapTree.InsertChild(map, untypedSlot, slot);
            hooks.Initialize(type, objectPhys, capSizeBits);
            if (i + 1 < count && hooks.PreemptionPoint())
            {
                made = i + 1;
                Commit(u, start, made, objectSize);
                return Preemption.Restart;
            }
        }
        Commit(u, start, count, objectSize);
        made = count;
        return Status.Ok;
    }

    // The first `made` objects from `start` belong to the untyped now. They lie above the old watermark,
    // where a zeroing mark may point: it goes.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Commit(CapSlot* u, ulong start, ulong made, ulong objectSize)
    {
        if (made == 0)
            return;
        u->Watermark = start + made * objectSize;
        u->ChildCount += made;
        u->Spare = 0;
    }

    // Zeroes the object at `offset` in u's region a chunk at a time, resuming from the untyped's mark if it
    // names this offset. False when a preemption point stopped it, with the mark that says how far it got
    // (kept in the untyped once the objects before it are committed).
    private static bool ZeroInChunks<THooks>(PhysMap map, CapSlot* u, ulong offset, ulong size, ref THooks hooks,
        out ulong mark) where THooks : struct, IObjectHooks
    {
        mark = 0;
        ulong chunks = size >> ZeroChunkBits;
        ulong done = (u->Spare & MarkOffsetMask) == offset ? u->Spare >> MarkChunksShift : 0;
        u->Spare = 0;
        for (; done < chunks; done++)
        {
            Zero(map, u->ObjectPhys + offset + (done << ZeroChunkBits), ZeroChunk);
            if (done + 1 < chunks && hooks.PreemptionPoint())
            {
                mark = offset | ((done + 1) << MarkChunksShift);
                return false;
            }
        }
        return true;
    }

    /// <summary>The zeroing mark of an untyped slot (tests): offset of the object being zeroed and
    /// chunks done, or (0, 0).</summary>
    public static ulong ZeroedChunks(PhysMap map, SlotAddr untypedSlot, out ulong offset)
    {
        ulong mark = untypedSlot.In(map)->Spare;
        offset = mark & MarkOffsetMask;
        return mark >> MarkChunksShift;
    }

    /// <summary>Gives a destroyed object's memory back to the untyped it was carved from.</summary>
    internal static void Release(PhysMap map, SlotAddr untypedSlot, PhysAddr objectPhys, int objectBits, CapFlags flags)
    {
        CapSlot* u = untypedSlot.In(map);
        u->ChildCount--;
        if (u->ChildCount == 0)
        {
            u->Watermark = 0;
            return;
        }
        ulong start = objectPhys.Value - u->Object;   // .Value: a field read through a pointer compiles tighter
        if (start + (1UL << objectBits) == u->Watermark)
            u->Watermark = (flags & CapFlags.Padded) != 0 ? *map.As<ulong>(objectPhys.Value - 8) : start;
    }

    private static void Zero(PhysMap map, PhysAddr phys, ulong size) =>
        System.Runtime.InteropServices.NativeMemory.Clear(map.Ptr(phys), (nuint)size);
}
