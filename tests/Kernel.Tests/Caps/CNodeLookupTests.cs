using Vireo.Abi;
using Vireo.Kernel.Caps;
using Vireo.Kernel.Memory;
using Xunit;

namespace Vireo.Tests.Caps;

public unsafe class CNodeLookupTests
{
    [Fact]
    public void FindsOccupiedSlotWithMatchingGeneration()
    {
        using var w = new CapsWorld();
        CapHandle h = CNode.HandleFor(w.Map, CapsWorld.RootCNodeAddress, w.RootUntyped);
        Assert.Equal(CapsWorld.RootUntypedIndex, h.Index);
        Assert.Equal(Status.Ok, CNode.Lookup(w.Map, CapsWorld.RootCNodeAddress, CapsWorld.RootSlotBits, h, out SlotAddr slot));
        Assert.Equal(w.RootUntyped, slot);
    }

    [Fact]
    public void EmptySlotIsInvalid()
    {
        using var w = new CapsWorld();
        Assert.Equal(Status.InvalidCapability, CNode.Lookup(w.Map, CapsWorld.RootCNodeAddress, CapsWorld.RootSlotBits, new CapHandle(5, 0), out SlotAddr slot));
        Assert.True(slot.IsNull);
    }

    [Fact]
    public void StaleHandleAfterDeleteIsRejected()
    {
        using var w = new CapsWorld();
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.Endpoint, 0, 10));
        CapHandle old = CNode.HandleFor(w.Map, CapsWorld.RootCNodeAddress, (SlotAddr)w.Slot(10));
        Assert.Equal(Status.Ok, w.Delete(w.Slot(10)));
        Assert.Equal(Status.InvalidCapability, CNode.Lookup(w.Map, CapsWorld.RootCNodeAddress, CapsWorld.RootSlotBits, old, out _));
        // The slot is reused: the old handle still does not name the new capability.
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.Notification, 0, 10));
        Assert.Equal(Status.InvalidCapability, CNode.Lookup(w.Map, CapsWorld.RootCNodeAddress, CapsWorld.RootSlotBits, old, out _));
        CapHandle fresh = CNode.HandleFor(w.Map, CapsWorld.RootCNodeAddress, (SlotAddr)w.Slot(10));
        Assert.NotEqual(old.Value, fresh.Value);
        Assert.Equal(Status.Ok, CNode.Lookup(w.Map, CapsWorld.RootCNodeAddress, CapsWorld.RootSlotBits, fresh, out _));
    }

    [Fact]
    public void GenerationDoesNotRepeatWithin65535Reuses()
    {
        using var w = new CapsWorld();
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.Endpoint, 0, 10));
        CapHandle first = CNode.HandleFor(w.Map, CapsWorld.RootCNodeAddress, (SlotAddr)w.Slot(10));
        for (int i = 0; i < 65535; i++)
        {
            Assert.Equal(Status.Ok, w.Delete(w.Slot(10)));
            Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.Endpoint, 0, 10));
            CapHandle now = CNode.HandleFor(w.Map, CapsWorld.RootCNodeAddress, (SlotAddr)w.Slot(10));
            if (now.Value == first.Value)
                Assert.Fail("generation repeated after " + (i + 1) + " reuses");
        }
        Assert.Equal(Status.InvalidCapability, CNode.Lookup(w.Map, CapsWorld.RootCNodeAddress, CapsWorld.RootSlotBits, first, out _));
    }

    [Fact]
    public void ForgedHandlesAreRejected()
    {
        using var w = new CapsWorld();
        CapHandle good = CNode.HandleFor(w.Map, CapsWorld.RootCNodeAddress, w.RootUntyped);
        Assert.Equal(Status.InvalidCapability, CNode.Lookup(w.Map, CapsWorld.RootCNodeAddress, CapsWorld.RootSlotBits, new CapHandle(good.Value | (1UL << 32)), out _));
        Assert.Equal(Status.InvalidCapability, CNode.Lookup(w.Map, CapsWorld.RootCNodeAddress, CapsWorld.RootSlotBits, new CapHandle(good.Value | (1UL << 63)), out _));
        // Index beyond the 256 slots, even though memory there is readable.
        Assert.Equal(Status.InvalidCapability, CNode.Lookup(w.Map, CapsWorld.RootCNodeAddress, CapsWorld.RootSlotBits, new CapHandle(256 + CapsWorld.RootUntypedIndex, 0), out _));
        Assert.Equal(Status.InvalidCapability, CNode.Lookup(w.Map, CapsWorld.RootCNodeAddress, CapsWorld.RootSlotBits, new CapHandle(0xFFFF, 0), out _));
        Assert.Equal(Status.InvalidCapability, CNode.Lookup(w.Map, CapsWorld.RootCNodeAddress, CapsWorld.RootSlotBits, new CapHandle(CapsWorld.RootUntypedIndex, 1), out _));
    }

    [Fact]
    public void SingleSlotCNodeAcceptsOnlyIndexZero()
    {
        using var w = new CapsWorld();
        Assert.Equal(Status.Ok, CapOps.InstallRoot(w.Map, CapsWorld.SlotIn(CapsWorld.RootCNode + 0x4000, 0), ObjectType.Endpoint, Rights.All, 0x9000, 6, 0, 0));
        Assert.Equal(Status.Ok, CNode.Lookup(w.Map, new PhysAddr(CapsWorld.RootCNode + 0x4000), 0, new CapHandle(0, 0), out _));
        Assert.Equal(Status.InvalidCapability, CNode.Lookup(w.Map, new PhysAddr(CapsWorld.RootCNode + 0x4000), 0, new CapHandle(1, 0), out _));
    }

    [Fact]
    public void SlotAtChecksRange()
    {
        Assert.Equal(Status.Ok, CNode.SlotAt(new PhysAddr(0x1000), 4, 15, out SlotAddr slot));
        Assert.Equal(0x1000UL + 15 * 64, slot.Value);
        Assert.Equal(Status.OutOfRange, CNode.SlotAt(new PhysAddr(0x1000), 4, 16, out _));
        Assert.Equal(Status.OutOfRange, CNode.SlotAt(new PhysAddr(0x1000), 4, ulong.MaxValue, out _));
    }

    [Fact]
    public void FindBadgedTakesEndpointsWithTheBitInSlotOrder()
    {
        using var w = new CapsWorld();
        const ulong File = 1UL << 40;
        w.At(w.Slot(3)).Type = ObjectType.Endpoint;
        w.At(w.Slot(3)).Badge = 1UL << 32;          // another flag
        w.At(w.Slot(4)).Type = ObjectType.Notification;
        w.At(w.Slot(4)).Badge = File | 1;           // not an endpoint
        w.At(w.Slot(9)).Type = ObjectType.Endpoint;
        w.At(w.Slot(9)).Badge = File | 2;
        w.At(w.Slot(200)).Type = ObjectType.Endpoint;
        w.At(w.Slot(200)).Badge = File | 3;
        Assert.Equal(9UL, CNode.FindBadged(w.Map, CapsWorld.RootCNodeAddress, CapsWorld.RootSlotBits, 0, File, out ulong next));
        Assert.Equal(10UL, next);
        Assert.Equal(200UL, CNode.FindBadged(w.Map, CapsWorld.RootCNodeAddress, CapsWorld.RootSlotBits, next, File, out next));
        Assert.Equal(0UL, CNode.FindBadged(w.Map, CapsWorld.RootCNodeAddress, CapsWorld.RootSlotBits, next, File, out next));
        Assert.Equal(256UL, next);
        Assert.Equal(0UL, CNode.FindBadged(w.Map, CapsWorld.RootCNodeAddress, CapsWorld.RootSlotBits, 256, File, out next));
        Assert.Equal(256UL, next);
        Assert.Equal(3UL, CNode.FindBadged(w.Map, CapsWorld.RootCNodeAddress, CapsWorld.RootSlotBits, 0, 1UL << 32, out _));
    }

    [Fact]
    public void FindBadgedLooksAtNoMoreThanTheScanLimit()
    {
        using var w = new CapsWorld();
        const int Bits = 11;   // 2,048 slots at 0x10000, inside the world's memory below the untyped
        const ulong Big = 0x10000;
        CapSlot* slot = w.Map.As<CapSlot>(Big + 1500 * CapSlot.Size);
        slot->Type = ObjectType.Endpoint;
        slot->Badge = 1;
        Assert.Equal(0UL, CNode.FindBadged(w.Map, new PhysAddr(Big), Bits, 1, 1, out ulong next));
        Assert.Equal(1 + CNode.ScanLimit, next);
        Assert.Equal(1500UL, CNode.FindBadged(w.Map, new PhysAddr(Big), Bits, next, 1, out next));
        Assert.Equal(1501UL, next);
    }
}
