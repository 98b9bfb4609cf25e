using Vireo.Abi;
using Vireo.Kernel.Caps;
using Vireo.Kernel.Memory;
using Xunit;

namespace Vireo.Tests.Caps;

public class CNodeDestroyTests
{
    [Fact]
    public void DestroyingCNodeDeletesTheCapsItHolds()
    {
        using var w = new CapsWorld();
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.CNode, 3, 10));
        ulong cn = w.Cap(10).Object;
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.Endpoint, 0, 11));
        ulong ep = w.Cap(11).Object;
        // The CNode holds the only capability to a notification and a copy of the endpoint.
        Assert.Equal(Status.Ok, Untyped.Retype(w.Map, w.RootUntyped, ObjectType.Notification, 0, new PhysAddr(cn), 3, 5, 1, ref w.Hooks));
        ulong nt = w.At(CapsWorld.SlotIn(cn, 5)).Object;
        Assert.Equal(Status.Ok, CapOps.Copy(w.Map, w.Slot(11), CapsWorld.SlotIn(cn, 1), Rights.Read));

        Assert.Equal(Status.Ok, w.Delete(w.Slot(10)));
        Assert.Equal(1, w.Log.Count("destroy", cn));
        Assert.Equal(1, w.Log.Count("destroy", nt));
        Assert.Equal(0, w.Log.Count("destroy", ep));
        Assert.Empty(w.Children(w.Slot(11)));
        // Destroy of the CNode comes after its slots were emptied.
        Assert.Equal("destroy", w.Log.Calls[^1].Kind);
        Assert.Equal(ObjectType.CNode, w.Log.Calls[^1].Type);
        Assert.Equal(1UL, w.Cap(CapsWorld.RootUntypedIndex).ChildCount);
        for (ulong i = 0; i < 8; i++)
            Assert.True(w.At(CapsWorld.SlotIn(cn, i)).IsEmpty);
    }

    [Fact]
    public void LongChainOfCNodesIsDestroyedIteratively()
    {
        // CNode i holds the only capability to CNode i+1: a recursive destroy would nest 3000 deep.
        using var w = new CapsWorld(23);
        const int n = 3000;
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.CNode, 1, 10));
        ulong holder = w.Cap(10).Object;
        for (int i = 1; i < n; i++)
        {
            Assert.Equal(Status.Ok, Untyped.Retype(w.Map, w.RootUntyped, ObjectType.CNode, 1, new PhysAddr(holder), 1, 0, 1, ref w.Hooks));
            holder = w.At(CapsWorld.SlotIn(holder, 0)).Object;
        }
        Assert.Equal(Status.Ok, Untyped.Retype(w.Map, w.RootUntyped, ObjectType.Endpoint, 0, new PhysAddr(holder), 1, 1, 1, ref w.Hooks));
        Assert.Equal((ulong)n + 1, w.Cap(CapsWorld.RootUntypedIndex).ChildCount);

        Assert.Equal(Status.Ok, w.Delete(w.Slot(10)));
        Assert.Equal(n + 1, w.Log.Count("destroy"));
        Assert.Equal(n, w.Log.Count("removed") - 1);
        Assert.Equal(0UL, w.Cap(CapsWorld.RootUntypedIndex).ChildCount);
        Assert.Equal(0UL, w.Cap(CapsWorld.RootUntypedIndex).Watermark);
        Assert.Empty(w.Children(w.RootUntyped));
    }

    [Fact]
    public void CNodeHoldingCapToItselfDiesOnRevokeOfItsUntyped()
    {
        using var w = new CapsWorld();
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.Untyped, 16, 10));
        Assert.Equal(Status.Ok, w.Retype(w.Slot(10), ObjectType.CNode, 2, 11));
        ulong cn = w.Cap(11).Object;
        Assert.Equal(Status.Ok, CapOps.Move(w.Map, w.Slot(11), CapsWorld.SlotIn(cn, 1)));
        Assert.Equal(Status.Ok, CapOps.Copy(w.Map, CapsWorld.SlotIn(cn, 1), CapsWorld.SlotIn(cn, 2), Rights.Read));
        Assert.Equal(Status.Ok, w.Revoke(w.Slot(10)));
        Assert.Equal(1, w.Log.Count("destroy", cn));
        Assert.True(w.At(CapsWorld.SlotIn(cn, 1)).IsEmpty);
        Assert.True(w.At(CapsWorld.SlotIn(cn, 2)).IsEmpty);
        Assert.Equal(0UL, w.Cap(10).Watermark);
        Assert.False(w.Cap(10).IsEmpty);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void CNodeHoldingItsOwnUntypedReleasesEverything(int preemptEvery)
    {
        // A child untyped moved into a CNode carved from it: deleting the CNode's cap deletes the untyped,
        // which revokes itself first, so nothing is left. Also through the restartable delete (CapDelete's),
        // stopped at every 1st or 2nd preemption point.
        using var w = new CapsWorld();
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.Untyped, 16, 10));
        Assert.Equal(Status.Ok, w.Retype(w.Slot(10), ObjectType.CNode, 2, 11));
        ulong cn = w.Cap(11).Object;
        Assert.Equal(Status.Ok, w.Retype(w.Slot(10), ObjectType.Endpoint, 0, 12));
        Assert.Equal(Status.Ok, CapOps.Move(w.Map, w.Slot(10), CapsWorld.SlotIn(cn, 0)));
        if (preemptEvery == 0)
        {
            Assert.Equal(Status.Ok, w.Delete(w.Slot(11)));
        }
        else
        {
            w.Hooks.PreemptEvery = preemptEvery;
            CNodeEmptyingTests.RunDelete(w, w.Slot(11));
        }
        Assert.True(w.Cap(12).IsEmpty);
        Assert.True(w.At(CapsWorld.SlotIn(cn, 0)).IsEmpty);
        Assert.Equal(3, w.Log.Count("destroy"));
        Assert.Equal(0UL, w.Cap(CapsWorld.RootUntypedIndex).ChildCount);
        Assert.Equal(0UL, w.Cap(CapsWorld.RootUntypedIndex).Watermark);
    }

    [Fact]
    public void StaleHandleIntoDestroyedCNodeSlotStaysInvalid()
    {
        using var w = new CapsWorld();
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.CNode, 2, 10));
        ulong cn = w.Cap(10).Object;
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.Endpoint, 0, 11));
        Assert.Equal(Status.Ok, CapOps.Copy(w.Map, w.Slot(11), CapsWorld.SlotIn(cn, 2), Rights.All));
        CapHandle h = CNode.HandleFor(w.Map, new PhysAddr(cn), CapsWorld.SlotIn(cn, 2));
        Assert.Equal(Status.Ok, CNode.Lookup(w.Map, new PhysAddr(cn), 2, h, out _));
        Assert.Equal(Status.Ok, w.Delete(w.Slot(10)));
        Assert.Equal(Status.InvalidCapability, CNode.Lookup(w.Map, new PhysAddr(cn), 2, h, out _));
    }
}
