// Carving (Carving.Carve): the bounds and alignment arithmetic, the device-memory watermark that only
// moves up, derivation (revoke of the parent removes pieces, a destroyed piece is released to its
// parent), and the Physical right that retype hands on to memory objects only.
using Vireo.Abi;
using Vireo.Kernel.Caps;
using Xunit;

namespace Vireo.Tests.Caps;

public class CarvingTests
{
    private const ulong DeviceBase = 0xC000_0000;
    private const int DeviceBits = 24;   // 16 MiB of device memory
    private const uint DeviceIndex = 2, PortsIndex = 3;

    private static CapsWorld World()
    {
        var w = new CapsWorld();
        Assert.Equal(Status.Ok, CapOps.InstallRoot(w.Map, w.Slot(DeviceIndex), ObjectType.DeviceMemory, Rights.Defined, DeviceBase, DeviceBits, 0, 0));
        Assert.Equal(Status.Ok, CapOps.InstallRoot(w.Map, w.Slot(PortsIndex), ObjectType.IoPorts, Rights.All, 0, 16, 0, 0));
        return w;
    }

    private static Status Carve(CapsWorld w, uint parent, ulong at, ulong bits, uint dst) =>
        Carving.Carve(w.Map, w.Slot(parent), at, bits, w.Slot(dst), ref w.Hooks);

    [Fact]
    public void PortPieceIsANarrowerDerivedCapability()
    {
        using var w = World();
        Assert.Equal(Status.Ok, Carve(w, PortsIndex, 0xC040, 6, 10));
        CapSlot c = w.Cap(10);
        Assert.Equal(ObjectType.IoPorts, c.Type);
        Assert.Equal(0xC040UL, c.Object);
        Assert.Equal(6, c.SizeBits);
        Assert.Equal(Rights.All, c.Rights);
        Assert.False(c.IsOriginal);
        Assert.Equal(w.Slot(PortsIndex), w.Parent(w.Slot(10)));
        // A piece of the piece, and the parent is unchanged (ports have no watermark).
        Assert.Equal(Status.Ok, Carve(w, 10, 0xC050, 4, 11));
        Assert.Equal(Status.Ok, Carve(w, PortsIndex, 0xC000, 6, 12));
        Assert.Empty(w.Log.Calls);
    }

    [Theory]
    [InlineData(0xC040UL, 6UL, Status.Ok)]
    [InlineData(0xC044UL, 6UL, Status.NotAligned)]
    [InlineData(0xFFC0UL, 6UL, Status.Ok)]          // the last 64 ports
    [InlineData(0x0UL, 16UL, Status.Ok)]            // all of them
    [InlineData(0x0UL, 17UL, Status.OutOfRange)]    // more than the parent
    [InlineData(0x10000UL, 0UL, Status.OutOfRange)] // past the end
    [InlineData(0x0UL, 64UL, Status.InvalidArgument)]
    public void PortBounds(ulong at, ulong bits, Status expected)
    {
        using var w = World();
        Assert.Equal(expected, Carve(w, PortsIndex, at, bits, 10));
    }

    [Fact]
    public void PieceOfAPieceStaysInsideIt()
    {
        using var w = World();
        Assert.Equal(Status.Ok, Carve(w, PortsIndex, 0xC040, 6, 10));
        Assert.Equal(Status.OutOfRange, Carve(w, 10, 0xC000, 4, 11));   // below it
        Assert.Equal(Status.OutOfRange, Carve(w, 10, 0xC080, 4, 11));   // just past it
        Assert.Equal(Status.OutOfRange, Carve(w, 10, 0xC000, 7, 11));   // larger than it
    }

    [Fact]
    public void StatusesInOrder()
    {
        using var w = World();
        Assert.Equal(Status.InvalidCapability, Carve(w, 40, 0, 4, 10));
        Assert.Equal(Status.WrongType, Carve(w, CapsWorld.RootUntypedIndex, CapsWorld.UntypedBase, 12, 10));
        Assert.Equal(Status.Ok, CapOps.Copy(w.Map, w.Slot(PortsIndex), w.Slot(20), Rights.Write));
        Assert.Equal(Status.InsufficientRights, Carve(w, 20, 0xC040, 6, 10));
        Assert.Equal(Status.InvalidArgument, Carve(w, DeviceIndex, DeviceBase, 11, 10));   // smaller than a page
        Assert.Equal(Status.Occupied, Carve(w, PortsIndex, 0xC040, 6, 20));
        Assert.True(w.Cap(10).IsEmpty);
    }

    [Fact]
    public void DevicePieceMovesTheWatermarkUp()
    {
        using var w = World();
        Assert.Equal(Status.Ok, Carve(w, DeviceIndex, DeviceBase + 0x10_0000, 20, 10));
        CapSlot c = w.Cap(10);
        Assert.Equal(ObjectType.DeviceMemory, c.Type);
        Assert.True(c.IsOriginal);
        Assert.Equal(Rights.Defined, c.Rights);
        Assert.Equal(0UL, c.Watermark);
        Assert.Equal(0x20_0000UL, w.Cap(DeviceIndex).Watermark);
        Assert.Equal(1UL, w.Cap(DeviceIndex).ChildCount);
        Assert.Equal(1, w.Log.Count("init", DeviceBase + 0x10_0000));
        // Below the watermark is gone (the hole too); at it and above is fine.
        Assert.Equal(Status.OutOfMemory, Carve(w, DeviceIndex, DeviceBase, 12, 11));
        Assert.Equal(Status.OutOfMemory, Carve(w, DeviceIndex, DeviceBase + 0x1F_F000, 12, 11));
        Assert.Equal(Status.Ok, Carve(w, DeviceIndex, DeviceBase + 0x20_0000, 12, 11));
        Assert.Equal(Status.Ok, Carve(w, DeviceIndex, DeviceBase + 0xFF_F000, 12, 12));   // the last page
        Assert.Equal(Status.OutOfRange, Carve(w, DeviceIndex, DeviceBase + 0x100_0000, 12, 13));
        Assert.Equal(Status.OutOfRange, Carve(w, DeviceIndex, DeviceBase - 0x1000, 12, 13));
        Assert.Equal(Status.NotAligned, Carve(w, DeviceIndex, DeviceBase + 0x10_0000, 21, 13));
    }

    [Fact]
    public void FramesFromAPieceAreItsOwnAndComeBack()
    {
        using var w = World();
        Assert.Equal(Status.Ok, Carve(w, DeviceIndex, DeviceBase + 0x4000, 14, 10));
        Assert.Equal(Status.Ok, w.Retype(w.Slot(10), ObjectType.Frame, 12, 11, 4));
        for (ulong i = 0; i < 4; i++)
        {
            Assert.Equal(DeviceBase + 0x4000 + i * 0x1000, w.Cap(11 + i).Object);
            Assert.Equal(Rights.Defined, w.Cap(11 + i).Rights);   // device frames keep Physical
        }
        Assert.Equal(Status.OutOfMemory, w.Retype(w.Slot(10), ObjectType.Frame, 12, 15));
        // Deleting the piece takes its frames with it and gives its room back to the parent.
        Assert.Equal(Status.Ok, w.Delete(w.Slot(10)));
        for (ulong i = 0; i < 5; i++)
            Assert.True(w.Cap(10 + i).IsEmpty);
        Assert.Equal(0UL, w.Cap(DeviceIndex).ChildCount);
        Assert.Equal(0UL, w.Cap(DeviceIndex).Watermark);
        Assert.Contains(new HookCall("destroy", ObjectType.DeviceMemory, DeviceBase + 0x4000, 14), w.Log.Calls);
        Assert.Equal(5, w.Log.Count("destroy"));   // the piece and its four frames
    }

    [Fact]
    public void RevokeOfTheParentRemovesEveryPiece()
    {
        using var w = World();
        Assert.Equal(Status.Ok, Carve(w, DeviceIndex, DeviceBase, 16, 10));
        Assert.Equal(Status.Ok, Carve(w, DeviceIndex, DeviceBase + 0x1_0000, 16, 11));
        Assert.Equal(Status.Ok, w.Retype(w.Slot(11), ObjectType.Frame, 12, 12));
        Assert.Equal(Status.Ok, Carve(w, PortsIndex, 0xC000, 5, 13));
        Assert.Equal(Status.Ok, CapOps.Copy(w.Map, w.Slot(13), w.Slot(14), Rights.All));
        Assert.Equal(Status.Ok, w.Revoke(w.Slot(DeviceIndex)));
        Assert.Equal(Status.Ok, w.Revoke(w.Slot(PortsIndex)));
        for (ulong i = 10; i <= 14; i++)
            Assert.True(w.Cap(i).IsEmpty);
        Assert.Equal(0UL, w.Cap(DeviceIndex).Watermark);
        Assert.Equal(0UL, w.Cap(DeviceIndex).ChildCount);
        Assert.Equal(Status.Ok, Carve(w, DeviceIndex, DeviceBase, 12, 10));   // all of it can be carved again
    }

    [Fact]
    public void RetypeHandsPhysicalToMemoryObjectsOnly()
    {
        using var w = new CapsWorld();
        w.At(w.RootUntyped).Rights = Rights.Defined;
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.Frame, 12, 10));
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.Untyped, 16, 11));
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.Endpoint, 0, 12));
        Assert.Equal(Rights.Defined, w.Cap(10).Rights);
        Assert.Equal(Rights.Defined, w.Cap(11).Rights);
        Assert.Equal(Rights.All, w.Cap(12).Rights);
        // Withheld: not on the object, and so not on what is made from it.
        Assert.Equal(Status.Ok, Untyped.Retype(w.Map, w.Slot(11), ObjectType.Untyped, 12, CapsWorld.RootCNodeAddress, CapsWorld.RootSlotBits,
            13, 1, ref w.Hooks, Rights.Physical));
        Assert.Equal(Rights.All, w.Cap(13).Rights);
        Assert.Equal(Status.Ok, w.Retype(w.Slot(13), ObjectType.Frame, 12, 14));
        Assert.Equal(Rights.All, w.Cap(14).Rights);
        // An untyped without it never had it to give.
        using var plain = new CapsWorld();
        Assert.Equal(Status.Ok, plain.Retype(plain.RootUntyped, ObjectType.Frame, 12, 10));
        Assert.Equal(Rights.All, plain.Cap(10).Rights);
    }

    [Fact]
    public void FramePieceIsAPageOfTheFrameNamedByOffset()
    {
        using var w = new CapsWorld();
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.Frame, 16, 10));   // 64 KiB
        ulong phys = w.Cap(10).Object;
        Assert.Equal(Status.Ok, Carve(w, 10, 0x3000, 12, 11));
        CapSlot c = w.Cap(11);
        Assert.Equal(ObjectType.Frame, c.Type);
        Assert.Equal(phys + 0x3000, c.Object);
        Assert.Equal(12, c.SizeBits);
        Assert.Equal(w.Cap(10).Rights, c.Rights);
        Assert.False(c.IsOriginal);
        Assert.Equal(0UL, c.Extra);   // unmapped
        Assert.Equal(w.Slot(10), w.Parent(w.Slot(11)));
        // Bounds: in pages, inside the frame, aligned; no watermark (the same page again).
        Assert.Equal(Status.Ok, Carve(w, 10, 0x3000, 12, 12));
        Assert.Equal(Status.Ok, Carve(w, 10, 0xF000, 12, 13));
        Assert.Equal(Status.OutOfRange, Carve(w, 10, 0x10000, 12, 14));
        Assert.Equal(Status.OutOfRange, Carve(w, 10, 0, 17, 14));
        Assert.Equal(Status.NotAligned, Carve(w, 10, 0x800, 12, 14));
        Assert.Equal(Status.InvalidArgument, Carve(w, 10, 0, 11, 14));
        // Revoking the frame takes the pieces; deleting a piece leaves the frame.
        Assert.Equal(Status.Ok, w.Delete(w.Slot(13)));
        Assert.False(w.Cap(10).IsEmpty);
        Assert.Equal(Status.Ok, w.Revoke(w.Slot(10)));
        Assert.True(w.Cap(11).IsEmpty);
        Assert.True(w.Cap(12).IsEmpty);
        Assert.False(w.Cap(10).IsEmpty);
    }
}
