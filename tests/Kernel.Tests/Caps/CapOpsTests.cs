using Vireo.Abi;
using Vireo.Kernel.Caps;
using Xunit;

namespace Vireo.Tests.Caps;

public class CapOpsTests
{
    private static CapsWorld WithEndpoint(out SlotAddr ep)
    {
        var w = new CapsWorld();
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.Endpoint, 0, 10));
        ep = w.Slot(10);
        return w;
    }

    [Fact]
    public void CopyMasksRightsAndLinksAsChild()
    {
        using var w = WithEndpoint(out SlotAddr ep);
        Assert.Equal(Status.Ok, CapOps.Copy(w.Map, ep, w.Slot(11), Rights.Read | Rights.Write));
        Assert.Equal(Status.Ok, CapOps.Copy(w.Map, w.Slot(11), w.Slot(12), Rights.Write | Rights.Grant));
        CapSlot c1 = w.Cap(11);
        CapSlot c2 = w.Cap(12);
        Assert.Equal(ObjectType.Endpoint, c1.Type);
        Assert.Equal(w.Cap(10).Object, c1.Object);
        Assert.Equal(Rights.Read | Rights.Write, c1.Rights);
        Assert.Equal(Rights.Write, c2.Rights);
        Assert.False(c1.IsOriginal);
        Assert.Equal(new[] { w.Slot(11) }, w.Children(ep));
        Assert.Equal(ep, w.Parent(w.Slot(11)));
        Assert.Equal(w.Slot(11), w.Parent(w.Slot(12)));
    }

    [Fact]
    public void CopyNeverGrowsRights()
    {
        using var w = WithEndpoint(out SlotAddr ep);
        Assert.Equal(Status.Ok, CapOps.Copy(w.Map, ep, w.Slot(11), Rights.Read));
        Assert.Equal(Status.Ok, CapOps.Copy(w.Map, w.Slot(11), w.Slot(12), Rights.All));
        Assert.Equal(Rights.Read, w.Cap(12).Rights);
    }

    [Fact]
    public void CopyOfFrameStartsUnmapped()
    {
        using var w = new CapsWorld();
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.Frame, 0, 10));
        w.At(w.Slot(10)).Extra = 0xABC0;
        Assert.Equal(Status.Ok, CapOps.Copy(w.Map, w.Slot(10), w.Slot(11), Rights.All));
        Assert.Equal(0UL, w.Cap(11).Extra);
        Assert.Equal(ObjectSizes.FrameBits, w.Cap(11).SizeBits);
    }

    [Fact]
    public void CopyErrors()
    {
        using var w = WithEndpoint(out SlotAddr ep);
        Assert.Equal(Status.InvalidCapability, CapOps.Copy(w.Map, w.Slot(20), w.Slot(21), Rights.All));
        Assert.Equal(Status.NotCopyable, CapOps.Copy(w.Map, w.RootUntyped, w.Slot(21), Rights.All));
        Assert.Equal(Status.Occupied, CapOps.Copy(w.Map, ep, w.RootUntyped, Rights.All));
        Assert.Equal(Status.Occupied, CapOps.Copy(w.Map, ep, ep, Rights.All));
        Assert.True(w.Cap(21).IsEmpty);
        Assert.Empty(w.Children(ep));
    }

    [Fact]
    public void MintSetsBadgeOnceOnly()
    {
        using var w = WithEndpoint(out SlotAddr ep);
        Assert.Equal(Status.Ok, CapOps.Mint(w.Map, ep, w.Slot(11), Rights.Write, 42));
        Assert.Equal(42UL, w.Cap(11).Badge);
        Assert.Equal(Rights.Write, w.Cap(11).Rights);
        Assert.Equal(Status.InvalidArgument, CapOps.Mint(w.Map, w.Slot(11), w.Slot(12), Rights.All, 7));
        Assert.True(w.Cap(12).IsEmpty);
        // A copy of a badged capability keeps the badge.
        Assert.Equal(Status.Ok, CapOps.Copy(w.Map, w.Slot(11), w.Slot(12), Rights.All));
        Assert.Equal(42UL, w.Cap(12).Badge);
        Assert.Equal(Rights.Write, w.Cap(12).Rights);
    }

    [Fact]
    public void MintErrors()
    {
        using var w = WithEndpoint(out SlotAddr ep);
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.Frame, 0, 12));
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.Notification, 0, 13));
        Assert.Equal(Status.InvalidCapability, CapOps.Mint(w.Map, w.Slot(30), w.Slot(31), Rights.All, 1));
        Assert.Equal(Status.WrongType, CapOps.Mint(w.Map, w.Slot(12), w.Slot(31), Rights.All, 1));
        Assert.Equal(Status.WrongType, CapOps.Mint(w.Map, w.RootUntyped, w.Slot(31), Rights.All, 1));
        Assert.Equal(Status.Occupied, CapOps.Mint(w.Map, ep, w.Slot(12), Rights.All, 1));
        Assert.True(w.Cap(31).IsEmpty);
        Assert.Equal(Status.Ok, CapOps.Mint(w.Map, w.Slot(13), w.Slot(31), Rights.All, 5));
        Assert.Equal(ObjectType.Notification, w.Cap(31).Type);
    }

    [Fact]
    public void MoveRelinksParentSiblingsAndChildren()
    {
        using var w = WithEndpoint(out SlotAddr ep);
        // ep children (head first): 13, 12, 11; 12 has children 15, 14.
        Assert.Equal(Status.Ok, CapOps.Copy(w.Map, ep, w.Slot(11), Rights.All));
        Assert.Equal(Status.Ok, CapOps.Copy(w.Map, ep, w.Slot(12), Rights.All));
        Assert.Equal(Status.Ok, CapOps.Copy(w.Map, ep, w.Slot(13), Rights.All));
        Assert.Equal(Status.Ok, CapOps.Copy(w.Map, w.Slot(12), w.Slot(14), Rights.All));
        Assert.Equal(Status.Ok, CapOps.Copy(w.Map, w.Slot(12), w.Slot(15), Rights.All));
        ushort dstGeneration = w.Cap(40).Generation;
        ushort srcGeneration = w.Cap(12).Generation;

        Assert.Equal(Status.Ok, CapOps.Move(w.Map, w.Slot(12), w.Slot(40)));
        Assert.True(w.Cap(12).IsEmpty);
        Assert.Equal((ushort)(srcGeneration + 1), w.Cap(12).Generation);
        Assert.Equal(dstGeneration, w.Cap(40).Generation);
        Assert.Equal(new[] { w.Slot(13), w.Slot(40), w.Slot(11) }, w.Children(ep));
        Assert.Equal(new[] { w.Slot(15), w.Slot(14) }, w.Children(w.Slot(40)));
        Assert.Equal(w.Slot(40), w.Parent(w.Slot(14)));

        // Moving the first child updates the parent's FirstChild; moving a root keeps it a root.
        Assert.Equal(Status.Ok, CapOps.Move(w.Map, w.Slot(13), w.Slot(41)));
        Assert.Equal(new[] { w.Slot(41), w.Slot(40), w.Slot(11) }, w.Children(ep));
        Assert.Equal(Status.Ok, CapOps.Move(w.Map, w.RootUntyped, w.Slot(2)));
        Assert.Equal(SlotAddr.Null, w.Parent(w.Slot(2)));
        Assert.Equal(ep, w.Parent(w.Slot(41)));
        Assert.Equal(w.Slot(2), w.Parent(ep));
    }

    [Fact]
    public void MoveErrors()
    {
        using var w = WithEndpoint(out SlotAddr ep);
        Assert.Equal(Status.InvalidCapability, CapOps.Move(w.Map, w.Slot(50), w.Slot(51)));
        Assert.Equal(Status.Occupied, CapOps.Move(w.Map, ep, w.RootUntyped));
        Assert.Equal(Status.Occupied, CapOps.Move(w.Map, ep, ep));
        Assert.Equal(ObjectType.Endpoint, w.Cap(10).Type);
    }

    [Fact]
    public void DeleteOfCopyKeepsObject()
    {
        using var w = WithEndpoint(out SlotAddr ep);
        Assert.Equal(Status.Ok, CapOps.Copy(w.Map, ep, w.Slot(11), Rights.All));
        Assert.Equal(Status.Ok, w.Delete(w.Slot(11)));
        Assert.True(w.Cap(11).IsEmpty);
        Assert.Equal(0, w.Log.Count("destroy"));
        Assert.Equal(1, w.Log.Count("removed"));
        Assert.Empty(w.Children(ep));
        Assert.Equal(Status.InvalidCapability, w.Delete(w.Slot(11)));
    }

    [Fact]
    public void DeleteOfLastCapDestroysObjectAndReturnsMemory()
    {
        using var w = WithEndpoint(out SlotAddr ep);
        ulong obj = w.Cap(10).Object;
        Assert.Equal(Status.Ok, w.Delete(ep));
        Assert.Equal(1, w.Log.Count("destroy", obj));
        Assert.Equal(0UL, w.Cap(CapsWorld.RootUntypedIndex).Watermark);
        Assert.Equal(0UL, w.Cap(CapsWorld.RootUntypedIndex).ChildCount);
        Assert.Empty(w.Children(w.RootUntyped));
    }

    [Fact]
    public void DeleteOfOriginalPromotesFirstChild()
    {
        using var w = WithEndpoint(out SlotAddr ep);
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.Notification, 0, 9));
        // ep children: 12, 11. 12 has child 13.
        Assert.Equal(Status.Ok, CapOps.Copy(w.Map, ep, w.Slot(11), Rights.Read));
        Assert.Equal(Status.Ok, CapOps.Copy(w.Map, ep, w.Slot(12), Rights.Write));
        Assert.Equal(Status.Ok, CapOps.Copy(w.Map, w.Slot(12), w.Slot(13), Rights.Write));
        Assert.Equal(Status.Ok, w.Delete(ep));
        Assert.Equal(0, w.Log.Count("destroy"));
        Assert.True(w.Cap(12).IsOriginal);
        Assert.Equal(w.RootUntyped, w.Parent(w.Slot(12)));
        Assert.Contains(w.Slot(12), w.Children(w.RootUntyped));
        Assert.Equal(2, w.Children(w.RootUntyped).Count);
        var adopted = w.Children(w.Slot(12));
        Assert.Equal(2, adopted.Count);
        Assert.Contains(w.Slot(11), adopted);
        Assert.Contains(w.Slot(13), adopted);
        // The object now dies with its last capability.
        Assert.Equal(Status.Ok, w.Delete(w.Slot(12)));
        Assert.Equal(Status.Ok, w.Delete(w.Slot(11)));
        Assert.Equal(0, w.Log.Count("destroy"));
        Assert.Equal(Status.Ok, w.Delete(w.Slot(13)));
        Assert.Equal(1, w.Log.Count("destroy"));
    }

    [Fact]
    public void DeleteOfMiddleChildPromotesAmongSiblings()
    {
        using var w = WithEndpoint(out SlotAddr ep);
        Assert.Equal(Status.Ok, CapOps.Copy(w.Map, ep, w.Slot(11), Rights.All));
        Assert.Equal(Status.Ok, CapOps.Copy(w.Map, ep, w.Slot(12), Rights.All));
        Assert.Equal(Status.Ok, CapOps.Copy(w.Map, ep, w.Slot(13), Rights.All));
        Assert.Equal(Status.Ok, CapOps.Copy(w.Map, w.Slot(12), w.Slot(14), Rights.All));
        Assert.Equal(Status.Ok, w.Delete(w.Slot(12)));
        Assert.Equal(new[] { w.Slot(13), w.Slot(14), w.Slot(11) }, w.Children(ep));
        Assert.False(w.Cap(14).IsOriginal);
    }

    [Fact]
    public void RevokeDeletesAllDescendantsOnly()
    {
        using var w = WithEndpoint(out SlotAddr ep);
        Assert.Equal(Status.Ok, CapOps.Copy(w.Map, ep, w.Slot(11), Rights.All));
        Assert.Equal(Status.Ok, CapOps.Copy(w.Map, w.Slot(11), w.Slot(12), Rights.All));
        Assert.Equal(Status.Ok, CapOps.Copy(w.Map, w.Slot(12), w.Slot(13), Rights.All));
        Assert.Equal(Status.Ok, CapOps.Copy(w.Map, w.Slot(11), w.Slot(14), Rights.All));
        Assert.Equal(Status.Ok, CapOps.Copy(w.Map, ep, w.Slot(15), Rights.All));
        Assert.Equal(Status.Ok, w.Revoke(w.Slot(11)));
        Assert.False(w.Cap(11).IsEmpty);
        Assert.True(w.Cap(12).IsEmpty);
        Assert.True(w.Cap(13).IsEmpty);
        Assert.True(w.Cap(14).IsEmpty);
        Assert.False(w.Cap(15).IsEmpty);
        Assert.Equal(3, w.Log.Count("removed"));
        Assert.Equal(0, w.Log.Count("destroy"));
        Assert.Equal(Status.InvalidCapability, w.Revoke(w.Slot(12)));
    }

    [Fact]
    public void RevokeOfDeepChainUsesBoundedStack()
    {
        using var w = WithEndpoint(out SlotAddr ep);
        SlotAddr prev = ep;
        for (ulong i = 0; i < 200; i++)
        {
            Assert.Equal(Status.Ok, CapOps.Copy(w.Map, prev, w.Slot(20 + i), Rights.All));
            prev = w.Slot(20 + i);
        }
        Assert.Equal(Status.Ok, w.Revoke(ep));
        Assert.Equal(200, w.Log.Count("removed"));
        Assert.Empty(w.Children(ep));
    }

    [Fact]
    public void CapRemovedSeesTheSlotBeforeItIsEmptied()
    {
        using var w = new CapsWorld();
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.Frame, 0, 10));
        w.At(w.Slot(10)).Extra = 0x5000;
        Assert.Equal(Status.Ok, w.Delete(w.Slot(10)));
        Assert.Single(w.Log.Removed);
        Assert.Equal(ObjectType.Frame, w.Log.Removed[0].Type);
        Assert.Equal(0x5000UL, w.Log.Removed[0].Extra);
        Assert.Equal(0UL, w.Cap(10).Extra);
    }

    [Fact]
    public void DeletingBootRootDestroysWithoutReleasing()
    {
        using var w = new CapsWorld();
        Assert.Equal(Status.Ok, CapOps.InstallRoot(w.Map, w.Slot(5), ObjectType.Frame, Rights.Read, 0xB8000, 12, 0, 0));
        Assert.Equal(Status.Occupied, CapOps.InstallRoot(w.Map, w.Slot(5), ObjectType.Frame, Rights.Read, 0xB8000, 12, 0, 0));
        Assert.Equal(Status.InvalidArgument, CapOps.InstallRoot(w.Map, w.Slot(6), ObjectType.Null, Rights.Read, 0, 12, 0, 0));
        Assert.Equal(Status.NotAligned, CapOps.InstallRoot(w.Map, w.Slot(6), ObjectType.Untyped, Rights.All, 0x31000, 13, 0, 0));
        Assert.Equal(Status.Ok, CapOps.Copy(w.Map, w.Slot(5), w.Slot(6), Rights.All));
        Assert.Equal(Rights.Read, w.Cap(6).Rights);
        Assert.Equal(Status.Ok, w.Delete(w.Slot(5)));
        Assert.Equal(0, w.Log.Count("destroy"));
        Assert.Equal(SlotAddr.Null, w.Parent(w.Slot(6)));
        Assert.True(w.Cap(6).IsOriginal);
        Assert.Equal(Status.Ok, w.Delete(w.Slot(6)));
        Assert.Equal(1, w.Log.Count("destroy", 0xB8000));
    }
}
