// The user-space half of the in-guest test suite (the kernel runs its own tests first). Run by
// the bootstrap when the kernel command line says "test": every syscall's documented statuses,
// capability rights and revocation, retype arithmetic, mappings, threads, processes built from
// the initfs, faults that stop only the faulting process, and memory that always comes back.
using System;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Testing;
using T = Vireo.User.Testing.TestRunner;

namespace Vireo.Bootstrap.Tests;

static unsafe class UserTests
{
    private static CapHandle s_memory;
    private static InitfsImage s_initfs;
    private const ulong ScratchPage = 0x0000_5000_0000_0000;
    // The bootstrap's last capability slot: empty while these tests run (CSpace hands slots out
    // upwards from the first free one and is nowhere near the end yet).
    private const uint LastSlot = (1u << BootstrapLayout.CNodeSlotBits) - 1;

    public static int Run(ref InitfsImage initfs, CapHandle memory)
    {
        s_memory = memory;
        s_initfs = initfs;
        T.Run("user.syscall_unknown_number", &UnknownSyscall);
        T.Run("user.debug_write_statuses", &DebugWriteStatuses);
        T.Run("user.time_and_sleep", &TimeAndSleep);
        T.Run("user.cap_identify_bootstrap_caps", &IdentifyBootstrapCaps);
        T.Run("user.cap_invalid_stale_forged_handles", &InvalidHandles);
        T.Run("user.cap_copy_rights_only_shrink", &CopyRightsShrink);
        T.Run("user.cap_copy_statuses", &CopyStatuses);
        T.Run("user.cap_mint_and_move", &MintAndMove);
        T.Run("user.cap_revoke_deletes_derived", &RevokeDeletesDerived);
        T.Run("user.retype_statuses", &RetypeStatuses);
        T.Run("user.retype_arithmetic_and_reclaim", &RetypeArithmetic);
        T.Run("user.map_statuses", &MapStatuses);
        T.Run("user.map_shared_frame_two_addresses", &SharedFrame);
        T.Run("user.thread_statuses", &ThreadStatuses);
        T.Run("user.thread_create_start_exit", &ThreadRuns);
        T.Run("user.thread_suspend_resume", &ThreadSuspendResume);
        T.Run("user.thread_priorities_and_yield", &ThreadPriorities);
        T.Run("user.thread_suspends_itself", &SuspendSelf);
        T.Run("user.thread_objects_reused_after_delete", &ThreadReuse);
        T.Run("user.asid_exhaustion_is_out_of_memory", &AsidExhaustion);
        T.Run("user.process_spawn_hello", &SpawnHello);
        T.Run("user.process_exit_status", &ExitStatus);
        T.Run("user.process_arguments", &Arguments);
        T.Run("user.process_heap_grows_from_its_memory", &HeapGrows);
        T.Run("user.fault_page_fault_stops_only_child", &FaultPageFault);
        T.Run("user.fault_general_protection", &FaultGeneralProtection);
        T.Run("user.fault_invalid_opcode", &FaultInvalidOpcode);
        T.Run("user.fault_divide_error", &FaultDivide);
        T.Run("user.fault_stack_overflow_guard_page", &FaultStackOverflow);
        T.Run("user.fault_write_to_text", &FaultWriteText);
        T.Run("user.process_1000_spawn_destroy_balance", &ThousandProcesses);
        FrameTests.Run(memory);
        RegisterTests.Run(memory);
        ForeignAbiTests.Run(memory);
        LookupTests.Run(memory);
        TakeTests.Run(memory);
        IpcTests.Run(ref initfs, memory);
        ReplyTests.Run(memory);
        DeviceTests.Run(ref initfs, memory);
        PhysicalTests.Run(memory);
        CarveTests.Run();
        MsiTests.Run(memory);
        EcamTests.Run(memory);
        PreemptionTests.Run(memory);
        OwnCNodeRevokeTests.Run(memory);
        CounterTests.Run(memory);
        SmpThreadTests.Run(memory);
        T.Summary();
        return T.Failed;
    }

    // --- helpers -----------------------------------------------------------------------------

    private static ulong FreeBytes(CapHandle untyped)
    {
        Sys.Identify(untyped, out _, out _, out _, out ulong free);
        return free;
    }

    /// <summary>CSpace.Make as a test's check: true when the object was made.</summary>
    internal static bool Make(CapHandle from, ObjectType type, int bits, out CapHandle cap) =>
        CSpace.Make(from, type, bits, out cap) == Status.Ok;

    private static bool Carve(int bits, out CapHandle untyped) => Make(s_memory, ObjectType.Untyped, bits, out untyped);

    /// <summary>Revokes everything made from the untyped, then deletes it and frees its slot.</summary>
    internal static void Release(CapHandle untyped)
    {
        Sys.Revoke(untyped);
        CSpace.Release(untyped);
    }

    private static bool NewFrame(CapHandle from, out CapHandle frame) => Make(from, ObjectType.Frame, 12, out frame);

    private static void RunChild(ulong mode, out ThreadExitKind kind, out ulong code, out bool memoryBack, int memoryBits = 20)
    {
        kind = ThreadExitKind.Killed;
        code = 0;
        ulong before = FreeBytes(s_memory);
        Status s = ProcessBuilder.Spawn(ref s_initfs, "bin/fault", s_memory, memoryBits, mode, 0, out Process p);
        T.Status(Status.Ok, s, "spawn bin/fault");
        if (s == Status.Ok)
        {
            T.Status(Status.Ok, p.Wait(out kind, out code), "wait for the child");
            T.Status(Status.Ok, p.Destroy(), "destroy the child");
        }
        memoryBack = FreeBytes(s_memory) == before;
    }

    // --- syscalls and capabilities ---------------------------------------------------------------

    private static void UnknownSyscall()
    {
        T.Status(Status.UnknownSyscall, Sys.Call((Syscall)999), "number 999");
        T.Status(Status.UnknownSyscall, Sys.Call(Syscall.Count), "first number past the table");
    }

    private static void DebugWriteStatuses()
    {
        byte* text = stackalloc byte[2];
        text[0] = (byte)'.';
        text[1] = (byte)'\n';
        T.Status(Status.Ok, Sys.DebugWrite(text, 2), "a valid buffer");
        T.Status(Status.BadAddress, Sys.DebugWrite((byte*)0x10, 1), "page 0");
        T.Status(Status.BadAddress, Sys.DebugWrite((byte*)0xFFFFFFFF80100000, 8), "kernel memory");
        T.Status(Status.BadAddress, Sys.DebugWrite((byte*)0x00007FFFFFFFFFF0, 64), "wraps past the user half");
        T.Status(Status.OutOfRange, Sys.DebugWrite(text, 1 << 20), "longer than allowed");
    }

    private static void TimeAndSleep()
    {
        ulong t0 = Sys.TimeNanos();
        T.Status(Status.Ok, Sys.Sleep(5_000_000), "sleep 5 ms");
        ulong t1 = Sys.TimeNanos();
        T.True(t1 >= t0 + 5_000_000, "at least 5 ms passed");
        T.True(t1 < t0 + 2_000_000_000, "and not seconds");
        T.Status(Status.Ok, Sys.Yield(), "yield");
    }

    private static void IdentifyBootstrapCaps()
    {
        T.Status(Status.Ok, Sys.Identify(CSpace.Self, out ObjectType type, out Rights rights, out int bits, out _), "identify own CNode");
        T.Equal((long)ObjectType.CNode, (long)type, "slot 1 is a CNode");
        T.Equal((long)Rights.All, (long)rights, "with all rights");
        T.Equal(BootstrapLayout.CNodeSlotBits, bits, "of 2^CNodeSlotBits slots");
        Sys.Identify(CSpace.SelfAddressSpace, out type, out _, out _, out _);
        T.Equal((long)ObjectType.AddressSpace, (long)type, "slot 2 is an address space");
        Sys.Identify(new CapHandle(BootstrapSlots.Thread, 0), out type, out _, out _, out _);
        T.Equal((long)ObjectType.Thread, (long)type, "slot 3 is a thread");
        Sys.Identify(s_memory, out type, out _, out bits, out ulong free);
        T.Equal((long)ObjectType.Untyped, (long)type, "memory is untyped");
        T.True(free <= (1UL << bits), "free bytes within its size");
    }

    private static void InvalidHandles()
    {
        T.Status(Status.InvalidCapability, Sys.Identify(new CapHandle(0), out _, out _, out _, out _), "null handle");
        T.Status(Status.InvalidCapability, Sys.Identify(new CapHandle(LastSlot, 0), out _, out _, out _, out _), "empty slot");
        T.Status(Status.InvalidCapability, Sys.Identify(new CapHandle(60000, 0), out _, out _, out _, out _), "index beyond the CNode");
        T.Status(Status.InvalidCapability, Sys.Identify(new CapHandle(1UL << 40 | BootstrapSlots.CNode), out _, out _, out _, out _), "forged high bits");
        T.Status(Status.InvalidCapability, Sys.Identify(new CapHandle(BootstrapSlots.CNode, 7), out _, out _, out _, out _), "wrong generation");
        if (!T.True(Carve(16, out CapHandle u), "carve")) return;
        NewFrame(u, out CapHandle f);
        T.Status(Status.Ok, Sys.Delete(f), "delete the frame");
        T.Status(Status.InvalidCapability, Sys.Identify(f, out _, out _, out _, out _), "stale handle after delete");
        // A new capability in the very same slot: same index, new generation; the old handle stays dead.
        T.Status(Status.Ok, Sys.Retype(u, ObjectType.Frame, 12, CSpace.Self, f.Index, 1, out CapHandle again), "reuse the slot");
        T.Equal(f.Index, again.Index, "the same slot");
        T.True(again.Generation != f.Generation, "a new generation");
        T.Status(Status.InvalidCapability, Sys.Delete(f), "stale handle never names the new capability");
        T.Status(Status.Ok, Sys.Identify(again, out _, out _, out _, out _), "the fresh handle works");
        CSpace.Release(again);
        Release(u);
    }

    private static void CopyRightsShrink()
    {
        if (!T.True(Carve(16, out CapHandle u), "carve")) return;
        NewFrame(u, out CapHandle f);
        CSpace.TryAlloc(out uint a);
        CSpace.TryAlloc(out uint b);
        T.Status(Status.Ok, Sys.Copy(f, CSpace.Self, a, Rights.Read | Rights.Map, out CapHandle ro), "copy read-only");
        Sys.Identify(ro, out _, out Rights r1, out _, out _);
        T.Equal((long)(Rights.Read | Rights.Map), (long)r1, "copy has the reduced rights");
        T.Status(Status.Ok, Sys.Copy(ro, CSpace.Self, b, Rights.All, out CapHandle again), "copy asking for all rights");
        Sys.Identify(again, out _, out Rights r2, out _, out _);
        T.Equal((long)(Rights.Read | Rights.Map), (long)r2, "rights never grow");
        T.Status(Status.InsufficientRights, Sys.Map(CSpace.SelfAddressSpace, ro, ScratchPage, Rights.Read | Rights.Write), "a read-only copy cannot map writable");
        CSpace.Free(a);
        CSpace.Free(b);
        CSpace.Release(f);
        Release(u);
    }

    private static void CopyStatuses()
    {
        if (!T.True(Carve(16, out CapHandle u), "carve")) return;
        NewFrame(u, out CapHandle f);
        CSpace.TryAlloc(out uint a);
        T.Status(Status.NotCopyable, Sys.Copy(u, CSpace.Self, a, Rights.All, out _), "untyped memory is not copyable");
        T.Status(Status.Occupied, Sys.Copy(f, CSpace.Self, f.Index, Rights.All, out _), "destination occupied");
        T.Status(Status.OutOfRange, Sys.Copy(f, CSpace.Self, 0, Rights.All, out _), "slot 0 is never a capability");
        T.Status(Status.OutOfRange, Sys.Copy(f, CSpace.Self, LastSlot + 905, Rights.All, out _), "index beyond the CNode");
        T.Status(Status.WrongType, Sys.Copy(f, f, a, Rights.All, out _), "destination is not a CNode");
        T.Status(Status.InvalidArgument, Sys.Call(Syscall.CapCopy, f.Value, CSpace.Self.Value, a, 0x1000), "unknown rights bits");
        T.Status(Status.InvalidCapability, Sys.Copy(new CapHandle(4000, 0), CSpace.Self, a, Rights.All, out _), "empty source");
        CSpace.Free(a);
        CSpace.Release(f);
        Release(u);
    }

    private static void MintAndMove()
    {
        if (!T.True(Carve(16, out CapHandle u), "carve")) return;
        NewFrame(u, out CapHandle f);
        CSpace.TryAlloc(out uint a);
        T.Status(Status.WrongType, Sys.Mint(f, CSpace.Self, a, Rights.All, 5, out _), "only endpoints and notifications take badges");
        T.Status(Status.Ok, Sys.Move(f, CSpace.Self, a, out CapHandle moved), "move");
        T.Status(Status.InvalidCapability, Sys.Identify(f, out _, out _, out _, out _), "the old slot is empty");
        T.Status(Status.Ok, Sys.Identify(moved, out ObjectType type, out _, out _, out _), "the new handle works");
        T.Equal((long)ObjectType.Frame, (long)type, "still the frame");
        T.Status(Status.Occupied, Sys.Move(moved, CSpace.Self, a, out _), "moving onto itself: occupied");
        CSpace.Free(a);
        CSpace.Release(f);
        Release(u);
    }

    private static void RevokeDeletesDerived()
    {
        if (!T.True(Carve(16, out CapHandle u), "carve")) return;
        NewFrame(u, out CapHandle f);
        CSpace.TryAlloc(out uint a);
        CSpace.TryAlloc(out uint b);
        Sys.Copy(f, CSpace.Self, a, Rights.All, out CapHandle child);
        Sys.Copy(child, CSpace.Self, b, Rights.Read | Rights.Map, out CapHandle grandchild);
        T.Status(Status.Ok, Sys.Revoke(f), "revoke");
        T.Status(Status.InvalidCapability, Sys.Identify(child, out _, out _, out _, out _), "child gone");
        T.Status(Status.InvalidCapability, Sys.Identify(grandchild, out _, out _, out _, out _), "grandchild gone");
        T.Status(Status.Ok, Sys.Identify(f, out _, out _, out _, out _), "the revoked capability itself stays");
        ulong before = FreeBytes(u);
        T.Status(Status.Ok, Sys.Delete(f), "delete the last capability");
        T.Equal((long)(before + 4096), (long)FreeBytes(u), "its memory returns to the untyped");
        CSpace.Free(a);
        CSpace.Free(b);
        CSpace.Release(f);
        Release(u);
    }

    private static void RetypeStatuses()
    {
        if (!T.True(Carve(16, out CapHandle u), "carve")) return;
        NewFrame(u, out CapHandle f);
        CSpace.TryAlloc(out uint a);
        T.Status(Status.InvalidArgument, Sys.Retype(u, (ObjectType)77, 0, CSpace.Self, a, 1, out _), "unknown type");
        T.Status(Status.InvalidArgument, Sys.Retype(u, ObjectType.Frame, 11, CSpace.Self, a, 1, out _), "frame smaller than a page");
        T.Status(Status.InvalidArgument, Sys.Retype(u, ObjectType.Frame, 31, CSpace.Self, a, 1, out _), "frame larger than 1 GiB");
        T.Status(Status.InvalidArgument, Sys.Retype(u, ObjectType.Frame, 12, CSpace.Self, a, 0, out _), "count 0");
        T.Status(Status.WrongType, Sys.Retype(f, ObjectType.Frame, 12, CSpace.Self, a, 1, out _), "retype from a frame");
        T.Status(Status.OutOfMemory, Sys.Retype(u, ObjectType.Untyped, 17, CSpace.Self, a, 1, out _), "bigger than the untyped");
        T.Status(Status.Occupied, Sys.Retype(u, ObjectType.Frame, 12, CSpace.Self, f.Index, 1, out _), "destination occupied");
        T.Status(Status.OutOfRange, Sys.Retype(u, ObjectType.Frame, 12, CSpace.Self, LastSlot, 2, out _), "destination range runs off the CNode");
        T.Status(Status.InvalidCapability, Sys.Retype(new CapHandle(4001, 0), ObjectType.Frame, 12, CSpace.Self, a, 1, out _), "empty untyped slot");
        CSpace.Free(a);
        CSpace.Release(f);
        Release(u);
    }

    private static void RetypeArithmetic()
    {
        if (!T.True(Carve(16, out CapHandle u), "carve")) return;
        T.Equal(65536, (long)FreeBytes(u), "a fresh 64 KiB untyped is all free");
        NewFrame(u, out CapHandle f1);
        T.Equal(65536 - 4096, (long)FreeBytes(u), "one frame");
        CSpace.TryAlloc(out uint s2);
        T.Status(Status.Ok, Sys.Retype(u, ObjectType.CNode, 6, CSpace.Self, s2, 1, out CapHandle cn), "a 64-slot CNode (4 KiB)");
        T.Equal(65536 - 8192, (long)FreeBytes(u), "CNode of 2^6 slots takes 4 KiB");
        CSpace.TryAlloc(out uint s3);
        T.Status(Status.Ok, Sys.Retype(u, ObjectType.AddressSpace, 14, CSpace.Self, s3, 1, out CapHandle space), "a 16 KiB address space");
        // Aligned to its size: 8 KiB used, next 16 KiB boundary is 16 KiB, so 16 + 16 = 32 KiB used.
        T.Equal(65536 - 32768, (long)FreeBytes(u), "address space aligned to 16 KiB");
        Sys.Delete(space);
        T.Equal(65536 - 8192, (long)FreeBytes(u), "deleting the newest returns it and its padding");
        Sys.Delete(cn);
        Sys.Delete(f1);
        T.Equal(65536, (long)FreeBytes(u), "everything back");
        CSpace.Release(f1);
        CSpace.Free(s2);
        CSpace.Free(s3);
        Release(u);
    }

    private static void MapStatuses()
    {
        if (!T.True(Carve(16, out CapHandle u), "carve")) return;
        NewFrame(u, out CapHandle f);
        NewFrame(u, out CapHandle g);
        CapHandle space = CSpace.SelfAddressSpace;
        T.Status(Status.NotAligned, Sys.Map(space, f, ScratchPage + 8, Rights.Read), "unaligned");
        T.Status(Status.OutOfRange, Sys.Map(space, f, 0xFFFFFFFF80000000, Rights.Read), "kernel half");
        T.Status(Status.OutOfRange, Sys.Map(space, f, 0, Rights.Read), "page 0");
        T.Status(Status.InvalidArgument, Sys.Map(space, f, ScratchPage, Rights.Write | Rights.Execute), "writable and executable");
        T.Status(Status.WrongType, Sys.Map(f, f, ScratchPage, Rights.Read), "not an address space");
        T.Status(Status.Ok, Sys.Map(space, f, ScratchPage, Rights.Read | Rights.Write), "map");
        T.Status(Status.Occupied, Sys.Map(space, f, ScratchPage + 4096, Rights.Read), "a frame capability maps once");
        T.Status(Status.Occupied, Sys.Map(space, g, ScratchPage, Rights.Read), "address already mapped");
        *(ulong*)ScratchPage = 0x5555;
        T.Status(Status.Ok, Sys.Protect(f, Rights.Read), "protect read-only");
        T.Equal(0x5555, (long)*(ulong*)ScratchPage, "still readable");
        T.Status(Status.InvalidArgument, Sys.Protect(f, Rights.Write | Rights.Execute), "protect to W+X");
        T.Status(Status.Ok, Sys.Unmap(f), "unmap");
        T.Status(Status.NotMapped, Sys.Unmap(f), "unmap twice");
        T.Status(Status.NotMapped, Sys.Protect(f, Rights.Read), "protect an unmapped frame");
        CSpace.Release(f);
        CSpace.Release(g);
        Release(u);
    }

    private static void SharedFrame()
    {
        if (!T.True(Carve(16, out CapHandle u), "carve")) return;
        NewFrame(u, out CapHandle f);
        CSpace.TryAlloc(out uint cs);
        Sys.Copy(f, CSpace.Self, cs, Rights.Read | Rights.Map, out CapHandle view);
        T.Status(Status.Ok, Sys.Map(CSpace.SelfAddressSpace, f, ScratchPage, Rights.Read | Rights.Write), "map writable");
        T.Status(Status.Ok, Sys.Map(CSpace.SelfAddressSpace, view, ScratchPage + 0x10000, Rights.Read), "map a read-only view");
        T.Equal(0, (long)*(ulong*)ScratchPage, "a retyped frame starts zeroed");
        *(ulong*)ScratchPage = 0xABCDEF;
        T.Equal(0xABCDEF, (long)*(ulong*)(ScratchPage + 0x10000), "both addresses show the same memory");
        T.Status(Status.Ok, Sys.Delete(view), "deleting the view unmaps it");
        T.Status(Status.Ok, Sys.Delete(f), "deleting the frame unmaps it");
        NewFrame(u, out CapHandle other);
        T.Status(Status.Ok, Sys.Map(CSpace.SelfAddressSpace, other, ScratchPage, Rights.Read), "the address is free again");
        CSpace.Release(other);
        CSpace.Free(cs);
        CSpace.Release(f);
        Release(u);
    }

    // --- threads --------------------------------------------------------------------------------

    internal static ulong s_counter;

    internal static ulong CountTo(ulong n)
    {
        for (ulong i = 0; i < n; i++) s_counter++;
        return 7;
    }

    internal static ulong SpinForever(ulong unused)
    {
        while (true) s_counter++;
    }

    private static void ThreadStatuses()
    {
        if (!T.True(Carve(16, out CapHandle u), "carve")) return;
        CSpace.TryAlloc(out uint ts);
        Sys.Retype(u, ObjectType.Thread, 0, CSpace.Self, ts, 1, out CapHandle thread);
        T.Status(Status.BadState, Sys.ThreadStart(thread), "start before configure");
        T.Status(Status.BadState, Sys.ThreadResume(thread), "resume a thread that is not suspended");
        T.Status(Status.BadAddress, Sys.ThreadConfigure(thread, (ThreadConfig*)0x20), "config pointer in page 0");
        ThreadConfig c = default;
        c.CNode = CSpace.Self.Value;
        c.AddressSpace = CSpace.SelfAddressSpace.Value;
        c.Entry = 0xFFFFFFFF80000000;
        c.Stack = ScratchPage + 4096;
        T.Status(Status.OutOfRange, Sys.ThreadConfigure(thread, &c), "entry in the kernel half");
        c.Entry = 0x400000;
        c.Stack = ScratchPage + 4096 - 8;
        T.Status(Status.NotAligned, Sys.ThreadConfigure(thread, &c), "stack not 16-byte aligned");
        c.Stack = ScratchPage + 4096;
        c.IpcBuffer = ScratchPage + 8;
        T.Status(Status.NotAligned, Sys.ThreadConfigure(thread, &c), "IPC buffer not page aligned");
        c.IpcBuffer = 0;
        c.AddressSpace = CSpace.Self.Value;
        T.Status(Status.WrongType, Sys.ThreadConfigure(thread, &c), "address space handle names a CNode");
        T.Status(Status.InvalidArgument, Sys.ThreadWait(new CapHandle(BootstrapSlots.Thread, 0), out _, out _), "wait for oneself");
        T.Status(Status.InvalidArgument, Sys.ThreadSetPriority(thread, (SchedClass)9, 0), "unknown class");
        T.Status(Status.InvalidArgument, Sys.ThreadSetPriority(thread, SchedClass.RealTimeFifo, 32), "real-time priority out of range");
        T.Status(Status.WrongType, Sys.ThreadStart(CSpace.Self), "start a CNode");
        CSpace.Free(ts);
        Release(u);
    }

    private static void ThreadRuns()
    {
        if (!T.True(Carve(16, out CapHandle u), "carve")) return;
        s_counter = 0;
        T.Status(Status.Ok, ThreadBuilder.Create(u, &CountTo, 1000, ScratchPage, out LocalThread t), "create");
        T.Status(Status.Ok, Sys.ThreadStart(t.Thread), "start");
        T.Status(Status.BadState, Sys.ThreadStart(t.Thread), "start twice");
        T.Status(Status.Ok, Sys.ThreadWait(t.Thread, out ThreadExitKind kind, out ulong code), "wait");
        T.Equal((long)ThreadExitKind.Exited, (long)kind, "it exited");
        T.Equal(7, (long)code, "with its function's result");
        T.Equal(1000, (long)s_counter, "it ran in this address space");
        T.Status(Status.Ok, Sys.ThreadWait(t.Thread, out _, out code), "waiting for a dead thread returns at once");
        ThreadBuilder.Destroy(ref t);
        T.Equal(65536, (long)FreeBytes(u), "thread and stack returned");
        Release(u);
    }

    private static void ThreadSuspendResume()
    {
        if (!T.True(Carve(16, out CapHandle u), "carve")) return;
        s_counter = 0;
        ThreadBuilder.Create(u, &SpinForever, 0, ScratchPage, out LocalThread t);
        Sys.ThreadStart(t.Thread);
        Sys.Sleep(3_000_000);
        T.Status(Status.Ok, Sys.ThreadSuspend(t.Thread), "suspend a running thread");
        ulong frozen = s_counter;
        T.True(frozen > 0, "it ran while we slept (preemptive scheduling)");
        Sys.Sleep(3_000_000);
        T.Equal((long)frozen, (long)s_counter, "suspended: no progress");
        T.Status(Status.BadState, Sys.ThreadSuspend(t.Thread), "suspend twice");
        T.Status(Status.Ok, Sys.ThreadResume(t.Thread), "resume");
        Sys.Sleep(3_000_000);
        T.True(s_counter > frozen, "runs again after resume");
        ThreadBuilder.Destroy(ref t);
        ulong after = s_counter;
        Sys.Sleep(2_000_000);
        T.Equal((long)after, (long)s_counter, "deleting the thread object stops it");
        Release(u);
    }

    private static void ThreadPriorities()
    {
        if (!T.True(Carve(16, out CapHandle u), "carve")) return;
        s_counter = 0;
        ThreadBuilder.Create(u, &SpinForever, 0, ScratchPage, out LocalThread t);
        // A runaway real-time thread at the top priority: its budget (the kernel's default, 9.5 ms per
        // 10 ms period) still lets us run. It outranks us, so the start switches to it at once, and the
        // start returns here only when the budget is spent and the thread throttled: the window holds
        // its whole run. At least the budget (less 5%): it held the CPU that long. At most two periods
        // (the period is counted from the scheduler's last tick before the priority was set, so a
        // start late in a tick can roll into a second period before the budget runs out) plus slack
        // for a guest under TCG, whose timers follow the host's wall clock.
        T.Status(Status.Ok, Sys.ThreadSetPriority(t.Thread, SchedClass.RealTimeFifo, 31), "real-time FIFO 31");
        ulong t0 = Sys.TimeNanos();
        Status started = Sys.ThreadStart(t.Thread);
        ulong elapsed = Sys.TimeNanos() - t0;
        T.Status(Status.Ok, started, "start");
        T.True(s_counter > 0, "the real-time thread ran first");
        T.True(elapsed >= 9_000_000, "it held the CPU for its budget before we ran again");
        T.True(elapsed < 50_000_000, "and throttling gave the CPU back within the period (plus slack)");
        ThreadBuilder.Destroy(ref t);
        Release(u);
    }

    private static ulong SuspendMyself(ulong unused)
    {
        var self = new CapHandle(s_selfThreadHandle);
        Status s = Sys.ThreadSuspend(self);
        return s == Status.Ok ? 5UL : 6UL;
    }

    private static ulong s_selfThreadHandle;

    private static void SuspendSelf()
    {
        if (!T.True(Carve(16, out CapHandle u), "carve")) return;
        ThreadBuilder.Create(u, &SuspendMyself, 0, ScratchPage, out LocalThread t);
        s_selfThreadHandle = t.Thread.Value;
        Sys.ThreadStart(t.Thread);
        Sys.Sleep(2_000_000);
        T.Status(Status.BadState, Sys.ThreadStart(t.Thread), "it is not inactive any more");
        T.Status(Status.Ok, Sys.ThreadResume(t.Thread), "resume the thread that suspended itself");
        Sys.ThreadWait(t.Thread, out _, out ulong code);
        T.Equal(5, (long)code, "its suspend call returned Ok when it was resumed");
        ThreadBuilder.Destroy(ref t);
        Release(u);
    }

    // Threads hold copies of their CNode capability; deleting a thread must unlink them, or the
    // next object made in the same memory would corrupt the derivation tree.
    private static void ThreadReuse()
    {
        if (!T.True(Carve(16, out CapHandle u), "carve")) return;
        int ok = 0;
        for (int i = 0; i < 100; i++)
        {
            if (ThreadBuilder.Create(u, &CountTo, 1, ScratchPage, out LocalThread t) != Status.Ok) break;
            Sys.ThreadStart(t.Thread);
            Sys.ThreadWait(t.Thread, out _, out ulong code);
            if (code == 7) ok++;
            ThreadBuilder.Destroy(ref t);
        }
        T.Equal(100, ok, "100 threads made and deleted in the same memory");
        CSpace.TryAlloc(out uint cs);
        T.Status(Status.Ok, Sys.Copy(CSpace.Self, CSpace.Self, cs, Rights.Read, out CapHandle copy), "the CNode capability's tree still works");
        T.Status(Status.Ok, Sys.Revoke(copy), "revoke walks it");
        T.Status(Status.Ok, Sys.Delete(copy), "delete unlinks it");
        CSpace.Free(cs);
        T.Equal(65536, (long)FreeBytes(u), "all thread memory returned");
        Release(u);
    }

    private static void AsidExhaustion()
    {
        // 16,384 address spaces of 4 KiB need more ASIDs than exist: the last batch must fail
        // cleanly, leave its slots empty, and the system must go on.
        // Untyped memory is handed out upwards from a watermark: the small piece first.
        if (!T.True(Carve(21, out CapHandle cu), "carve 2 MiB")) return;
        if (!T.True(Carve(26, out CapHandle u), "carve 64 MiB"))
        {
            Release(cu);
            return;
        }
        CSpace.TryAlloc(out uint cs);
        Sys.Retype(cu, ObjectType.CNode, 15, CSpace.Self, cs, 1, out CapHandle big);
        Status last = Status.Ok;
        uint made = 0;
        for (uint batch = 0; batch < 4 && last == Status.Ok; batch++)
        {
            uint first = batch == 0 ? 1u : batch * 4096;
            uint count = batch == 0 ? 4095u : 4096u;
            last = Sys.Retype(u, ObjectType.AddressSpace, 12, big, first, count, out _);
            if (last == Status.Ok) made += count;
        }
        T.Status(Status.OutOfMemory, last, "ASIDs ran out: OutOfMemory");
        T.True(made >= 8192, "thousands of address spaces were made first");
        T.Status(Status.Ok, Sys.Revoke(u), "revoke them all");
        T.Equal(1L << 26, (long)FreeBytes(u), "their memory is back");
        Sys.Delete(big);
        CSpace.Free(cs);
        Release(u);
        Release(cu);
        T.Status(Status.Ok, ProcessBuilder.Spawn(ref s_initfs, "bin/hello", s_memory, 20, 0, 0, out Process p), "processes can still be made");
        p.Wait(out _, out _);
        p.Destroy();
    }

    // --- processes and faults ---------------------------------------------------------------

    private static void SpawnHello()
    {
        ulong before = FreeBytes(s_memory);
        T.Status(Status.Ok, ProcessBuilder.Spawn(ref s_initfs, "bin/hello", s_memory, 20, 0, 0, out Process p), "spawn");
        T.Status(Status.Ok, p.Wait(out ThreadExitKind kind, out ulong code), "wait");
        T.Equal((long)ThreadExitKind.Exited, (long)kind, "exited normally");
        T.Equal(0, (long)code, "status 0");
        T.Status(Status.Ok, p.Destroy(), "destroy");
        T.Equal((long)before, (long)FreeBytes(s_memory), "every byte returned");
        T.Status(Status.NotFound, ProcessBuilder.Spawn(ref s_initfs, "bin/nonexistent", s_memory, 20, 0, 0, out _), "missing program");
    }

    private static void ExitStatus()
    {
        RunChild(6, out ThreadExitKind kind, out ulong code, out bool back);
        T.Equal((long)ThreadExitKind.Exited, (long)kind, "exited");
        T.Equal(42, (long)code, "status 42 reaches the waiter");
        T.True(back, "memory returned");
    }

    private static void Arguments()
    {
        ulong before = FreeBytes(s_memory);
        var args = new string[] { "abc", "de" };
        Status s = ProcessBuilder.Spawn(ref s_initfs, "bin/fault", args, s_memory, ProcessOptions.Default(20), 10, 0, out Process p);
        T.Status(Status.Ok, s, "spawn with arguments");
        if (s != Status.Ok) return;
        p.Wait(out ThreadExitKind kind, out ulong code);
        T.Equal((long)ThreadExitKind.Exited, (long)kind, "exited");
        T.Equal(303, (long)code, "three arguments (path, abc, de) and argv[1] has 3 characters");
        p.Destroy();
        T.Equal((long)before, (long)FreeBytes(s_memory), "memory returned");
    }

    private static void HeapGrows()
    {
        // A 2 MiB block (512 KiB of heap memory): the collector's size classes round the 1 KiB
        // arrays up to 1,280-byte cells.
        RunChild(11, out ThreadExitKind kind, out ulong code, out bool back, memoryBits: 21);
        T.Equal((long)ThreadExitKind.Exited, (long)kind, "exited");
        T.Equal(77, (long)code, "256 KiB allocated through a heap that grew from its own memory");
        T.True(back, "the grown heap went back with the process");
    }

    private static void ExpectFault(ulong mode, ulong vector)
    {
        RunChild(mode, out ThreadExitKind kind, out ulong code, out bool back);
        T.Equal((long)ThreadExitKind.Faulted, (long)kind, "the child was stopped by its fault");
        T.Equal((long)vector, (long)code, "the fault vector is reported");
        T.True(back, "its memory went back to the parent");
    }

    private static void FaultPageFault() => ExpectFault(1, 14);
    private static void FaultGeneralProtection() => ExpectFault(2, 13);
    private static void FaultInvalidOpcode() => ExpectFault(3, 6);
    private static void FaultDivide() => ExpectFault(4, 0);
    private static void FaultStackOverflow() => ExpectFault(5, 14);
    private static void FaultWriteText() => ExpectFault(7, 14);

    private static void ThousandProcesses()
    {
        ulong before = FreeBytes(s_memory);
        int ok = 0;
        for (int i = 0; i < 1000; i++)
        {
            if (ProcessBuilder.Spawn(ref s_initfs, "bin/fault", s_memory, 20, 6, 0, out Process p) != Status.Ok) break;
            p.Wait(out ThreadExitKind kind, out ulong code);
            if (kind == ThreadExitKind.Exited && code == 42) ok++;
            p.Destroy();
        }
        T.Equal(1000, ok, "1000 processes ran to completion");
        T.Equal((long)before, (long)FreeBytes(s_memory), "free memory exactly where it started");
    }
}
