// The restartable delete of a CNode's last capability (CapOps.DeleteRestartable, ADR 0003): the CNode is
// emptied one capability at a time with preemption points, nested CNodes first, and destroyed at the end
// without a scan. Stopped at every Nth point by a fake interrupt and restarted, it must end as the
// one-stretch Delete does; while it is unfinished the CNode takes nothing in and cannot be copied.
using System;
using System.Collections.Generic;
using Vireo.Abi;
using Vireo.Kernel.Caps;
using Vireo.Kernel.Memory;
using Xunit;

namespace Vireo.Tests.Caps;

public unsafe class CNodeEmptyingTests
{
    private const int BigBits = 12;   // 4,096 slots

    // The whole emulated memory (RevokeCNodeTests uses it too).
    internal static byte[] Image(CapsWorld w)
    {
        var bytes = new byte[CapsWorld.MemorySize];
        new Span<byte>(w.Map.Ptr(0), bytes.Length).CopyTo(bytes);
        return bytes;
    }

    // Slot 10: a CNode of 4,096 slots, every one holding a copy of the endpoint in slot 11.
    private static ulong BuildFullCNode(CapsWorld w)
    {
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.CNode, BigBits, 10));
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.Endpoint, 0, 11));
        ulong cn = w.Cap(10).Object;
        for (ulong i = 0; i < 1UL << BigBits; i++)
            Assert.Equal(Status.Ok, CapOps.Copy(w.Map, w.Slot(11), CapsWorld.SlotIn(cn, i), Rights.All));
        return cn;
    }

    // Slot 10: a chain of CNodes, each holding the last capability of the next, copies of the endpoint in
    // slot 11, objects of its own and an untyped with objects in it.
    private static void BuildNested(CapsWorld w, int depth)
    {
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.Endpoint, 0, 11));
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.CNode, 5, 10));
        ulong cn = w.Cap(10).Object;
        for (int d = 0; d < depth; d++)
        {
            for (ulong i = 1; i < 8; i++)
                Assert.Equal(Status.Ok, CapOps.Copy(w.Map, w.Slot(11), CapsWorld.SlotIn(cn, i * 3), Rights.All));
            Assert.Equal(Status.Ok, Untyped.Retype(w.Map, w.RootUntyped, ObjectType.Notification, 0, new PhysAddr(cn), 5, 25, 2, ref w.Hooks));
            Assert.Equal(Status.Ok, Untyped.Retype(w.Map, w.RootUntyped, ObjectType.Untyped, 14, new PhysAddr(cn), 5, 28, 1, ref w.Hooks));
            Assert.Equal(Status.Ok, Untyped.Retype(w.Map, CapsWorld.SlotIn(cn, 28), ObjectType.Frame, 0, new PhysAddr(cn), 5, 29, 2, ref w.Hooks));
            Assert.Equal(Status.Ok, Untyped.Retype(w.Map, w.RootUntyped, ObjectType.CNode, 5, new PhysAddr(cn), 5, 13, 1, ref w.Hooks));
            cn = w.At(CapsWorld.SlotIn(cn, 13)).Object;
        }
    }

    // Issues the restartable delete until it ends, checking at every stop that the capability is
    // still there and marked Emptying. Returns the restarts. (CNodeDestroyTests uses it too.)
    internal static int RunDelete(CapsWorld w, SlotAddr slot)
    {
        int restarts = 0;
        Status s;
        while ((s = CapOps.DeleteRestartable(w.Map, slot, ref w.Hooks)) == Preemption.Restart)
        {
            restarts++;
            Assert.Equal(ObjectType.CNode, w.At(slot).Type);
            Assert.True((w.At(slot).Flags & CapFlags.Emptying) != 0);
        }
        Assert.Equal(Status.Ok, s);
        Assert.True(w.At(slot).IsEmpty);
        return restarts;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(300)]
    public void AFullCNodeDeletedWithRestartsEqualsOneDelete(int every)
    {
        using var plain = new CapsWorld();
        BuildFullCNode(plain);
        Assert.Equal(Status.Ok, plain.Delete(plain.Slot(10)));
        using var cut = new CapsWorld();
        BuildFullCNode(cut);
        cut.Hooks.PreemptEvery = every;
        int restarts = RunDelete(cut, cut.Slot(10));

        Assert.True(restarts >= 4096 / every - 1, $"only {restarts} restarts");
        Assert.Empty(cut.Children(cut.Slot(11)));
        Assert.Equal(Image(plain), Image(cut));
    }

    [Fact]
    public void EmptySlotsAreScannedBetweenPreemptionPoints()
    {
        // A CNode of 4,096 slots with one capability at the end: the scan itself stops and goes on.
        using var w = new CapsWorld();
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.CNode, BigBits, 10));
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.Endpoint, 0, 11));
        Assert.Equal(Status.Ok, CapOps.Copy(w.Map, w.Slot(11), CapsWorld.SlotIn(w.Cap(10).Object, 4095), Rights.All));
        w.Hooks.PreemptEvery = 1;
        int restarts = RunDelete(w, w.Slot(10));
        Assert.True(restarts >= 4096 / 256 - 1, $"only {restarts} restarts");
        Assert.Empty(w.Children(w.Slot(11)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(40)]
    public void NestedCNodesAndUntypedsEndAsOneDeleteDoes(int every)
    {
        using var plain = new CapsWorld(23);
        BuildNested(plain, 20);
        Assert.Equal(Status.Ok, plain.Delete(plain.Slot(10)));
        using var cut = new CapsWorld(23);
        BuildNested(cut, 20);
        cut.Hooks.PreemptEvery = every;
        int restarts = RunDelete(cut, cut.Slot(10));

        Assert.True(restarts > 0);
        Assert.Equal(plain.Log.Count("destroy"), cut.Log.Count("destroy"));
        Assert.Equal(plain.Log.Count("removed"), cut.Log.Count("removed"));
        Assert.Empty(cut.Children(cut.Slot(11)));
        // Only the endpoint is left in the root untyped, in both.
        Assert.Equal(1UL, cut.Cap(CapsWorld.RootUntypedIndex).ChildCount);
        Assert.Equal(plain.Cap(CapsWorld.RootUntypedIndex).Watermark, cut.Cap(CapsWorld.RootUntypedIndex).Watermark);
        Assert.Single(cut.Children(cut.RootUntyped));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void ACNodeHoldingItsOwnLastCapabilityGoesWhole(int every)
    {
        using var w = new CapsWorld();
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.CNode, 3, 10));
        ulong cn = w.Cap(10).Object;
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.Endpoint, 0, 11));
        Assert.Equal(Status.Ok, CapOps.Move(w.Map, w.Slot(10), CapsWorld.SlotIn(cn, 1)));
        for (ulong i = 2; i < 8; i++)
            Assert.Equal(Status.Ok, CapOps.Copy(w.Map, w.Slot(11), CapsWorld.SlotIn(cn, i), Rights.All));
        w.Hooks.PreemptEvery = every;
        RunDelete(w, CapsWorld.SlotIn(cn, 1));
        Assert.Equal(1, w.Log.Count("destroy", cn));
        for (ulong i = 0; i < 8; i++)
            Assert.True(w.At(CapsWorld.SlotIn(cn, i)).IsEmpty);
        Assert.Equal(1UL, w.Cap(CapsWorld.RootUntypedIndex).ChildCount);
    }

    [Fact]
    public void AnUnfinishedDeleteKeepsTheCNodeClosedUntilItEnds()
    {
        using var w = new CapsWorld();
        BuildFullCNode(w);
        w.Hooks.PreemptEvery = 100;
        Assert.Equal(Preemption.Restart, CapOps.DeleteRestartable(w.Map, w.Slot(10), ref w.Hooks));
        Assert.True((w.Cap(10).Flags & CapFlags.Emptying) != 0);
        Assert.Equal(Status.BadState, CapOps.Copy(w.Map, w.Slot(10), w.Slot(20), Rights.All));

        // Moved elsewhere, it is an ordinary capability again: a delete starts afresh and still ends whole.
        Assert.Equal(Status.Ok, CapOps.Move(w.Map, w.Slot(10), w.Slot(30)));
        Assert.Equal((CapFlags)0, w.Cap(30).Flags & CapFlags.Emptying);
        ulong cn = w.Cap(30).Object;
        Assert.Equal(Status.Ok, CapOps.Copy(w.Map, w.Slot(11), CapsWorld.SlotIn(cn, 5), Rights.All));
        w.Hooks.PreemptEvery = 0;
        RunDelete(w, w.Slot(30));
        Assert.Empty(w.Children(w.Slot(11)));
        Assert.Equal(1, w.Log.Count("destroy", cn));
    }

    [Fact]
    public void ANestedHintFromAnAbandonedDeleteIsNotTrusted()
    {
        // A delete stopped inside the nested CNode, then abandoned: the capability is moved (which clears
        // the mark) and a copy is put back into the nested CNode's emptied part. A new delete must find it:
        // the nested hint belongs to the old root slot and generation.
        using var w = new CapsWorld(23);
        BuildNested(w, 2);
        SlotAddr nested = CapsWorld.SlotIn(w.Cap(10).Object, 13);
        w.Hooks.PreemptEvery = 3;
        while (w.At(nested).Badge == 0 || w.At(nested).Extra < 4)
            Assert.Equal(Preemption.Restart, CapOps.DeleteRestartable(w.Map, w.Slot(10), ref w.Hooks));
        ulong inner = w.At(nested).Object;
        Assert.True(w.At(CapsWorld.SlotIn(inner, 3)).IsEmpty);
        Assert.Equal(Status.Ok, CapOps.Move(w.Map, w.Slot(10), w.Slot(30)));
        Assert.Equal(Status.Ok, CapOps.Copy(w.Map, w.Slot(11), CapsWorld.SlotIn(inner, 3), Rights.All));

        w.Hooks.PreemptEvery = 2;
        RunDelete(w, w.Slot(30));
        Assert.Empty(w.Children(w.Slot(11)));
        Assert.Single(w.Children(w.RootUntyped));
    }

    [Fact]
    public void ACopyMadeBeforeMakesItAnOrdinaryDelete()
    {
        using var w = new CapsWorld();
        BuildFullCNode(w);
        Assert.Equal(Status.Ok, CapOps.Copy(w.Map, w.Slot(10), w.Slot(20), Rights.All));
        w.Hooks.PreemptEvery = 1;
        Assert.Equal(Status.Ok, CapOps.DeleteRestartable(w.Map, w.Slot(10), ref w.Hooks));
        Assert.Equal(0, w.Log.Count("destroy"));
        Assert.Equal(4096, w.Children(w.Slot(11)).Count);
        Assert.True(w.Cap(20).IsOriginal);
    }
}
