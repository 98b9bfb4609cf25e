// Endpoint, notification and reply objects (64 bytes each, retyped from untyped memory) and the queue
// of threads waiting on them, linked through the threads' control blocks.
using Vireo.Kernel.Memory;
using System.Runtime.CompilerServices;

namespace Vireo.Kernel.Nucleus;

public enum EndpointState : ulong { Idle, Sending, Receiving }

public unsafe struct Endpoint
{
    public EndpointState State;  // which kind of thread the queue holds (never both)
    public Tcb* Head;
    public Tcb* Tail;
    // A ticket lock (Arch/X64/TicketLock.cs: Next, Serving) that the IPC fast path holds while it uses
    // the queue under a share of the big kernel lock (ADR 0028); other paths hold the lock exclusive
    // and need it not.
    public ulong FastLock;
}

public unsafe struct Notification
{
    public ulong Word;           // signalled bits not yet taken
    public Tcb* Head;            // threads in Wait
    public Tcb* Tail;
    public Tcb* Bound;           // a thread whose Recv also takes these signals
}

/// <summary>A Reply object: the caller whose answer a server put aside (ReplySave), or none.</summary>
public unsafe struct ReplyObject
{
    public Tcb* Caller;
    public bool Lost;            // the caller it held died before the answer
}

public static unsafe class IpcQueue
{
    public static void Append(ref Tcb* head, ref Tcb* tail, Tcb* t, PhysAddr objectPhys)
    {
        t->IpcNext = null;
        t->IpcPrev = tail;
        if (tail != null) tail->IpcNext = t;
        else head = t;
        tail = t;
        t->IpcObject = objectPhys;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Remove(ref Tcb* head, ref Tcb* tail, Tcb* t)
    {
        if (t->IpcPrev != null) t->IpcPrev->IpcNext = t->IpcNext;
        else head = t->IpcNext;
        if (t->IpcNext != null) t->IpcNext->IpcPrev = t->IpcPrev;
        else tail = t->IpcPrev;
        t->IpcNext = t->IpcPrev = null;
        t->IpcObject = PhysAddr.Null;
    }

    public static Tcb* PopFront(ref Tcb* head, ref Tcb* tail)
    {
        Tcb* t = head;
        if (t != null) Remove(ref head, ref tail, t);
        return t;
    }
}
