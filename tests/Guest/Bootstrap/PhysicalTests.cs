// In-guest tests of physical addresses as a right (ADR 0011): FramePhysical answers only for a frame
// whose capability carries Rights.Physical, the address is the frame's own (checked against where the
// untyped's watermark put it, and against the VGA window's known address for device memory), frames
// inherit the right from their untyped, and a copy made with Rights.All or a retype that withholds the
// right leaves it behind.
using Vireo.Abi;
using Vireo.User;
using T = Vireo.User.Testing.TestRunner;

namespace Vireo.Bootstrap.Tests;

static unsafe class PhysicalTests
{
    private static CapHandle s_memory;

    public static void Run(CapHandle memory)
    {
        s_memory = memory;
        T.Run("physical.frame_address_is_where_the_untyped_put_it", &FrameAddress);
        T.Run("physical.device_frame_address_is_the_device", &DeviceFrameAddress);
        T.Run("physical.right_is_needed_and_not_in_all", &RightNeeded);
        T.Run("physical.retype_can_withhold_the_right", &RetypeWithholds);
    }

    // Where the next object of 2^bits bytes from the untyped will start (its watermark aligned up), as
    // an offset in the untyped's region.
    private static ulong NextOffset(CapHandle untyped, int bits)
    {
        Sys.Identify(untyped, out _, out _, out int size, out ulong free);
        ulong used = (1UL << size) - free;
        return (used + (1UL << bits) - 1) & ~((1UL << bits) - 1);
    }

    // The physical base of the bootstrap's untyped `u` (its slot among those the kernel handed over).
    private static ulong UntypedBase(CapHandle u)
    {
        var info = (BootstrapInfo*)Startup.Argument0;
        return info->UntypedPhys[u.Index - (uint)info->FirstUntypedSlot];
    }

    private static void FrameAddress()
    {
        T.Status(Status.Ok, Sys.Identify(s_memory, out _, out Rights rights, out _, out _), "identify the bootstrap's untyped");
        T.True((rights & Rights.Physical) != 0, "the kernel's untyped carry Physical");
        ulong expected = UntypedBase(s_memory) + NextOffset(s_memory, 12);
        if (!T.Status(Status.Ok, CSpace.Make(s_memory, ObjectType.Frame, 12, out CapHandle a), "a 4 KiB frame")) return;
        T.Status(Status.Ok, CSpace.Make(s_memory, ObjectType.Frame, 12, out CapHandle b), "a second one");
        T.Status(Status.Ok, Devices.FramePhysical(a, out ulong pa), "FramePhysical of the first");
        T.Status(Status.Ok, Devices.FramePhysical(b, out ulong pb), "and of the second");
        T.Equal((long)expected, (long)pa, "the first is at the untyped's base plus its watermark");
        T.Equal((long)pa + 4096, (long)pb, "the second follows it");
        T.True((pa & 0xFFF) == 0 && (pb & 0xFFF) == 0, "both page-aligned");
        ulong bigAt = UntypedBase(s_memory) + NextOffset(s_memory, 21);
        if (T.Status(Status.Ok, CSpace.Make(s_memory, ObjectType.Frame, 21, out CapHandle big), "a 2 MiB frame"))
        {
            T.Status(Status.Ok, Devices.FramePhysical(big, out ulong pbig), "FramePhysical of it");
            T.Equal((long)bigAt, (long)pbig, "at its aligned place: one address for 2 MiB of contiguous memory");
            T.True((pbig & ((1UL << 21) - 1)) == 0, "aligned to its size");
            CSpace.Release(big);
        }
        CSpace.Release(b);
        CSpace.Release(a);
    }

    // The VGA window is the bootstrap's first device memory: its frames are handed out upwards from
    // 0xA0000, and FramePhysical names exactly those addresses.
    private static void DeviceFrameAddress()
    {
        var info = (BootstrapInfo*)Startup.Argument0;
        var vga = new CapHandle((uint)info->FirstDeviceSlot, 0);
        if (!T.Status(Status.Ok, CSpace.Make(vga, ObjectType.Frame, 12, out CapHandle first), "a device frame")) return;
        T.Status(Status.Ok, CSpace.Make(vga, ObjectType.Frame, 12, out CapHandle second), "a second one");
        T.Status(Status.Ok, Devices.FramePhysical(first, out ulong p0), "FramePhysical of a device frame");
        T.Status(Status.Ok, Devices.FramePhysical(second, out ulong p1), "and of the next");
        T.Equal(0xA0000, (long)p0, "the window's first page");
        T.Equal(0xA1000, (long)p1, "then the next");
        CSpace.Release(second);
        CSpace.Release(first);
    }

    private static void RightNeeded()
    {
        if (!T.Status(Status.Ok, CSpace.Make(s_memory, ObjectType.Frame, 12, out CapHandle frame), "a frame")) return;
        Sys.Identify(frame, out _, out Rights rights, out _, out _);
        T.Equal((long)Rights.Defined, (long)rights, "a frame from an untyped with Physical has every right");
        CSpace.TryAlloc(out uint s1);
        CSpace.TryAlloc(out uint s2);
        T.Status(Status.Ok, Sys.Copy(frame, CSpace.Self, s1, Rights.All, out CapHandle ordinary), "a copy with Rights.All");
        T.Status(Status.InsufficientRights, Devices.FramePhysical(ordinary, out ulong none), "has no Physical: refused");
        T.Equal(0, (long)none, "and learns nothing");
        T.Status(Status.Ok, Sys.Copy(frame, CSpace.Self, s2, Rights.Read | Rights.Physical, out CapHandle named), "a copy naming Physical");
        T.Status(Status.Ok, Devices.FramePhysical(named, out _), "keeps it");
        T.Status(Status.InvalidArgument, Sys.Copy(frame, CSpace.Self, s2, (Rights)128, out _), "rights above 127: InvalidArgument");
        T.Status(Status.WrongType, Devices.FramePhysical(s_memory, out _), "an untyped is not a frame: WrongType");
        T.Status(Status.InvalidCapability, Devices.FramePhysical(new CapHandle(4000, 0), out _), "an empty slot: InvalidCapability");
        CSpace.Release(named);
        CSpace.Release(ordinary);
        CSpace.Release(frame);
    }

    private static void RetypeWithholds()
    {
        CSpace.TryAlloc(out uint slot);
        T.Status(Status.InvalidArgument, Sys.Retype(s_memory, ObjectType.Frame, 12, CSpace.Self, slot, 1, out _, (Rights)128),
            "withholding an undefined right: InvalidArgument");
        if (T.Status(Status.Ok, Sys.Retype(s_memory, ObjectType.Frame, 12, CSpace.Self, slot, 1, out CapHandle frame, Rights.Physical),
            "a frame made without Physical"))
        {
            Sys.Identify(frame, out _, out Rights rights, out _, out _);
            T.Equal((long)Rights.All, (long)rights, "has the ordinary rights");
            T.Status(Status.InsufficientRights, Devices.FramePhysical(frame, out _), "so FramePhysical is refused");
            Sys.Delete(frame);
        }
        // An untyped made without it hands none on: how ordinary processes get their memory.
        if (T.Status(Status.Ok, Sys.Retype(s_memory, ObjectType.Untyped, 16, CSpace.Self, slot, 1, out CapHandle plain, Rights.Physical),
            "an untyped made without Physical"))
        {
            T.Status(Status.Ok, CSpace.Make(plain, ObjectType.Frame, 12, out CapHandle child), "a frame from it");
            T.Status(Status.InsufficientRights, Devices.FramePhysical(child, out _), "has no Physical either");
            CSpace.Release(child);
            Sys.Delete(plain);
        }
        // Withholding Control leaves an untyped nothing can be made from.
        if (T.Status(Status.Ok, Sys.Retype(s_memory, ObjectType.Untyped, 16, CSpace.Self, slot, 1, out CapHandle inert, Rights.Control),
            "an untyped made without Control"))
        {
            T.Status(Status.InsufficientRights, CSpace.Make(inert, ObjectType.Frame, 12, out _), "cannot be retyped");
            Sys.Delete(inert);
        }
        if (T.Status(Status.Ok, Sys.Retype(s_memory, ObjectType.Endpoint, 0, CSpace.Self, slot, 1, out CapHandle ep), "an endpoint"))
        {
            Sys.Identify(ep, out _, out Rights epRights, out _, out _);
            T.Equal((long)Rights.All, (long)epRights, "objects that are not memory never get Physical");
            Sys.Delete(ep);
        }
        CSpace.Free(slot);
    }
}
