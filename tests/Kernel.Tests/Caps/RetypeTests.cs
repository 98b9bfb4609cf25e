using Vireo.Abi;
using Vireo.Kernel.Caps;
using Vireo.Kernel.Memory;
using Xunit;

namespace Vireo.Tests.Caps;

public class RetypeTests
{
    // A kernel-owned CNode of 1024 slots outside the untyped, for tests that need many slots.
    private const ulong SpareCNode = 0x10000;

    [Theory]
    [InlineData(ObjectType.Endpoint, 0, ObjectSizes.EndpointBits, ObjectSizes.EndpointBits)]
    [InlineData(ObjectType.Notification, 0, ObjectSizes.NotificationBits, ObjectSizes.NotificationBits)]
    [InlineData(ObjectType.Thread, 0, ObjectSizes.ThreadBits, ObjectSizes.ThreadBits)]
    [InlineData(ObjectType.Thread, ObjectSizes.ThreadBits, ObjectSizes.ThreadBits, ObjectSizes.ThreadBits)]
    [InlineData(ObjectType.AddressSpace, 0, ObjectSizes.AddressSpaceBits, ObjectSizes.AddressSpaceBits)]
    [InlineData(ObjectType.Frame, 0, 12, 12)]
    [InlineData(ObjectType.Frame, 12, 12, 12)]
    [InlineData(ObjectType.Frame, 14, 14, 14)]
    [InlineData(ObjectType.Frame, 21, 21, 21)]
    [InlineData(ObjectType.Frame, 20, 20, 20)]
    [InlineData(ObjectType.CNode, 4, 4, 10)]
    [InlineData(ObjectType.CNode, 0, 0, 6)]
    [InlineData(ObjectType.Untyped, 12, 12, 12)]
    [InlineData(ObjectType.Untyped, 16, 16, 16)]
    public void MakesAlignedZeroedObjects(ObjectType type, int sizeBits, int capBits, int objectBits)
    {
        using var w = new CapsWorld(23);
        // Dirty the untyped memory, and take a first endpoint so the objects need alignment.
        for (ulong a = 0; a < 1UL << 23; a += 8)
            w.Memory.WriteU64(CapsWorld.UntypedBase + a, 0xDEADBEEFDEADBEEF);
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.Endpoint, 0, 9));
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, type, sizeBits, 10, 2));
        ulong size = 1UL << objectBits;
        for (ulong i = 0; i < 2; i++)
        {
            CapSlot c = w.Cap(10 + i);
            Assert.Equal(type, c.Type);
            Assert.Equal(capBits, c.SizeBits);
            Assert.Equal(Rights.All, c.Rights);
            Assert.True(c.IsOriginal);
            Assert.Equal(w.RootUntyped, w.Parent(w.Slot(10 + i)));
            Assert.Equal(0UL, c.Object & (size - 1));
            Assert.Equal(CapsWorld.UntypedBase + 64 + (size == 64 ? 0 : size - 64) + i * size, c.Object);
            Assert.Equal(1, w.Log.Count("init", c.Object));
            if (type != ObjectType.Untyped)
                for (ulong a = 0; a < size; a += 8)
                    Assert.Equal(0UL, w.Memory.ReadU64(c.Object + a));
        }
        CapSlot u = w.Cap(CapsWorld.RootUntypedIndex);
        Assert.Equal(3UL, u.ChildCount);
        Assert.Equal(w.Cap(11).Object + size - CapsWorld.UntypedBase, u.Watermark);
    }

    [Fact]
    public void ChecksEverythingBeforeChangingAnything()
    {
        using var w = new CapsWorld();
        SlotAddr u = w.RootUntyped;
        Assert.Equal(Status.Ok, w.Retype(u, ObjectType.Endpoint, 0, 10));
        Assert.Equal(Status.InvalidCapability, w.Retype(w.Slot(3), ObjectType.Endpoint, 0, 20));
        Assert.Equal(Status.WrongType, w.Retype(w.Slot(10), ObjectType.Endpoint, 0, 20));
        Assert.Equal(Status.InvalidArgument, w.Retype(u, ObjectType.Endpoint, 0, 20, 0));
        Assert.Equal(Status.InvalidArgument, w.Retype(u, ObjectType.Null, 0, 20));
        Assert.Equal(Status.InvalidArgument, w.Retype(u, ObjectType.IrqHandler, 0, 20));
        Assert.Equal(Status.InvalidArgument, w.Retype(u, ObjectType.Reply, 7, 20));
        Assert.Equal(Status.InvalidArgument, w.Retype(u, ObjectType.DeviceMemory, 12, 20));
        Assert.Equal(Status.InvalidArgument, w.Retype(u, ObjectType.Untyped, 11, 20));
        Assert.Equal(Status.InvalidArgument, w.Retype(u, ObjectType.Untyped, 48, 20));
        Assert.Equal(Status.InvalidArgument, w.Retype(u, ObjectType.CNode, 17, 20));
        Assert.Equal(Status.InvalidArgument, w.Retype(u, ObjectType.CNode, -1, 20));
        Assert.Equal(Status.InvalidArgument, w.Retype(u, ObjectType.Frame, 11, 20));
        Assert.Equal(Status.InvalidArgument, w.Retype(u, ObjectType.Frame, 31, 20));
        Assert.Equal(Status.InvalidArgument, w.Retype(u, ObjectType.Thread, 12, 20));
        Assert.Equal(Status.OutOfRange, w.Retype(u, ObjectType.Endpoint, 0, 256));
        Assert.Equal(Status.OutOfRange, w.Retype(u, ObjectType.Endpoint, 0, 250, 7));
        Assert.Equal(Status.OutOfRange, w.Retype(u, ObjectType.Endpoint, 0, 1, ulong.MaxValue));
        Assert.Equal(Status.Occupied, w.Retype(u, ObjectType.Endpoint, 0, 8, 3));
        Assert.Equal(Status.OutOfMemory, w.Retype(u, ObjectType.Untyped, 23, 20));
        Assert.Equal(Status.OutOfMemory, w.Retype(u, ObjectType.Frame, 21, 20, 2));
        Assert.Equal(Status.OutOfMemory, w.Retype(u, ObjectType.Untyped, 22, 20));
        Assert.Equal(Status.OutOfMemory, w.Retype(u, ObjectType.CNode, 16, 20));
        for (ulong i = 20; i < 256; i++)
            Assert.True(w.Cap(i).IsEmpty);
        Assert.Equal(1UL, w.Cap(CapsWorld.RootUntypedIndex).ChildCount);
        Assert.Equal(64UL, w.Cap(CapsWorld.RootUntypedIndex).Watermark);
        Assert.Equal(1, w.Log.Count("init"));
    }

    [Fact]
    public void NeedsControlRight()
    {
        using var w = new CapsWorld();
        Assert.Equal(Status.Ok, CapOps.InstallRoot(w.Map, w.Slot(2), ObjectType.Untyped, Rights.All & ~Rights.Control, 0x30000, 12, 0, 0));
        Assert.Equal(Status.InsufficientRights, w.Retype(w.Slot(2), ObjectType.Endpoint, 0, 10));
        Assert.True(w.Cap(10).IsEmpty);
    }

    [Fact]
    public void FillsTheUntypedExactly()
    {
        using var w = new CapsWorld();
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.Untyped, 12, 10));
        SlotAddr child = w.Slot(10);
        Assert.Equal(Status.Ok, w.Retype(child, ObjectType.Endpoint, 0, 20, 64));
        Assert.Equal(Status.OutOfMemory, w.Retype(child, ObjectType.Endpoint, 0, 84));
        Assert.Equal(4096UL, w.At(child).Watermark);
        Assert.Equal(Status.Ok, w.Revoke(child));
        Assert.Equal(0UL, w.At(child).Watermark);
        Assert.Equal(0UL, w.At(child).ChildCount);
        Assert.Equal(64, w.Log.Count("destroy"));
        Assert.Equal(Status.Ok, w.Retype(child, ObjectType.Frame, 0, 20));
    }

    [Fact]
    public void UntypedsAreNotCopyableButMove()
    {
        using var w = new CapsWorld();
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.Untyped, 16, 10));
        Assert.Equal(Status.NotCopyable, CapOps.Copy(w.Map, w.Slot(10), w.Slot(11), Rights.All));
        Assert.Equal(Status.Ok, CapOps.Move(w.Map, w.Slot(10), w.Slot(11)));
        Assert.Equal(Status.Ok, w.Retype(w.Slot(11), ObjectType.Endpoint, 0, 12));
        Assert.Equal(w.Slot(11), w.Parent(w.Slot(12)));
        Assert.Equal(w.RootUntyped, w.Parent(w.Slot(11)));
    }

    [Fact]
    public void DeletingUntypedWithChildrenDestroysThem()
    {
        using var w = new CapsWorld();
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.Untyped, 16, 10));
        Assert.Equal(Status.Ok, w.Retype(w.Slot(10), ObjectType.Endpoint, 0, 11, 3));
        Assert.Equal(Status.Ok, CapOps.Copy(w.Map, w.Slot(11), w.Slot(20), Rights.Read));
        Assert.Equal(Status.Ok, w.Delete(w.Slot(10)));
        for (ulong i = 10; i <= 20; i++)
            Assert.True(w.Cap(i).IsEmpty);
        Assert.Equal(4, w.Log.Count("destroy"));
        Assert.Equal(0UL, w.Cap(CapsWorld.RootUntypedIndex).Watermark);
    }

    [Fact]
    public void LifoCreateDestroyOf1000ObjectsRestoresWatermark()
    {
        using var w = new CapsWorld(23);
        SlotAddr u = w.RootUntyped;
        Assert.Equal(Status.Ok, w.Retype(u, ObjectType.Endpoint, 0, 2));
        ulong start = w.At(u).Watermark;
        ObjectType[] types = { ObjectType.Endpoint, ObjectType.Frame, ObjectType.Notification, ObjectType.Thread, ObjectType.CNode, ObjectType.AddressSpace };
        int[] bits = { 0, 0, 0, 0, 2, 0 };
        var marks = new ulong[1000];
        var slots = new SlotAddr[1000];
        var rng = new System.Random(7);
        for (int i = 0; i < 1000; i++)
        {
            marks[i] = w.At(u).Watermark;
            int t = rng.Next(types.Length);
            Assert.Equal(Status.Ok, Untyped.Retype(w.Map, u, types[t], bits[t], new PhysAddr(SpareCNode), 10, (ulong)i, 1, ref w.Hooks));
            slots[i] = CapsWorld.SlotIn(SpareCNode, (ulong)i);
        }
        Assert.Equal(1001UL, w.At(u).ChildCount);
        for (int i = 999; i >= 0; i--)
        {
            Assert.Equal(Status.Ok, w.Delete(slots[i]));
            Assert.Equal(marks[i], w.At(u).Watermark);
        }
        Assert.Equal(start, w.At(u).Watermark);
        Assert.Equal(1UL, w.At(u).ChildCount);
        Assert.Equal(1000, w.Log.Count("destroy"));
    }

    [Fact]
    public void OutOfOrderDestroyKeepsMemoryUntilEmpty()
    {
        using var w = new CapsWorld();
        SlotAddr u = w.RootUntyped;
        Assert.Equal(Status.Ok, w.Retype(u, ObjectType.Frame, 0, 10, 3));
        Assert.Equal(Status.Ok, w.Delete(w.Slot(10)));
        Assert.Equal(3UL * 4096, w.At(u).Watermark);
        Assert.Equal(Status.Ok, w.Delete(w.Slot(12)));
        Assert.Equal(2UL * 4096, w.At(u).Watermark);
        Assert.Equal(Status.Ok, w.Delete(w.Slot(11)));
        Assert.Equal(0UL, w.At(u).Watermark);
    }
}
