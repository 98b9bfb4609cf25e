// In-guest IPC tests: endpoints between processes and between threads, badges, long messages
// through IPC buffers, capability transfer, every documented failure, partners that die,
// notifications, and a pager that serves page faults through a fault endpoint.
using System;
using Vireo.Abi;
using Vireo.User;
using T = Vireo.User.Testing.TestRunner;

namespace Vireo.Bootstrap.Tests;

static unsafe class IpcTests
{
    private static CapHandle s_memory;
    private static InitfsImage s_initfs;
    private const ulong StackPage = 0x0000_5100_0000_0000;
    private const ulong BufferPage = 0x0000_5200_0000_0000;
    private const ulong PagerBufferPage = 0x0000_5200_0001_0000;
    private const ulong DemandRegion = 0x0000_5300_0000_0000;
    private const ulong SharedRegion = 0x0000_5400_0000_0000;

    public static void Run(ref InitfsImage initfs, CapHandle memory)
    {
        s_memory = memory;
        s_initfs = initfs;
        T.Run("ipc.call_reply_between_processes", &CallBetweenProcesses);
        T.Run("ipc.badges_tell_clients_apart", &Badges);
        T.Run("ipc.many_calls_one_server", &ManyCalls);
        T.Run("ipc.send_recv_between_threads", &SendRecvThreads);
        T.Run("ipc.long_message_through_ipc_buffers", &LongMessage);
        T.Run("ipc.capability_transfer", &CapTransfer);
        T.Run("ipc.statuses", &Statuses);
        T.Run("ipc.server_dies_waiting_client_wakes", &ServerDies);
        T.Run("ipc.endpoint_deleted_waiters_wake", &EndpointDeleted);
        T.Run("ipc.client_dies_reply_reports_it", &ClientDies);
        T.Run("ipc.new_call_releases_a_dropped_caller", &DroppedReply);
        T.Run("ipc.fault_handler_gone_thread_stops", &FaultHandlerGone);
        T.Run("ipc.notifications", &Notifications);
        T.Run("ipc.bound_notification_wakes_receive", &BoundNotification);
        T.Run("ipc.signal_hands_cpu_to_higher_waiter", &SignalPreempts);
        T.Run("ipc.pager_maps_on_demand", &Pager);
        T.Run("ipc.shared_memory_64KiB_and_1MiB", &SharedMemory);
    }

    // --- helpers -------------------------------------------------------------------------------

    private static Status SpawnEcho(CapHandle endpoint, out Process p)
    {
        ProcessOptions o = ProcessOptions.Default(20);
        o.Grant0 = endpoint;
        return ProcessBuilder.Spawn(ref s_initfs, "bin/echo", null, s_memory, o, 0, 0, out p);
    }

    private static void MapFresh(ulong address, out CapHandle frame)
    {
        CSpace.Make(s_memory, ObjectType.Frame, 12, out frame);
        Sys.Map(CSpace.SelfAddressSpace, frame, address, Rights.Read | Rights.Write);
    }

    // --- endpoints -----------------------------------------------------------------------------

    private static void CallBetweenProcesses()
    {
        UserTests.Make(s_memory, ObjectType.Endpoint, 0, out CapHandle ep);
        if (!T.Status(Status.Ok, SpawnEcho(ep, out Process echo), "start the echo server")) return;
        var m = Message.Of(10, 20, 30);
        T.Status(Status.Ok, Ipc.Call(ep, new MessageInfo(3, 0), ref m), "call");
        T.Equal(11, (long)m.W0, "w0 + 1");
        T.Equal(21, (long)m.W1, "w1 + 1");
        T.Equal(31, (long)m.W2, "w2 + 1");
        T.Equal(4, m.Info.Words, "the reply's length");
        m = Message.Of(1);
        Ipc.Call(ep, new MessageInfo(1, 0, 2), ref m);
        echo.Wait(out ThreadExitKind kind, out ulong code);
        T.Equal(2, (long)code, "the server exited after its last reply");
        echo.Destroy();
        CSpace.Release(ep);
    }

    private static void Badges()
    {
        UserTests.Make(s_memory, ObjectType.Endpoint, 0, out CapHandle ep);
        CSpace.TryAlloc(out uint a);
        CSpace.TryAlloc(out uint b);
        CSpace.TryAlloc(out uint c);
        T.Status(Status.Ok, Sys.Mint(ep, CSpace.Self, a, Rights.Write, 0xA1, out CapHandle clientA), "mint badge A");
        T.Status(Status.Ok, Sys.Mint(ep, CSpace.Self, b, Rights.Write, 0xB2, out CapHandle clientB), "mint badge B");
        T.Status(Status.InvalidArgument, Sys.Mint(clientA, CSpace.Self, c, Rights.Write, 5, out _), "a badge cannot be changed");
        CSpace.Free(c);
        SpawnEcho(ep, out Process echo);
        var m = new Message();
        Ipc.Call(clientA, new MessageInfo(0, 0), ref m);
        T.Equal(0xA1, (long)m.W3, "the server saw badge A");
        m = new Message();
        Ipc.Call(clientB, new MessageInfo(0, 0), ref m);
        T.Equal(0xB2, (long)m.W3, "the server saw badge B");
        Sys.Identify(clientA, out _, out Rights rights, out _, out ulong badge);
        T.Equal(0xA1, (long)badge, "identify reports the badge");
        T.Equal((long)Rights.Write, (long)rights, "minted with send rights only");
        echo.Destroy();
        CSpace.Release(clientA);
        CSpace.Release(clientB);
        CSpace.Release(ep);
    }

    private static void ManyCalls()
    {
        UserTests.Make(s_memory, ObjectType.Endpoint, 0, out CapHandle ep);
        SpawnEcho(ep, out Process echo);
        ulong ok = 0;
        for (ulong i = 0; i < 500; i++)
        {
            var m = Message.Of(i, i * 2);
            if (Ipc.Call(ep, new MessageInfo(2, 0), ref m) == Status.Ok && m.W0 == i + 1 && m.W1 == i * 2 + 1) ok++;
        }
        T.Equal(500, (long)ok, "500 round trips, each answered correctly");
        echo.Destroy();
        CSpace.Release(ep);
    }

    private static CapHandle s_threadEndpoint;
    private static ulong s_received;

    private static ulong Receiver(ulong count)
    {
        for (ulong i = 0; i < count; i++)
        {
            var m = new Message();
            if (Ipc.Receive(s_threadEndpoint, ref m) != Status.Ok) return 1;
            s_received += m.W0;
        }
        return 0;
    }

    private static void SendRecvThreads()
    {
        UserTests.Make(s_memory, ObjectType.Endpoint, 0, out CapHandle ep);
        s_threadEndpoint = ep;
        s_received = 0;
        ThreadBuilder.Create(s_memory, &Receiver, 3, StackPage, out LocalThread t);
        Sys.ThreadStart(t.Thread);
        for (ulong i = 1; i <= 3; i++)
        {
            var m = Message.Of(i * 100);
            T.Status(Status.Ok, Ipc.Send(ep, new MessageInfo(1, 0), ref m), "send");
        }
        Sys.ThreadWait(t.Thread, out _, out ulong code);
        T.Equal(0, (long)code, "the receiver got every message");
        T.Equal(600, (long)s_received, "and their contents");
        ThreadBuilder.Destroy(ref t);
        CSpace.Release(ep);
    }

    private static ulong LongReceiver(ulong unused)
    {
        var buffer = (IpcBuffer*)BufferPage;
        var m = new Message();
        if (Ipc.Receive(s_threadEndpoint, ref m) != Status.Ok) return 1;
        ulong sum = m.W0 + m.W1 + m.W2 + m.W3;
        for (int i = MessageInfo.RegisterWords; i < m.Info.Words; i++) sum += buffer->Words[i];
        return sum == 64 * 65 / 2 && m.Info.Words == 64 ? 0UL : 2UL;
    }

    private static void LongMessage()
    {
        UserTests.Make(s_memory, ObjectType.Endpoint, 0, out CapHandle ep);
        s_threadEndpoint = ep;
        MapFresh(BufferPage, out CapHandle rb);
        ThreadBuilder.Create(s_memory, &LongReceiver, 0, StackPage, BufferPage, default, out LocalThread t);
        Sys.ThreadStart(t.Thread);
        // This thread's own IPC buffer: the bootstrap sets one up in Program (SelfBuffer).
        var mine = (IpcBuffer*)Program.SelfBuffer;
        for (int i = 0; i < 64; i++) mine->Words[i] = (ulong)(i + 1);
        var m = Message.Of(1, 2, 3, 4);
        T.Status(Status.Ok, Ipc.Send(ep, new MessageInfo(64, 0), ref m), "send 64 words");
        Sys.ThreadWait(t.Thread, out _, out ulong code);
        T.Equal(0, (long)code, "the receiver summed all 64 words");
        m = new Message();
        T.Status(Status.InvalidArgument, Ipc.Send(ep, new MessageInfo(65, 0), ref m), "65 words is longer than allowed");
        ThreadBuilder.Destroy(ref t);
        CSpace.Release(rb);
        CSpace.Release(ep);
    }

    private static CapHandle s_landed;

    private static ulong CapReceiver(ulong slot)
    {
        var buffer = (IpcBuffer*)BufferPage;
        buffer->ReceiveCNode = CSpace.Self.Value;
        buffer->ReceiveSlots[0] = slot;
        var m = new Message();
        if (Ipc.Receive(s_threadEndpoint, ref m) != Status.Ok) return 1;
        if (m.Info.Caps != 1 || buffer->ReceivedCaps != 1) return 2;
        s_landed = new CapHandle(buffer->ReceivedHandles[0]);
        if (s_landed.Index != (uint)slot) return 4;
        return Sys.Identify(s_landed, out ObjectType type, out _, out _, out _) == Status.Ok &&
            type == ObjectType.Notification ? 0UL : 3UL;
    }

    private static void CapTransfer()
    {
        UserTests.Make(s_memory, ObjectType.Endpoint, 0, out CapHandle ep);
        UserTests.Make(s_memory, ObjectType.Notification, 0, out CapHandle n);
        s_threadEndpoint = ep;
        MapFresh(BufferPage, out CapHandle rb);
        CSpace.TryAlloc(out uint landing);
        ThreadBuilder.Create(s_memory, &CapReceiver, landing, StackPage, BufferPage, default, out LocalThread t);
        Sys.ThreadStart(t.Thread);
        Sys.Yield();
        var mine = (IpcBuffer*)Program.SelfBuffer;
        mine->SendCaps[0] = n.Value;
        // Into an occupied slot first: refused, nothing delivered, the receiver keeps waiting.
        var m = new Message();
        var occupied = (IpcBuffer*)BufferPage;
        occupied->ReceiveSlots[0] = ep.Index;
        T.Status(Status.Occupied, Ipc.Send(ep, new MessageInfo(0, 1), ref m), "transfer into an occupied slot");
        occupied->ReceiveSlots[0] = landing;
        T.Status(Status.Ok, Ipc.Send(ep, new MessageInfo(0, 1), ref m), "transfer a notification capability");
        Sys.ThreadWait(t.Thread, out _, out ulong code);
        T.Equal(0, (long)code, "it arrived in the slot the receiver named");
        T.Status(Status.Ok, Ipc.Signal(s_landed, 4), "the transferred capability works");
        Ipc.Poll(n, out ulong bits);
        T.Equal(4, (long)bits, "and names the same notification");
        Sys.Revoke(n);
        T.Status(Status.InvalidCapability, Sys.Identify(s_landed, out _, out _, out _, out _), "revoking the original removes the transferred copy");
        ThreadBuilder.Destroy(ref t);
        CSpace.Free(landing);
        CSpace.Release(rb);
        CSpace.Release(n);
        CSpace.Release(ep);
    }

    private static void Statuses()
    {
        UserTests.Make(s_memory, ObjectType.Endpoint, 0, out CapHandle ep);
        UserTests.Make(s_memory, ObjectType.Notification, 0, out CapHandle n);
        CSpace.TryAlloc(out uint ro);
        CSpace.TryAlloc(out uint wo);
        Sys.Copy(ep, CSpace.Self, ro, Rights.Read, out CapHandle recvOnly);
        Sys.Copy(ep, CSpace.Self, wo, Rights.Write, out CapHandle sendOnly);
        var m = new Message();
        T.Status(Status.WouldBlock, Ipc.TrySend(ep, new MessageInfo(1, 0), ref m), "non-blocking send with no receiver");
        T.Status(Status.WouldBlock, Ipc.TryReceive(ep, ref m), "non-blocking receive with no sender");
        T.Status(Status.InsufficientRights, Ipc.Send(recvOnly, new MessageInfo(1, 0), ref m), "send without the write right");
        T.Status(Status.InsufficientRights, Ipc.Receive(sendOnly, ref m), "receive without the read right");
        T.Status(Status.InsufficientRights, Ipc.Send(sendOnly, new MessageInfo(0, 1), ref m), "send capabilities without the grant right");
        T.Status(Status.InvalidArgument, Ipc.Call(ep, new MessageInfo(0, 4), ref m), "more than three capabilities");
        T.Status(Status.WrongType, Ipc.Call(n, new MessageInfo(0, 0), ref m), "call a notification");
        T.Status(Status.BadState, Ipc.Reply(new MessageInfo(0, 0), ref m), "reply with no call received");
        T.Status(Status.WouldBlock, Ipc.Poll(n, out _), "poll an unsignalled notification");
        Sys.Delete(sendOnly);
        T.Status(Status.InvalidCapability, Ipc.Call(sendOnly, new MessageInfo(0, 0), ref m), "call through a deleted capability");
        Sys.Copy(ep, CSpace.Self, wo, Rights.Write, out sendOnly);
        Sys.Revoke(ep);
        T.Status(Status.InvalidCapability, Ipc.Call(sendOnly, new MessageInfo(0, 0), ref m), "call through a revoked capability");
        CSpace.Free(ro);
        CSpace.Free(wo);
        CSpace.Release(n);
        CSpace.Release(ep);
    }

    private static ulong Caller(ulong unused)
    {
        var m = Message.Of(7);
        return (ulong)Ipc.Call(s_threadEndpoint, new MessageInfo(1, 0, 3), ref m);
    }

    private static void ServerDies()
    {
        UserTests.Make(s_memory, ObjectType.Endpoint, 0, out CapHandle ep);
        s_threadEndpoint = ep;
        SpawnEcho(ep, out Process echo);
        // Label 3: the server receives the call and exits without replying.
        ThreadBuilder.Create(s_memory, &Caller, 0, StackPage, out LocalThread t);
        Sys.ThreadStart(t.Thread);
        Sys.ThreadWait(t.Thread, out _, out ulong status);
        T.Equal((long)Status.PeerDied, (long)status, "the caller woke with PeerDied, no hang");
        echo.Wait(out _, out ulong code);
        T.Equal(3, (long)code, "the server exited owing the reply");
        ThreadBuilder.Destroy(ref t);
        echo.Destroy();
        CSpace.Release(ep);
    }

    private static ulong BlockedSender(ulong unused)
    {
        var m = Message.Of(1);
        return (ulong)Ipc.Send(s_threadEndpoint, new MessageInfo(1, 0), ref m);
    }

    private static void EndpointDeleted()
    {
        UserTests.Make(s_memory, ObjectType.Endpoint, 0, out CapHandle ep);
        s_threadEndpoint = ep;
        ThreadBuilder.Create(s_memory, &BlockedSender, 0, StackPage, out LocalThread t);
        Sys.ThreadStart(t.Thread);
        Sys.Yield();
        Sys.Sleep(1_000_000);
        CSpace.Release(ep);
        Sys.ThreadWait(t.Thread, out _, out ulong status);
        T.Equal((long)Status.PeerDied, (long)status, "a sender blocked on a deleted endpoint wakes with PeerDied");
        ThreadBuilder.Destroy(ref t);
    }

    private static void ClientDies()
    {
        UserTests.Make(s_memory, ObjectType.Endpoint, 0, out CapHandle ep);
        s_threadEndpoint = ep;
        ThreadBuilder.Create(s_memory, &Caller, 0, StackPage, out LocalThread t);
        Sys.ThreadStart(t.Thread);
        var m = new Message();
        T.Status(Status.Ok, Ipc.Receive(ep, ref m), "receive the call");
        T.Equal(7, (long)m.W0, "its word");
        ThreadBuilder.Destroy(ref t);
        T.Status(Status.PeerDied, Ipc.Reply(new MessageInfo(0, 0), ref m), "replying to a dead caller says so");
        T.Status(Status.BadState, Ipc.Reply(new MessageInfo(0, 0), ref m), "and only once");
        CSpace.Release(ep);
    }

    private static void DroppedReply()
    {
        UserTests.Make(s_memory, ObjectType.Endpoint, 0, out CapHandle ep);
        s_threadEndpoint = ep;
        ThreadBuilder.Create(s_memory, &Caller, 0, StackPage, out LocalThread first);
        ThreadBuilder.Create(s_memory, &Caller, 0, StackPage + 0x10000, out LocalThread second);
        Sys.ThreadStart(first.Thread);
        Sys.ThreadStart(second.Thread);
        var m = new Message();
        T.Status(Status.Ok, Ipc.Receive(ep, ref m), "take the first call");
        T.Status(Status.Ok, Ipc.Receive(ep, ref m), "take the second without answering the first");
        Sys.ThreadWait(first.Thread, out _, out ulong firstStatus);
        T.Equal((long)Status.PeerDied, (long)firstStatus, "the dropped caller is told, not left waiting");
        m = Message.Of(1);
        T.Status(Status.Ok, Ipc.Reply(new MessageInfo(1, 0), ref m), "the second gets its reply");
        Sys.ThreadWait(second.Thread, out _, out ulong secondStatus);
        T.Equal((long)Status.Ok, (long)secondStatus, "and returns Ok");
        ThreadBuilder.Destroy(ref first);
        ThreadBuilder.Destroy(ref second);
        CSpace.Release(ep);
    }

    private static void FaultHandlerGone()
    {
        UserTests.Make(s_memory, ObjectType.Endpoint, 0, out CapHandle ep);
        ThreadBuilder.Create(s_memory, &Toucher, 1, StackPage, 0, ep, out LocalThread toucher);
        Sys.ThreadStart(toucher.Thread);
        Sys.Sleep(1_000_000);   // it faults and waits for a handler that never receives
        // The thread holds its own copy of the endpoint capability: revoke reaches it too.
        Sys.Revoke(ep);
        CSpace.Release(ep);
        Sys.ThreadWait(toucher.Thread, out ThreadExitKind kind, out ulong vector);
        T.Equal((long)ThreadExitKind.Faulted, (long)kind, "with its fault endpoint gone, the thread stops as faulted");
        T.Equal(14, (long)vector, "reporting its page fault");
        ThreadBuilder.Destroy(ref toucher);
    }

    private static CapHandle s_notification;

    private static ulong Waiter(ulong unused)
    {
        Ipc.Wait(s_notification, out ulong bits);
        return bits;
    }

    private static void Notifications()
    {
        UserTests.Make(s_memory, ObjectType.Notification, 0, out CapHandle n);
        s_notification = n;
        T.Status(Status.Ok, Ipc.Signal(n, 0b0101), "signal");
        T.Status(Status.Ok, Ipc.Signal(n, 0b0010), "signal again");
        T.Status(Status.Ok, Ipc.Poll(n, out ulong bits), "poll");
        T.Equal(0b0111, (long)bits, "signals accumulate as a bitmask");
        T.Status(Status.WouldBlock, Ipc.Poll(n, out _), "taking them clears the word");
        ThreadBuilder.Create(s_memory, &Waiter, 0, StackPage, out LocalThread t);
        Sys.ThreadStart(t.Thread);
        Sys.Sleep(1_000_000);
        Ipc.Signal(n, 0x80);
        Sys.ThreadWait(t.Thread, out _, out ulong got);
        T.Equal(0x80, (long)got, "a waiting thread is woken with the bits");
        CSpace.TryAlloc(out uint bs);
        Sys.Mint(n, CSpace.Self, bs, Rights.Write, 0x1000, out CapHandle badged);
        Ipc.Signal(badged, 1);
        Ipc.Poll(n, out bits);
        T.Equal(0x1000, (long)bits, "a badged capability signals its badge");
        ThreadBuilder.Destroy(ref t);
        CSpace.Release(badged);
        CSpace.Release(n);
    }

    private static ulong s_woke;

    private static ulong MarkWoken(ulong unused)
    {
        Ipc.Wait(s_notification, out ulong bits);
        s_woke = bits;
        return bits;
    }

    // What the notification fast path (Threads.Wake) must keep: a woken waiter that outranks the
    // signaller runs before the signal syscall returns; one that does not waits its turn.
    private static void SignalPreempts()
    {
        UserTests.Make(s_memory, ObjectType.Notification, 0, out CapHandle n);
        s_notification = n;
        s_woke = 0;
        ThreadBuilder.Create(s_memory, &MarkWoken, 0, StackPage, out LocalThread t);
        Sys.ThreadSetPriority(t.Thread, SchedClass.RealTimeFifo, 20);
        Sys.ThreadStart(t.Thread);   // it runs at once (real-time) and blocks in Wait
        Ipc.Signal(n, 5);
        T.Equal(5, (long)s_woke, "the real-time waiter ran before the signal returned");
        Sys.ThreadWait(t.Thread, out _, out _);
        ThreadBuilder.Destroy(ref t);

        s_woke = 0;
        ThreadBuilder.Create(s_memory, &MarkWoken, 0, StackPage, out t);
        Sys.ThreadSetPriority(t.Thread, SchedClass.TimeSharing, 7);   // the lowest level
        Sys.ThreadStart(t.Thread);
        Sys.Sleep(1_000_000);        // let it reach Wait
        Ipc.Signal(n, 6);
        T.Equal(0, (long)s_woke, "a lower-ranked waiter did not run yet");
        Sys.ThreadWait(t.Thread, out _, out ulong got);
        T.Equal(6, (long)got, "and got the bits when it ran");
        ThreadBuilder.Destroy(ref t);
        CSpace.Release(n);
    }

    private static void BoundNotification()
    {
        UserTests.Make(s_memory, ObjectType.Endpoint, 0, out CapHandle ep);
        UserTests.Make(s_memory, ObjectType.Notification, 0, out CapHandle n);
        var self = new CapHandle(BootstrapSlots.Thread, 0);
        T.Status(Status.Ok, Ipc.Bind(self, n), "bind a notification to this thread");
        T.Status(Status.Occupied, Ipc.Bind(self, n), "bind twice");
        Ipc.Signal(n, 9);
        var m = new Message();
        T.Status(Status.Ok, Ipc.Receive(ep, ref m), "receive on an endpoint returns the signal");
        T.Equal((long)MessageInfo.NotificationLabel, (long)m.Info.Label, "marked as a notification");
        T.Equal(9, (long)m.Badge, "with the bits as the badge");
        CSpace.Release(n);
        CSpace.Release(ep);
    }

    // --- the pager -----------------------------------------------------------------------------

    private static CapHandle s_faults;
    private static ulong s_served;

    // A user-space pager: each fault message names an address; map a fresh zeroed frame there
    // and reply, which resumes the faulting thread at the faulting instruction.
    private static ulong PagerLoop(ulong pages)
    {
        var m = new Message();
        Status s = Ipc.Receive(s_faults, ref m);
        while (s == Status.Ok && s_served < pages)
        {
            if (m.Info.Label != MessageInfo.FaultLabel) return 1;
            ulong page = m.W1 & ~0xFFFUL;
            if (page < DemandRegion || page >= DemandRegion + pages * 4096) return 2;
            CSpace.TryAlloc(out uint slot);
            Sys.Retype(s_memory, ObjectType.Frame, 12, CSpace.Self, slot, 1, out CapHandle frame);
            if (Sys.Map(CSpace.SelfAddressSpace, frame, page, Rights.Read | Rights.Write) != Status.Ok) return 3;
            s_served++;
            m = new Message();
            s = s_served < pages ? Ipc.ReplyReceive(s_faults, new MessageInfo(0, 0), ref m) : Ipc.Reply(new MessageInfo(0, 0), ref m);
        }
        return 0;
    }

    private static ulong Toucher(ulong pages)
    {
        ulong sum = 0;
        for (ulong i = 0; i < pages; i++)
        {
            *(ulong*)(DemandRegion + i * 4096 + 8) = i + 1;   // faults: the pager maps the page
            sum += *(ulong*)(DemandRegion + i * 4096 + 8);
        }
        return sum;
    }

    private static void Pager()
    {
        const ulong pages = 8;
        UserTests.Make(s_memory, ObjectType.Endpoint, 0, out CapHandle ep);
        s_faults = ep;
        s_served = 0;
        ThreadBuilder.Create(s_memory, &PagerLoop, pages, StackPage, out LocalThread pager);
        ThreadBuilder.Create(s_memory, &Toucher, pages, StackPage + 0x10000, 0, ep, out LocalThread toucher);
        Sys.ThreadStart(pager.Thread);
        Sys.ThreadStart(toucher.Thread);
        Sys.ThreadWait(toucher.Thread, out ThreadExitKind kind, out ulong sum);
        T.Equal((long)ThreadExitKind.Exited, (long)kind, "the faulting thread was resumed, not stopped");
        T.Equal((long)(pages * (pages + 1) / 2), (long)sum, "every page it touched was mapped on demand");
        Sys.ThreadWait(pager.Thread, out _, out ulong pagerCode);
        T.Equal(0, (long)pagerCode, "the pager served each fault");
        T.Equal((long)pages, (long)s_served, "one fault per page");
        ThreadBuilder.Destroy(ref toucher);
        ThreadBuilder.Destroy(ref pager);
        CSpace.Release(ep);
    }

    // --- shared memory -------------------------------------------------------------------------

    private static void SharedMemory()
    {
        SharedRoundTrip(16);     // 64 KiB
        SharedRoundTrip(256);    // 1 MiB
    }

    internal static ulong SharedRoundTrip(uint pages)
    {
        // Frames mapped here; the echo server gets copies mapped at the same address, so the
        // data moves without the kernel copying a byte.
        CapHandle* frames = stackalloc CapHandle[(int)pages];
        SharedPages.Map(s_memory, pages, SharedRegion, frames);
        ulong expected = 0;
        var bytes = (byte*)SharedRegion;
        for (ulong i = 0; i < pages * 4096UL; i++)
        {
            bytes[i] = (byte)(i * 7);
            expected += (byte)(i * 7);
        }
        UserTests.Make(s_memory, ObjectType.Endpoint, 0, out CapHandle ep);
        ProcessOptions o = ProcessOptions.Default(21);
        o.CNodeBits = 10;   // room for a capability per shared frame
        o.Grant0 = ep;
        o.SharedFrames = frames;
        o.SharedCount = pages;
        o.SharedAddress = SharedRegion;
        Status started = ProcessBuilder.Spawn(ref s_initfs, "bin/echo", null, s_memory, o, 0, 0, out Process echo);
        T.Status(Status.Ok, started, "start the server with shared frames");
        if (started != Status.Ok) return 0;
        var m = Message.Of(SharedRegion, pages * 4096UL);
        T.Status(Status.Ok, Ipc.Call(ep, new MessageInfo(2, 0, 1), ref m), "ask it to sum the region");
        T.Equal((long)expected, (long)m.W0, "the server read exactly what was written");
        echo.Destroy();
        SharedPages.Release(pages, frames);
        CSpace.Release(ep);
        return expected;
    }
}
