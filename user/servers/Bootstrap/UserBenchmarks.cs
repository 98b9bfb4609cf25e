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
        // First, while the untyped memory is unfragmented (it is handed out from a watermark, and
        // the benchmarks below free objects in other than reverse order).
        Report("procs_alive_max", ProcsAlive());
        ulong nullCost = NullSyscall();
        Report("null_syscall", nullCost);
        Report("cap_identify_syscall", CapLookup(nullCost));
        Report("yield_ctx_switch", YieldSwitch());
        Report("retype_frame", RetypeFrame());
        Report("map_unmap_page", MapUnmap());
        Report("thread_create_start_exit", ThreadCycle());
        Report("process_spawn_exit", SpawnExit());
        Report("ipc_call_reply_0w", CallReply(0));
        Report("ipc_call_reply_4w", CallReply(4));
        Report("ipc_call_reply_slowpath", CallReply(8));
        Report("ipc_cap_transfer", CapTransfer());
        Report("notification_signal_wait", SignalWait());
        Report("shm_64KiB_roundtrip", SharedRoundTrip());
        Report("irq_to_user", IrqToUser());
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
        uint* slots = stackalloc uint[(int)n];
        for (uint i = 0; i < n; i++) CSpace.TryAlloc(out slots[i]);
        uint ok = 0;
        ulong t0 = Sys.ReadTsc();
        for (uint i = 0; i < n; i++)
            if (Sys.Retype(u, ObjectType.Frame, 12, CSpace.Self, slots[i], 1, out _) == Status.Ok) ok++;
        ulong result = (Sys.ReadTsc() - t0) / n;
        Sys.Revoke(u);
        Sys.Delete(u);
        CSpace.Free(us);
        for (uint i = 0; i < n; i++) CSpace.Free(slots[i]);
        return ok == n ? result : 0;
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
        CSpace.TryAlloc(out uint es);
        Sys.Retype(s_memory, ObjectType.Endpoint, 0, CSpace.Self, es, 1, out CapHandle ep);
        if (Echo(ep, out Process echo) != Status.Ok) return 0;
        var m = Message.Of(1, 2, 3, 4);
        Ipc.Call(ep, new MessageInfo(words, 0, 5), ref m); // warm up: the server reaches its loop
        int ok = 0;
        ulong t0 = Sys.ReadTsc();
        for (int i = 0; i < n; i++)
            if (Ipc.Call(ep, new MessageInfo(words, 0, 5), ref m) == Status.Ok && m.Info.Words == (words < 4 ? words : 4)) ok++;
        ulong result = ok == n ? (Sys.ReadTsc() - t0) / n : 0;
        echo.Destroy();
        Sys.Delete(ep);
        CSpace.Free(es);
        return result;
    }

    private static CapHandle s_capEndpoint;

    // A server thread that takes one capability per call and deletes it before replying.
    private static ulong CapServer(ulong count)
    {
        var buffer = (IpcBuffer*)0x0000_5600_0000_0000;
        CSpace.TryAlloc(out uint landing);
        buffer->ReceiveCNode = CSpace.Self.Value;
        buffer->ReceiveSlots[0] = landing;
        var m = new Message();
        Status s = Ipc.Receive(s_capEndpoint, ref m);
        for (ulong i = 0; i < count && s == Status.Ok; i++)
        {
            Sys.Delete(new CapHandle(buffer->ReceivedHandles[0]));
            m = new Message();
            s = i + 1 < count ? Ipc.ReplyReceive(s_capEndpoint, new MessageInfo(0, 0), ref m) : Ipc.Reply(new MessageInfo(0, 0), ref m);
        }
        return 0;
    }

    private static ulong CapTransfer()
    {
        const ulong n = 500;
        CSpace.TryAlloc(out uint es);
        Sys.Retype(s_memory, ObjectType.Endpoint, 0, CSpace.Self, es, 1, out CapHandle ep);
        s_capEndpoint = ep;
        CSpace.TryAlloc(out uint bs);
        Sys.Retype(s_memory, ObjectType.Frame, 12, CSpace.Self, bs, 1, out CapHandle bufferFrame);
        Sys.Map(CSpace.SelfAddressSpace, bufferFrame, 0x0000_5600_0000_0000, Rights.Read | Rights.Write);
        ThreadBuilder.Create(s_memory, &CapServer, n, 0x0000_5700_0000_0000, 0x0000_5600_0000_0000, default, out LocalThread server);
        Sys.ThreadStart(server.Thread);
        var mine = (IpcBuffer*)BootstrapLayout.IpcBuffer;
        mine->SendCaps[0] = ep.Value;
        var m = new Message();
        ulong t0 = Sys.ReadTsc();
        for (ulong i = 0; i < n; i++) Ipc.Call(ep, new MessageInfo(0, 1), ref m);
        ulong result = (Sys.ReadTsc() - t0) / n;
        Sys.ThreadWait(server.Thread, out _, out _);
        ThreadBuilder.Destroy(ref server);
        Sys.Delete(bufferFrame);
        CSpace.Free(bs);
        Sys.Delete(ep);
        CSpace.Free(es);
        return result;
    }

    private static CapHandle s_ping, s_pong;

    private static ulong Ponger(ulong count)
    {
        for (ulong i = 0; i < count; i++)
        {
            Ipc.Wait(s_ping, out _);
            Ipc.Signal(s_pong, 1);
        }
        return 0;
    }

    // Signal another thread and wait for its signal back, per round trip.
    private static ulong SignalWait()
    {
        const ulong n = 2000;
        CSpace.TryAlloc(out uint a);
        CSpace.TryAlloc(out uint b);
        Sys.Retype(s_memory, ObjectType.Notification, 0, CSpace.Self, a, 1, out s_ping);
        Sys.Retype(s_memory, ObjectType.Notification, 0, CSpace.Self, b, 1, out s_pong);
        ThreadBuilder.Create(s_memory, &Ponger, n, 0x0000_5700_0000_0000, out LocalThread t);
        Sys.ThreadStart(t.Thread);
        Sys.Yield();
        ulong t0 = Sys.ReadTsc();
        for (ulong i = 0; i < n; i++)
        {
            Ipc.Signal(s_ping, 1);
            Ipc.Wait(s_pong, out _);
        }
        ulong result = (Sys.ReadTsc() - t0) / n;
        Sys.ThreadWait(t.Thread, out _, out _);
        ThreadBuilder.Destroy(ref t);
        Sys.Delete(s_ping);
        Sys.Delete(s_pong);
        CSpace.Free(a);
        CSpace.Free(b);
        return result;
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
        CSpace.TryAlloc(out uint ns);
        if (Devices.IrqHandlerGet(control, 0, CSpace.Self, hs, out CapHandle irq) != Status.Ok) return 0;
        Sys.Retype(s_memory, ObjectType.Notification, 0, CSpace.Self, ns, 1, out CapHandle note);
        Devices.IrqHandlerBind(irq, note, 1);
        if (Devices.IoPortsBind(ports, self, 0x40, 4) != Status.Ok) return 0;
        ulong total = 0;
        for (int i = 0; i < n; i++)
        {
            Devices.OutB(0x43, 0x30);           // channel 0, low then high byte, mode 0: one interrupt
            Devices.OutB(0x40, 20);
            Devices.OutB(0x40, 0);
            Ipc.Wait(note, out _);
            ulong now = Sys.ReadTsc();
            Devices.IrqAck(irq, out ulong raised);
            total += now - raised;
        }
        Sys.Delete(irq);
        Sys.Delete(note);
        CSpace.Free(hs);
        CSpace.Free(ns);
        return total / n;
    }

    // 64 KiB handed to a server in another address space and back: the region is shared (frame
    // capabilities mapped in both), so the round trip moves no bytes, whatever the size.
    private static ulong SharedRoundTrip()
    {
        const uint pages = 16;
        const ulong region = 0x0000_5800_0000_0000;
        CapHandle* frames = stackalloc CapHandle[(int)pages];
        uint* slots = stackalloc uint[(int)pages];
        for (uint i = 0; i < pages; i++)
        {
            CSpace.TryAlloc(out slots[i]);
            Sys.Retype(s_memory, ObjectType.Frame, 12, CSpace.Self, slots[i], 1, out frames[i]);
            Sys.Map(CSpace.SelfAddressSpace, frames[i], region + i * 4096UL, Rights.Read | Rights.Write);
        }
        CSpace.TryAlloc(out uint es);
        Sys.Retype(s_memory, ObjectType.Endpoint, 0, CSpace.Self, es, 1, out CapHandle ep);
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
        for (uint i = 0; i < pages; i++)
        {
            Sys.Delete(frames[i]);
            CSpace.Free(slots[i]);
        }
        Sys.Delete(ep);
        CSpace.Free(es);
        return result;
    }

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
        var options = new ProcessOptions { MemoryBits = 0, CNodeBits = 5, AddressSpaceBits = 14, StackPages = 1, StackTop = 0x600000, KeepHandles = false };
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
