// Nucleus benchmarks, run by the bootstrap when the kernel command line says "bench". Each
// prints "BENCH <name> <value>": the mean TSC delta per operation, which under
// `-icount shift=0,sleep=off` is a count of guest instructions (./vireo bench). Every timed
// operation is checked: a benchmark reports 0 unless all of them worked, and bench-json turns a 0
// into a failed run rather than a figure.
using System;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Testing;
using Vireo.Bootstrap.Tests;

namespace Vireo.Bootstrap.Benchmarks;

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
        // A boot with the `smp` word and several CPUs measures only what needs them (SmpBenchmarks.cs).
        if (SmpBenchmarks.Run(memory, info)) return 0;
        // First, while the untyped memory is unfragmented (it is handed out from a watermark, and
        // the benchmarks below free objects in other than reverse order).
        Bench.Report("procs_alive_max", ProcsAlive());
        ulong nullCost = NullSyscall();
        Bench.Report("null_syscall", nullCost);
        Bench.Report("cap_identify_syscall", nullCost == 0 ? 0 : CapLookup(nullCost));
        Bench.Report("yield_ctx_switch", YieldSwitch());
        Bench.Report("retype_frame", RetypeFrame());
        Bench.Report("map_unmap_page", MapUnmap());
        Bench.Report("map_2MiB_page", MapUnmap2M());
        Bench.Report("thread_create_start_exit", ThreadCycle());
        Bench.Report("process_spawn_exit", SpawnExit());
        Bench.Report("ipc_call_reply_0w", CallReply(0));
        Bench.Report("ipc_call_reply_4w", CallReply(4));
        Bench.Report("ipc_call_reply_slowpath", CallReply(8));
        Bench.Report("foreign_syscall_roundtrip", ForeignRoundTrip());
        Bench.Report("ipc_cap_transfer", CapTransfer());
        Bench.Report("notification_signal_wait", SignalWait());
        Bench.Report("shm_64KiB_roundtrip", SharedRoundTrip());
        Bench.Report("irq_to_user", IrqToUser());
        return 0;
    }

    // A syscall number the kernel does not have: it comes back UnknownSyscall, having done nothing.
    private static ulong NullSyscall()
    {
        const int n = 10000;
        int ok = 0;
        ulong t0 = Sys.ReadTsc();
        for (int i = 0; i < n; i++)
            if (Sys.Null() == Status.UnknownSyscall) ok++;
        ulong result = (Sys.ReadTsc() - t0) / n;
        return ok == n ? result : 0;
    }

    // The marginal cost of a syscall that looks up one capability and reports it: CapIdentify minus a
    // null syscall (the lookup alone is cap_lookup, measured in the kernel).
    private static ulong CapLookup(ulong nullCost)
    {
        const int n = 10000;
        CapHandle cnode = CSpace.Self;
        int ok = 0;
        ulong t0 = Sys.ReadTsc();
        for (int i = 0; i < n; i++)
            if (Sys.Identify(cnode, out _, out _, out _, out _) == Status.Ok) ok++;
        ulong perCall = (Sys.ReadTsc() - t0) / n;
        return ok == n && perCall > nullCost ? perCall - nullCost : 0;
    }

    // Two processes yielding to each other: total time over the number of switches.
    private static ulong YieldSwitch()
    {
        const ulong n = 2000;
        if (ProcessBuilder.Spawn(ref s_initfs, "bin/fault", s_memory, 20, 8, n, out Process peer) != Status.Ok) return 0;
        Sys.Yield(); // let the peer reach its loop
        ulong ok = 0;
        ulong t0 = Sys.ReadTsc();
        for (ulong i = 0; i < n; i++)
            if (Sys.Yield() == Status.Ok) ok++;
        ulong elapsed = Sys.ReadTsc() - t0;
        // The peer yielded its n times and returned 0.
        bool exited = peer.Wait(out ThreadExitKind kind, out ulong code) == Status.Ok && kind == ThreadExitKind.Exited && code == 0;
        peer.Destroy();
        return ok == n && exited ? elapsed / (2 * n) : 0;
    }

    private static ulong RetypeFrame()
    {
        const uint n = 256;
        CSpace.Make(s_memory, ObjectType.Untyped, 21, out CapHandle u);
        uint* slots = stackalloc uint[(int)n];
        for (uint i = 0; i < n; i++) CSpace.TryAlloc(out slots[i]);
        uint ok = 0;
        ulong t0 = Sys.ReadTsc();
        for (uint i = 0; i < n; i++)
            if (Sys.Retype(u, ObjectType.Frame, 12, CSpace.Self, slots[i], 1, out _) == Status.Ok) ok++;
        ulong result = (Sys.ReadTsc() - t0) / n;
        UserTests.Release(u);
        for (uint i = 0; i < n; i++) CSpace.Free(slots[i]);
        return ok == n ? result : 0;
    }

    private static ulong MapUnmap() => MapUnmap(12, ScratchPage);

    // One 2 MiB frame mapped as one large page (a page-directory entry) and unmapped.
    private static ulong MapUnmap2M() => MapUnmap(21, 0x0000_5200_0000_0000);

    private static ulong MapUnmap(int frameBits, ulong vaddr)
    {
        const int n = 2000;
        if (CSpace.Make(s_memory, ObjectType.Frame, frameBits, out CapHandle f) != Status.Ok) return 0;
        // Map once first so the page tables exist: this measures the leaf operation.
        Sys.Map(CSpace.SelfAddressSpace, f, vaddr, Rights.Read | Rights.Write);
        Sys.Unmap(f);
        int ok = 0;
        ulong t0 = Sys.ReadTsc();
        for (int i = 0; i < n; i++)
        {
            if (Sys.Map(CSpace.SelfAddressSpace, f, vaddr, Rights.Read | Rights.Write) == Status.Ok && Sys.Unmap(f) == Status.Ok) ok++;
        }
        ulong result = (Sys.ReadTsc() - t0) / n;
        CSpace.Release(f);
        return ok == n ? result : 0;
    }

    private static ulong Zero(ulong unused) => 0;

    // --- IPC ------------------------------------------------------------------------------------

    // The echo server, with an IPC buffer so long messages reach it whole.
    private static Status Echo(CapHandle endpoint, out Process p)
    {
        ProcessOptions o = ProcessOptions.Default(20);
        o.Grant0 = endpoint;
        o.IpcBuffer = 0x0000_5500_0000_0000;
        return ProcessBuilder.Spawn(ref s_initfs, "bin/echo", null, s_memory, o, 0, 0, out p);
    }

    // A round trip from this process to a server in another address space: call, reply, each with
    // `words` words (echo's label 5 answers with as many as it got).
    private static ulong CallReply(int words)
    {
        const int n = 2000;
        CSpace.Make(s_memory, ObjectType.Endpoint, 0, out CapHandle ep);
        if (Echo(ep, out Process echo) != Status.Ok) return 0;
        var m = Message.Of(1, 2, 3, 4);
        Ipc.Call(ep, new MessageInfo(words, 0, 5), ref m); // warm up: the server reaches its loop
        int ok = 0;
        ulong t0 = Sys.ReadTsc();
        for (int i = 0; i < n; i++)
            if (Ipc.Call(ep, new MessageInfo(words, 0, 5), ref m) == Status.Ok && m.Info.Words == (words < 4 ? words : 4)) ok++;
        ulong result = ok == n ? (Sys.ReadTsc() - t0) / n : 0;
        echo.Destroy();
        CSpace.Release(ep);
        return result;
    }

    private static ulong s_foreignCost;

    // The foreign thread's side: n getpid calls (Linux's number 39), each answered 42 by the handler.
    private static ulong ForeignLoop(ulong n)
    {
        ulong ok = 0;
        ulong t0 = Sys.ReadTsc();
        for (ulong i = 0; i < n; i++)
            if ((ulong)Sys.Call((Syscall)39) == 42) ok++;
        s_foreignCost = ok == n ? (Sys.ReadTsc() - t0) / n : 0;
        return 0;
    }

    // A foreign-ABI thread's syscall served by a handler in user space and resumed (ADR 0014): what a
    // Linux getpid costs through the personality, without the personality's own work.
    private static ulong ForeignRoundTrip()
    {
        const ulong n = 2000;
        s_foreignCost = 0;
        CSpace.Make(s_memory, ObjectType.Endpoint, 0, out CapHandle ep);
        if (ForeignAbiTests.Create(s_memory, &ForeignLoop, n, ep, out LocalThread t) != Status.Ok) return 0;
        Sys.ThreadStart(t.Thread);
        var m = new Message();
        Status s = Ipc.Receive(ep, ref m);
        while (s == Status.Ok && m.W0 == 39)
        {
            m = Message.Of(42);
            s = Ipc.ReplyReceive(ep, new MessageInfo(1, 0), ref m);
        }
        if (s == Status.Ok && m.W0 == (ulong)Syscall.Exit) s = ForeignAbiTests.Release(t.Thread, ref m);
        Sys.ThreadWait(t.Thread, out _, out _);
        ThreadBuilder.Destroy(ref t);
        CSpace.Release(ep);
        return s == Status.Ok ? s_foreignCost : 0;
    }

    private static CapHandle s_capEndpoint;

    // A server thread that takes one capability per call and deletes it before replying. Its exit
    // code is how many of the capabilities it received and deleted.
    private static ulong CapServer(ulong count)
    {
        var buffer = (IpcBuffer*)0x0000_5600_0000_0000;
        CSpace.TryAlloc(out uint landing);
        buffer->ReceiveCNode = CSpace.Self.Value;
        buffer->ReceiveSlots[0] = landing;
        var m = new Message();
        ulong deleted = 0;
        Status s = Ipc.Receive(s_capEndpoint, ref m);
        for (ulong i = 0; i < count && s == Status.Ok; i++)
        {
            if (Sys.Delete(new CapHandle(buffer->ReceivedHandles[0])) == Status.Ok) deleted++;
            m = new Message();
            s = i + 1 < count ? Ipc.ReplyReceive(s_capEndpoint, new MessageInfo(0, 0), ref m) : Ipc.Reply(new MessageInfo(0, 0), ref m);
        }
        return deleted;
    }

    private static ulong CapTransfer()
    {
        const ulong n = 500;
        if (CSpace.Make(s_memory, ObjectType.Endpoint, 0, out CapHandle ep) != Status.Ok) return 0;
        s_capEndpoint = ep;
        if (CSpace.Make(s_memory, ObjectType.Frame, 12, out CapHandle bufferFrame) != Status.Ok) return 0;
        if (Sys.Map(CSpace.SelfAddressSpace, bufferFrame, 0x0000_5600_0000_0000, Rights.Read | Rights.Write) != Status.Ok) return 0;
        if (ThreadBuilder.Create(s_memory, &CapServer, n, 0x0000_5700_0000_0000, 0x0000_5600_0000_0000, default, out LocalThread server) != Status.Ok) return 0;
        if (Sys.ThreadStart(server.Thread) != Status.Ok) return 0;
        var mine = (IpcBuffer*)BootstrapLayout.IpcBuffer;
        mine->SendCaps[0] = ep.Value;
        var m = new Message();
        ulong ok = 0;
        ulong t0 = Sys.ReadTsc();
        for (ulong i = 0; i < n; i++)
            if (Ipc.Call(ep, new MessageInfo(0, 1), ref m) == Status.Ok) ok++;
        ulong result = (Sys.ReadTsc() - t0) / n;
        // Every call answered, and the server received and deleted every capability.
        bool served = Finished(ref server, ok == n, n);
        CSpace.Release(bufferFrame);
        CSpace.Release(ep);
        return served ? result : 0;
    }

    // A benchmark's worker thread, destroyed: true when it exited with code `rounds`. It is waited for
    // only when every round worked (after a failed one it may never finish; Destroy stops it).
    private static bool Finished(ref LocalThread t, bool everyRound, ulong rounds)
    {
        bool finished = everyRound && Sys.ThreadWait(t.Thread, out ThreadExitKind kind, out ulong code) == Status.Ok
            && kind == ThreadExitKind.Exited && code == rounds;
        ThreadBuilder.Destroy(ref t);
        return finished;
    }

    private static CapHandle s_ping, s_pong;

    // Its exit code is how many rounds' wait and signal both worked.
    private static ulong Ponger(ulong count)
    {
        ulong ok = 0;
        for (ulong i = 0; i < count; i++)
        {
            Status waited = Ipc.Wait(s_ping, out _);
            if (Ipc.Signal(s_pong, 1) == Status.Ok && waited == Status.Ok) ok++;
        }
        return ok;
    }

    // Signal another thread and wait for its signal back, per round trip.
    private static ulong SignalWait()
    {
        const ulong n = 2000;
        if (CSpace.Make(s_memory, ObjectType.Notification, 0, out s_ping) != Status.Ok) return 0;
        if (CSpace.Make(s_memory, ObjectType.Notification, 0, out s_pong) != Status.Ok) return 0;
        if (ThreadBuilder.Create(s_memory, &Ponger, n, 0x0000_5700_0000_0000, out LocalThread t) != Status.Ok) return 0;
        if (Sys.ThreadStart(t.Thread) != Status.Ok) return 0;
        Sys.Yield();
        ulong ok = 0;
        ulong t0 = Sys.ReadTsc();
        for (ulong i = 0; i < n; i++)
        {
            Status signalled = Ipc.Signal(s_ping, 1);
            if (Ipc.Wait(s_pong, out _) == Status.Ok && signalled == Status.Ok) ok++;
        }
        ulong result = (Sys.ReadTsc() - t0) / n;
        bool served = Finished(ref t, ok == n, n);
        CSpace.Release(s_ping);
        CSpace.Release(s_pong);
        return served ? result : 0;
    }

    // From the kernel taking a device interrupt (IRQ 0: the PIT, programmed from user space with
    // a short one-shot count) to the driver thread running after its Wait on the notification.
    private static ulong IrqToUser()
    {
        const int n = 200;
        var control = new CapHandle(BootstrapSlots.IrqControl, 0);
        var ports = new CapHandle(BootstrapSlots.IoPorts, 0);
        var self = new CapHandle(BootstrapSlots.Thread, 0);
        CSpace.TryAlloc(out uint hs);
        if (Devices.IrqHandlerGet(control, 0, CSpace.Self, hs, out CapHandle irq) != Status.Ok) return 0;
        if (CSpace.Make(s_memory, ObjectType.Notification, 0, out CapHandle note) != Status.Ok) return 0;
        if (Devices.IrqHandlerBind(irq, note, 1) != Status.Ok) return 0;
        if (Devices.IoPortsBind(ports, self, 0x40, 4) != Status.Ok) return 0;
        ulong total = 0;
        int ok = 0;
        for (int i = 0; i < n; i++)
        {
            Devices.OutB(0x43, 0x30);           // channel 0, low then high byte, mode 0: one interrupt
            Devices.OutB(0x40, 20);
            Devices.OutB(0x40, 0);
            Status waited = Ipc.Wait(note, out _);
            ulong now = Sys.ReadTsc();
            // The interrupt was delivered and acknowledged, and the kernel took it before now.
            if (Devices.IrqAck(irq, out ulong raised) == Status.Ok && waited == Status.Ok && raised <= now)
            {
                total += now - raised;
                ok++;
            }
        }
        CSpace.Release(irq);
        CSpace.Release(note);
        return ok == n ? total / n : 0;
    }

    // 64 KiB handed to a server in another address space and back: the region is shared (frame
    // capabilities mapped in both), so the round trip moves no bytes, whatever the size.
    private static ulong SharedRoundTrip()
    {
        const uint pages = 16;
        const ulong region = 0x0000_5800_0000_0000;
        CapHandle* frames = stackalloc CapHandle[(int)pages];
        SharedPages.Map(s_memory, pages, region, frames);
        CSpace.Make(s_memory, ObjectType.Endpoint, 0, out CapHandle ep);
        ProcessOptions o = ProcessOptions.Default(20);
        o.Grant0 = ep;
        o.SharedFrames = frames;
        o.SharedCount = pages;
        o.SharedAddress = region;
        if (ProcessBuilder.Spawn(ref s_initfs, "bin/echo", null, s_memory, o, 0, 0, out Process echo) != Status.Ok) return 0;
        const int n = 1000;
        var m = Message.Of(region, pages * 4096UL);
        *(byte*)(region + pages * 4096UL - 1) = 1;
        Ipc.Call(ep, new MessageInfo(2, 0, 4), ref m);
        int ok = 0;
        ulong t0 = Sys.ReadTsc();
        for (int i = 0; i < n; i++)
        {
            *(byte*)region = (byte)i;
            m = Message.Of(region, pages * 4096UL);
            // The server read the first and last byte in place: the sum proves it saw this round's data.
            if (Ipc.Call(ep, new MessageInfo(2, 0, 4), ref m) == Status.Ok && m.W0 == (ulong)(byte)i + 1) ok++;
        }
        ulong result = ok == n ? (Sys.ReadTsc() - t0) / n : 0;
        echo.Destroy();
        SharedPages.Release(pages, frames);
        CSpace.Release(ep);
        return result;
    }

    private static ulong ThreadCycle()
    {
        const int n = 200;
        if (CSpace.Make(s_memory, ObjectType.Untyped, 16, out CapHandle u) != Status.Ok) return 0;
        int ok = 0;
        ulong t0 = Sys.ReadTsc();
        for (int i = 0; i < n; i++)
        {
            // Made, started, and ran to its return of 0.
            if (ThreadBuilder.Create(u, &Zero, 0, ScratchPage, out LocalThread t) == Status.Ok && Sys.ThreadStart(t.Thread) == Status.Ok
                && Sys.ThreadWait(t.Thread, out ThreadExitKind kind, out ulong code) == Status.Ok && kind == ThreadExitKind.Exited && code == 0) ok++;
            ThreadBuilder.Destroy(ref t);
        }
        ulong result = (Sys.ReadTsc() - t0) / n;
        UserTests.Release(u);
        return ok == n ? result : 0;
    }

    // New address space, ELF load from the initfs, run to exit, reclaim everything.
    private static ulong SpawnExit()
    {
        const int n = 100;
        int ok = 0;
        ulong t0 = Sys.ReadTsc();
        for (int i = 0; i < n; i++)
        {
            if (ProcessBuilder.Spawn(ref s_initfs, "bin/fault", s_memory, 20, 6, 0, out Process p) != Status.Ok) return 0;
            // Mode 6: the child exits with status 42.
            if (p.Wait(out ThreadExitKind kind, out ulong code) == Status.Ok && kind == ThreadExitKind.Exited && code == 42) ok++;
            p.Destroy();
        }
        ulong result = (Sys.ReadTsc() - t0) / n;
        return ok == n ? result : 0;
    }

    // How many processes can be alive at once: small blocked processes, built straight from every
    // untyped capability the bootstrap holds, until memory runs out; then each untyped is revoked.
    private static ulong ProcsAlive()
    {
        // Image and stack in one 2 MiB region: three page tables, so a 16 KiB address space. The image's
        // frames go in the child's CNode from slot 16 on: bin/fault's 17 pages (with the stack) need 64 slots.
        var options = new ProcessOptions { MemoryBits = 0, CNodeBits = 6, AddressSpaceBits = 14, StackPages = 1, StackTop = 0x600000, KeepHandles = false };
        // Every untyped but the largest is used whole and revoked after. The largest also holds
        // this process's heap memory, so its free part is carved into child pools: each the
        // largest power of two that is aligned at the watermark and fits, so nothing is wasted.
        ulong alive = 0;
        uint* poolSlots = stackalloc uint[40];
        CapHandle* pools = stackalloc CapHandle[40];
        int poolCount = 0;
        Sys.Identify(s_memory, out _, out _, out int bits, out ulong free);
        ulong watermark = (1UL << bits) - free;
        while (free >= 65536 && poolCount < 40)
        {
            int fit = 63 - System.Numerics.BitOperations.LeadingZeroCount(free);
            int aligned = watermark == 0 ? 63 : System.Numerics.BitOperations.TrailingZeroCount(watermark);
            int size = fit < aligned ? fit : aligned;
            if (size < 16) break;
            CSpace.TryAlloc(out poolSlots[poolCount]);
            if (Sys.Retype(s_memory, ObjectType.Untyped, size, CSpace.Self, poolSlots[poolCount], 1, out pools[poolCount]) != Status.Ok) break;
            poolCount++;
            watermark += 1UL << size;
            free -= 1UL << size;
        }
        for (int i = 0; i < poolCount; i++)
        {
            while (ProcessBuilder.Spawn(ref s_initfs, "bin/fault", pools[i], options, 9, 0, out _) == Status.Ok) alive++;
        }
        for (uint i = 0; i < (uint)s_info->UntypedCount; i++)
        {
            var pool = new CapHandle((uint)s_info->FirstUntypedSlot + i, 0);
            if (pool.Value == s_memory.Value) continue;
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
        for (int i = poolCount - 1; i >= 0; i--)
        {
            Sys.Revoke(pools[i]);
            Sys.Delete(pools[i]);
            CSpace.Free(poolSlots[i]);
        }
        return alive;
    }
}
