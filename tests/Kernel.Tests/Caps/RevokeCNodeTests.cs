// A revoke that reaches a CNode's last capability empties that CNode restartably (CapDeletion.
// RevokeDescendants with emptyCNodes, ADR 0003): an untyped whose child is a CNode of 4,096 occupied
// slots is revoked with a fake interrupt at every Nth preemption point, restarted the way the syscall
// layer does, and must end with every object gone and the memory a one-stretch revoke leaves.
using System;
using Vireo.Abi;
using Vireo.Kernel.Caps;
using Vireo.Kernel.Memory;
using Xunit;

namespace Vireo.Tests.Caps;

public unsafe class RevokeCNodeTests
{
    private const int BigBits = 12;   // 4,096 slots

    // Slot 2: an untyped of 1 MiB; from it a CNode of 4,096 slots (slot 10), every slot filled: copies of
    // an endpoint of the root untyped (slot 11), two notifications of the untyped and a nested CNode of
    // the untyped holding more copies. Returns the big CNode's address.
    private static ulong Build(CapsWorld w)
    {
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.Untyped, 20, 2));
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.Endpoint, 0, 11));
        Assert.Equal(Status.Ok, w.Retype(w.Slot(2), ObjectType.CNode, BigBits, 10));
        ulong cn = w.Cap(10).Object;
        Assert.Equal(Status.Ok, Untyped.Retype(w.Map, w.Slot(2), ObjectType.Notification, 0, new PhysAddr(cn), BigBits, 0, 2, ref w.Hooks));
        Assert.Equal(Status.Ok, Untyped.Retype(w.Map, w.Slot(2), ObjectType.CNode, 4, new PhysAddr(cn), BigBits, 2, 1, ref w.Hooks));
        ulong nested = w.At(CapsWorld.SlotIn(cn, 2)).Object;
        for (ulong i = 0; i < 16; i++)
            Assert.Equal(Status.Ok, CapOps.Copy(w.Map, w.Slot(11), CapsWorld.SlotIn(nested, i), Rights.All));
        for (ulong i = 3; i < 1UL << BigBits; i++)
            Assert.Equal(Status.Ok, CapOps.Copy(w.Map, w.Slot(11), CapsWorld.SlotIn(cn, i), Rights.All));
        return cn;
    }

    // Issues the call again while it asks for a restart, as the syscall layer does; returns the restarts.
    private static int Restarting(Func<Status> op)
    {
        int restarts = 0;
        Status s;
        while ((s = op()) == Preemption.Restart)
            restarts++;
        Assert.Equal(Status.Ok, s);
        return restarts;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(300)]
    public void RevokeOfAnUntypedWithAFullCNodeRestartsToTheEnd(int every)
    {
        using var plain = new CapsWorld();
        Build(plain);
        Assert.Equal(Status.Ok, plain.Revoke(plain.Slot(2)));
        using var cut = new CapsWorld();
        ulong cn = Build(cut);
        cut.Hooks.PreemptEvery = every;
        int restarts = Restarting(() => cut.Revoke(cut.Slot(2)));

        // One capability per step: the CNode's 4,096 slots give as many points, not one stretch.
        Assert.True(restarts >= 4096 / every - 1, $"only {restarts} restarts");
        Assert.Empty(cut.Children(cut.Slot(2)));
        Assert.Empty(cut.Children(cut.Slot(11)));
        Assert.Equal(0UL, cut.Cap(2).ChildCount);
        Assert.Equal(0UL, cut.Cap(2).Watermark);
        Assert.True(cut.Cap(10).IsEmpty);
        Assert.Equal(1, cut.Log.Count("destroy", cn));
        Assert.Equal(plain.Log.Count("destroy"), cut.Log.Count("destroy"));
        Assert.Equal(CNodeEmptyingTests.Image(plain), CNodeEmptyingTests.Image(cut));
    }

    [Fact]
    public void DeleteOfTheUntypedEmptiesTheCNodeRestartablyToo()
    {
        using var w = new CapsWorld();
        Build(w);
        w.Hooks.PreemptEvery = 1;
        int restarts = Restarting(() => w.Delete(w.Slot(2)));
        Assert.True(restarts >= 4095, $"only {restarts} restarts");
        Assert.True(w.Cap(2).IsEmpty);
        Assert.Empty(w.Children(w.Slot(11)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void ARevokedUntypedHeldInItsOwnCNodeGoesWithIt(int every)
    {
        // The untyped's capability moves into the CNode made from it: the revoke takes its own slot away,
        // and must end Ok with everything gone (the root untyped's accounting back to the endpoint).
        using var w = new CapsWorld();
        ulong cn = Build(w);
        Assert.Equal(Status.Ok, CapOps.Delete(w.Map, CapsWorld.SlotIn(cn, 100), ref w.Hooks));
        SlotAddr inside = CapsWorld.SlotIn(cn, 100);
        Assert.Equal(Status.Ok, CapOps.Move(w.Map, w.Slot(2), inside));
        w.Hooks.PreemptEvery = every;
        Restarting(() => w.Revoke(inside));
        Assert.True(w.At(inside).IsEmpty);
        // The untyped's own object starts where the CNode does: count the CNode's destruction only.
        Assert.Single(w.Log.Calls, c => c.Kind == "destroy" && c.Type == ObjectType.CNode && c.Phys == cn);
        Assert.Empty(w.Children(w.Slot(11)));
        Assert.Single(w.Children(w.RootUntyped));
    }
}
