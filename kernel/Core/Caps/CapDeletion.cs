// Deleting capabilities and destroying objects whose last capability goes, with bounded stack.
//
// Delete of a slot with children promotes its first child into its place (CapTree.Promote), handing on
// Original: the object lives while any capability to it does. An Original slot without children holds
// the last capability: its object is destroyed and its memory returned to the parent untyped at once.
// An untyped's children are the objects carved from it, not copies, so deleting an untyped that still
// has children first revokes it: when the memory goes, so does everything made from it.
//
// Revoke keeps no state outside the tree, so it can stop at any step and be restarted from the root
// (ADR 0003, "Preemption points"). Each step looks at the first child X of the current local root L
// (the revoked slot, or an untyped below it whose descendants are being removed first):
// - X has no children: delete it (O(1): a first child knows its parent);
// - X has children and is not untyped: lift X's first child H to be L's first child (O(1) unlink and
//   insert). H and its subtree are still descendants of L, so the tree is valid at every step, only
//   flatter; H is never Original (an Original's parent is untyped or none), so no untyped's accounting
//   changes. Each slot is lifted at most once: after a lift it is a child of L and stays one;
// - X is an untyped (or device memory) with children: it becomes the local root, so the objects carved
//   from it are released to it before it goes.
// So every step is O(1) and the whole revoke is linear. After each step the hooks' PreemptionPoint may
// stop it; a restart descends again from the root through untypeds with children only (their nesting,
// not the size of the tree, bounds that descent).
//
// Destroying a CNode means deleting the capabilities it holds, and one of those can be the last
// capability of another CNode. Instead of recursing, a dying CNode goes on a list of dying CNodes (the
// caller's `pending`: a local one for the one-stretch operations, the kernel's DyingCNodes for the
// syscalls) threaded through the CNode's own slot 0, which no capability occupies (destinations refuse
// index 0): its Object and SizeBits name the CNode, Next links to the next entry and Extra says how far
// the scan got, so the list needs no memory of its own and outlives the operation. Drain deletes every
// occupied slot of the first CNode in index order (an untyped with objects revoked first), which may put
// more on the list right behind it, then calls the Destroy hook; preemptible, it stops after each
// capability deleted and every ScanBatch empty slots passed, and a later Drain goes on from there. The
// dying CNode's memory was given back to its untyped when its last capability went, and must not be
// reused while the CNode waits: the kernel drains the list before any Retype (DyingCNodes). Call depth
// is bounded: DeleteOne may call RevokeDescendants, which deletes only leaves, and leaves never revoke.
//
// The CapDelete syscall of a CNode's last capability first empties the CNode while it is still alive
// (EmptyLastCNode), one capability per unit of work with a preemption point after each, so that the
// destruction itself finds nothing left to delete and needs no scan (ADR 0003). Each CNode keeps how
// far its emptying got in its last capability's Extra (slots before it are empty); a CNode whose last
// capability it meets is emptied first, depth first, and a restart finds the way down again through
// the hints (a nested hint counts only if the capability's Badge, unused in CNode capabilities, names
// this deletion: root slot and generation). The capability being deleted is marked Emptying: the CNode
// takes no capability in (a lookup of it as a CNode answers BadState) and it cannot be copied, so it
// stays the last capability and what was emptied stays empty across restarts; the CNodes below it are
// reachable only through it. Hence the destruction at the end needs no scan.
//
// A top-level revoke (CapRevoke, and CapDelete of an untyped with objects) does the same when it meets
// a CNode's last capability as a leaf: the emptying's stops are the revoke's, and its restart finds the
// marked capability again among the descendants. The emptying may delete any slot, the revoked one too,
// so the walk then starts again from the root. Revokes nested inside an emptying put the CNodes they
// destroy on the list (emptyCNodes off), so emptyings never nest; so does an emptying that holds its own
// root in a cycle, and every CNode the kernel deletes itself (capabilities.md lists what stays one stretch).
using System.Runtime.CompilerServices;
using Vireo.Abi;
using Vireo.Kernel.Memory;

namespace Vireo.Kernel.Caps;

internal static unsafe class CapDeletion
{
    // Inlined into RevokeDescendants' loop, where most of a large revoke's deletions happen.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    /// When `emptied`, a CNode whose last capability this is holds nothing any more (EmptyLastCNode) and
    /// is destroyed at once instead of going on the list.
    public static void DeleteOne<THooks>(PhysMap map, SlotAddr slotPhys, ref SlotAddr pending, ref THooks hooks, bool emptied = false)
        where THooks : struct, IObjectHooks
    {
        CapSlot* s = slotPhys.In(map);
        if ((s->Type == ObjectType.Untyped || s->Type == ObjectType.DeviceMemory) && s->FirstChild.Value != 0)
            RevokeDescendants(map, slotPhys, ref pending, ref hooks, preemptible: false);

        bool last = s->IsOriginal && s->FirstChild.Value == 0;
        SlotAddr parent = last ? CapTree.FindParent(map, slotPhys) : SlotAddr.Null;
        if (s->FirstChild.Value != 0)
        {
            SlotAddr heir = CapTree.Promote(map, slotPhys);
            heir.In(map)->Flags |= s->Flags & (CapFlags.Original | CapFlags.Padded | CapFlags.Device);
        }
        else
        {
            CapTree.Unlink(map, slotPhys);
        }

        hooks.CapRemoved(ref *s);
        ObjectType type = s->Type;
        ulong objectPhys = s->Object;
        int sizeBits = s->SizeBits;
        CapFlags flags = s->Flags;
        CapOps.Empty(s);
        if (!last)
            return;

        if (!parent.IsNull && (parent.In(map)->Type == ObjectType.Untyped || parent.In(map)->Type == ObjectType.DeviceMemory))
            Untyped.Release(map, parent, new PhysAddr(objectPhys), ObjectLayout.ObjectBits(type, sizeBits), flags);
        if (type == ObjectType.CNode && !emptied)
            Push(map, EntryFor(map, slotPhys, new PhysAddr(objectPhys), sizeBits), ref pending);
        else
            hooks.Destroy(type, objectPhys, sizeBits);
    }

    // The entry of a dying CNode: its own slot 0, which never holds a capability in CNodes made through
    // the syscalls (destinations refuse index 0), so it is free for as long as the CNode waits, whoever
    // runs meanwhile. Where slot 0 is taken (test fixtures fill it; or it is already the entry of another
    // CNode, Object set) the entry is the slot that held the last capability, which is safe only while the
    // operation that emptied it lasts: the kernel's lists never get one.
    private static SlotAddr EntryFor(PhysMap map, SlotAddr oldSlot, PhysAddr cnode, int slotBits)
    {
        // Slot 0's address is the CNode's own.
        SlotAddr firstSlot = CNode.SlotAddress(cnode, 0);
        CapSlot* first = firstSlot.In(map);
        SlotAddr entry = first->IsEmpty && first->Object == 0 ? firstSlot : oldSlot;
        CapSlot* e = entry.In(map);
        e->ObjectPhys = cnode;
        e->SizeBits = (byte)slotBits;
        e->Extra = 0;
        return entry;
    }

    // Puts an entry on the list: first, or right behind the first while a drain scans that one, so a
    // CNode is finished before the CNodes it held (the order of one stretch).
    private static void Push(PhysMap map, SlotAddr entry, ref SlotAddr pending)
    {
        CapSlot* e = entry.In(map);
        if (pending.Value != 0 && (pending.In(map)->Flags & CapFlags.Scanning) != 0)
        {
            CapSlot* head = pending.In(map);
            e->Next = head->Next;
            head->Next = entry;
            return;
        }
        e->Next = pending;
        pending = entry;
    }

    /// <summary>Deletes every descendant of root (see the header). Returns false when a preemption point
    /// stopped it (only when preemptible), with the tree valid and some descendants left.</summary>
    /// When emptyCNodes (a top-level revoke, never one nested in EmptyLastCNode), a leaf that is a CNode's
    /// last capability is first emptied restartably (EmptyLastCNode, within this revoke's restarts) and then
    /// destroyed without a scan; the walk then starts again from root, since that may have taken any slot.
    public static bool RevokeDescendants<THooks>(PhysMap map, SlotAddr root, ref SlotAddr pending, ref THooks hooks,
        bool preemptible, bool emptyCNodes = false)
        where THooks : struct, IObjectHooks
    {
        SlotAddr local = root;
        while (true)
        {
            CapSlot* l = local.In(map);
            SlotAddr child = l->FirstChild;
            if (child.IsNull)
            {
                if (local == root)
                    return true;
                // An untyped below root whose descendants are gone. It became the local root as its
                // parent's first child, and nothing below it touches its parent's list, so it still is.
                SlotLink up = l->PrevOrParent;
                SlotAddr parent = up.Slot;
                DeleteOne(map, local, ref pending, ref hooks);
                local = parent;
            }
            else
            {
                CapSlot* c = child.In(map);
                SlotAddr grandchild = c->FirstChild;
                if (grandchild.IsNull)
                {
                    if (c->Type == ObjectType.CNode && emptyCNodes && IsLastCNode(c))
                    {
                        int went = EmptyAndDelete(map, child, root, ref pending, ref hooks);
                        if (went != 0)
                            return went > 0;   // stopped, or root went with the CNode (the caller checks its slot)
                        local = root;
                    }
                    else
                    {
                        DeleteOne(map, child, ref pending, ref hooks);
                    }
                }
                else if (c->Type == ObjectType.Untyped || c->Type == ObjectType.DeviceMemory)
                {
                    local = child;
                    continue;
                }
                else
                {
                    CapTree.Unlink(map, grandchild);
                    CapTree.InsertChild(map, local, grandchild);
                }
            }
            if (preemptible && hooks.PreemptionPoint())
                return false;
        }
    }

    // Empties and deletes a CNode's last capability met by a revoke. -1: a preemption point stopped it;
    // 1: root went on the way; 0: the CNode is gone, go on from root. Kept out of RevokeDescendants' loop
    // (not inlined), which otherwise runs slower for every leaf.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int EmptyAndDelete<THooks>(PhysMap map, SlotAddr slot, SlotAddr root, ref SlotAddr pending, ref THooks hooks)
        where THooks : struct, IObjectHooks
    {
        if (!EmptyLastCNode(map, slot, ref pending, ref hooks))
            return -1;
        if (!slot.In(map)->IsEmpty)
            DeleteEmptied(map, slot, SlotAddr.Null, ref pending, ref hooks);
        return root.In(map)->IsEmpty ? 1 : 0;
    }

    /// <summary>Deletes the capabilities of the dying CNodes on the list, each in index order, and destroys
    /// them (see the header). When preemptible, stops at a preemption point after each capability deleted
    /// and every ScanBatch empty slots passed, and returns false; the list keeps where it got (the first
    /// entry's Extra), so a later call goes on from there.</summary>
    public static bool Drain<THooks>(PhysMap map, ref SlotAddr pending, ref THooks hooks, bool preemptible = false)
        where THooks : struct, IObjectHooks
    {
        uint scanned = 0;
        while (pending.Value != 0)
        {
            CapSlot* e = pending.In(map);
            e->Flags |= CapFlags.Scanning;
            PhysAddr cnode = e->ObjectPhys;
            ulong slots = 1UL << e->SizeBits;
            for (ulong i = e->Extra; i < slots; i++)
            {
                SlotAddr slot = CNode.SlotAddress(cnode, i);
                CapSlot* x = slot.In(map);
                if (x->IsEmpty)
                {
                    if (!preemptible || (++scanned & (ScanBatch - 1)) != 0) continue;
                    e->Extra = i + 1;
                    if (hooks.PreemptionPoint()) return false;
                    continue;
                }
                // An untyped's objects go first, restartably: what the revoke frees goes behind this entry.
                // (In one stretch DeleteOne revokes them itself, in the same order.)
                if (preemptible && (x->Type == ObjectType.Untyped || x->Type == ObjectType.DeviceMemory) && x->FirstChild.Value != 0)
                {
                    if (!RevokeDescendants(map, slot, ref pending, ref hooks, preemptible: true))
                    {
                        e->Extra = i;
                        return false;
                    }
                    if (x->IsEmpty) continue;
                }
                DeleteOne(map, slot, ref pending, ref hooks);
                if (!preemptible) continue;
                e->Extra = i + 1;
                if (hooks.PreemptionPoint()) return false;
            }
            // Still first: what the scan freed went behind it.
            pending = e->Next;
            int slotBits = TakeEntry(e);
            hooks.Destroy(ObjectType.CNode, cnode.Value, slotBits);
        }
        return true;
    }

    // Clears an entry taken off the list (an empty slot again); returns the dead CNode's slot bits.
    private static int TakeEntry(CapSlot* entry)
    {
        int slotBits = entry->SizeBits;
        entry->Object = 0;
        entry->SizeBits = 0;
        entry->Extra = 0;
        entry->Next = SlotAddr.Null;
        entry->Flags = CapFlags.None;
        return slotBits;
    }

    /// <summary>The slot holds the last capability of a CNode: deleting it destroys the CNode.</summary>
    public static bool IsLastCNode(CapSlot* s) => s->Type == ObjectType.CNode && s->IsOriginal && s->FirstChild.Value == 0;

    // Empty slots passed between two preemption points while a CNode is emptied or drained (a power of
    // two): about 1,500 instructions.
    private const uint ScanBatch = 64;

    /// <summary>Empties the CNode whose last capability is in `root` (see the header), but for `root`
    /// itself if it lies in it. False when a preemption point stopped it; true when it is empty, or when
    /// `root` went on the way (a revoke or a destruction inside reached it).</summary>
    public static bool EmptyLastCNode<THooks>(PhysMap map, SlotAddr root, ref SlotAddr pending, ref THooks hooks)
        where THooks : struct, IObjectHooks
    {
        CapSlot* r = root.In(map);
        if ((r->Flags & CapFlags.Emptying) == 0)
        {
            // A fresh start: whatever hint the slot holds is not this deletion's.
            r->Flags |= CapFlags.Emptying;
            r->Extra = 0;
        }
        // A nested CNode's hint is this deletion's only if its Badge (unused in CNode capabilities)
        // names this root slot and its generation.
        ulong tag = root.Value | ((ulong)r->Generation << 48);
        SlotAddr cur = root;
        uint scanned = 0;
        while (true)
        {
            if (!IsLastCNode(r))
                return true;   // not reached (it stays the last capability: no copy is made of it); never loop
            CapSlot* c = cur.In(map);
            PhysAddr cnode = c->ObjectPhys;
            ulong slots = 1UL << c->SizeBits;
            SlotAddr next = root;   // where to go on: root (up again) unless a nested CNode is found
            bool finished = true;
            for (ulong i = c->Extra; i < slots; i++)
            {
                SlotAddr slot = CNode.SlotAddress(cnode, i);
                CapSlot* x = slot.In(map);
                if (x->IsEmpty || slot == root)
                {
                    if ((++scanned & (ScanBatch - 1)) != 0) continue;
                    c->Extra = i + 1;
                    if (hooks.PreemptionPoint()) return false;
                    continue;
                }
                c->Extra = i;
                if (IsLastCNode(x))
                {
                    if (x->Badge != tag)
                    {
                        x->Badge = tag;
                        x->Extra = 0;
                    }
                    next = slot;
                    finished = false;
                    break;
                }
                if ((x->Type == ObjectType.Untyped || x->Type == ObjectType.DeviceMemory) && x->FirstChild.Value != 0)
                {
                    bool done = RevokeDescendants(map, slot, ref pending, ref hooks, preemptible: true);
                    if (r->IsEmpty) return true;
                    if (!done) return false;
                }
                if (!x->IsEmpty)
                    DeleteOne(map, slot, ref pending, ref hooks);
                if (r->IsEmpty) return true;
                if (hooks.PreemptionPoint()) return false;
                // A destruction on the way may have taken the CNode being emptied: find the way again.
                if (c->IsEmpty || !IsLastCNode(c) || c->Object != cnode.Value)
                {
                    finished = false;
                    break;
                }
                c->Extra = i + 1;
            }
            if (finished)
            {
                c->Extra = 0;
                if (cur == root) return true;
                DeleteEmptied(map, cur, root, ref pending, ref hooks);
                if (r->IsEmpty) return true;
            }
            cur = next;
        }
    }

    /// <summary>Deletes the last capability of a CNode that EmptyLastCNode emptied: its destruction needs
    /// no scan, unless `keep` (a capability it skipped) lies in it, when it goes on the list.</summary>
    public static void DeleteEmptied<THooks>(PhysMap map, SlotAddr slot, SlotAddr keep, ref SlotAddr pending, ref THooks hooks)
        where THooks : struct, IObjectHooks
    {
        CapSlot* s = slot.In(map);
        PhysAddr cnode = s->ObjectPhys;
        bool holdsKeep = keep != slot && keep.Value >= cnode.Value && keep.Value - cnode.Value < (1UL << (s->SizeBits + ObjectSizes.SlotBits)) &&
            !keep.In(map)->IsEmpty;
        DeleteOne(map, slot, ref pending, ref hooks, emptied: !holdsKeep);
    }
}
