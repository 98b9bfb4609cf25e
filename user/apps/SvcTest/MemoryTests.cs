// In-guest tests of process memory (issue 10, the process manager's side): first blocks sized from
// the program instead of 2 MiB, growing while running (SchemeOp.GrowMemory, MemoryRequest) up to
// the process's limit, and every byte back when a process ends. Children are svctest itself in a
// child mode ("svctest memory-grow", "svctest memory-heap") that report through their exit status.
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;
using T = Vireo.User.Testing.TestRunner;

static unsafe class MemoryTests
{
    private const ulong KiB = 1024, MiB = 1024 * 1024;
    private const ulong GrowLimit = 4 * MiB;
    private const ulong MapAt = 0x0000_5B00_0000_0000;
    private const int Many = 200;

    public static void Run()
    {
        T.Run("memory.blocks_fit_the_program", &BlocksFit);
        T.Run("memory.grow_until_the_limit", &GrowUntilLimit);
        T.Run("memory.heap_grows_through_the_parent", &HeapGrows);
        T.Run("memory.grow_statuses", &GrowStatuses);
        T.Run("memory.blocks_per_process_bounded", &BlocksBounded);
        T.Run("memory.hundreds_of_MiB_in_2MiB_frames", &HundredsOfMiB);
        T.Run("memory.two_hundred_small_processes", &ManySmall);
    }

    /// <summary>svctest started as a child of these tests: runs the child's part, true with its code.</summary>
    public static bool IsChild(out int code)
    {
        code = 0;
        if (Args.PositionalIs(0, "memory-grow")) code = GrowChild();
        else if (Args.PositionalIs(0, "memory-heap")) code = HeapChild();
        else if (Args.PositionalIs(0, "memory-blocks")) code = BlocksChild();
        else if (Args.PositionalIs(0, "memory-map")) code = MapChild();
        else return false;
        return true;
    }

    internal static ulong Free()
    {
        T.Status(Status.Ok, SchemeCall.Call(Namespace.Root, SchemeOp.MemInfo, 0, 0, 0, 0, 0, 0, out SchemeReply r), "mem info");
        return r.W1;
    }

    internal static Status Spawn(string argv, ulong limit, out ulong pid)
    {
        SchemeCall.Put(argv);
        for (int i = 0; i < argv.Length; i++) if (SchemeCall.Data[i] == (byte)' ') SchemeCall.Data[i] = 0;
        Status s = SchemeCall.Call(Namespace.Root, SchemeOp.Spawn, (ulong)SpawnFlags.NoRegister, 0, limit, argv.Length, 0, 0, out SchemeReply r);
        pid = r.W0;
        return s;
    }

    internal static ulong Wait(ulong pid)
    {
        T.Status(Status.Ok, SchemeCall.Call(Namespace.Root, SchemeOp.WaitChild, pid, 0, 0, 0, 0, 0, out SchemeReply r), "wait child");
        return r.W2;
    }

    internal static void Kill(ulong pid)
    {
        // A process that ended by itself needs no kill: Wait reaps it either way.
        _ = SchemeCall.Call(Namespace.Root, SchemeOp.Kill, pid, 0, 0, 0, 0, 0, out _);
        Wait(pid);
    }

    // A small program's memory is one block of a power of two, at most 512 KiB (was 2 MiB).
    private static void BlocksFit()
    {
        ulong before = Free();
        T.Status(Status.Ok, Spawn("initfs:/bin/fault 9", 0, out ulong pid), "spawn a small program that blocks");
        ulong taken = before - Free();
        T.True(taken >= 64 * KiB && taken <= 512 * KiB && (taken & (taken - 1)) == 0, "it holds one block of 64-512 KiB");
        Kill(pid);
        T.Equal((long)before, (long)Free(), "all of it is back when it ends");
    }

    private static void GrowUntilLimit()
    {
        ulong before = Free();
        T.Status(Status.Ok, Spawn("initfs:/bin/svctest memory-grow", GrowLimit, out ulong pid), "spawn a child with a 4 MiB limit");
        T.Equal(0, (long)Wait(pid), "it grew in 64 KiB blocks to exactly its limit, was refused OutOfMemory, and still worked");
        T.Equal((long)before, (long)Free(), "every block it grew is back when it ends");
    }

    private static void HeapGrows()
    {
        ulong before = Free();
        T.Status(Status.Ok, Spawn("initfs:/bin/svctest memory-heap", 0, out ulong pid), "spawn a child whose heap outgrows its first block");
        T.Equal(0, (long)Wait(pid), "its allocations were served by memory asked of the parent, intact");
        T.Equal((long)before, (long)Free(), "and that memory is back when it ends");
    }

    private static void GrowStatuses()
    {
        T.Status(Status.Ok, MemoryRequest.Held(out ulong held, out ulong limit), "ask what this process holds");
        T.True(held >= 64 * KiB && held < limit, "some memory, under its limit");
        T.Equal(256 << 20, (long)limit, "the default limit, 256 MiB");
        T.Status(Status.InvalidArgument, MemoryRequest.Grow(15, out _), "a block under 64 KiB");
        T.Status(Status.InvalidArgument, MemoryRequest.Grow(31, out _), "a block over 1 GiB");
        ulong before = Free();
        T.Status(Status.OutOfRange, SchemeCall.Call(Namespace.Root, SchemeOp.GrowMemory, 16, 0, 0, 0, 0, 0, out _), "slot 0 cannot take the block");
        T.Equal((long)before, (long)Free(), "and the block went back");
        T.Status(Status.Ok, MemoryRequest.Grow(16, out CapHandle u), "a 64 KiB block");
        T.Status(Status.Ok, Sys.Identify(u, out ObjectType type, out _, out int bits, out ulong room), "identify it");
        T.True(type == ObjectType.Untyped && bits == 16 && room == 64 * KiB, "an empty 64 KiB untyped in our slot");
        T.Status(Status.Ok, MemoryRequest.Held(out ulong after, out _), "held");
        T.Equal((long)(held + 64 * KiB), (long)after, "counted against this process");
        T.Equal((long)(before - 64 * KiB), (long)Free(), "taken from the free memory");
    }

    private static void BlocksBounded()
    {
        ulong before = Free();
        T.Status(Status.Ok, Spawn("initfs:/bin/svctest memory-blocks", 64 * MiB, out ulong pid), "spawn a child with a 64 MiB limit");
        T.Equal(0, (long)Wait(pid), "its 64 KiB requests were refused after 64 blocks, well under its limit");
        T.Equal((long)before, (long)Free(), "and they are back when it ends");
    }

    // 192 MiB in 2 MiB frames: 96 capability slots, where 4 KiB pages would need 49,152 (the CNode has 1,024).
    private static void HundredsOfMiB()
    {
        ulong before = Free();
        T.Status(Status.Ok, Spawn("initfs:/bin/svctest memory-map", 0, out ulong pid), "spawn a child that maps 192 MiB");
        T.Equal(0, (long)Wait(pid), "it mapped, wrote and read back every 2 MiB, with memory asked of the parent");
        T.Equal((long)before, (long)Free(), "and all of it is back when it ends");
    }

    // Many small processes at once: each takes a small block where it took 2 MiB, so 200 of them use
    // under a quarter of the 400 MiB that 2 MiB blocks would.
    private static void ManySmall()
    {
        ulong before = Free();
        ulong* pids = stackalloc ulong[Many];
        int started = 0;
        Status s = Status.Ok;
        while (started < Many && (s = Spawn("initfs:/bin/fault 9", 0, out pids[started])) == Status.Ok) started++;
        T.Status(Status.Ok, s, "every spawn succeeded");
        T.Equal(Many, started, "200 processes started");
        ulong used = before - Free();
        T.True(used <= (ulong)Many * 512 * KiB, "they hold at most 512 KiB each, a quarter of a 2 MiB block");
        for (int i = 0; i < started; i++) Kill(pids[i]);
        T.Equal((long)before, (long)Free(), "all their memory is back");
    }

    // --- the children ------------------------------------------------------------------------------

    private static int GrowChild()
    {
        if (MemoryRequest.Held(out ulong first, out ulong limit) != Status.Ok) return 2;
        if (limit != GrowLimit) return 3;
        if (MemoryRequest.Grow(23, out _) != Status.OutOfMemory) return 4;   // 8 MiB: beyond the limit at once
        int granted = 0;
        CapHandle last = default;
        Status s;
        while ((s = MemoryRequest.Grow(16, out CapHandle u)) == Status.Ok)
        {
            granted++;
            last = u;
        }
        if (s != Status.OutOfMemory) return 5;
        if (MemoryRequest.Held(out ulong held, out _) != Status.Ok || held != limit) return 6;
        if ((ulong)granted * 64 * KiB != limit - first) return 7;
        // Still working: a page from the last block, mapped, written and read back.
        if (CSpace.Make(last, ObjectType.Frame, 12, out CapHandle frame) != Status.Ok) return 8;
        if (Sys.Map(CSpace.SelfAddressSpace, frame, MapAt, Rights.Read | Rights.Write) != Status.Ok) return 9;
        var p = (ulong*)MapAt;
        p[511] = 0xC0FFEE;
        return p[511] == 0xC0FFEE && p[0] == 0 ? 0 : 10;
    }

    private static int BlocksChild()
    {
        int granted = 0;
        Status s;
        while ((s = MemoryRequest.Grow(16, out _)) == Status.Ok) granted++;
        if (s != Status.OutOfMemory) return 2;
        if (MemoryRequest.Held(out ulong held, out ulong limit) != Status.Ok) return 3;
        if (granted != 63 || held >= limit) return 4;   // the first block and 63 more
        return MemoryRequest.Grow(20, out _) == Status.OutOfMemory ? 0 : 5;   // larger blocks too
    }

    private static int MapChild()
    {
        const ulong Base = 0x0000_5C00_0000_0000, Bytes = 192 * MiB;
        if (MemoryRequest.MapNew(Base, Bytes, out ulong mapped) != Status.Ok || mapped != Bytes) return 2;
        for (ulong at = 0; at < Bytes; at += 2 * MiB) *(ulong*)(Base + at + 8) = at;
        for (ulong at = 0; at < Bytes; at += 2 * MiB)
            if (*(ulong*)(Base + at + 8) != at || *(ulong*)(Base + at) != 0) return 3;
        if (MemoryRequest.Held(out ulong held, out _) != Status.Ok || held < Bytes) return 4;
        return MemoryRequest.MapNew(Base + 1024 * MiB, 0x1001, out _) == Status.NotAligned ? 0 : 5;
    }

    private static int HeapChild()
    {
        if (MemoryRequest.Held(out ulong first, out _) != Status.Ok) return 2;
        const int Arrays = 24;   // 1.5 MiB, past the 256 KiB heap of the first block
        var arrays = new byte[Arrays][];
        for (int i = 0; i < Arrays; i++)
        {
            arrays[i] = new byte[64 * 1024];
            arrays[i][0] = (byte)i;
            arrays[i][65535] = (byte)(i + 1);
        }
        for (int i = 0; i < Arrays; i++)
            if (arrays[i][0] != (byte)i || arrays[i][65535] != (byte)(i + 1)) return 3;
        if (MemoryRequest.Held(out ulong held, out _) != Status.Ok) return 4;
        return held > first ? 0 : 5;
    }
}
