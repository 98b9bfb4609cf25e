// Link operations on the derivation tree (see CapSlot for the encoding). All take slot physical addresses.
// Unlink, InsertChild, Relocate and the root swap of Promote are O(1). Promote must also merge two child
// lists; without a tail pointer that costs a walk of the shorter list (both are walked in lockstep until
// one ends), so it is O(1) whenever the promoted child has no children of its own. FindParent walks back
// over earlier siblings: O(1) for a first child, which is the case for the newest child (children are
// pushed at the head) and for every deletion Revoke makes.
using Vireo.Kernel.Memory;

namespace Vireo.Kernel.Caps;

internal static unsafe class CapTree
{
    public const ulong ParentBit = 1;

    /// <summary>Makes `child` (unlinked) the first child of `parent`.</summary>
    public static void InsertChild(PhysMap map, ulong parent, ulong child)
    {
        CapSlot* p = map.As<CapSlot>(parent);
        CapSlot* c = map.As<CapSlot>(child);
        c->PrevOrParent = parent | ParentBit;
        c->Next = p->FirstChild;
        if (p->FirstChild != 0)
            map.As<CapSlot>(p->FirstChild)->PrevOrParent = child;
        p->FirstChild = child;
    }

    /// <summary>The parent slot, or 0 for a tree root.</summary>
    public static ulong FindParent(PhysMap map, ulong slot)
    {
        ulong link = map.As<CapSlot>(slot)->PrevOrParent;
        while (link != 0 && (link & ParentBit) == 0)
            link = map.As<CapSlot>(link)->PrevOrParent;
        return link & ~ParentBit;
    }

    /// <summary>Removes a childless slot from its sibling list.</summary>
    public static void Unlink(PhysMap map, ulong slot)
    {
        CapSlot* s = map.As<CapSlot>(slot);
        ReplaceInSiblings(map, s, s->Next);
        if (s->Next != 0)
            map.As<CapSlot>(s->Next)->PrevOrParent = s->PrevOrParent;
        s->PrevOrParent = 0;
        s->Next = 0;
    }

    /// <summary>
    /// Removes a slot that has children: its first child takes its place among its siblings and adopts
    /// the other children. Returns the promoted child.
    /// </summary>
    public static ulong Promote(PhysMap map, ulong slot)
    {
        CapSlot* s = map.As<CapSlot>(slot);
        ulong child = s->FirstChild;
        CapSlot* c = map.As<CapSlot>(child);
        ulong rest = c->Next;
        ulong own = c->FirstChild;

        c->PrevOrParent = s->PrevOrParent;
        c->Next = s->Next;
        ReplaceInSiblings(map, s, child);
        if (s->Next != 0)
            map.As<CapSlot>(s->Next)->PrevOrParent = child;

        ulong head = Concat(map, own, rest);
        c->FirstChild = head;
        if (head != 0)
            map.As<CapSlot>(head)->PrevOrParent = child | ParentBit;

        s->PrevOrParent = 0;
        s->Next = 0;
        s->FirstChild = 0;
        return child;
    }

    /// <summary>Moves a slot's links to an empty slot whose contents were already copied; O(1).</summary>
    public static void Relocate(PhysMap map, ulong to)
    {
        CapSlot* t = map.As<CapSlot>(to);
        ReplaceInSiblings(map, t, to);
        if (t->Next != 0)
            map.As<CapSlot>(t->Next)->PrevOrParent = to;
        if (t->FirstChild != 0)
            map.As<CapSlot>(t->FirstChild)->PrevOrParent = to | ParentBit;
    }

    /// <summary>Points whoever referred to `s` (previous sibling's Next, or parent's FirstChild) at `with`.</summary>
    private static void ReplaceInSiblings(PhysMap map, CapSlot* s, ulong with)
    {
        ulong link = s->PrevOrParent;
        if (link == 0)
            return;
        if ((link & ParentBit) != 0)
            map.As<CapSlot>(link & ~ParentBit)->FirstChild = with;
        else
            map.As<CapSlot>(link)->Next = with;
    }

    /// <summary>Joins two sibling lists; the shorter one goes first, its tail found by a lockstep walk.
    /// The caller sets the head's PrevOrParent.</summary>
    private static ulong Concat(PhysMap map, ulong a, ulong b)
    {
        if (a == 0)
            return b;
        if (b == 0)
            return a;
        ulong ta = a;
        ulong tb = b;
        while (true)
        {
            ulong na = map.As<CapSlot>(ta)->Next;
            if (na == 0)
            {
                map.As<CapSlot>(ta)->Next = b;
                map.As<CapSlot>(b)->PrevOrParent = ta;
                return a;
            }
            ulong nb = map.As<CapSlot>(tb)->Next;
            if (nb == 0)
            {
                map.As<CapSlot>(tb)->Next = a;
                map.As<CapSlot>(a)->PrevOrParent = tb;
                return b;
            }
            ta = na;
            tb = nb;
        }
    }
}
