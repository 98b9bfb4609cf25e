// SlotAddr: the typed address of a capability slot reaches the slot CNode.SlotAddress names, and back.
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
        Assert.False(new SlotAddr(64).IsNull);
        Assert.Equal(sizeof(ulong), sizeof(SlotAddr));   // as cheap to pass as the number it types
    }
}
