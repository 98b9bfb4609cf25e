// CNodes destroyed where no emptying can run first (ADR 0003, capabilities.md "Deleting a large CNode"):
// a CNode in a cycle with the deleted capability's own CNode, a CNode destroyed by a revoke nested in an
// emptying, a CNode whose last capability the kernel deletes itself (the non-restartable CapOps.Delete,
// as Threads.DropOwnCap does), and an untyped with objects inside a dying CNode. Each is run as the
// syscall layer runs it with the kernel's list of dying CNodes (Syscalls.Finish): the operation leaves
// what it destroys on the list, the list is drained preemptibly, a stop restarts the call, and a restart
// whose work was done only drains on. Stopped at every 1st, 7th and 300th point, each must end with the
// memory of the one-stretch operation and never run more than a few hook calls without a point.
using System;
using Vireo.Abi;
using Vireo.Kernel.Caps;
using Vireo.Kernel.Memory;
using Xunit;

namespace Vireo.Tests.Caps;

public unsafe class DyingCNodeTests
{
    private const int BigBits = 12;   // 4,096 slots
    // Hook calls one unit of work may make: a capability removed, its object and a CNode destroyed.
    private const int MostCallsPerStep = 4;

    public delegate Status ListOp(ref SlotAddr pending);

    /// <summary>Runs op as Syscalls.Finish does; returns the restarts. The answer must be Ok.</summary>
    internal static int AsSyscall(CapsWorld w, ListOp op)
    {
        Assert.Equal(Status.Ok, AsSyscall(w, op, out int restarts));
        return restarts;
    }

    /// <summary>Runs op as Syscalls.Finish does: its answer, given once the list is empty.</summary>
    internal static Status AsSyscall(CapsWorld w, ListOp op, out int restarts)
    {
        SlotAddr pending = SlotAddr.Null;
        bool owed = false;
        Status answer = Status.Ok;
        restarts = 0;
        while (true)
        {
            Status s;
            if (owed)
            {
                s = CapDeletion.Drain(w.Map, ref pending, ref w.Hooks, preemptible: true) ? answer : Preemption.Restart;
            }
            else
            {
                s = op(ref pending);
                if (s != Preemption.Restart && !CapDeletion.Drain(w.Map, ref pending, ref w.Hooks, preemptible: true))
                {
                    owed = true;
                    answer = s;
                    s = Preemption.Restart;
                }
            }
            if (s != Preemption.Restart)
            {
                Assert.True(pending.IsNull, "dying CNodes left on the list");
                return s;
            }
            restarts++;
        }
    }

    // Fills slots [from, 2^bits) of a CNode with copies of the capability in `source`.
    private static void Fill(CapsWorld w, ulong cnode, int bits, ulong from, SlotAddr source)
    {
        for (ulong i = from; i < 1UL << bits; i++)
            Assert.Equal(Status.Ok, CapOps.Copy(w.Map, source, CapsWorld.SlotIn(cnode, i), Rights.All));
    }

    // X and Y, 4,096 slots each, full of copies of the endpoint in slot 11 (slot 0 empty, as in every
    // CNode user space fills); X holds Y's last capability in slot 1 and Y holds X's in slot 1. Returns
    // that slot of Y: the capability to delete.
    private static SlotAddr BuildCycle(CapsWorld w)
    {
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.Endpoint, 0, 11));
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.CNode, BigBits, 10));
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.CNode, BigBits, 12));
        ulong x = w.Cap(10).Object, y = w.Cap(12).Object;
        Fill(w, x, BigBits, 2, w.Slot(11));
        Fill(w, y, BigBits, 2, w.Slot(11));
        Assert.Equal(Status.Ok, CapOps.Move(w.Map, w.Slot(12), CapsWorld.SlotIn(x, 1)));
        Assert.Equal(Status.Ok, CapOps.Move(w.Map, w.Slot(10), CapsWorld.SlotIn(y, 1)));
        return CapsWorld.SlotIn(y, 1);
    }

    // Slot 10: a CNode A of 32 slots holding an untyped (slot 3) from which a CNode B of 4,096 slots was
    // made, B's last capability in A's slot 4 and B full of copies of the endpoint in slot 11.
    private static void BuildRevokeInEmptying(CapsWorld w)
    {
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.Endpoint, 0, 11));
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.CNode, 5, 10));
        ulong a = w.Cap(10).Object;
        Assert.Equal(Status.Ok, Untyped.Retype(w.Map, w.RootUntyped, ObjectType.Untyped, 20, new PhysAddr(a), 5, 3, 1, ref w.Hooks));
        Assert.Equal(Status.Ok, Untyped.Retype(w.Map, CapsWorld.SlotIn(a, 3), ObjectType.CNode, BigBits, new PhysAddr(a), 5, 4, 1, ref w.Hooks));
        Fill(w, w.At(CapsWorld.SlotIn(a, 4)).Object, BigBits, 1, w.Slot(11));
    }

    // Slot 10: a CNode C of 4,096 slots holding an untyped (slot 1) with 200 notifications made from it
    // (slots 2-201) and copies of the endpoint in slot 11 in the rest.
    private static void BuildUntypedInside(CapsWorld w)
    {
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.Endpoint, 0, 11));
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.CNode, BigBits, 10));
        ulong c = w.Cap(10).Object;
        Assert.Equal(Status.Ok, Untyped.Retype(w.Map, w.RootUntyped, ObjectType.Untyped, 16, new PhysAddr(c), BigBits, 1, 1, ref w.Hooks));
        Assert.Equal(Status.Ok, Untyped.Retype(w.Map, CapsWorld.SlotIn(c, 1), ObjectType.Notification, 0, new PhysAddr(c), BigBits, 2, 200, ref w.Hooks));
        Fill(w, c, BigBits, 202, w.Slot(11));
    }

    private static void Compare(CapsWorld plain, CapsWorld cut, int restarts, int atLeast)
    {
        Assert.True(restarts >= atLeast, $"only {restarts} restarts");
        Assert.True(cut.Hooks.MostCallsBetweenPoints <= MostCallsPerStep, $"{cut.Hooks.MostCallsBetweenPoints} hook calls in one stretch");
        Assert.Equal(plain.Log.Calls, cut.Log.Calls);
        Assert.Empty(cut.Children(cut.Slot(11)));
        Assert.Equal(CNodeEmptyingTests.Image(plain), CNodeEmptyingTests.Image(cut));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(300)]
    public void ACycleOfTwoCNodesIsDeletedInBoundedSteps(int every)
    {
        using var plain = new CapsWorld();
        SlotAddr r = BuildCycle(plain);
        Assert.Equal(Status.Ok, CapOps.DeleteRestartable(plain.Map, r, ref plain.Hooks));
        Assert.Equal(2, plain.Log.Count("destroy"));   // both CNodes; the endpoint keeps its capability
        using var cut = new CapsWorld();
        r = BuildCycle(cut);
        cut.Hooks.PreemptEvery = every;
        int restarts = AsSyscall(cut, (ref SlotAddr p) => CapOps.DeleteRestartable(cut.Map, r, ref p, ref cut.Hooks));
        Compare(plain, cut, restarts, 2 * 4094 / every - 1);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(300)]
    public void ACNodeARevokeInsideAnEmptyingDestroysIsDrainedInBoundedSteps(int every)
    {
        using var plain = new CapsWorld();
        BuildRevokeInEmptying(plain);
        Assert.Equal(Status.Ok, CapOps.DeleteRestartable(plain.Map, plain.Slot(10), ref plain.Hooks));
        Assert.Equal(2, plain.Log.Count("destroy", ObjectType.CNode));
        using var cut = new CapsWorld();
        BuildRevokeInEmptying(cut);
        cut.Hooks.PreemptEvery = every;
        int restarts = AsSyscall(cut, (ref SlotAddr p) => CapOps.DeleteRestartable(cut.Map, cut.Slot(10), ref p, ref cut.Hooks));
        Compare(plain, cut, restarts, 4095 / every - 1);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(300)]
    public void AKernelDeleteOfACNodesLastCapabilityIsDrainedInBoundedSteps(int every)
    {
        // The kernel's own delete (Threads.DropOwnCap): no emptying first, the whole CNode left to the list,
        // an untyped with objects in it revoked restartably by the drain.
        using var plain = new CapsWorld();
        BuildUntypedInside(plain);
        Assert.Equal(Status.Ok, plain.Delete(plain.Slot(10)));
        Assert.Equal(202, plain.Log.Count("destroy"));   // 200 notifications, the untyped, the CNode
        using var cut = new CapsWorld();
        BuildUntypedInside(cut);
        cut.Hooks.PreemptEvery = every;
        int restarts = AsSyscall(cut, (ref SlotAddr p) => CapOps.Delete(cut.Map, cut.Slot(10), ref p, ref cut.Hooks));
        Compare(plain, cut, restarts, 4094 / every - 1);
    }
}
