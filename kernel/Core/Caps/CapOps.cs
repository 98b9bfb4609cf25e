// The capability operations: copy, mint, move, delete, revoke, and installing the kernel's boot
// capabilities. Each takes slot addresses (SlotAddr) the caller has already looked up (CNode.Lookup for
// sources, CNode.SlotAt for destinations), checks everything first and changes state only when it
// returns Ok. Rights only shrink: a copy gets the source's rights masked, never more.
using Vireo.Abi;
using Vireo.Kernel.Memory;

namespace Vireo.Kernel.Caps;

public static unsafe class CapOps
{
    /// <summary>
    /// Places a capability the kernel made at boot (device memory, boot untyped, the bootstrap's objects):
    /// Original, a tree root with no parent untyped, so deleting its last capability never returns memory.
    /// For an untyped, badge is the initial watermark (normally 0) and extra must be 0.
    /// Returns InvalidArgument for a Null type, NotAligned for an untyped not aligned to its size,
    /// Occupied when the slot is not empty.
    /// </summary>
    public static Status InstallRoot(PhysMap map, SlotAddr slotPhys, ObjectType type, Rights rights, ulong objectPhys,
        int sizeBits, ulong badge, ulong extra)
    {
        if (type == ObjectType.Null || sizeBits < 0 || sizeBits > 63)
            return Status.InvalidArgument;
        if (type == ObjectType.Untyped && (objectPhys & ((1UL << sizeBits) - 1)) != 0)
            return Status.NotAligned;
        CapSlot* s = slotPhys.In(map);
        if (!s->IsEmpty)
            return Status.Occupied;
        Fill(s, type, rights, CapFlags.Original, sizeBits, objectPhys, badge, extra);
        return Status.Ok;
    }

    /// <summary>Copies a capability into an empty slot with rights src &amp; mask; the copy is a child of src.
    /// InvalidCapability (src empty), NotCopyable (untyped), BadState (a CNode being emptied by a
    /// restartable delete: it must stay its last capability), Occupied (dst not empty).</summary>
    public static Status Copy(PhysMap map, SlotAddr srcSlot, SlotAddr dstSlot, Rights mask)
    {
        CapSlot* src = srcSlot.In(map);
        if (src->IsEmpty)
            return Status.InvalidCapability;
        if (src->Type == ObjectType.Untyped)
            return Status.NotCopyable;
        if ((src->Flags & CapFlags.Emptying) != 0)
            return Status.BadState;
        if (!dstSlot.In(map)->IsEmpty)
            return Status.Occupied;
        Derive(map, srcSlot, dstSlot, mask, src->Badge);
        return Status.Ok;
    }

    /// <summary>Copies an endpoint or notification capability and sets its badge.
    /// InvalidCapability, WrongType (other types), InvalidArgument (src already badged), Occupied.</summary>
    public static Status Mint(PhysMap map, SlotAddr srcSlot, SlotAddr dstSlot, Rights mask, ulong badge)
    {
        CapSlot* src = srcSlot.In(map);
        if (src->IsEmpty)
            return Status.InvalidCapability;
        if (src->Type != ObjectType.Endpoint && src->Type != ObjectType.Notification)
            return Status.WrongType;
        if (src->Badge != 0)
            return Status.InvalidArgument;
        if (!dstSlot.In(map)->IsEmpty)
            return Status.Occupied;
        Derive(map, srcSlot, dstSlot, mask, badge);
        return Status.Ok;
    }

    /// <summary>Moves a capability to an empty slot, keeping its place in the derivation tree; the
    /// destination keeps its own generation and the source is emptied. InvalidCapability, Occupied.</summary>
    public static Status Move(PhysMap map, SlotAddr srcSlot, SlotAddr dstSlot)
    {
        CapSlot* src = srcSlot.In(map);
        CapSlot* dst = dstSlot.In(map);
        if (src->IsEmpty)
            return Status.InvalidCapability;
        if (!dst->IsEmpty)
            return Status.Occupied;
        ushort generation = dst->Generation;
        *dst = *src;
        dst->Generation = generation;
        dst->Flags &= ~CapFlags.Emptying;
        CapTree.Relocate(map, dstSlot);
        Empty(src);
        return Status.Ok;
    }

    /// <summary>Deletes one capability (see CapDeletion) and finishes in one stretch whatever CNodes that
    /// destroyed. InvalidCapability when the slot is empty. An untyped with children is revoked first,
    /// preemptibly: Preemption.Restart when that stopped.</summary>
    public static Status Delete<THooks>(PhysMap map, SlotAddr slotPhys, ref THooks hooks) where THooks : struct, IObjectHooks
    {
        SlotAddr pending = SlotAddr.Null;
        return Drained(map, slotPhys, Delete(map, slotPhys, ref pending, ref hooks), ref pending, ref hooks);
    }

    /// <summary>Delete that leaves the CNodes it destroyed on `pending`, the list of dying CNodes
    /// (CapDeletion.Drain finishes them in bounded steps). Restart when the revoke of an untyped stopped.</summary>
    public static Status Delete<THooks>(PhysMap map, SlotAddr slotPhys, ref SlotAddr pending, ref THooks hooks)
        where THooks : struct, IObjectHooks
    {
        CapSlot* s = slotPhys.In(map);
        if (s->IsEmpty)
            return Status.InvalidCapability;
        if ((s->Type == ObjectType.Untyped || s->Type == ObjectType.DeviceMemory) && s->FirstChild.Value != 0)
        {
            // The slot may go with a CNode that was among the descendants: then it is deleted.
            if (!CapDeletion.RevokeDescendants(map, slotPhys, ref pending, ref hooks, preemptible: true, emptyCNodes: true))
                return s->IsEmpty ? Status.Ok : Preemption.Restart;
            if (s->IsEmpty)
                return Status.Ok;
        }
        CapDeletion.DeleteOne(map, slotPhys, ref pending, ref hooks);
        return Status.Ok;
    }

    /// <summary>Delete for the CapDelete syscall, which restarts: when the slot holds a CNode's last
    /// capability, the CNode is first emptied preemptibly (CapDeletion.EmptyLastCNode) and then destroyed
    /// without a scan; Preemption.Restart when the emptying stopped. Otherwise as Delete. What it destroys
    /// on the way is finished in one stretch here (the syscall drains `pending` itself).</summary>
    public static Status DeleteRestartable<THooks>(PhysMap map, SlotAddr slotPhys, ref THooks hooks) where THooks : struct, IObjectHooks
    {
        SlotAddr pending = SlotAddr.Null;
        return Drained(map, slotPhys, DeleteRestartable(map, slotPhys, ref pending, ref hooks), ref pending, ref hooks);
    }

    public static Status DeleteRestartable<THooks>(PhysMap map, SlotAddr slotPhys, ref SlotAddr pending, ref THooks hooks)
        where THooks : struct, IObjectHooks
    {
        CapSlot* s = slotPhys.In(map);
        if (!CapDeletion.IsLastCNode(s))
            return Delete(map, slotPhys, ref pending, ref hooks);
        if (!CapDeletion.EmptyLastCNode(map, slotPhys, ref pending, ref hooks))
            return s->IsEmpty ? Status.Ok : Preemption.Restart;
        if (!s->IsEmpty)
            CapDeletion.DeleteEmptied(map, slotPhys, SlotAddr.Null, ref pending, ref hooks);
        return Status.Ok;
    }

    /// <summary>Deletes every capability derived from this one, transitively; the slot itself stays
    /// (unless it sat in a CNode whose last capability was among them). A CNode whose last capability is
    /// among them is emptied restartably first (CapDeletion.EmptyLastCNode). InvalidCapability when empty;
    /// Preemption.Restart when a preemption point stopped it (the tree is valid, fewer descendants left).
    /// What it destroys on the way is finished in one stretch here.</summary>
    public static Status Revoke<THooks>(PhysMap map, SlotAddr slotPhys, ref THooks hooks) where THooks : struct, IObjectHooks
    {
        SlotAddr pending = SlotAddr.Null;
        return Drained(map, slotPhys, Revoke(map, slotPhys, ref pending, ref hooks), ref pending, ref hooks);
    }

    /// <summary>Revoke that leaves the CNodes it destroyed on `pending` (see Delete).</summary>
    public static Status Revoke<THooks>(PhysMap map, SlotAddr slotPhys, ref SlotAddr pending, ref THooks hooks)
        where THooks : struct, IObjectHooks
    {
        CapSlot* s = slotPhys.In(map);
        if (s->IsEmpty)
            return Status.InvalidCapability;
        bool done = CapDeletion.RevokeDescendants(map, slotPhys, ref pending, ref hooks, preemptible: true, emptyCNodes: true);
        return done || s->IsEmpty ? Status.Ok : Preemption.Restart;
    }

    // Finishes the dying CNodes in one stretch; a stopped operation whose slot went on the way is done.
    private static Status Drained<THooks>(PhysMap map, SlotAddr slotPhys, Status s, ref SlotAddr pending, ref THooks hooks)
        where THooks : struct, IObjectHooks
    {
        CapDeletion.Drain(map, ref pending, ref hooks);
        return s == Preemption.Restart && slotPhys.In(map)->IsEmpty ? Status.Ok : s;
    }

    internal static void Fill(CapSlot* s, ObjectType type, Rights rights, CapFlags flags, int sizeBits,
        ulong objectPhys, ulong badge, ulong extra)
    {
        s->Type = type;
        s->Rights = rights;
        s->Flags = flags;
        s->SizeBits = (byte)sizeBits;
        s->Object = objectPhys;
        s->Badge = badge;
        s->Extra = extra;
        s->PrevOrParent = SlotLink.None;
        s->Next = SlotAddr.Null;
        s->FirstChild = SlotAddr.Null;
        s->Spare = 0;
    }

    /// <summary>Empties a slot: everything zero except the generation, which moves on.</summary>
    internal static void Empty(CapSlot* s)
    {
        ushort generation = s->Generation;
        *s = default;
        s->Generation = (ushort)(generation + 1);
    }

    private static void Derive(PhysMap map, SlotAddr srcSlot, SlotAddr dstSlot, Rights mask, ulong badge)
    {
        CapSlot* src = srcSlot.In(map);
        CapSlot* dst = dstSlot.In(map);
        // Copies keep what the object is (device memory stays uncached); being the original is not copied.
        Fill(dst, src->Type, src->Rights & mask, src->Flags & CapFlags.Device, src->SizeBits, src->Object, badge, 0);
        CapTree.InsertChild(map, srcSlot, dstSlot);
    }
}
