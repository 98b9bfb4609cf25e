// Nucleus benchmarks, run by the bootstrap when the kernel command line says "bench". Each
// prints "BENCH <name> <value>": the mean TSC delta per operation, which under
// `-icount shift=0,sleep=off` is a count of guest instructions (./vireo bench).
using System;
using Vireo.Abi;
using Vireo.User;

static unsafe class UserBenchmarks
{
    private const ulong ScratchPage = 0x0000_5000_0000_0000;
    private static CapHandle s_memory;
    private static InitfsImage s_initfs;

    private static BootstrapInfo* s_info;

    public static int Run(ref InitfsImage initfs, CapHandle memory, BootstrapInfo* info)
    {
        s_info = info;
        s_memory = memory;
        s_initfs = initfs;
        ulong nullCost = NullSyscall();
        Report("null_syscall", nullCost);
        Report("cap_identify_syscall", CapLookup(nullCost));
        Report("yield_ctx_switch", YieldSwitch());
        Report("retype_frame", RetypeFrame());
        Report("map_unmap_page", MapUnmap());
        Report("thread_create_start_exit", ThreadCycle());
        Report("process_spawn_exit", SpawnExit());
        Report("procs_alive_max", ProcsAlive());
        return 0;
    }

    private static void Report(string name, ulong value)
    {
        Console.Write("BENCH ");
        Console.Write(name);
        Console.Write(" ");
        Console.Write(value);
        Console.WriteLine();
    }

    private static ulong NullSyscall()
    {
        const int n = 10000;
        ulong t0 = Sys.ReadTsc();
        for (int i = 0; i < n; i++) Sys.Null();
        return (Sys.ReadTsc() - t0) / n;
    }

    // The marginal cost of a syscall that looks up one capability and reports it: CapIdentify minus a
    // null syscall (the lookup alone is cap_lookup, measured in the kernel).
    private static ulong CapLookup(ulong nullCost)
    {
        const int n = 10000;
        CapHandle cnode = CSpace.Self;
        ulong t0 = Sys.ReadTsc();
        for (int i = 0; i < n; i++) Sys.Identify(cnode, out _, out _, out _, out _);
        ulong perCall = (Sys.ReadTsc() - t0) / n;
        return perCall > nullCost ? perCall - nullCost : 0;
    }

    // Two processes yielding to each other: total time over the number of switches.
    private static ulong YieldSwitch()
    {
        const ulong n = 2000;
        if (ProcessBuilder.Spawn(ref s_initfs, "bin/fault", s_memory, 20, 8, n, out Process peer) != Status.Ok) return 0;
        Sys.Yield(); // let the peer reach its loop
        ulong t0 = Sys.ReadTsc();
        for (ulong i = 0; i < n; i++) Sys.Yield();
        ulong elapsed = Sys.ReadTsc() - t0;
        peer.Wait(out _, out _);
        peer.Destroy();
        return elapsed / (2 * n);
    }

    private static ulong RetypeFrame()
    {
        const uint n = 256;
        CSpace.TryAlloc(out uint us);
        Sys.Retype(s_memory, ObjectType.Untyped, 21, CSpace.Self, us, 1, out CapHandle u);
        uint first = 3000;
        ulong t0 = Sys.ReadTsc();
        for (uint i = 0; i < n; i++) Sys.Retype(u, ObjectType.Frame, 12, CSpace.Self, first + i, 1, out _);
        ulong result = (Sys.ReadTsc() - t0) / n;
        Sys.Revoke(u);
        Sys.Delete(u);
        CSpace.Free(us);
        return result;
    }

    private static ulong MapUnmap()
    {
        const int n = 2000;
        CSpace.TryAlloc(out uint fs);
        Sys.Retype(s_memory, ObjectType.Frame, 12, CSpace.Self, fs, 1, out CapHandle f);
        // Map once first so the page tables exist: this measures the leaf operation.
        Sys.Map(CSpace.SelfAddressSpace, f, ScratchPage, Rights.Read | Rights.Write);
        Sys.Unmap(f);
        ulong t0 = Sys.ReadTsc();
        for (int i = 0; i < n; i++)
        {
            Sys.Map(CSpace.SelfAddressSpace, f, ScratchPage, Rights.Read | Rights.Write);
            Sys.Unmap(f);
        }
        ulong result = (Sys.ReadTsc() - t0) / n;
        Sys.Delete(f);
        CSpace.Free(fs);
        return result;
    }

    private static ulong Zero(ulong unused) => 0;

    private static ulong ThreadCycle()
    {
        const int n = 200;
        CSpace.TryAlloc(out uint us);
        Sys.Retype(s_memory, ObjectType.Untyped, 16, CSpace.Self, us, 1, out CapHandle u);
        ulong t0 = Sys.ReadTsc();
        for (int i = 0; i < n; i++)
        {
            ThreadBuilder.Create(u, &Zero, 0, ScratchPage, out LocalThread t);
            Sys.ThreadStart(t.Thread);
            Sys.ThreadWait(t.Thread, out _, out _);
            ThreadBuilder.Destroy(ref t);
        }
        ulong result = (Sys.ReadTsc() - t0) / n;
        Sys.Revoke(u);
        Sys.Delete(u);
        CSpace.Free(us);
        return result;
    }

    // New address space, ELF load from the initfs, run to exit, reclaim everything.
    private static ulong SpawnExit()
    {
        const int n = 100;
        ulong t0 = Sys.ReadTsc();
        for (int i = 0; i < n; i++)
        {
            if (ProcessBuilder.Spawn(ref s_initfs, "bin/fault", s_memory, 20, 6, 0, out Process p) != Status.Ok) return 0;
            p.Wait(out _, out _);
            p.Destroy();
        }
        return (Sys.ReadTsc() - t0) / n;
    }

    // How many processes can be alive at once: small blocked processes, built straight from every
    // untyped capability the bootstrap holds, until memory runs out; then each untyped is revoked.
    private static ulong ProcsAlive()
    {
        // Image and stack in one 2 MiB region: three page tables, so a 16 KiB address space.
        var options = new ProcessOptions { MemoryBits = 0, CNodeBits = 4, AddressSpaceBits = 14, StackPages = 1, StackTop = 0x600000, KeepHandles = false };
        // Every untyped but the largest is used whole and revoked after; the largest also holds
        // this process's heap memory, so a child untyped of it serves as its pool.
        ulong alive = 0;
        CSpace.TryAlloc(out uint poolSlot);
        Sys.Identify(s_memory, out _, out _, out _, out ulong free);
        int poolBits = 63 - System.Numerics.BitOperations.LeadingZeroCount(free);
        CapHandle largestPool = default;
        while (poolBits >= 16 && Sys.Retype(s_memory, ObjectType.Untyped, poolBits, CSpace.Self, poolSlot, 1, out largestPool) != Status.Ok) poolBits--;
        for (uint i = 0; i < (uint)s_info->UntypedCount; i++)
        {
            var pool = new CapHandle((uint)s_info->FirstUntypedSlot + i, 0);
            if (pool.Value == s_memory.Value) pool = largestPool;
            while (ProcessBuilder.Spawn(ref s_initfs, "bin/fault", pool, options, 9, 0, out _) == Status.Ok) alive++;
        }
        Console.Write("bench: ");
        Console.Write(alive);
        Console.WriteLine(" processes alive at once; reclaiming");
        for (uint i = 0; i < (uint)s_info->UntypedCount; i++)
        {
            var pool = new CapHandle((uint)s_info->FirstUntypedSlot + i, 0);
            if (pool.Value != s_memory.Value) Sys.Revoke(pool);
        }
        Sys.Revoke(largestPool);
        Sys.Delete(largestPool);
        CSpace.Free(poolSlot);
        return alive;
    }
}
