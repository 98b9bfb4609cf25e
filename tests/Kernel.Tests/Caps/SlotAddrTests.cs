// SlotAddr: the typed address of a capability slot reaches the slot CNode.SlotAddress names, and back;
// SlotLink: the tagged back link of the derivation tree keeps parent and previous sibling apart, and
// CapTree writes the kind each position in a child list needs.
using Vireo.Abi;
using Vireo.Kernel.Caps;
using Vireo.Kernel.Memory;
using Xunit;

namespace Vireo.Tests.Caps;

public unsafe class SlotAddrTests
{
    [Fact]
    public void SlotAddressReachesTheIndexedSlotAndBack()
    {
        using var w = new CapsWorld();
        SlotAddr slot = CNode.SlotAddress(CapsWorld.RootCNodeAddress, CapsWorld.RootUntypedIndex);
        Assert.Equal(CapsWorld.RootCNode + CapsWorld.RootUntypedIndex * CapSlot.Size, (ulong)slot);
        CapSlot* s = slot.In(w.Map);
        Assert.Equal(ObjectType.Untyped, s->Type);
        Assert.Equal(slot, SlotAddr.Of(w.Map, s));
        Assert.True(slot != CNode.SlotAddress(CapsWorld.RootCNodeAddress, CapsWorld.RootUntypedIndex + 1));
    }

    [Fact]
    public void NullIsNoSlot()
    {
        Assert.True(SlotAddr.Null.IsNull);
        Assert.True(default(SlotAddr) == SlotAddr.Null);
        Assert.False(new SlotAddr(64).IsNull);
        // Slot 0 of a CNode is a slot like any other, not Null (the CNode lives above physical 0).
        SlotAddr first = CNode.SlotAddress(CapsWorld.RootCNodeAddress, 0);
        Assert.False(first.IsNull);
        Assert.NotEqual(SlotAddr.Null, first);
        Assert.Equal(sizeof(ulong), sizeof(SlotAddr));   // as cheap to pass as the number it types
    }

    [Fact]
    public void LinkToParentAndLinkToPreviousRoundTripApart()
    {
        SlotAddr slot = CNode.SlotAddress(CapsWorld.RootCNodeAddress, 5);
        SlotLink parent = SlotLink.ToParent(slot);
        SlotLink previous = SlotLink.ToPrevious(slot);

        Assert.True(parent.IsParent);
        Assert.False(parent.IsNone);
        Assert.Equal(slot, parent.Slot);
        Assert.False(previous.IsParent);
        Assert.False(previous.IsNone);
        Assert.Equal(slot, previous.Slot);
        Assert.Equal(slot, previous.Previous);   // unmasked, for links known not to name the parent
        Assert.NotEqual(parent, previous);   // same slot, different kind
        // The encoding in memory is the documented one (capabilities.md): bit 0 tags the parent.
        Assert.Equal(slot.Value | 1, parent.Value);
        Assert.Equal(slot.Value, previous.Value);

        Assert.True(SlotLink.None.IsNone);
        Assert.False(SlotLink.None.IsParent);
        Assert.True(SlotLink.None.Slot.IsNull);
        Assert.True(default(SlotLink) == SlotLink.None);
        Assert.Equal(sizeof(ulong), sizeof(SlotLink));
    }

    [Fact]
    public void TheFirstChildLinksToItsParentAndEveryOtherToItsPreviousSibling()
    {
        using var w = new CapsWorld();
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.Endpoint, 0, 10));
        SlotAddr ep = w.Slot(10);
        Assert.Equal(Status.Ok, CapOps.Copy(w.Map, ep, w.Slot(11), Rights.All));
        Assert.Equal(Status.Ok, CapOps.Copy(w.Map, ep, w.Slot(12), Rights.All));

        // Children are pushed at the head: 12 is first, 11 follows it.
        Assert.Equal(w.Slot(12), w.At(ep).FirstChild);
        Assert.Equal(SlotLink.ToParent(ep), w.At(w.Slot(12)).PrevOrParent);
        Assert.Equal(w.Slot(11), w.At(w.Slot(12)).Next);
        Assert.Equal(SlotLink.ToPrevious(w.Slot(12)), w.At(w.Slot(11)).PrevOrParent);
        Assert.True(w.At(w.Slot(11)).Next.IsNull);
        Assert.Equal(ep, w.Parent(w.Slot(11)));

        // Deleting the first child makes the other one first: its link now names the parent.
        Assert.Equal(Status.Ok, w.Delete(w.Slot(12)));
        Assert.Equal(w.Slot(11), w.At(ep).FirstChild);
        Assert.Equal(SlotLink.ToParent(ep), w.At(w.Slot(11)).PrevOrParent);
        // A boot root has no link; a deleted slot keeps none.
        Assert.True(w.At(w.RootUntyped).PrevOrParent.IsNone);
        Assert.True(w.At(w.Slot(12)).PrevOrParent.IsNone);
    }
}
