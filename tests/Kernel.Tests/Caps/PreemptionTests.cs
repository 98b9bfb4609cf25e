// Restartable long operations (ADR 0003, "Preemption points"): Revoke, Delete of an untyped with
// children and Retype of many objects, stopped by a fake interrupt at every Nth preemption point and
// restarted the way the syscall layer does, must end in exactly the memory a run without preemption
// leaves, and the derivation tree must be valid at every stop.
using System;
using System.Collections.Generic;
using Vireo.Abi;
using Vireo.Kernel.Caps;
using Vireo.Kernel.Memory;
using Xunit;

namespace Vireo.Tests.Caps;

public unsafe class PreemptionTests
{
    // Slots for big trees, outside the root CNode and the untyped: 1 MiB holds 16,384 slots.
    private const ulong TreeSlots = 1UL << 20;
    private const int TreeSize = 10000;

    // A random tree of TreeSize copies under an endpoint in slot 2: each copy's parent is a random
    // earlier capability, so the tree has both depth and width.
    private static void BuildCopyTree(CapsWorld w, int seed)
    {
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.Endpoint, 0, 2));
        var rng = new Random(seed);
        var all = new List<SlotAddr> { w.Slot(2) };
        for (int i = 0; i < TreeSize; i++)
        {
            SlotAddr dst = CapsWorld.SlotIn(TreeSlots, (ulong)i);
            Assert.Equal(Status.Ok, CapOps.Copy(w.Map, all[rng.Next(all.Count)], dst, Rights.All));
            all.Add(dst);
        }
    }

    // Untypeds nested three deep with objects and copies of them at every level.
    private static void BuildUntypedTree(CapsWorld w, int seed)
    {
        var rng = new Random(seed);
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.Untyped, 20, 2, 2));
        Assert.Equal(Status.Ok, w.Retype(w.Slot(2), ObjectType.Untyped, 16, 4, 3));
        Assert.Equal(Status.Ok, w.Retype(w.Slot(4), ObjectType.Untyped, 14, 7, 2));
        ulong next = 0;
        SlotAddr[] untypeds = { w.RootUntyped, w.Slot(2), w.Slot(3), w.Slot(4), w.Slot(5), w.Slot(7), w.Slot(8) };
        ulong index = 20;
        foreach (SlotAddr u in untypeds)
        {
            ObjectType type = rng.Next(2) == 0 ? ObjectType.Endpoint : ObjectType.Frame;
            Assert.Equal(Status.Ok, w.Retype(u, type, 0, index, 3));
            for (ulong k = 0; k < 3; k++)
            {
                SlotAddr parent = w.Slot(index + k);
                for (int c = 0; c < 40; c++)
                {
                    SlotAddr dst = CapsWorld.SlotIn(TreeSlots, next++);
                    Assert.Equal(Status.Ok, CapOps.Copy(w.Map, parent, dst, Rights.All));
                    if (rng.Next(3) == 0)
                        parent = dst;
                }
            }
            index += 3;
        }
    }

    private static byte[] Image(CapsWorld w)
    {
        var bytes = new byte[CapsWorld.MemorySize];
        new Span<byte>(w.Map.Ptr(0), bytes.Length).CopyTo(bytes);
        return bytes;
    }

    // Every capability reachable from the root CNode's untyped or from the given slots, with its back
    // links checked (CapsWorld.Children throws on a broken one).
    private static int CheckTree(CapsWorld w, SlotAddr root)
    {
        int n = 0;
        var stack = new Stack<SlotAddr>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            SlotAddr s = stack.Pop();
            Assert.False(w.At(s).IsEmpty);
            n++;
            foreach (SlotAddr c in w.Children(s))
                stack.Push(c);
        }
        return n;
    }

    private static int RunToEnd(CapsWorld w, Func<Status> op, SlotAddr checkedRoot)
    {
        int restarts = 0;
        int before = int.MaxValue;
        while (true)
        {
            Status s = op();
            if (s != Preemption.Restart)
            {
                Assert.Equal(Status.Ok, s);
                return restarts;
            }
            restarts++;
            // Consistent at every stop: the tree is valid and it only shrinks.
            int now = CheckTree(w, checkedRoot);
            Assert.True(now <= before);
            before = now;
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 7)]
    [InlineData(3, 100)]
    public void RevokeOfACopyTreeEqualsTheUnpreemptedRevoke(int seed, int every)
    {
        using var plain = new CapsWorld();
        BuildCopyTree(plain, seed);
        Assert.Equal(Status.Ok, plain.Revoke(plain.Slot(2)));
        using var cut = new CapsWorld();
        BuildCopyTree(cut, seed);
        cut.Hooks.PreemptEvery = every;
        int restarts = RunToEnd(cut, () => cut.Revoke(cut.Slot(2)), cut.Slot(2));

        Assert.True(restarts >= TreeSize / every / 2, $"only {restarts} restarts");
        Assert.Empty(cut.Children(cut.Slot(2)));
        Assert.Equal(TreeSize, cut.Log.Count("removed"));
        Assert.Equal(0, cut.Log.Count("destroy"));
        Assert.Equal(Image(plain), Image(cut));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 3)]
    [InlineData(3, 50)]
    public void RevokeOfNestedUntypedsReturnsMemoryExactly(int seed, int every)
    {
        using var plain = new CapsWorld();
        BuildUntypedTree(plain, seed);
        Assert.Equal(Status.Ok, plain.Revoke(plain.RootUntyped));
        using var cut = new CapsWorld();
        BuildUntypedTree(cut, seed);
        cut.Hooks.PreemptEvery = every;
        int restarts = RunToEnd(cut, () => cut.Revoke(cut.RootUntyped), cut.RootUntyped);

        Assert.True(restarts > 0);
        CapSlot u = cut.Cap(CapsWorld.RootUntypedIndex);
        Assert.Equal(0UL, u.Watermark);
        Assert.Equal(0UL, u.ChildCount);
        Assert.Empty(cut.Children(cut.RootUntyped));
        Assert.Equal(plain.Log.Count("destroy"), cut.Log.Count("destroy"));
        Assert.Equal(Image(plain), Image(cut));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 13)]
    public void DeleteOfAnUntypedWithChildrenRestartsUntilItIsGone(int seed, int every)
    {
        using var plain = new CapsWorld();
        BuildUntypedTree(plain, seed);
        Assert.Equal(Status.Ok, plain.Delete(plain.Slot(2)));
        using var cut = new CapsWorld();
        BuildUntypedTree(cut, seed);
        cut.Hooks.PreemptEvery = every;
        int restarts = RunToEnd(cut, () => cut.Delete(cut.Slot(2)), cut.RootUntyped);

        Assert.True(restarts > 0);
        Assert.True(cut.Cap(2).IsEmpty);
        Assert.Equal(Image(plain), Image(cut));
    }

    [Theory]
    [InlineData(ObjectType.Frame, 0, 1)]
    [InlineData(ObjectType.Endpoint, 0, 5)]
    [InlineData(ObjectType.Thread, 0, 2)]
    [InlineData(ObjectType.CNode, 2, 3)]
    public void RetypeOfManyObjectsRestartedEqualsOneRetype(ObjectType type, int sizeBits, int every)
    {
        const ulong count = 200;
        using var plain = new CapsWorld();
        // A first endpoint so the objects need padding, which only the first part writes.
        Assert.Equal(Status.Ok, plain.Retype(plain.RootUntyped, ObjectType.Endpoint, 0, 9));
        Assert.Equal(Status.Ok, plain.Retype(plain.RootUntyped, type, sizeBits, 20, count));
        using var cut = new CapsWorld();
        Assert.Equal(Status.Ok, cut.Retype(cut.RootUntyped, ObjectType.Endpoint, 0, 9));
        cut.Hooks.PreemptEvery = every;
        ulong done = 0;
        int restarts = 0;
        while (true)
        {
            Status s = Untyped.Retype(cut.Map, cut.RootUntyped, type, sizeBits, CapsWorld.RootCNodeAddress,
                CapsWorld.RootSlotBits, 20 + done, count - done, ref cut.Hooks, out ulong made);
            done += made;
            if (s != Preemption.Restart)
            {
                Assert.Equal(Status.Ok, s);
                break;
            }
            restarts++;
            Assert.True(made > 0);
            // The untyped accounts for exactly the objects made so far.
            Assert.Equal(done + 1, cut.Cap(CapsWorld.RootUntypedIndex).ChildCount);
        }
        Assert.Equal(count, done);
        Assert.True(restarts >= (int)(count / (ulong)every) - 1);
        Assert.Equal(Image(plain), Image(cut));

        // And the restarted objects give their memory back exactly.
        cut.Hooks.PreemptEvery = 0;
        Assert.Equal(Status.Ok, cut.Revoke(cut.RootUntyped));
        Assert.Equal(0UL, cut.Cap(CapsWorld.RootUntypedIndex).Watermark);
    }

    [Fact]
    public void AnUnpreemptibleRevokeNeverAsksForPreemptionPoints()
    {
        // Delete reached from a CNode's destruction (Drain) revokes without stopping: the pending list
        // lives on the stack of one call.
        using var w = new CapsWorld();
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.Untyped, 16, 2));
        Assert.Equal(Status.Ok, w.Retype(w.Slot(2), ObjectType.Endpoint, 0, 3, 4));
        w.Hooks.PreemptEvery = 1;
        w.Hooks.Points = 0;
        SlotAddr pending = SlotAddr.Null;
        Assert.True(CapDeletion.RevokeDescendants(w.Map, w.Slot(2), ref pending, ref w.Hooks, preemptible: false));
        Assert.Equal(0, w.Hooks.Points);
        Assert.Empty(w.Children(w.Slot(2)));
    }
}
