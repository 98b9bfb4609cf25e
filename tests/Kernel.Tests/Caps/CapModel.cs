// A managed reference model of the capability core for the randomized tests: plain objects and lists,
// written from the specification (derivation tree with head insertion, promotion of the first child,
// post-order revoke, LIFO pending CNodes scanned in index order, watermark accounting). It predicts the
// status of every operation, the hook calls in order, and the full contents and tree shape of every slot.
using System;
using System.Collections.Generic;
using Vireo.Abi;
using Vireo.Kernel.Caps;

namespace Vireo.Tests.Caps;

public sealed class ModelObject
{
    public ObjectType Type;
    public ulong Phys;
    public int CapBits;
    public ulong Size;
    public ulong PadRecord;
    public bool Padded;
}

public sealed class ModelCap
{
    public SlotAddr Slot;
    public ObjectType Type;
    public Rights Rights;
    public ulong Badge;
    public ModelObject Object;
    public bool Original;
    public bool Padded;
    public ModelCap Parent;
    public List<ModelCap> Children = new();
    public ulong Watermark;
    public ulong Count;
}

public sealed class CapModel
{
    public readonly Dictionary<SlotAddr, ModelCap> Caps = new();
    public readonly Dictionary<SlotAddr, ushort> Generations = new();
    public readonly List<HookCall> Expected = new();
    /// <summary>Live CNode objects (phys, slot bits), including the kernel's root CNode.</summary>
    public readonly List<(ulong Phys, int Bits)> CNodes = new();

    public ushort Generation(SlotAddr slot) => Generations.TryGetValue(slot, out ushort g) ? g : (ushort)0;

    public void InstallRoot(SlotAddr slot, ObjectType type, ulong phys, int bits)
    {
        var obj = new ModelObject { Type = type, Phys = phys, CapBits = bits, Size = 1UL << bits };
        Caps[slot] = new ModelCap { Slot = slot, Type = type, Rights = Rights.All, Object = obj, Original = true };
    }

    public Status Retype(SlotAddr untyped, ObjectType type, int sizeBits, ulong cnode, int cnodeBits, ulong index, ulong count)
    {
        if (!Caps.TryGetValue(untyped, out ModelCap u))
            return Status.InvalidCapability;
        if (u.Type != ObjectType.Untyped)
            return Status.WrongType;
        if ((u.Rights & Rights.Control) == 0)
            return Status.InsufficientRights;
        if (count == 0 || !ObjectLayout.TryRetypeSize(type, sizeBits, out int capBits, out int objBits))
            return Status.InvalidArgument;
        ulong slots = 1UL << cnodeBits;
        if (index >= slots || count > slots - index)
            return Status.OutOfRange;
        for (ulong i = 0; i < count; i++)
            if (Caps.ContainsKey(CapsWorld.SlotIn(cnode, index + i)))
                return Status.Occupied;
        ulong size = 1UL << objBits;
        ulong region = u.Object.Size;
        ulong start = (u.Watermark + size - 1) / size * size;
        if (size > region || start + count * size > region)
            return Status.OutOfMemory;
        bool padded = start != u.Watermark;
        for (ulong i = 0; i < count; i++)
        {
            var obj = new ModelObject
            {
                Type = type, Phys = u.Object.Phys + start + i * size, CapBits = capBits, Size = size,
                Padded = padded && i == 0, PadRecord = u.Watermark,
            };
            SlotAddr slot = CapsWorld.SlotIn(cnode, index + i);
            var cap = new ModelCap { Slot = slot, Type = type, Rights = Rights.All, Object = obj, Original = true, Padded = obj.Padded };
            Caps[slot] = cap;
            AddChild(u, cap);
            if (type == ObjectType.CNode)
            {
                for (ulong s = 0; s < 1UL << capBits; s++)
                    Generations.Remove(CapsWorld.SlotIn(obj.Phys, s));
                CNodes.Add((obj.Phys, capBits));
            }
            Expected.Add(new HookCall("init", type, obj.Phys, capBits));
        }
        u.Watermark = start + count * size;
        u.Count += count;
        return Status.Ok;
    }

    public Status Copy(SlotAddr src, SlotAddr dst, Rights mask, bool mint, ulong badge)
    {
        if (!Caps.TryGetValue(src, out ModelCap s))
            return Status.InvalidCapability;
        if (mint)
        {
            if (s.Type != ObjectType.Endpoint && s.Type != ObjectType.Notification)
                return Status.WrongType;
            if (s.Badge != 0)
                return Status.InvalidArgument;
        }
        else if (s.Type == ObjectType.Untyped)
        {
            return Status.NotCopyable;
        }
        if (Caps.ContainsKey(dst))
            return Status.Occupied;
        var c = new ModelCap { Slot = dst, Type = s.Type, Rights = s.Rights & mask, Object = s.Object, Badge = mint ? badge : s.Badge };
        Caps[dst] = c;
        AddChild(s, c);
        return Status.Ok;
    }

    public Status Move(SlotAddr src, SlotAddr dst)
    {
        if (!Caps.TryGetValue(src, out ModelCap s))
            return Status.InvalidCapability;
        if (Caps.ContainsKey(dst))
            return Status.Occupied;
        Caps.Remove(src);
        Generations[src] = (ushort)(Generation(src) + 1);
        s.Slot = dst;
        Caps[dst] = s;
        return Status.Ok;
    }

    public Status Delete(SlotAddr slot)
    {
        if (!Caps.TryGetValue(slot, out ModelCap c))
            return Status.InvalidCapability;
        var pending = new Stack<(ulong, int)>();
        if (c.Type == ObjectType.Untyped && c.Children.Count > 0)
        {
            RevokeDescendants(c, pending, emptyCNodes: true);
            if (!Caps.ContainsKey(slot))
                return Status.Ok;
        }
        DeleteOne(c, pending);
        Drain(pending);
        return Status.Ok;
    }

    public Status Revoke(SlotAddr slot)
    {
        if (!Caps.TryGetValue(slot, out ModelCap c))
            return Status.InvalidCapability;
        var pending = new Stack<(ulong, int)>();
        RevokeDescendants(c, pending, emptyCNodes: true);
        Drain(pending);
        return Status.Ok;
    }

    public static bool IsDescendant(ModelCap c, ModelCap ancestor)
    {
        for (ModelCap p = c.Parent; p != null; p = p.Parent)
            if (p == ancestor)
                return true;
        return false;
    }

    private static void AddChild(ModelCap parent, ModelCap child)
    {
        child.Parent = parent;
        parent.Children.Insert(0, child);
    }

    private void DeleteOne(ModelCap c, Stack<(ulong, int)> pending)
    {
        if (c.Type == ObjectType.Untyped && c.Children.Count > 0)
            RevokeDescendants(c, pending);
        bool last = c.Original && c.Children.Count == 0;
        ModelCap parent = c.Parent;
        if (c.Children.Count > 0)
        {
            ModelCap heir = c.Children[0];
            List<ModelCap> rest = c.Children.GetRange(1, c.Children.Count - 1);
            List<ModelCap> own = heir.Children;
            var merged = new List<ModelCap>();
            if (own.Count <= rest.Count)
            {
                merged.AddRange(own);
                merged.AddRange(rest);
            }
            else
            {
                merged.AddRange(rest);
                merged.AddRange(own);
            }
            heir.Children = merged;
            foreach (ModelCap m in merged)
                m.Parent = heir;
            heir.Parent = parent;
            if (parent != null)
                parent.Children[parent.Children.IndexOf(c)] = heir;
            if (c.Original)
            {
                heir.Original = true;
                heir.Padded |= c.Padded;
            }
        }
        else if (parent != null)
        {
            parent.Children.Remove(c);
        }
        c.Children = new List<ModelCap>();
        c.Parent = null;
        Expected.Add(new HookCall("removed", c.Type, c.Object.Phys, c.Object.CapBits));
        Caps.Remove(c.Slot);
        Generations[c.Slot] = (ushort)(Generation(c.Slot) + 1);
        if (!last)
            return;
        if (parent != null && parent.Type == ObjectType.Untyped)
            Release(parent, c.Object, c.Padded);
        if (c.Type == ObjectType.CNode)
            pending.Push((c.Object.Phys, c.Object.CapBits));
        else
            Expected.Add(new HookCall("destroy", c.Type, c.Object.Phys, c.Object.CapBits));
    }

    private static void Release(ModelCap u, ModelObject obj, bool padded)
    {
        u.Count--;
        if (u.Count == 0)
        {
            u.Watermark = 0;
            return;
        }
        ulong start = obj.Phys - u.Object.Phys;
        if (start + obj.Size == u.Watermark)
            u.Watermark = padded ? obj.PadRecord : start;
    }

    private void RevokeDescendants(ModelCap root, Stack<(ulong, int)> pending, bool emptyCNodes = false)
    {
        ModelCap cursor = root;
        while (true)
        {
            if (cursor.Children.Count > 0)
            {
                cursor = cursor.Children[0];
                continue;
            }
            if (cursor == root)
                return;
            ModelCap parent = cursor.Parent;
            if (emptyCNodes && IsLastCNode(cursor))
            {
                // The kernel empties it first (CapDeletion.EmptyLastCNode), then starts again from root.
                if (EmptyCNode(cursor, cursor, pending) && Present(cursor))
                    DeleteEmptied(cursor, null, pending);
                if (!Present(root))
                    return;
                cursor = root;
                continue;
            }
            DeleteOne(cursor, pending);
            cursor = parent;
        }
    }

    private static bool IsLastCNode(ModelCap c) => c.Type == ObjectType.CNode && c.Original && c.Children.Count == 0;

    private bool Present(ModelCap c) => Caps.TryGetValue(c.Slot, out ModelCap now) && now == c;

    // CapDeletion.DeleteEmptied: an emptied CNode is destroyed at once, unless it holds `keep` (the
    // emptying's root, which it skipped): then it joins the dying CNodes.
    private void DeleteEmptied(ModelCap c, ModelCap keep, Stack<(ulong, int)> pending)
    {
        ulong phys = c.Object.Phys;
        bool holdsKeep = keep != null && keep != c && Present(keep) && keep.Slot.Value >= phys && keep.Slot.Value - phys < (64UL << c.Object.CapBits);
        var own = new Stack<(ulong, int)>();
        DeleteOne(c, own);
        if (holdsKeep)
        {
            pending.Push(own.Pop());
            return;
        }
        (ulong p, int bits) = own.Pop();
        CNodes.Remove((p, bits));
        Expected.Add(new HookCall("destroy", ObjectType.CNode, p, bits));
    }

    // What CapDeletion.EmptyLastCNode does without preemption: the slots of cur in index order (but r's
    // own), a nested CNode's last capability emptied first and then deleted; what dies on the way joins
    // the operation's dying CNodes. False when r went on the way.
    private bool EmptyCNode(ModelCap r, ModelCap cur, Stack<(ulong, int)> pending)
    {
        ulong phys = cur.Object.Phys;
        for (ulong i = 0; i < 1UL << cur.Object.CapBits; i++)
        {
            if (!Present(r))
                return false;
            if (!Present(cur))
                return true;
            SlotAddr slot = CapsWorld.SlotIn(phys, i);
            if (slot == r.Slot || !Caps.TryGetValue(slot, out ModelCap x))
                continue;
            if (IsLastCNode(x))
            {
                if (!EmptyCNode(r, x, pending))
                    return false;
                if (Present(x))
                    DeleteEmptied(x, r, pending);
                continue;
            }
            if (x.Type == ObjectType.Untyped && x.Children.Count > 0)
            {
                RevokeDescendants(x, pending);
                if (!Present(r))
                    return false;
            }
            if (Present(x))
                DeleteOne(x, pending);
        }
        return Present(r);
    }

    private void Drain(Stack<(ulong, int)> pending)
    {
        while (pending.Count > 0)
        {
            (ulong phys, int bits) = pending.Pop();
            for (ulong i = 0; i < 1UL << bits; i++)
                if (Caps.TryGetValue(CapsWorld.SlotIn(phys, i), out ModelCap c))
                    DeleteOne(c, pending);
            CNodes.Remove((phys, bits));
            Expected.Add(new HookCall("destroy", ObjectType.CNode, phys, bits));
        }
    }
}
