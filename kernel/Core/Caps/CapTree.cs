// Link operations on the derivation tree (see CapSlot for the encoding). All take slot addresses.
// Unlink, InsertChild, Relocate and the root swap of Promote are O(1). Promote must also merge two child
// lists; without a tail pointer that costs a walk of the shorter list (both are walked in lockstep until
// one ends), so it is O(1) whenever the promoted child has no children of its own. FindParent walks back
// over earlier siblings: O(1) for a first child, which is the case for the newest child (children are
// pushed at the head) and for every deletion Revoke makes.
// A link is read into a local before it is tested or followed: a member of SlotAddr or SlotLink called
// on a field through a pointer makes ilc take the field's address first, an instruction or two more.
using System.Runtime.CompilerServices;
using Vireo.Kernel.Memory;

namespace Vireo.Kernel.Caps;

internal static unsafe class CapTree
{
    /// <summary>Makes `child` (unlinked) the first child of `parent`.</summary>
    public static void InsertChild(PhysMap map, SlotAddr parent, SlotAddr child)
    {
        CapSlot* p = parent.In(map);
        CapSlot* c = child.In(map);
        c->PrevOrParent = SlotLink.ToParent(parent);
        SlotAddr next = p->FirstChild;
        c->Next = next;
        if (!next.IsNull)
            SetBackLink(map, next, SlotLink.ToPrevious(child));
        p->FirstChild = child;
    }

    /// <summary>The parent slot, or Null for a tree root.</summary>
    public static SlotAddr FindParent(PhysMap map, SlotAddr slot)
    {
        SlotLink link = slot.In(map)->PrevOrParent;
        while (!link.IsNone && !link.IsParent)
            link = link.Previous.In(map)->PrevOrParent;
        return link.Slot;
    }

    /// <summary>Removes a childless slot from its sibling list.</summary>
    public static void Unlink(PhysMap map, SlotAddr slot)
    {
        CapSlot* s = slot.In(map);
        ReplaceInSiblings(map, s, s->Next);
        SlotAddr next = s->Next;
        if (!next.IsNull)
            next.In(map)->PrevOrParent = s->PrevOrParent;
        s->PrevOrParent = SlotLink.None;
        s->Next = SlotAddr.Null;
    }

    /// <summary>
    /// Removes a slot that has children: its first child takes its place among its siblings and adopts
    /// the other children. Returns the promoted child.
    /// </summary>
    public static SlotAddr Promote(PhysMap map, SlotAddr slot)
    {
        CapSlot* s = slot.In(map);
        SlotAddr child = s->FirstChild;
        CapSlot* c = child.In(map);
        SlotAddr rest = c->Next;
        SlotAddr own = c->FirstChild;

        c->PrevOrParent = s->PrevOrParent;
        c->Next = s->Next;
        ReplaceInSiblings(map, s, child);
        SlotAddr next = s->Next;
        if (!next.IsNull)
            SetBackLink(map, next, SlotLink.ToPrevious(child));

        SlotAddr head = Concat(map, own, rest);
        c->FirstChild = head;
        if (!head.IsNull)
            SetBackLink(map, head, SlotLink.ToParent(child));

        s->PrevOrParent = SlotLink.None;
        s->Next = SlotAddr.Null;
        s->FirstChild = SlotAddr.Null;
        return child;
    }

    /// <summary>Moves a slot's links to an empty slot whose contents were already copied; O(1).</summary>
    public static void Relocate(PhysMap map, SlotAddr to)
    {
        CapSlot* t = to.In(map);
        ReplaceInSiblings(map, t, to);
        SlotAddr next = t->Next;
        if (!next.IsNull)
            SetBackLink(map, next, SlotLink.ToPrevious(to));
        SlotAddr first = t->FirstChild;
        if (!first.IsNull)
            SetBackLink(map, first, SlotLink.ToParent(to));
    }

    // The link is made before the slot's address, as an argument: assigned in place, the link's
    // construction came after the address, which then went through a register of its own (an add more).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SetBackLink(in PhysMap map, SlotAddr slot, SlotLink link) => slot.In(map)->PrevOrParent = link;

    /// <summary>Points whoever referred to `s` (previous sibling's Next, or parent's FirstChild) at `with`.</summary>
    private static void ReplaceInSiblings(PhysMap map, CapSlot* s, SlotAddr with)
    {
        SlotLink link = s->PrevOrParent;
        if (link.IsNone)
            return;
        if (link.IsParent)
            link.Slot.In(map)->FirstChild = with;
        else
            link.Previous.In(map)->Next = with;
    }

    /// <summary>Joins two sibling lists; the shorter one goes first, its tail found by a lockstep walk.
    /// The caller sets the head's PrevOrParent.</summary>
    private static SlotAddr Concat(PhysMap map, SlotAddr a, SlotAddr b)
    {
        if (a.IsNull)
            return b;
        if (b.IsNull)
            return a;
        SlotAddr ta = a;
        SlotAddr tb = b;
        while (true)
        {
            SlotAddr na = ta.In(map)->Next;
            if (na.IsNull)
            {
                ta.In(map)->Next = b;
                SetBackLink(map, b, SlotLink.ToPrevious(ta));
                return a;
            }
            SlotAddr nb = tb.In(map)->Next;
            if (nb.IsNull)
            {
                tb.In(map)->Next = a;
                SetBackLink(map, a, SlotLink.ToPrevious(tb));
                return b;
            }
            ta = na;
            tb = nb;
        }
    }
}
