// Test fixture for the capability core: emulated physical memory with a root CNode and a root untyped
// installed the way the kernel does at boot, and hooks that record every call.
using System;
using System.Collections.Generic;
using Vireo.Abi;
using Vireo.Kernel.Caps;
using Vireo.Kernel.Memory;
using Vireo.Tests.Memory;

namespace Vireo.Tests.Caps;

public readonly record struct HookCall(string Kind, ObjectType Type, ulong Phys, int SizeBits);

public sealed class HookLog
{
    public readonly List<HookCall> Calls = new();
    /// <summary>Copies of the slots passed to CapRemoved, in order.</summary>
    public readonly List<CapSlot> Removed = new();

    public int Count(string kind)
    {
        int n = 0;
        foreach (HookCall c in Calls)
            if (c.Kind == kind)
                n++;
        return n;
    }

    public int Count(string kind, ObjectType type)
    {
        int n = 0;
        foreach (HookCall c in Calls)
            if (c.Kind == kind && c.Type == type)
                n++;
        return n;
    }

    public int Count(string kind, ulong phys)
    {
        int n = 0;
        foreach (HookCall c in Calls)
            if (c.Kind == kind && c.Phys == phys)
                n++;
        return n;
    }
}

public struct TestHooks : IObjectHooks
{
    public HookLog Log;
    /// <summary>A fake interrupt: when non-zero, every PreemptEvery-th preemption point asks to stop.</summary>
    public int PreemptEvery;
    public int Points;
    public int Preemptions;
    /// <summary>The most hook calls (capabilities removed, objects destroyed) between two preemption
    /// points: how long the operation ran without one.</summary>
    public int MostCallsBetweenPoints;
    private int _callsAtPoint;

    public bool PreemptionPoint()
    {
        Points++;
        MostCallsBetweenPoints = Math.Max(MostCallsBetweenPoints, Log.Calls.Count - _callsAtPoint);
        _callsAtPoint = Log.Calls.Count;
        if (PreemptEvery == 0 || Points % PreemptEvery != 0)
            return false;
        Preemptions++;
        return true;
    }

    public void Initialize(ObjectType type, PhysAddr phys, int sizeBits) => Log.Calls.Add(new HookCall("init", type, phys.Value, sizeBits));
    public void Destroy(ObjectType type, ulong phys, int sizeBits) => Log.Calls.Add(new HookCall("destroy", type, phys, sizeBits));

    public void CapRemoved(ref CapSlot slot)
    {
        Log.Calls.Add(new HookCall("removed", slot.Type, slot.Object, slot.SizeBits));
        Log.Removed.Add(slot);
    }
}

public sealed unsafe class CapsWorld : IDisposable
{
    public const ulong MemorySize = 16UL << 20;
    public const ulong RootCNode = 0x1000;
    public static readonly PhysAddr RootCNodeAddress = new(RootCNode);
    public const int RootSlotBits = 8;
    public const uint RootUntypedIndex = 1;
    public const ulong UntypedBase = 8UL << 20;
    public const int UntypedBits = 22;

    public readonly EmulatedPhysMemory Memory = new(MemorySize);
    public readonly HookLog Log = new();
    public TestHooks Hooks;

    /// <summary>untypedBits up to 23: the root untyped is [8 MiB, 8 MiB + 2^untypedBits).</summary>
    public CapsWorld(int untypedBits = UntypedBits)
    {
        Hooks.Log = Log;
        Assert(CapOps.InstallRoot(Map, Slot(RootUntypedIndex), ObjectType.Untyped, Rights.All, UntypedBase, untypedBits, 0, 0));
    }

    public PhysMap Map => Memory.Map;
    public SlotAddr RootUntyped => Slot(RootUntypedIndex);

    public SlotAddr Slot(ulong index) => CNode.SlotAddress(RootCNodeAddress, index);
    /// <summary>A slot of another CNode, named by the CNode's address as a capability's Object holds it.</summary>
    public static SlotAddr SlotIn(ulong cnode, ulong index) => CNode.SlotAddress(new PhysAddr(cnode), index);
    public ref CapSlot At(SlotAddr slot) => ref *slot.In(Map);
    public CapSlot Cap(ulong index) => At(Slot(index));

    public Status Retype(SlotAddr untyped, ObjectType type, int sizeBits, ulong dstIndex, ulong count = 1) =>
        Untyped.Retype(Map, untyped, type, sizeBits, RootCNodeAddress, RootSlotBits, dstIndex, count, ref Hooks);

    public Status Delete(SlotAddr slot) => CapOps.Delete(Map, slot, ref Hooks);
    public Status Revoke(SlotAddr slot) => CapOps.Revoke(Map, slot, ref Hooks);

    /// <summary>Children of a slot in list order, checking every back link on the way: the first child's
    /// names the parent, every later one's its previous sibling.</summary>
    public List<SlotAddr> Children(SlotAddr slot)
    {
        var result = new List<SlotAddr>();
        SlotAddr prev = SlotAddr.Null;
        for (SlotAddr c = At(slot).FirstChild; !c.IsNull; c = At(c).Next)
        {
            SlotLink expected = prev.IsNull ? SlotLink.ToParent(slot) : SlotLink.ToPrevious(prev);
            if (At(c).PrevOrParent != expected)
                throw new InvalidOperationException("broken back link");
            result.Add(c);
            prev = c;
        }
        return result;
    }

    public SlotAddr Parent(SlotAddr slot) => CapTree.FindParent(Map, slot);

    public void Dispose() => Memory.Dispose();

    private static void Assert(Status s)
    {
        if (s != Status.Ok)
            throw new InvalidOperationException("setup failed");
    }
}
