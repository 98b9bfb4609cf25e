// The IPC fast path: Call and ReplyRecv without capabilities when the partner is already waiting.
// The first four words move register to register, the rest (a scheme request's data) straight
// from one IPC buffer to the other; and
// the CPU passes straight from client to server and back: no scheduler queue is touched, and the
// server runs on the client's time (its thread, in effect, continues in the server: the
// migrating-thread model). The hand-over never jumps a queue: if a runnable thread outranks the
// partner, the general path runs and the scheduler decides. Any condition not met falls back to
// the general path (Ipc.cs), which gives the same result, only slower. Checks first, then changes, as everywhere.
using System.Runtime.CompilerServices;
using Vireo.Abi;
using Vireo.Kernel.Arch.X64;
using Vireo.Kernel.Caps;
using Vireo.Kernel.Memory;

namespace Vireo.Kernel.Nucleus;

// No zeroing of locals: every one is written before it is read, and the out pointers the checks
// fill would otherwise be cleared on each call.
[SkipLocalsInit]
public static unsafe class FastPath
{
    /// <summary>Call: a receiver waits on the endpoint. True when done (caller blocked, receiver running).</summary>
    public static bool TryCall(PerCpuBlock* me, Tcb* caller, InterruptFrame* f)
    {
        var info = new MessageInfo(f->Rsi);
        if (info.Caps != 0 || info.Words > MessageInfo.MaxWords) return false;
        if (Syscalls.Lookup(caller, f->Rdi, ObjectType.Endpoint, Rights.Write, out CapSlot* cap) != Status.Ok) return false;
        Endpoint* ep = Ipc.EndpointAt(Ipc.ObjectOf(cap));
        Lock(me, ep);
        bool done = TryCallLocked(me, ep, cap, caller, f, info);
        Unlock(me, ep);
        return done;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryCallLocked(PerCpuBlock* me, Endpoint* ep, CapSlot* cap, Tcb* caller, InterruptFrame* f, MessageInfo info)
    {
        if (ep->State != EndpointState.Receiving) return false;
        Tcb* server = ep->Head;
        if (server->ReplyTo != null) return false;
        if (Threads.Outranked(me, server)) return false;
        if (info.Words > MessageInfo.RegisterWords && !CopyWords(caller, server, info.Words)) return false;

        MessageTransfer.SetRegisters(server, cap->Badge, info, f->Rdx, f->R10, f->R8, f->R9);
        HandOverCall(me, ep, caller, server);
        return true;
    }

    // The endpoint's own lock, taken only under a share of the big kernel lock (ADR 0028): two CPUs in
    // the fast path may use one endpoint, and its queue (with the waiting server taken from it) is the
    // only state they can both reach; everything else they touch is their own CPU's or their own
    // threads'. Under the exclusive lock (or on one CPU) nobody else is in the kernel.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Lock(PerCpuBlock* me, Endpoint* ep)
    {
        if (me->SharedHeld != 0) Locks.Acquire((TicketLock*)&ep->FastLock);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Unlock(PerCpuBlock* me, Endpoint* ep)
    {
        if (me->SharedHeld != 0) Locks.Release((TicketLock*)&ep->FastLock);
    }

    // The tail of a fast call: the server leaves the endpoint's queue, the reply record is made, and
    // the CPU goes to the server.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void HandOverCall(PerCpuBlock* me, Endpoint* ep, Tcb* caller, Tcb* server)
    {
        IpcQueue.Remove(ref ep->Head, ref ep->Tail, server);
        if (ep->Head == null) ep->State = EndpointState.Idle;
        caller->State = ThreadState.BlockedOnReply;
        caller->ReplyServer = server;
        server->ReplyTo = caller;
        server->ReplyLost = false;
        server->State = ThreadState.Runnable;
        Threads.HandOver(me, server);
    }

    /// <summary>A foreign-ABI thread's SYSCALL (ADR 0014) when its handler waits on the fault endpoint
    /// with an IPC buffer for the words past the registers. True when done (thread blocked, handler running).
    /// Inlined into its one caller, the foreign dispatcher: a call less on every Linux syscall.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryForeignCall(PerCpuBlock* me, Tcb* t) =>
        !t->FaultEndpointCap.IsEmpty && TryForeignCallLocked(me, FaultEndpoint(t), t);

    /// <summary>TryForeignCall for several CPUs (Threads.EnterSeveral, ADR 0031): under a share of the big
    /// kernel lock the endpoint's lock is held while the waiting handler and its buffer are checked and
    /// taken, as TryCall does. Apart, so that one CPU pays no test of SharedHeld on every Linux syscall.
    /// The registers are the thread's own frame; <paramref name="f"/> is there for EnterSeveral's signature.</summary>
    public static bool TryForeignCallSeveral(PerCpuBlock* me, Tcb* t, InterruptFrame* f)
    {
        if (t->FaultEndpointCap.IsEmpty) return false;
        Endpoint* ep = FaultEndpoint(t);
        Lock(me, ep);
        bool done = TryForeignCallLocked(me, ep, t);
        Unlock(me, ep);
        return done;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Endpoint* FaultEndpoint(Tcb* t) => Ipc.EndpointAt(Ipc.ObjectOf(&t->FaultEndpointCap));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryForeignCallLocked(PerCpuBlock* me, Endpoint* ep, Tcb* t)
    {
        if (ep->State != EndpointState.Receiving) return false;
        Tcb* server = ep->Head;
        if (server->ReplyTo != null) return false;
        if (Threads.Outranked(me, server)) return false;
        if (!Ipc.TryBuffer(server, true, out IpcBuffer* dst)) return false;

        MessageTransfer.PutForeignWords(dst, &t->Frame);
        MessageTransfer.SetRegisters(server, t->FaultEndpointCap.Badge, new MessageInfo(ForeignSyscallMessage.Words, 0, MessageInfo.ForeignSyscallLabel),
            t->Frame.Rax, t->Frame.Rdi, t->Frame.Rsi, t->Frame.Rdx);
        t->IpcIsFault = true;
        t->FaultAddress = 0;
        HandOverCall(me, ep, t, server);
        return true;
    }

    /// <summary>ReplyRecv: the reply goes to a caller blocked on it, and no sender waits on the endpoint.
    /// A caller stopped at a foreign SYSCALL is answered out of line (TryReplyForeign); one stopped at a
    /// fault takes the general path.</summary>
    public static bool TryReplyRecv(PerCpuBlock* me, Tcb* server, InterruptFrame* f)
    {
        var info = new MessageInfo(f->Rsi);
        Tcb* caller = server->ReplyTo;
        if (caller == null || info.Caps != 0 || info.Words > MessageInfo.MaxWords) return false;
        if (caller->IpcIsFault) return TryReplyForeign(me, server, caller, f, info);
        if (!TryReceiveAgain(me, server, caller, f, out Endpoint* ep, out CapSlot* cap)) return false;
        if (info.Words > MessageInfo.RegisterWords && !CopyWords(server, caller, info.Words))
        {
            Unlock(me, ep);
            return false;
        }

        MessageTransfer.SetRegisters(caller, 0, info, f->Rdx, f->R10, f->R8, f->R9);
        ReceiveAndHandOver(me, server, caller, ep, cap);
        return true;
    }

    // A thread stopped at a foreign SYSCALL (ADR 0014) takes only the reply's first word, as its rax;
    // its other registers are its own. Apart, so that Vireo's own replies pay nothing for it.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool TryReplyForeign(PerCpuBlock* me, Tcb* server, Tcb* caller, InterruptFrame* f, MessageInfo info)
    {
        if (caller->Frame.Vector < Ipc.SyscallFrameVector || info.Words > MessageInfo.RegisterWords) return false;
        if (!TryReceiveAgain(me, server, caller, f, out Endpoint* ep, out CapSlot* cap)) return false;

        caller->IpcIsFault = false;
        if (info.Words > 0) caller->Frame.Rax = f->Rdx;
        ReceiveAndHandOver(me, server, caller, ep, cap);
        return true;
    }

    // The checks of the receive half of ReplyRecv: the endpoint, no sender queued, no thread outranking
    // the caller. True with the endpoint locked (Lock), which ReceiveAndHandOver unlocks.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryReceiveAgain(PerCpuBlock* me, Tcb* server, Tcb* caller, InterruptFrame* f, out Endpoint* ep, out CapSlot* cap)
    {
        ep = null;
        // A server with a bound notification (the process manager, ttyd) takes the general path, where
        // the caller is only made runnable and the server runs on until it blocks. Handing the CPU to
        // the caller (tried: it is what the rest of this path does) let init look for a daemon's scheme
        // before the daemon the process manager had just started could register it, and init then
        // slept a tick per daemon: boot_to_shell went from 46 to 92 million instructions.
        if (server->BoundNotification.Value != 0)
        {
            cap = null;
            return false;
        }
        if (Syscalls.Lookup(server, f->Rdi, ObjectType.Endpoint, Rights.Read, out cap) != Status.Ok) return false;
        ep = Ipc.EndpointAt(Ipc.ObjectOf(cap));
        Lock(me, ep);
        if (ep->State != EndpointState.Sending && !Threads.Outranked(me, caller)) return true;
        Unlock(me, ep);
        return false;
    }

    // The tail of a fast ReplyRecv: the server waits on the endpoint again, the CPU goes to the caller.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ReceiveAndHandOver(PerCpuBlock* me, Tcb* server, Tcb* caller, Endpoint* ep, CapSlot* cap)
    {
        caller->ReplyServer = null;
        server->ReplyTo = null;
        server->State = ThreadState.BlockedOnRecv;
        IpcQueue.Append(ref ep->Head, ref ep->Tail, server, Ipc.ObjectOf(cap));
        ep->State = EndpointState.Receiving;
        caller->State = ThreadState.Runnable;
        Threads.HandOver(me, caller);
        Unlock(me, ep);
    }

    // Words past the registers go buffer to buffer; both buffers must be there (from the threads'
    // translation cache, usually), else the general path decides what happens. Nothing else changes
    // before this succeeds, and what it writes is only the receiver's buffer, which it owns.
    private static bool CopyWords(Tcb* from, Tcb* to, int words)
    {
        if (!Ipc.TryBuffer(from, false, out IpcBuffer* src) || !Ipc.TryBuffer(to, true, out IpcBuffer* dst)) return false;
        MessageTransfer.CopyWords(src, dst, words);
        dst->ReceivedCaps = 0;
        return true;
    }
}
