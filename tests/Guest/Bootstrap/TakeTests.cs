// CapTake (syscall 38): how the process manager finds the files a dead process held. A CNode of
// 2,048 slots holds badged endpoints and other capabilities; only endpoints whose badge has a bit of
// the mask are moved out, in slot order, and a CNode larger than one scan is looked through in steps.
using Vireo.Abi;
using Vireo.User;
using T = Vireo.User.Testing.TestRunner;

namespace Vireo.Bootstrap.Tests;

static unsafe class TakeTests
{
    private const ulong FileBit = 1UL << 40, ClientBit = 1UL << 32;
    private const int CNodeBits = 11;
    private static CapHandle s_memory;

    public static void Run(CapHandle memory)
    {
        s_memory = memory;
        T.Run("user.cap_take_moves_badged_endpoints", &TakeBadged);
        T.Run("user.cap_take_statuses", &TakeStatuses);
    }

    private static void TakeBadged()
    {
        if (!UserTests.Make(s_memory, ObjectType.Untyped, 20, out CapHandle u)) { T.True(false, "carve"); return; }
        UserTests.Make(u, ObjectType.CNode, CNodeBits, out CapHandle cn);
        UserTests.Make(u, ObjectType.Endpoint, 0, out CapHandle ep);
        UserTests.Make(u, ObjectType.Notification, 0, out CapHandle note);
        Sys.Mint(ep, cn, 5, Rights.All, FileBit | 1, out _);
        Sys.Mint(ep, cn, 7, Rights.All, ClientBit | 2, out _);
        Sys.Mint(note, cn, 9, Rights.All, FileBit | 4, out _);
        Sys.Mint(ep, cn, 1500, Rights.All, FileBit | 3, out _);
        CSpace.TryAlloc(out uint dst);

        T.Status(Status.Ok, Sys.Take(cn, 0, FileBit, CSpace.Self, dst, out CapHandle moved, out ulong next), "first");
        Sys.Identify(moved, out ObjectType type, out _, out _, out ulong badge);
        T.True(type == ObjectType.Endpoint && badge == (FileBit | 1), "slot 5's endpoint, badge kept");
        T.Equal(6, (long)next, "go on past slot 5");
        T.Status(Status.Ok, Sys.Mint(ep, cn, 5, Rights.All, FileBit | 1, out _), "slot 5 is empty again");
        CSpace.Release(moved);
        CSpace.TryAlloc(out dst);

        // Slot 7 (another flag) and slot 9 (a notification) are not taken; one call looks at 1,024 slots.
        T.Status(Status.Ok, Sys.Take(cn, 6, FileBit, CSpace.Self, dst, out moved, out next), "nothing in the next 1,024");
        T.Equal(0, (long)moved.Value, "none moved");
        T.Equal(6 + 1024, (long)next, "the scan is bounded");
        T.Status(Status.Ok, Sys.Take(cn, next, FileBit, CSpace.Self, dst, out moved, out next), "slot 1500");
        Sys.Identify(moved, out _, out _, out _, out badge);
        T.Equal((long)(FileBit | 3), (long)badge, "its badge");
        T.Equal(1501, (long)next, "past it");
        CSpace.Release(moved);
        CSpace.TryAlloc(out dst);
        T.Status(Status.Ok, Sys.Take(cn, next, FileBit, CSpace.Self, dst, out moved, out next), "to the end");
        T.True(moved.Value == 0 && next == 1UL << CNodeBits, "none left, next = the size");
        T.Status(Status.Ok, Sys.Take(cn, 0, ClientBit, CSpace.Self, dst, out moved, out _), "another mask");
        Sys.Identify(moved, out _, out _, out _, out badge);
        T.Equal((long)(ClientBit | 2), (long)badge, "slot 7's");
        CSpace.Release(moved);
        UserTests.Release(u);
    }

    private static void TakeStatuses()
    {
        if (!UserTests.Make(s_memory, ObjectType.Untyped, 16, out CapHandle u)) { T.True(false, "carve"); return; }
        UserTests.Make(u, ObjectType.CNode, 4, out CapHandle cn);
        CSpace.TryAlloc(out uint dst);
        T.Status(Status.InvalidArgument, Sys.Take(cn, 0, 0, CSpace.Self, dst, out _, out _), "mask 0");
        T.Status(Status.OutOfRange, Sys.Take(cn, 17, FileBit, CSpace.Self, dst, out _, out _), "from past the CNode");
        T.Status(Status.OutOfRange, Sys.Take(cn, 0, FileBit, CSpace.Self, 0, out _, out _), "destination slot 0");
        T.Status(Status.Occupied, Sys.Take(cn, 0, FileBit, CSpace.Self, BootstrapSlots.CNode, out _, out _), "an occupied destination");
        T.Status(Status.Ok, Sys.Take(cn, 16, FileBit, CSpace.Self, dst, out CapHandle moved, out ulong next), "from = the size");
        T.True(moved.Value == 0 && next == 16, "nothing, next = 16");
        CSpace.Free(dst);
        UserTests.Release(u);
    }
}
