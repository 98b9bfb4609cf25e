// What the Services milestone needs from the kernel: Reply objects (a server keeps many calls open
// and answers them in any order), capabilities carried by replies (a scheme daemon hands back a
// file handle), exit notifications and ThreadWait without waiting (a supervisor watching many
// children at once).
using Vireo.Abi;
using Vireo.User;
using T = Vireo.User.Testing.TestRunner;

namespace Vireo.Bootstrap.Tests;

static unsafe class ReplyTests
{
    private const ulong StackA = 0x0000_5900_0000_0000;
    private const ulong StackB = 0x0000_5900_0001_0000;
    private const ulong BufferA = 0x0000_5900_0010_0000;
    private static CapHandle s_memory;
    private static CapHandle s_endpoint;
    private static CapHandle s_gate;

    public static void Run(CapHandle memory)
    {
        s_memory = memory;
        T.Run("ipc.reply_objects_answer_out_of_order", &OutOfOrder);
        T.Run("ipc.reply_object_caller_dies_or_object_deleted", &ReplyObjectEndings);
        T.Run("ipc.reply_carries_a_capability", &ReplyWithCap);
        T.Run("thread.exit_notification_and_poll", &ExitNotification);
    }

    // Calls with its argument as the word; exits with (status << 32) | the answer's word.
    private static ulong Caller(ulong word)
    {
        var m = Message.Of(word);
        Status s = Ipc.Call(s_endpoint, new MessageInfo(1, 0), ref m);
        return ((ulong)s << 32) | (m.W0 & 0xFFFF_FFFF);
    }

    private static void OutOfOrder()
    {
        UserTests.Make(s_memory, ObjectType.Endpoint, 0, out s_endpoint);
        UserTests.Make(s_memory, ObjectType.Reply, 0, out CapHandle r1);
        UserTests.Make(s_memory, ObjectType.Reply, 0, out CapHandle r2);
        T.Status(Status.BadState, Ipc.SaveReply(r1), "nothing to save before a call");
        ThreadBuilder.Create(s_memory, &Caller, 1, StackA, out LocalThread a);
        ThreadBuilder.Create(s_memory, &Caller, 2, StackB, out LocalThread b);
        Sys.ThreadStart(a.Thread);
        Sys.ThreadStart(b.Thread);
        var m = new Message();
        T.Status(Status.Ok, Ipc.Receive(s_endpoint, ref m), "first call");
        ulong first = m.W0;
        T.Status(Status.Ok, Ipc.SaveReply(r1), "put its reply aside");
        T.Status(Status.Ok, Ipc.Receive(s_endpoint, ref m), "take a second call while the first is open");
        ulong second = m.W0;
        T.Status(Status.Occupied, Ipc.SaveReply(r1), "a Reply object holds one caller");
        T.Status(Status.Ok, Ipc.SaveReply(r2), "the second into another object");
        T.Equal(3, (long)(first + second), "both callers were received");
        var answer = Message.Of(second + 100);
        T.Status(Status.Ok, Ipc.Reply(r2, new MessageInfo(1, 0), ref answer), "answer the second first");
        answer = Message.Of(first + 100);
        T.Status(Status.Ok, Ipc.Reply(r1, new MessageInfo(1, 0), ref answer), "then the first");
        T.Status(Status.BadState, Ipc.Reply(r1, new MessageInfo(0, 0), ref answer), "an answered object is empty");
        Sys.ThreadWait(a.Thread, out _, out ulong ca);
        Sys.ThreadWait(b.Thread, out _, out ulong cb);
        T.Equal(101, (long)ca, "each caller got its own answer (1)");
        T.Equal(102, (long)cb, "each caller got its own answer (2)");
        T.Status(Status.WrongType, Ipc.SaveReply(s_endpoint), "SaveReply needs a Reply object");
        ThreadBuilder.Destroy(ref a);
        ThreadBuilder.Destroy(ref b);
        CSpace.Release(r1);
        CSpace.Release(r2);
        CSpace.Release(s_endpoint);
    }

    private static void ReplyObjectEndings()
    {
        UserTests.Make(s_memory, ObjectType.Endpoint, 0, out s_endpoint);
        UserTests.Make(s_memory, ObjectType.Reply, 0, out CapHandle r);
        ThreadBuilder.Create(s_memory, &Caller, 5, StackA, out LocalThread a);
        Sys.ThreadStart(a.Thread);
        var m = new Message();
        Ipc.Receive(s_endpoint, ref m);
        Ipc.SaveReply(r);
        ThreadBuilder.Destroy(ref a);
        T.Status(Status.PeerDied, Ipc.Reply(r, new MessageInfo(0, 0), ref m), "the held caller died: PeerDied");
        T.Status(Status.BadState, Ipc.Reply(r, new MessageInfo(0, 0), ref m), "said once");

        ThreadBuilder.Create(s_memory, &Caller, 7, StackA, out a);
        Sys.ThreadStart(a.Thread);
        Ipc.Receive(s_endpoint, ref m);
        ThreadBuilder.Destroy(ref a);
        T.Status(Status.PeerDied, Ipc.SaveReply(r), "saving the reply of a caller that died: PeerDied");
        T.Status(Status.BadState, Ipc.SaveReply(r), "said once");

        ThreadBuilder.Create(s_memory, &Caller, 6, StackA, out a);
        Sys.ThreadStart(a.Thread);
        Ipc.Receive(s_endpoint, ref m);
        Ipc.SaveReply(r);
        CSpace.Release(r);   // the server drops the object with the caller in it
        Sys.ThreadWait(a.Thread, out _, out ulong code);
        T.Equal((long)Status.PeerDied, (long)(code >> 32), "a caller whose Reply object is deleted wakes with PeerDied");
        ThreadBuilder.Destroy(ref a);
        CSpace.Release(s_endpoint);
    }

    private static uint s_landing;

    // Calls naming a landing slot; signals through the capability the reply brought.
    private static ulong CapCaller(ulong unused)
    {
        var buffer = (IpcBuffer*)BufferA;
        buffer->ReceiveCNode = CSpace.Self.Value;
        buffer->ReceiveSlots[0] = s_landing;
        var m = new Message();
        Status s = Ipc.Call(s_endpoint, new MessageInfo(0, 0), ref m);
        if (s != Status.Ok) return 1;
        if (m.Info.Caps != 1) return 2;
        return Ipc.Signal(new CapHandle(buffer->ReceivedHandles[0]), 0x40) == Status.Ok ? 0UL : 3UL;
    }

    private static void ReplyWithCap()
    {
        UserTests.Make(s_memory, ObjectType.Endpoint, 0, out s_endpoint);
        UserTests.Make(s_memory, ObjectType.Notification, 0, out CapHandle n);
        CSpace.TryAlloc(out uint bs);
        Sys.Retype(s_memory, ObjectType.Frame, 12, CSpace.Self, bs, 1, out CapHandle bufferFrame);
        Sys.Map(CSpace.SelfAddressSpace, bufferFrame, BufferA, Rights.Read | Rights.Write);
        CSpace.TryAlloc(out s_landing);
        ThreadBuilder.Create(s_memory, &CapCaller, 0, StackA, BufferA, default, out LocalThread a);
        Sys.ThreadStart(a.Thread);
        var m = new Message();
        Ipc.Receive(s_endpoint, ref m);
        var mine = (IpcBuffer*)Program.SelfBuffer;
        mine->SendCaps[0] = n.Value;
        T.Status(Status.Ok, Ipc.Reply(new MessageInfo(0, 1), ref m), "reply with a capability");
        Sys.ThreadWait(a.Thread, out _, out ulong code);
        T.Equal(0, (long)code, "it landed in the caller's slot and works");
        Ipc.Poll(n, out ulong bits);
        T.Equal(0x40, (long)bits, "the caller signalled through it");
        ThreadBuilder.Destroy(ref a);
        // The copy that landed is a child of n (its slot's generation is not known here).
        Sys.Revoke(n);
        CSpace.Free(s_landing);
        CSpace.Release(bufferFrame);
        CSpace.Release(n);
        CSpace.Release(s_endpoint);
    }

    private static ulong WaitGate(ulong code)
    {
        Ipc.Wait(s_gate, out _);
        return code;
    }

    private static void ExitNotification()
    {
        UserTests.Make(s_memory, ObjectType.Notification, 0, out CapHandle exits);
        UserTests.Make(s_memory, ObjectType.Notification, 0, out s_gate);
        CSpace.TryAlloc(out uint bs);
        Sys.Mint(exits, CSpace.Self, bs, Rights.Write, 0x10, out CapHandle badged);
        ThreadBuilder.Create(s_memory, &WaitGate, 77, StackA, 0, default, out LocalThread a, badged);
        Sys.ThreadStart(a.Thread);
        Sys.Yield();
        T.Status(Status.WouldBlock, Sys.ThreadPoll(a.Thread, out _, out _), "ThreadPoll of a running thread does not wait");
        T.Status(Status.WouldBlock, Ipc.Poll(exits, out _), "no exit yet");
        Ipc.Signal(s_gate, 1);
        T.Status(Status.Ok, Ipc.Wait(exits, out ulong bits), "the exit notification fires");
        T.Equal(0x10, (long)bits, "with the badge that names the thread");
        T.Status(Status.Ok, Sys.ThreadPoll(a.Thread, out ThreadExitKind kind, out ulong code), "then ThreadPoll reports the end");
        T.Equal(77, (long)code, "its exit code");
        T.True(kind == ThreadExitKind.Exited, "it exited");
        T.Status(Status.InvalidArgument, Sys.Call(Syscall.ThreadWait, a.Thread.Value, 2), "unknown ThreadWait flags");
        ThreadBuilder.Destroy(ref a);
        CSpace.Release(badged);
        CSpace.Release(s_gate);
        CSpace.Release(exits);
    }
}
