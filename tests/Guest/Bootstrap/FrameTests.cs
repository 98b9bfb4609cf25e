// Frames of more than one page (Retype sizeBits 12-30) mapped with one capability: a 2 MiB frame
// as one large page that needs no page table, a 16 KiB frame as four pages, each mapped, used,
// protected and unmapped whole. An access the mapping no longer allows is made by a child thread,
// whose page fault the test then sees in ThreadWait.
using System;
using Vireo.Abi;
using Vireo.User;
using T = Vireo.User.Testing.TestRunner;

namespace Vireo.Bootstrap.Tests;

static unsafe class FrameTests
{
    private const ulong TwoMiB = 1UL << 21;
    private const ulong BigRegion = 0x0000_5200_0000_0000;     // 1 GiB aligned, used by nothing else
    private const ulong SmallRegion = 0x0000_5300_0000_0000;
    private const ulong ChildStack = 0x0000_5000_0010_0000;

    private static CapHandle s_memory;

    public static void Run(CapHandle memory)
    {
        s_memory = memory;
        T.Run("user.map_2MiB_frame", &TwoMiBFrame);
        T.Run("user.map_2MiB_frame_needs_no_page_table", &TwoMiBNeedsNoPageTable);
        T.Run("user.map_16KiB_frame", &SixteenKiBFrame);
    }

    private static ulong ReadWord(ulong address) => *(ulong*)address;

    private static ulong WriteWord(ulong address)
    {
        *(ulong*)address = 0x77;
        return 0;
    }

    // Runs fn(address) in a new thread; true when the thread ended with a page fault.
    private static bool ChildFaults(CapHandle u, delegate*<ulong, ulong> fn, ulong address)
    {
        if (ThreadBuilder.Create(u, fn, address, ChildStack, out LocalThread t) != Status.Ok) return false;
        Sys.ThreadStart(t.Thread);
        Sys.ThreadWait(t.Thread, out ThreadExitKind kind, out ulong code);
        ThreadBuilder.Destroy(ref t);
        return kind == ThreadExitKind.Faulted && code == 14;
    }

    private static void TwoMiBFrame()
    {
        if (!T.True(UserTests.Make(s_memory, ObjectType.Untyped, 22, out CapHandle u), "carve 4 MiB")) return;
        if (!T.True(UserTests.Make(u, ObjectType.Frame, 21, out CapHandle big), "retype a 2 MiB frame"))
        {
            UserTests.Release(u);
            return;
        }
        Sys.Identify(big, out _, out _, out int bits, out _);
        T.Equal(21, bits, "the capability says 2^21 bytes");
        CapHandle space = CSpace.SelfAddressSpace;
        T.Status(Status.NotAligned, Sys.Map(space, big, BigRegion + 0x1000, Rights.Read), "a page-aligned address is not enough");
        T.Status(Status.NotAligned, Sys.Map(space, big, BigRegion + TwoMiB / 2, Rights.Read), "1 MiB aligned is not enough");
        T.Status(Status.NotAligned, Sys.Map(space, big, BootstrapLayout.UserTop - TwoMiB / 2, Rights.Read), "not aligned comes first");
        T.Status(Status.OutOfRange, Sys.Map(space, big, BootstrapLayout.UserTop, Rights.Read), "past the user half");
        T.Status(Status.Ok, Sys.Map(space, big, BigRegion, Rights.Read | Rights.Write), "map at a 2 MiB boundary");
        ulong last = BigRegion + TwoMiB - 8;
        T.Equal(0, (long)(*(ulong*)BigRegion | *(ulong*)last), "zeroed at both ends");
        *(ulong*)BigRegion = 0x1111;
        *(ulong*)last = 0x2222;
        T.Equal(0x1111, (long)*(ulong*)BigRegion, "first word written and read");
        T.Equal(0x2222, (long)*(ulong*)last, "last word written and read");

        UserTests.Make(u, ObjectType.Frame, 12, out CapHandle small);
        T.Status(Status.Occupied, Sys.Map(space, small, BigRegion + 0x5000, Rights.Read), "a page inside the large page is occupied");
        T.Status(Status.Ok, Sys.Map(space, small, BigRegion + TwoMiB, Rights.Read), "the page just after it is free");
        T.Status(Status.Ok, Sys.Unmap(small), "unmap that page");

        T.Status(Status.Ok, Sys.Protect(big, Rights.Read), "protect the whole frame read-only");
        T.Equal(0x2222, (long)*(ulong*)last, "still readable");
        T.True(ChildFaults(u, &WriteWord, last), "a write to its last word faults");
        T.Status(Status.Ok, Sys.Protect(big, Rights.Read | Rights.Write), "writable again");
        T.True(!ChildFaults(u, &WriteWord, last), "the write now works");
        T.Equal(0x77, (long)*(ulong*)last, "and shows here");

        T.Status(Status.Ok, Sys.Unmap(big), "unmap");
        T.True(ChildFaults(u, &ReadWord, BigRegion), "reading its first word faults");
        T.True(ChildFaults(u, &ReadWord, last), "reading its last word faults");
        T.Status(Status.NotMapped, Sys.Unmap(big), "unmap twice");
        T.Status(Status.Ok, Sys.Map(space, small, BigRegion + 0x5000, Rights.Read), "a page fits where it was");
        T.Status(Status.Ok, Sys.Unmap(small), "and goes");
        T.Status(Status.Ok, Sys.Map(space, big, BigRegion, Rights.Read), "map it again");
        T.Equal(0x1111, (long)*(ulong*)BigRegion, "the same memory");
        CSpace.Release(small);
        T.Status(Status.Ok, Sys.Delete(big), "deleting the capability unmaps it");
        T.True(ChildFaults(u, &ReadWord, BigRegion), "gone");
        CSpace.Release(big);
        UserTests.Release(u);
    }

    // A 16 KiB address space has a pool of three page tables. A 2 MiB frame there takes two (a
    // page directory pointer table and a page directory), so a page in the next 2 MiB still finds
    // the page table it needs; had the frame taken a page table too, that page would not fit.
    private static void TwoMiBNeedsNoPageTable()
    {
        if (!T.True(UserTests.Make(s_memory, ObjectType.Untyped, 22, out CapHandle u), "carve 4 MiB")) return;
        UserTests.Make(u, ObjectType.Frame, 21, out CapHandle big);
        UserTests.Make(u, ObjectType.AddressSpace, 14, out CapHandle space);
        UserTests.Make(u, ObjectType.Frame, 12, out CapHandle a);
        UserTests.Make(u, ObjectType.Frame, 12, out CapHandle b);
        T.Status(Status.Ok, Sys.Map(space, big, BigRegion, Rights.Read | Rights.Write), "the 2 MiB frame");
        T.Status(Status.Ok, Sys.Map(space, a, BigRegion + TwoMiB, Rights.Read), "a page next to it: the third table");
        T.Status(Status.OutOfMemory, Sys.Map(space, b, BigRegion + 2 * TwoMiB, Rights.Read), "the pool holds no fourth");
        T.Status(Status.Ok, Sys.Delete(space), "the address space goes");
        T.Status(Status.Ok, Sys.Map(CSpace.SelfAddressSpace, big, BigRegion, Rights.Read), "and with it the frame's mapping");
        T.Status(Status.Ok, Sys.Unmap(big), "unmapped here");
        CSpace.Release(b);
        CSpace.Release(a);
        CSpace.Release(space);
        CSpace.Release(big);
        UserTests.Release(u);
    }

    private static void SixteenKiBFrame()
    {
        if (!T.True(UserTests.Make(s_memory, ObjectType.Untyped, 16, out CapHandle u), "carve 64 KiB")) return;
        UserTests.Make(u, ObjectType.Frame, 14, out CapHandle frame);
        UserTests.Make(u, ObjectType.Frame, 12, out CapHandle page);
        CapHandle space = CSpace.SelfAddressSpace;
        T.Status(Status.NotAligned, Sys.Map(space, frame, SmallRegion + 0x2000, Rights.Read), "8 KiB aligned is not enough");
        T.Status(Status.Ok, Sys.Map(space, page, SmallRegion + 0x3000, Rights.Read), "a page in the way");
        T.Status(Status.Occupied, Sys.Map(space, frame, SmallRegion, Rights.Read), "overlapping its last page: occupied");
        T.Status(Status.Ok, Sys.Unmap(page), "move the page");
        T.Status(Status.Ok, Sys.Map(space, page, SmallRegion, Rights.Read), "the refused map left nothing behind");
        T.Status(Status.Ok, Sys.Unmap(page), "unmap the page");

        T.Status(Status.Ok, Sys.Map(space, frame, SmallRegion, Rights.Read | Rights.Write), "map 16 KiB");
        for (ulong i = 0; i < 4; i++) *(ulong*)(SmallRegion + i * 4096 + 8) = 100 + i;
        T.Status(Status.Ok, Sys.Unmap(frame), "unmap");
        T.True(ChildFaults(u, &ReadWord, SmallRegion + 0x3000), "its last page is gone too");
        T.Status(Status.Ok, Sys.Map(space, frame, SmallRegion + 0x4000, Rights.Read), "map it at the next 16 KiB");
        long sum = 0;
        for (ulong i = 0; i < 4; i++) sum = sum * 1000 + (long)*(ulong*)(SmallRegion + 0x4000 + i * 4096 + 8);
        T.Equal(100_101_102_103, sum, "four contiguous pages, in order");
        T.True(ChildFaults(u, &WriteWord, SmallRegion + 0x7000), "mapped read-only: a write to its last page faults");
        T.Status(Status.Ok, Sys.Protect(frame, Rights.Read | Rights.Write), "protect makes every page writable");
        T.True(!ChildFaults(u, &WriteWord, SmallRegion + 0x7000), "the write works");
        T.Equal(0x77, (long)*(ulong*)(SmallRegion + 0x7000), "and shows here");
        CSpace.Release(page);
        CSpace.Release(frame);
        UserTests.Release(u);
    }
}
