// Deleting capabilities and destroying objects whose last capability goes, with bounded stack.
//
// Delete of a slot with children promotes its first child into its place (CapTree.Promote), handing on
// Original: the object lives while any capability to it does. An Original slot without children holds
// the last capability: its object is destroyed and its memory returned to the parent untyped at once.
// An untyped's children are the objects carved from it, not copies, so deleting an untyped that still
// has children first revokes it: when the memory goes, so does everything made from it.
//
// Revoke is a post-order walk that always deletes a leaf that is its parent's first child: each slot is
// visited once on the way down and deleted once, so the work is linear and FindParent is O(1); the only
// state is the cursor.
//
// Destroying a CNode means deleting the capabilities it holds, and one of those can be the last
// capability of another CNode. Instead of recursing, a dying CNode is pushed on a pending stack whose
// entries are the slots that held those last capabilities: the slot is already empty (Null type, new
// generation, so no lookup can reach it and no scan deletes it), and until the CNode is cleaned its Object
// and SizeBits name the CNode and its Next links to the next entry. Drain pops an entry, clears it, deletes
// every occupied slot of that CNode in index order (which may push more), then calls the Destroy hook.
// The dying CNode's memory is given back to its untyped before it is cleaned; this is safe because nothing
// carves memory until the operation ends. Call depth is bounded: DeleteOne may call RevokeDescendants, which
// only deletes leaves, and leaves never revoke.
using Vireo.Abi;
using Vireo.Kernel.Memory;

namespace Vireo.Kernel.Caps;

internal static unsafe class CapDeletion
{
    public static void DeleteOne<THooks>(PhysMap map, ulong slotPhys, ref ulong pending, ref THooks hooks)
        where THooks : struct, IObjectHooks
    {
        CapSlot* s = map.As<CapSlot>(slotPhys);
        if ((s->Type == ObjectType.Untyped || s->Type == ObjectType.DeviceMemory) && s->FirstChild != 0)
            RevokeDescendants(map, slotPhys, ref pending, ref hooks);

        bool last = s->IsOriginal && s->FirstChild == 0;
        ulong parent = last ? CapTree.FindParent(map, slotPhys) : 0;
        if (s->FirstChild != 0)
        {
            ulong heir = CapTree.Promote(map, slotPhys);
            map.As<CapSlot>(heir)->Flags |= s->Flags & (CapFlags.Original | CapFlags.Padded | CapFlags.Device);
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

        if (parent != 0 && (map.As<CapSlot>(parent)->Type == ObjectType.Untyped || map.As<CapSlot>(parent)->Type == ObjectType.DeviceMemory))
            Untyped.Release(map, parent, objectPhys, ObjectLayout.ObjectBits(type, sizeBits), flags);
        if (type == ObjectType.CNode)
        {
            s->Object = objectPhys;
            s->SizeBits = (byte)sizeBits;
            s->Next = pending;
            pending = slotPhys;
        }
        else
        {
            hooks.Destroy(type, objectPhys, sizeBits);
        }
    }

    public static void RevokeDescendants<THooks>(PhysMap map, ulong root, ref ulong pending, ref THooks hooks)
        where THooks : struct, IObjectHooks
    {
        ulong cursor = root;
        while (true)
        {
            ulong firstChild = map.As<CapSlot>(cursor)->FirstChild;
            if (firstChild != 0)
            {
                cursor = firstChild;
                continue;
            }
            if (cursor == root)
                return;
            // The cursor was reached through FirstChild, so it is a first child and knows its parent.
            ulong parent = map.As<CapSlot>(cursor)->PrevOrParent & ~CapTree.ParentBit;
            DeleteOne(map, cursor, ref pending, ref hooks);
            cursor = parent;
        }
    }

    public static void Drain<THooks>(PhysMap map, ref ulong pending, ref THooks hooks) where THooks : struct, IObjectHooks
    {
        while (pending != 0)
        {
            CapSlot* entry = map.As<CapSlot>(pending);
            pending = entry->Next;
            ulong cnode = entry->Object;
            int slotBits = entry->SizeBits;
            entry->Object = 0;
            entry->SizeBits = 0;
            entry->Next = 0;

            ulong slots = 1UL << slotBits;
            for (ulong i = 0; i < slots; i++)
            {
                ulong slot = cnode + (i << ObjectSizes.SlotBits);
                if (!map.As<CapSlot>(slot)->IsEmpty)
                    DeleteOne(map, slot, ref pending, ref hooks);
            }
            hooks.Destroy(ObjectType.CNode, cnode, slotBits);
        }
    }
}
