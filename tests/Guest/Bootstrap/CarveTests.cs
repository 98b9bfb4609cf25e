// In-guest tests of CapCarve (docs/design/syscalls.md): a piece of the I/O ports is exactly its range
// (it can write the kernel log only if it covers COM1, bind only its own ports), a piece of device
// memory yields frames at its own physical addresses, the parent's watermark moves past each piece,
// and a revoke of the parent takes the pieces with it.
using Vireo.Abi;
using Vireo.User;
using T = Vireo.User.Testing.TestRunner;

namespace Vireo.Bootstrap.Tests;

static unsafe class CarveTests
{
    private static readonly CapHandle Ports = new CapHandle(BootstrapSlots.IoPorts, 0);

    public static void Run()
    {
        T.Run("carve.port_piece_is_exactly_its_range", &PortPiece);
        T.Run("carve.statuses", &Statuses);
        T.Run("carve.device_piece_frames_and_watermark", &DevicePiece);
        T.Run("carve.revoke_of_the_parent_takes_the_pieces", &RevokeParent);
    }

    private static Status Carve(CapHandle parent, ulong at, int bits, out CapHandle piece)
    {
        piece = default;
        if (!CSpace.TryAlloc(out uint slot)) return Status.NoSpace;
        Status s = Devices.CapCarve(parent, at, bits, CSpace.Self, slot, out piece);
        if (s != Status.Ok) CSpace.Free(slot);
        return s;
    }

    // The PCI hole's first device memory: the bootstrap's second DeviceMemory capability (after VGA).
    private static CapHandle PciHole(out ulong at)
    {
        var info = (BootstrapInfo*)Startup.Argument0;
        var hole = new CapHandle((uint)info->FirstDeviceSlot + 1, 0);
        CSpace.TryAlloc(out uint scratch);
        // Its base: the physical address of a first frame made from it (then given back).
        Sys.Retype(hole, ObjectType.Frame, 12, CSpace.Self, scratch, 1, out CapHandle probe);
        Devices.FramePhysical(probe, out at);
        Sys.Delete(probe);
        CSpace.Free(scratch);
        return hole;
    }

    private static void PortPiece()
    {
        if (!T.Status(Status.Ok, Carve(Ports, 0x3F8, 3, out CapHandle com1), "carve COM1's eight ports")) return;
        Sys.Identify(com1, out ObjectType type, out Rights rights, out int bits, out _);
        T.Equal((long)ObjectType.IoPorts, (long)type, "an I/O-ports capability");
        T.Equal(3, bits, "of 2^3 ports");
        T.Equal((long)Rights.All, (long)rights, "with the parent's rights");
        byte* dot = stackalloc byte[1];
        dot[0] = (byte)'\n';   // a whole (empty) line: TEST lines must start theirs
        T.Status(Status.Ok, Sys.DebugWrite(com1, dot, 1), "it covers COM1: it may write the kernel log");
        var self = new CapHandle(BootstrapSlots.Thread, 0);
        T.Status(Status.OutOfRange, Devices.IoPortsBind(com1, self, 0x3F0, 8), "ports below it are not its own");
        T.Status(Status.OutOfRange, Devices.IoPortsBind(com1, self, 0x3FC, 8), "nor past its end");
        if (T.Status(Status.Ok, Carve(Ports, 0x2F8, 3, out CapHandle com2), "carve COM2's"))
        {
            T.Status(Status.InsufficientRights, Sys.DebugWrite(com2, dot, 1), "COM2's ports do not reach the kernel log");
            CSpace.Release(com2);
        }
        CSpace.Release(com1);
    }

    private static void Statuses()
    {
        CSpace.TryAlloc(out uint slot);
        T.Status(Status.NotAligned, Devices.CapCarve(Ports, 0x3F9, 3, CSpace.Self, slot, out _), "base not aligned to the size");
        T.Status(Status.OutOfRange, Devices.CapCarve(Ports, 0, 17, CSpace.Self, slot, out _), "larger than the parent");
        T.Status(Status.OutOfRange, Devices.CapCarve(Ports, 0x10000, 0, CSpace.Self, slot, out _), "past the parent's end");
        T.Status(Status.InvalidArgument, Devices.CapCarve(Ports, 0, 64, CSpace.Self, slot, out _), "2^64: InvalidArgument");
        T.Status(Status.WrongType, Devices.CapCarve(CSpace.Self, 0, 0, CSpace.Self, slot, out _), "a CNode cannot be carved");
        T.Status(Status.OutOfRange, Devices.CapCarve(Ports, 0x3F8, 3, CSpace.Self, 0, out _), "slot 0 is no destination");
        CSpace.TryAlloc(out uint weakSlot);
        Sys.Copy(Ports, CSpace.Self, weakSlot, Rights.Write, out CapHandle weak);
        T.Status(Status.InsufficientRights, Devices.CapCarve(weak, 0x3F8, 3, CSpace.Self, slot, out _), "carving needs Control");
        T.Status(Status.Occupied, Devices.CapCarve(Ports, 0x3F8, 3, CSpace.Self, weakSlot, out _), "an occupied destination");
        CSpace.Release(weak);
        var info = (BootstrapInfo*)Startup.Argument0;
        var vga = new CapHandle((uint)info->FirstDeviceSlot, 0);
        T.Status(Status.InvalidArgument, Devices.CapCarve(vga, 0xA0000, 11, CSpace.Self, slot, out _), "device memory below a page");
        T.Status(Status.OutOfRange, Devices.CapCarve(vga, 0x9F000, 12, CSpace.Self, slot, out _), "below the window");
        T.Status(Status.OutOfRange, Devices.CapCarve(vga, 0xC0000, 12, CSpace.Self, slot, out _), "past the window");
        CSpace.Free(slot);
    }

    private static void DevicePiece()
    {
        CapHandle hole = PciHole(out ulong at);
        T.True(at >= 0xC000_0000 && (at & 0xFFF) == 0, "the PCI hole's device memory starts at or above 3 GiB");
        if (!T.Status(Status.Ok, Carve(hole, at + 0x4000, 14, out CapHandle piece), "carve 16 KiB, 16 KiB into the hole")) return;
        Sys.Identify(piece, out ObjectType type, out Rights rights, out int bits, out ulong free);
        T.Equal((long)ObjectType.DeviceMemory, (long)type, "device memory");
        T.Equal(14, bits, "of 16 KiB");
        T.Equal(1L << 14, (long)free, "all of it free");
        T.True((rights & Rights.Physical) != 0, "with the parent's Physical right");
        T.Status(Status.OutOfMemory, Carve(hole, at, 12, out _), "below the parent's watermark now");
        CSpace.TryAlloc(out uint fs);
        if (T.Status(Status.Ok, Sys.Retype(piece, ObjectType.Frame, 12, CSpace.Self, fs, 1, out CapHandle frame), "a frame from the piece"))
        {
            T.Status(Status.Ok, Devices.FramePhysical(frame, out ulong phys), "its address");
            T.Equal((long)(at + 0x4000), (long)phys, "the piece's first page");
            Sys.Delete(frame);
        }
        CSpace.Free(fs);
        if (T.Status(Status.Ok, Carve(hole, at + 0x8000, 12, out CapHandle next), "the next piece, above the first"))
            CSpace.Release(next);
        CSpace.Release(piece);
        Sys.Identify(hole, out _, out _, out int holeBits, out ulong holeFree);
        T.Equal(1L << holeBits, (long)holeFree, "every piece gone: the parent's watermark is back at 0");
    }

    private static void RevokeParent()
    {
        CSpace.TryAlloc(out uint copySlot);
        if (!T.Status(Status.Ok, Sys.Copy(Ports, CSpace.Self, copySlot, Rights.All, out CapHandle copy), "a copy of the ports")) return;
        T.Status(Status.Ok, Carve(copy, 0x60, 3, out CapHandle piece), "a piece of the copy");
        T.Status(Status.Ok, Carve(piece, 0x64, 0, out CapHandle port), "a piece of the piece");
        T.Status(Status.Ok, Sys.Revoke(copy), "revoke the copy");
        T.Status(Status.InvalidCapability, Sys.Identify(piece, out _, out _, out _, out _), "the piece is gone");
        T.Status(Status.InvalidCapability, Sys.Identify(port, out _, out _, out _, out _), "and its own piece");
        CSpace.Free(piece.Index);
        CSpace.Free(port.Index);
        CSpace.Release(copy);

        CapHandle hole = PciHole(out ulong at);
        T.Status(Status.Ok, Carve(hole, at, 16, out CapHandle region), "a device-memory piece");
        CSpace.TryAlloc(out uint fs);
        T.Status(Status.Ok, Sys.Retype(region, ObjectType.Frame, 12, CSpace.Self, fs, 1, out CapHandle frame), "a frame from it");
        T.Status(Status.Ok, Sys.Revoke(hole), "revoke the parent");
        T.Status(Status.InvalidCapability, Sys.Identify(region, out _, out _, out _, out _), "the piece is gone");
        T.Status(Status.InvalidCapability, Sys.Identify(frame, out _, out _, out _, out _), "its frame too");
        Sys.Identify(hole, out _, out _, out int holeBits, out ulong holeFree);
        T.Equal(1L << holeBits, (long)holeFree, "the parent's memory is all free again");
        CSpace.Free(region.Index);
        CSpace.Free(fs);
    }
}
