// The IPC state machine (Ipc.cs) on the host: endpoints meeting senders and receivers in either
// order, call and reply, the death of either side, destroyed endpoints, notifications. Messages carry
// register words only; MessageTransferTests covers buffers and capabilities.
using System;
using Vireo.Abi;
using Vireo.Kernel.Caps;
using Vireo.Kernel.Memory;
using Vireo.Kernel.Nucleus;
using Xunit;

namespace Vireo.Tests.Nucleus;

// Inside the namespace, so that it wins over the sibling namespace Vireo.Tests.Ipc.
using Ipc = Vireo.Kernel.Nucleus.Ipc;

[Collection(NucleusWorld.Collection)]
public unsafe class IpcStateTests : IDisposable
{
    private readonly NucleusWorld _world = new();
    private static readonly MessageInfo TwoWords = new(2, 0, label: 5);

    public void Dispose() => _world.Dispose();

    private CapSlot* NewEndpoint(ulong badge = 0) => _world.Cap(ObjectType.Endpoint, _world.NewObject(), badge: badge);

    private static Endpoint* EndpointOf(CapSlot* cap) => Ipc.EndpointAt(Ipc.ObjectOf(cap));

    private static void Words(Tcb* t, ulong w0, ulong w1)
    {
        t->Frame.Rdx = w0;
        t->Frame.R10 = w1;
    }

    [Fact]
    public void A_send_with_nobody_receiving_blocks_or_changes_nothing()
    {
        Tcb* sender = _world.Started();
        CapSlot* ep = NewEndpoint();
        Assert.Equal(Status.WouldBlock, Ipc.Send(sender, ep, TwoWords, blocking: false, isCall: false));
        Assert.Equal(ThreadState.Runnable, sender->State);
        Assert.Equal(EndpointState.Idle, EndpointOf(ep)->State);
        Assert.Equal(Status.Ok, Ipc.Send(sender, ep, TwoWords, blocking: true, isCall: false));
        Assert.Equal(ThreadState.BlockedOnSend, sender->State);
        Assert.Equal(EndpointState.Sending, EndpointOf(ep)->State);
    }

    [Fact]
    public void A_queued_sender_is_received_with_its_badge_and_words_and_wakes_with_Ok()
    {
        Tcb* sender = _world.Started(), receiver = _world.Started();
        CapSlot* ep = NewEndpoint(badge: 0xB);
        Words(sender, 7, 8);
        Assert.Equal(Status.Ok, Ipc.Send(sender, ep, TwoWords, blocking: true, isCall: false));
        sender->Frame.Rax = 99;
        Assert.Equal(Status.Ok, Ipc.Recv(receiver, ep, blocking: true));
        Assert.Equal(0xBUL, receiver->Frame.Rdi);
        Assert.Equal(7UL, receiver->Frame.Rdx);
        Assert.Equal(8UL, receiver->Frame.R10);
        Assert.Equal(5UL, new MessageInfo(receiver->Frame.Rsi).Label);
        Assert.Equal(ThreadState.Runnable, sender->State);
        Assert.Equal((ulong)Status.Ok, sender->Frame.Rax);
        Assert.Equal(EndpointState.Idle, EndpointOf(ep)->State);
        Assert.Equal(Status.WouldBlock, Ipc.Recv(receiver, ep, blocking: false));
    }

    [Fact]
    public void A_call_waits_for_the_reply_and_the_reply_is_owed_once()
    {
        Tcb* server = _world.Started(), caller = _world.Started();
        CapSlot* ep = NewEndpoint();
        Assert.Equal(Status.Ok, Ipc.Recv(server, ep, blocking: true));
        Assert.Equal(ThreadState.BlockedOnRecv, server->State);
        Words(caller, 1, 2);
        Assert.Equal(Status.Ok, Ipc.Send(caller, ep, TwoWords, blocking: true, isCall: true));
        Assert.Equal(ThreadState.Runnable, server->State);
        Assert.Equal(1UL, server->Frame.Rdx);
        Assert.Equal(ThreadState.BlockedOnReply, caller->State);
        Assert.True(server->ReplyTo == caller);

        Words(server, 30, 40);
        Assert.Equal(Status.Ok, Ipc.Reply(server, TwoWords));
        Assert.Equal(ThreadState.Runnable, caller->State);
        Assert.Equal(30UL, caller->Frame.Rdx);
        Assert.Equal(40UL, caller->Frame.R10);
        Assert.Equal(Status.BadState, Ipc.Reply(server, TwoWords));
    }

    [Fact]
    public void A_server_that_dies_owing_a_reply_releases_its_caller_with_PeerDied()
    {
        Tcb* server = _world.Started(), caller = _world.Started();
        CapSlot* ep = NewEndpoint();
        Assert.Equal(Status.Ok, Ipc.Recv(server, ep, blocking: true));
        Assert.Equal(Status.Ok, Ipc.Send(caller, ep, TwoWords, blocking: true, isCall: true));
        Threads.Kill(server, ThreadExitKind.Faulted, 14);
        Assert.Equal(ThreadState.Runnable, caller->State);
        Assert.Equal((ulong)Status.PeerDied, caller->Frame.Rax);
        Assert.True(caller->ReplyServer == null);
    }

    [Fact]
    public void A_caller_that_dies_before_the_reply_is_reported_once_as_PeerDied()
    {
        Tcb* server = _world.Started(), caller = _world.Started();
        CapSlot* ep = NewEndpoint();
        Assert.Equal(Status.Ok, Ipc.Send(caller, ep, TwoWords, blocking: true, isCall: true));
        Assert.Equal(Status.Ok, Ipc.Recv(server, ep, blocking: true));
        Threads.Kill(caller, ThreadExitKind.Killed, 0);
        Assert.Equal(Status.PeerDied, Ipc.Reply(server, TwoWords));
        Assert.Equal(Status.BadState, Ipc.Reply(server, TwoWords));
    }

    [Fact]
    public void A_reply_put_aside_is_answered_later_through_the_reply_object()
    {
        Tcb* server = _world.Started(), caller = _world.Started();
        CapSlot* ep = NewEndpoint();
        ReplyObject* r = Ipc.ReplyAt(_world.NewObject());
        Assert.Equal(Status.BadState, Ipc.Save(server, r));
        Assert.Equal(Status.Ok, Ipc.Recv(server, ep, blocking: true));
        Assert.Equal(Status.Ok, Ipc.Send(caller, ep, TwoWords, blocking: true, isCall: true));
        Assert.Equal(Status.Ok, Ipc.Save(server, r));
        Assert.True(server->ReplyTo == null && r->Caller == caller);
        Assert.Equal(Status.BadState, Ipc.Reply(server, TwoWords));
        Words(server, 9, 0);
        Assert.Equal(Status.Ok, Ipc.ReplyVia(server, r, TwoWords));
        Assert.Equal(ThreadState.Runnable, caller->State);
        Assert.Equal(9UL, caller->Frame.Rdx);
        Assert.Equal(Status.BadState, Ipc.ReplyVia(server, r, TwoWords));
    }

    [Fact]
    public void A_destroyed_endpoint_releases_every_queued_thread_with_PeerDied()
    {
        Tcb* a = _world.Started(), b = _world.Started();
        CapSlot* ep = NewEndpoint();
        Assert.Equal(Status.Ok, Ipc.Send(a, ep, TwoWords, blocking: true, isCall: false));
        Assert.Equal(Status.Ok, Ipc.Send(b, ep, TwoWords, blocking: true, isCall: true));
        Ipc.DestroyObject(ObjectType.Endpoint, Ipc.ObjectOf(ep));
        Assert.Equal(EndpointState.Idle, EndpointOf(ep)->State);
        Assert.True(EndpointOf(ep)->Head == null);
        Assert.Equal(ThreadState.Runnable, a->State);
        Assert.Equal((ulong)Status.PeerDied, a->Frame.Rax);
        Assert.Equal(ThreadState.Runnable, b->State);
        Assert.Equal((ulong)Status.PeerDied, b->Frame.Rax);
    }

    [Fact]
    public void Signals_accumulate_until_taken_and_a_blocked_waiter_gets_them_at_once()
    {
        Tcb* t = _world.Started();
        CapSlot* n = _world.Cap(ObjectType.Notification, _world.NewObject());
        Assert.Equal(Status.WouldBlock, Ipc.Wait(t, n, blocking: false, out _));
        Ipc.Signal(n, 0b01);
        Ipc.Signal(n, 0b10);
        Assert.Equal(Status.Ok, Ipc.Wait(t, n, blocking: true, out ulong bits));
        Assert.Equal(0b11UL, bits);
        Assert.Equal(ThreadState.Runnable, t->State);

        Assert.Equal(Status.Ok, Ipc.Wait(t, n, blocking: true, out _));
        Assert.Equal(ThreadState.BlockedOnNotification, t->State);
        Ipc.Signal(n, 0b100);
        Assert.Equal(ThreadState.Runnable, t->State);
        Assert.Equal(0b100UL, t->Frame.Rdx);
        Assert.Equal(0UL, Ipc.NotificationAt(Ipc.ObjectOf(n))->Word);
    }

    [Fact]
    public void A_bound_notification_ends_a_receive_and_binds_once()
    {
        Tcb* t = _world.Started(), other = _world.Started();
        CapSlot* ep = NewEndpoint();
        PhysAddr n = _world.NewObject();
        Assert.Equal(Status.Ok, Ipc.Bind(t, n));
        Assert.Equal(Status.Occupied, Ipc.Bind(t, _world.NewObject()));
        Assert.Equal(Status.Occupied, Ipc.Bind(other, n));
        Assert.Equal(Status.Ok, Ipc.Recv(t, ep, blocking: true));
        Assert.Equal(ThreadState.BlockedOnRecv, t->State);
        Ipc.SignalObject(n, 0x40);
        Assert.Equal(ThreadState.Runnable, t->State);
        Assert.Equal(0x40UL, t->Frame.Rdi);
        Assert.Equal(MessageInfo.NotificationLabel, new MessageInfo(t->Frame.Rsi).Label);
        Assert.Equal(EndpointState.Idle, EndpointOf(ep)->State);

        Threads.Kill(other, ThreadExitKind.Exited, 0);
        Assert.Equal(Status.BadState, Ipc.Bind(other, _world.NewObject()));
    }
}
