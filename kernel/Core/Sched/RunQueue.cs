// An intrusive doubly linked FIFO of SchedEntity, threaded through the entities' Next/Prev fields.
// Insertion at either end and removal from anywhere are O(1) and allocate nothing.
// Invariant: Head == null exactly when Tail == null exactly when Count == 0; Head.Prev and Tail.Next are null.
using System.Runtime.CompilerServices;

namespace Vireo.Kernel.Sched;

public unsafe struct RunQueue
{
    public SchedEntity* Head;
    public SchedEntity* Tail;
    public int Count;

    public bool IsEmpty => Head == null;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void PushBack(SchedEntity* e)
    {
        e->Next = null;
        e->Prev = Tail;
        if (Tail != null)
            Tail->Next = e;
        else
            Head = e;
        Tail = e;
        Count++;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void PushFront(SchedEntity* e)
    {
        e->Prev = null;
        e->Next = Head;
        if (Head != null)
            Head->Prev = e;
        else
            Tail = e;
        Head = e;
        Count++;
    }

    /// <summary>Unlinks e, which the caller guarantees is on this queue.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Unlink(SchedEntity* e)
    {
        if (e->Prev != null)
            e->Prev->Next = e->Next;
        else
            Head = e->Next;
        if (e->Next != null)
            e->Next->Prev = e->Prev;
        else
            Tail = e->Prev;
        e->Next = null;
        e->Prev = null;
        Count--;
    }

    /// <summary>Takes the whole chain off the queue and returns its head; the entities keep their links.</summary>
    public SchedEntity* DetachAll()
    {
        SchedEntity* head = Head;
        Head = null;
        Tail = null;
        Count = 0;
        return head;
    }
}
