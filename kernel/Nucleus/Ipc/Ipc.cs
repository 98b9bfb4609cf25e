// Synchronous IPC through endpoints (the slow path; FastPath.cs short-circuits the common call
// and reply). A sender and a receiver meet at an endpoint: whichever arrives first waits in its
// queue. The message moves straight from the sender's saved registers (and IPC buffer) into the
// receiver's: the kernel never buffers it. A call leaves the caller waiting for the reply, which
// the receiver owes it (ReplyTo) until it replies, dies, or the caller dies.
//
// Protocol for every operation: 1. validate everything the operation could fail on; 2. only then
// change queues and states; 3. wake whoever the operation completes (results in their frames).
using Vireo.Abi;
using Vireo.Kernel.Caps;
using Vireo.Kernel.Memory;
using Vireo.Kernel.Paging;

namespace Vireo.Kernel.Nucleus;

public static unsafe class Ipc
{
    /// <summary>UserMode.SyscallVector: a frame saved by SYSCALL (257 once ThreadRegisters wrote it).</summary>
    public const ulong SyscallFrameVector = 256;

    public static Endpoint* EndpointAt(PhysAddr phys) => NucleusContext.Current.Direct.As<Endpoint>(phys);
    public static Notification* NotificationAt(PhysAddr phys) => NucleusContext.Current.Direct.As<Notification>(phys);

    /// <summary>The object a capability names, typed (the capability core keeps it as a number).</summary>
    public static PhysAddr ObjectOf(CapSlot* cap) => cap->ObjectPhys;

    // --- endpoints ------------------------------------------------------------------------------

    public static Status Send(Tcb* sender, CapSlot* cap, MessageInfo info, bool blocking, bool isCall)
    {
        Endpoint* ep = EndpointAt(ObjectOf(cap));
        // Sending capabilities needs Grant; checked here, before the sender can be queued.
        if (info.Caps > 0 && (cap->Rights & Rights.Grant) == 0) return Status.InsufficientRights;
        if (ep->State == EndpointState.Receiving)
        {
            Tcb* receiver = ep->Head;
            Status s = Deliver(sender, receiver, cap->Badge, info);
            if (s != Status.Ok) return s;
            IpcQueue.Remove(ref ep->Head, ref ep->Tail, receiver);
            if (ep->Head == null) ep->State = EndpointState.Idle;
            if (isCall) AwaitReply(sender, receiver);
            Threads.MakeRunnable(receiver);
            return Status.Ok;
        }
        if (!blocking) return Status.WouldBlock;
        sender->IpcBadge = cap->Badge;
        sender->IpcInfo = info.Value;
        sender->IpcIsCall = isCall;
        Threads.Block(sender, ThreadState.BlockedOnSend);
        IpcQueue.Append(ref ep->Head, ref ep->Tail, sender, ObjectOf(cap));
        ep->State = EndpointState.Sending;
        return Status.Ok;
    }

    public static Status Recv(Tcb* receiver, CapSlot* cap, bool blocking)
    {
        if (receiver->BoundNotification.Value != 0)
        {
            Notification* n = NotificationAt(receiver->BoundNotification);
            if (n->Word != 0)
            {
                DeliverSignal(receiver, n);
                return Status.Ok;
            }
        }
        Endpoint* ep = EndpointAt(ObjectOf(cap));
        while (ep->State == EndpointState.Sending)
        {
            Tcb* sender = ep->Head;
            Status s = Deliver(sender, receiver, sender->IpcBadge, new MessageInfo(sender->IpcInfo));
            IpcQueue.Remove(ref ep->Head, ref ep->Tail, sender);
            if (ep->Head == null) ep->State = EndpointState.Idle;
            // A queued sender whose capabilities cannot land learns why; the receiver keeps waiting.
            if (s != Status.Ok)
            {
                sender->Frame.Rax = (ulong)s;
                Threads.MakeRunnable(sender);
                continue;
            }
            if (sender->IpcIsCall)
            {
                AwaitReply(sender, receiver);
            }
            else
            {
                sender->Frame.Rax = (ulong)Status.Ok;
                Threads.MakeRunnable(sender);
            }
            return Status.Ok;
        }
        if (!blocking) return Status.WouldBlock;
        Threads.Block(receiver, ThreadState.BlockedOnRecv);
        IpcQueue.Append(ref ep->Head, ref ep->Tail, receiver, ObjectOf(cap));
        ep->State = EndpointState.Receiving;
        return Status.Ok;
    }

    public static ReplyObject* ReplyAt(PhysAddr phys) => NucleusContext.Current.Direct.As<ReplyObject>(phys);

    /// <summary>Answers the call this thread received. PeerDied if the caller died meanwhile,
    /// BadState if it owes no reply.</summary>
    public static Status Reply(Tcb* server, MessageInfo info)
    {
        Tcb* caller = server->ReplyTo;
        if (caller == null) return NoCaller(ref server->ReplyLost);
        Status s = Answer(server, caller, info);
        if (s != Status.Ok) return s;
        server->ReplyTo = null;
        caller->ReplyServer = null;
        Threads.MakeRunnable(caller);
        return Status.Ok;
    }

    /// <summary>Puts the reply this thread owes aside in a Reply object, so that the thread can take
    /// other calls and answer this one later (ReplyVia). Occupied if the object holds a caller already.</summary>
    public static Status Save(Tcb* server, ReplyObject* r)
    {
        if (r->Caller != null) return Status.Occupied;
        Tcb* caller = server->ReplyTo;
        if (caller == null) return NoCaller(ref server->ReplyLost);
        server->ReplyTo = null;
        caller->ReplyServer = null;
        caller->ReplyHolder = r;
        r->Caller = caller;
        r->Lost = false;
        return Status.Ok;
    }

    /// <summary>Answers the caller held in a Reply object. BadState if it holds none, PeerDied (once)
    /// if that caller died.</summary>
    public static Status ReplyVia(Tcb* server, ReplyObject* r, MessageInfo info)
    {
        Tcb* caller = r->Caller;
        if (caller == null) return NoCaller(ref r->Lost);
        Status s = Answer(server, caller, info);
        if (s != Status.Ok) return s;
        r->Caller = null;
        caller->ReplyHolder = null;
        Threads.MakeRunnable(caller);
        return Status.Ok;
    }

    // Nothing owed: BadState, or PeerDied once if the caller that was owed died (the flag clears).
    private static Status NoCaller(ref bool lost)
    {
        if (!lost) return Status.BadState;
        lost = false;
        return Status.PeerDied;
    }

    // The answer itself. A reply may carry capabilities into slots the caller named in its IPC
    // buffer (a file handle from a scheme daemon): the caller asked for them by calling.
    private static Status Answer(Tcb* server, Tcb* caller, MessageInfo info)
    {
        if (caller->IpcIsFault)
        {
            // Resuming a faulted thread: it retries the instruction with its registers untouched.
            // One stopped at a foreign SYSCALL (its frame a syscall frame, as written or not) gets
            // the reply's first word as the call's result (ForeignSyscallMessage).
            caller->IpcIsFault = false;
            if (caller->Frame.Vector >= SyscallFrameVector && info.Words > 0) caller->Frame.Rax = server->Frame.Rdx;
            return Status.Ok;
        }
        return Deliver(server, caller, 0, info);
    }

    private static void AwaitReply(Tcb* caller, Tcb* server)
    {
        // One reply is owed at a time: a server that takes a new call without answering the last
        // one has dropped it, and that caller must not wait forever.
        if (server->ReplyTo != null && server->ReplyTo != caller) ReleaseCaller(server->ReplyTo);
        if (caller->State != ThreadState.BlockedOnSend) Threads.Block(caller, ThreadState.BlockedOnReply);
        else caller->State = ThreadState.BlockedOnReply;
        caller->ReplyServer = server;
        server->ReplyTo = caller;
        server->ReplyLost = false;
    }

    /// <summary>Moves a message into the receiver's frame (and IPC buffer): MessageTransfer with the
    /// kernel's capability space. On failure nothing has changed.</summary>
    public static Status Deliver(Tcb* sender, Tcb* receiver, ulong badge, MessageInfo info)
    {
        var env = new KernelMessageCaps();
        return MessageTransfer.Deliver(ref env, sender, receiver, badge, info);
    }

    private struct KernelMessageCaps : IMessageCaps
    {
        public bool TryBuffer(Tcb* t, bool write, out IpcBuffer* buffer) => Ipc.TryBuffer(t, write, out buffer);
        public Status Lookup(Tcb* t, ulong handle, out CapSlot* slot) => Syscalls.Lookup(t, handle, out slot);
        public Status LookupCNode(Tcb* t, ulong handle, out CapSlot* cnode) =>
            Syscalls.Lookup(t, handle, ObjectType.CNode, Rights.Write, out cnode);
        public CapSlot* SlotAt(CapSlot* cnode, ulong index) => CNode.SlotAddress(cnode->ObjectPhys, index).In(NucleusContext.Current.Direct);

        public ulong Copy(CapSlot* src, CapSlot* cnode, ulong index)
        {
            var map = NucleusContext.Current.Direct;
            SlotAddr slot = CNode.SlotAddress(cnode->ObjectPhys, index);
            // Ok: MessageTransfer checked the source (not untyped) and the empty slot first.
            _ = CapOps.Copy(map, SlotAddr.Of(map, src), slot, Rights.Defined);   // the sender's rights whole, Physical too
            return CNode.HandleFor(map, cnode->ObjectPhys, slot).Value;
        }
    }

    /// <summary>The thread's IPC buffer through the direct map, if it is mapped (writable when asked).
    /// Inlined: the fast paths nearly always find the translation cached (no mapping has been removed
    /// or narrowed anywhere since the last walk); the walk is out of line.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static bool TryBuffer(Tcb* t, bool write, out IpcBuffer* buffer)
    {
        if (t->BufferPhys.Value != 0 && t->BufferEpoch == Mappings.Epoch && (!write || t->BufferWritable) && t->AddressSpace.Value != 0)
        {
            buffer = NucleusContext.Current.Direct.As<IpcBuffer>(t->BufferPhys);
            return true;
        }
        return WalkBuffer(t, write, out buffer);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static bool WalkBuffer(Tcb* t, bool write, out IpcBuffer* buffer)
    {
        buffer = null;
        if (t->IpcBuffer == 0 || t->AddressSpace.Value == 0) return false;
        PageTable table = AddressSpaces.TableOf(NucleusContext.Current.Direct, t->AddressSpace);
        if (!table.TryTranslate(t->IpcBuffer, out PhysAddr phys, out PageFlags flags)) return false;
        if ((flags & PageFlags.User) == 0) return false;
        t->BufferPhys = phys;
        t->BufferEpoch = Mappings.Epoch;
        t->BufferWritable = (flags & PageFlags.Writable) != 0;
        if (write && !t->BufferWritable) return false;
        buffer = NucleusContext.Current.Direct.As<IpcBuffer>(phys);
        return true;
    }

    /// <summary>Reports a fault of `t` to its fault endpoint as a call, or with ForeignSyscallLabel a
    /// SYSCALL of a foreign-ABI thread (ADR 0014); false if it has none (then the thread stops). The
    /// message is made from its frame when delivered (MessageTransfer.DeliverFault); the reply resumes it.</summary>
    public static bool SendFault(Tcb* t, ulong address, ulong label = MessageInfo.FaultLabel)
    {
        if (t->FaultEndpointCap.IsEmpty) return false;
        t->IpcIsFault = true;
        t->FaultAddress = address;
        var info = new MessageInfo(MessageInfo.RegisterWords, 0, label);
        // Ok: a blocking send of register words only needs no right and no buffer.
        _ = Send(t, &t->FaultEndpointCap, info, blocking: true, isCall: true);
        return true;
    }

    // --- notifications --------------------------------------------------------------------------

    public static void Signal(CapSlot* cap, ulong bits, bool handOver = true) =>
        SignalObject(ObjectOf(cap), cap->Badge != 0 ? cap->Badge : bits, handOver);

    /// <summary>Signals a notification by address (device interrupts have no capability). handOver:
    /// a woken thread that outranks the running one may take the CPU at once (Threads.Wake); false
    /// where the caller is in the middle of something else (a thread's death).</summary>
    public static void SignalObject(PhysAddr phys, ulong bits, bool handOver = true)
    {
        Notification* n = NotificationAt(phys);
        n->Word |= bits;
        if (n->Word == 0) return;
        if (n->Head != null)
        {
            Tcb* waiter = IpcQueue.PopFront(ref n->Head, ref n->Tail);
            waiter->Frame.Rax = (ulong)Status.Ok;
            waiter->Frame.Rdx = n->Word;
            n->Word = 0;
            Threads.Wake(waiter, handOver);
            return;
        }
        Tcb* bound = n->Bound;
        if (bound != null && bound->State == ThreadState.BlockedOnRecv)
        {
            Endpoint* ep = EndpointAt(bound->IpcObject);
            IpcQueue.Remove(ref ep->Head, ref ep->Tail, bound);
            if (ep->Head == null) ep->State = EndpointState.Idle;
            DeliverSignal(bound, n);
            Threads.Wake(bound, handOver);
        }
    }

    public static Status Wait(Tcb* t, CapSlot* cap, bool blocking, out ulong bits)
    {
        Notification* n = NotificationAt(ObjectOf(cap));
        bits = n->Word;
        if (bits != 0)
        {
            n->Word = 0;
            return Status.Ok;
        }
        if (!blocking) return Status.WouldBlock;
        Threads.Block(t, ThreadState.BlockedOnNotification);
        IpcQueue.Append(ref n->Head, ref n->Tail, t, ObjectOf(cap));
        return Status.Ok;
    }

    /// <summary>NotificationBind: the notification's signals also end the thread's Recv. BadState if
    /// the thread is dead, Occupied if either is bound already.</summary>
    public static Status Bind(Tcb* t, PhysAddr notificationPhys)
    {
        Notification* n = NotificationAt(notificationPhys);
        if (t->State == ThreadState.Dead) return Status.BadState;
        if (n->Bound != null || t->BoundNotification.Value != 0) return Status.Occupied;
        n->Bound = t;
        t->BoundNotification = notificationPhys;
        return Status.Ok;
    }

    private static void DeliverSignal(Tcb* t, Notification* n)
    {
        t->Frame.Rax = (ulong)Status.Ok;
        t->Frame.Rdi = n->Word;
        t->Frame.Rsi = new MessageInfo(0, 0, MessageInfo.NotificationLabel).Value;
        n->Word = 0;
    }

    // --- endings --------------------------------------------------------------------------------

    /// <summary>A thread stops for good: take it out of every queue and release its partners.</summary>
    public static void Detach(Tcb* t)
    {
        var map = NucleusContext.Current.Direct;
        if (t->IpcObject.Value != 0)
        {
            if (t->State == ThreadState.BlockedOnNotification)
            {
                Notification* n = NotificationAt(t->IpcObject);
                IpcQueue.Remove(ref n->Head, ref n->Tail, t);
            }
            else
            {
                Endpoint* ep = EndpointAt(t->IpcObject);
                IpcQueue.Remove(ref ep->Head, ref ep->Tail, t);
                if (ep->Head == null) ep->State = EndpointState.Idle;
            }
        }
        // Its caller would wait forever for a reply that cannot come.
        if (t->ReplyTo != null)
        {
            Tcb* caller = t->ReplyTo;
            t->ReplyTo = null;
            ReleaseCaller(caller);
        }
        // The thread that owes it a reply learns, when it replies, that the caller is gone.
        if (t->ReplyServer != null)
        {
            t->ReplyServer->ReplyTo = null;
            t->ReplyServer->ReplyLost = true;
            t->ReplyServer = null;
        }
        if (t->ReplyHolder != null)
        {
            t->ReplyHolder->Caller = null;
            t->ReplyHolder->Lost = true;
            t->ReplyHolder = null;
        }
        if (t->BoundNotification.Value != 0)
        {
            NotificationAt(t->BoundNotification)->Bound = null;
            t->BoundNotification = PhysAddr.Null;
        }
    }

    /// <summary>An endpoint or notification is destroyed: everyone waiting on it wakes with PeerDied.
    /// A Reply object destroyed with a caller in it releases that caller (PeerDied).</summary>
    public static void DestroyObject(ObjectType type, PhysAddr phys)
    {
        if (type == ObjectType.Reply)
        {
            ReplyObject* r = ReplyAt(phys);
            Tcb* caller = r->Caller;
            r->Caller = null;
            if (caller != null)
            {
                caller->ReplyHolder = null;
                ReleaseCaller(caller);
            }
            return;
        }
        if (type == ObjectType.Endpoint)
        {
            Endpoint* ep = EndpointAt(phys);
            while (ep->Head != null) ReleaseCaller(IpcQueue.PopFront(ref ep->Head, ref ep->Tail));
            ep->State = EndpointState.Idle;
        }
        else
        {
            Notification* n = NotificationAt(phys);
            while (n->Head != null) ReleaseCaller(IpcQueue.PopFront(ref n->Head, ref n->Tail));
            if (n->Bound != null) n->Bound->BoundNotification = PhysAddr.Null;
            n->Bound = null;
            Devices.ForgetNotification(phys);
        }
    }

    /// <summary>A thread whose message or reply will never come (its caller dropped it, or the
    /// endpoint or notification it waited on died): PeerDied, or, for a fault report, the thread
    /// stops as if it had no handler (its registers are its own, not a status).</summary>
    private static void ReleaseCaller(Tcb* caller)
    {
        caller->ReplyServer = null;
        if (caller->IpcIsFault)
        {
            StopFaulted(caller);
            return;
        }
        caller->Frame.Rax = (ulong)Status.PeerDied;
        Threads.MakeRunnable(caller);
    }

    private static void StopFaulted(Tcb* t)
    {
        t->IpcIsFault = false;
        Threads.Kill(t, ThreadExitKind.Faulted, t->Frame.Vector);
    }
}
