// The process's threads as the collector sees them. ThreadBuilder registers each thread it makes,
// with its stack, and starts it through ThreadMain, which records when the thread runs and when its
// function has returned; only threads that may run are stopped for a collection (on several CPUs a
// started thread runs at once, before ThreadMain records it, so those are stopped too). The main thread is
// the one whose stack is none of these; the process holds no capability to it, so a collection
// started on another thread is refused (the heap grows instead).
//
// Stopping: suspend each running thread, read its registers (ThreadRegisters), scan them and its
// stack from the saved rsp, and resume it after the sweep. If the kernel cannot read registers the
// collection is refused before any thread is touched: a stack without its registers is not a
// complete set of roots. With no other thread (the common case) none of this costs anything.
using System.Runtime;
using System.Runtime.CompilerServices;
using Vireo.Abi;

namespace Vireo.User.Runtime;

public static unsafe class GcThreads
{
    public const int Capacity = 16;

    private enum State : byte { Unused, Created, Running, Ended }

    private struct Entry
    {
        public CapHandle Thread;
        public ulong StackBottom, StackTop;
        public delegate*<ulong, ulong> Function;
        public ulong Argument;
        public State State;
        public bool Stopped;
    }

    private const int Stride = 48;   // sizeof(Entry): five words and two bytes, padded

    private struct Table
    {
        public fixed byte Bytes[Capacity * Stride];
    }

    private static Table s_table;
    private static int s_registered;
    private static int s_lock;
    private static int s_registersReadable;   // 0 unknown, 1 yes, 2 no
    private static bool s_untracked;

    /// <summary>Threads besides the main one that are registered (0: allocation takes no lock).</summary>
    public static int Count => s_registered;

    private static Entry* At(int i)
    {
        fixed (byte* p = s_table.Bytes) return (Entry*)(p + i * Stride);
    }

    /// <summary>Registers a thread that will run fn(arg) on [stackBottom, stackTop); returns the
    /// argument to give EntryFunction, or -1 if the table is full (start it on fn directly).</summary>
    public static long Register(CapHandle thread, ulong stackBottom, ulong stackTop, delegate*<ulong, ulong> fn, ulong arg)
    {
        int i = Find(reclaimDeleted: false);
        if (i < 0) i = Find(reclaimDeleted: true);
        if (i < 0)
        {
            // Untracked: collections are refused from now on (its roots would be missed).
            s_untracked = true;
            return -1;
        }
        Entry* e = At(i);
        if (e->State == State.Unused) s_registered++;
        e->Thread = thread;
        e->StackBottom = stackBottom;
        e->StackTop = stackTop;
        e->Function = fn;
        e->Argument = arg;
        e->Stopped = false;
        e->State = State.Created;
        return i;
    }

    // A free entry, or one whose thread's function has returned; with reclaimDeleted, also one
    // whose thread was deleted without Unregister (its capability no longer names a thread).
    private static int Find(bool reclaimDeleted)
    {
        for (int i = 0; i < Capacity; i++)
        {
            Entry* e = At(i);
            if (e->State == State.Unused || e->State == State.Ended) return i;
            if (reclaimDeleted && (Sys.Identify(e->Thread, out ObjectType type, out _, out _, out _) != Status.Ok || type != ObjectType.Thread))
                return i;
        }
        return -1;
    }

    /// <summary>Forgets a thread (before its stack is unmapped).</summary>
    public static void Unregister(CapHandle thread)
    {
        for (int i = 0; i < Capacity; i++)
        {
            Entry* e = At(i);
            if (e->State == State.Unused || e->Thread.Value != thread.Value) continue;
            *e = default;
            s_registered--;
        }
    }

    /// <summary>Where a registered thread starts (argument: its index).</summary>
    public static delegate*<ulong, ulong> EntryFunction => &ThreadMain;

    private static ulong ThreadMain(ulong index)
    {
        Entry* e = At((int)index);
        e->State = State.Running;
        ulong code = e->Function(e->Argument);
        e->State = State.Ended;
        return code;
    }

    /// <summary>Serialises allocation while other threads exist.</summary>
    public static void Lock()
    {
        while (Xchg(ref s_lock, 1) != 0) Sys.Yield();
    }

    public static void Unlock() => Xchg(ref s_lock, 0);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "vireo_xchg32")]
    private static extern int Xchg32(int* p, int value);

    private static int Xchg(ref int location, int value)
    {
        fixed (int* p = &location) return Xchg32(p, value);
    }

    /// <summary>The stack top of the thread running at rsp, or 0 if it is the main thread.</summary>
    public static ulong StackTopOf(ulong rsp)
    {
        for (int i = 0; i < Capacity && s_registered != 0; i++)
        {
            Entry* e = At(i);
            if (e->State != State.Unused && rsp >= e->StackBottom && rsp < e->StackTop) return e->StackTop;
        }
        return 0;
    }

    /// <summary>Stops every other running thread and marks from its registers and stack. False
    /// (with every thread running again) if one cannot be stopped or read.</summary>
    public static bool StopAndMarkOthers(GcHeap* heap, ulong currentRsp)
    {
        if (s_untracked) return false;
        if (s_registered == 0) return true;
        if (!RegistersReadable()) return false;
        ThreadRegisterState* state = stackalloc ThreadRegisterState[1];
        for (int i = 0; i < Capacity; i++)
        {
            Entry* e = At(i);
            // A Created thread may already run on another CPU (started, its ThreadMain not yet at its
            // first store), so it is stopped too; one never started answers BadState and is skipped.
            if ((e->State != State.Running && e->State != State.Created) || (currentRsp >= e->StackBottom && currentRsp < e->StackTop)) continue;
            if (Sys.ThreadSuspend(e->Thread) != Status.Ok) continue;   // ended meanwhile
            e->Stopped = true;
            if (Sys.ThreadRegisters(e->Thread, ThreadRegistersOp.Read, state) != Status.Ok)
            {
                ResumeOthers();
                return false;
            }
            heap->MarkRange((byte*)state, (byte*)&state->Rip);
            ulong rsp = state->Rsp;
            if (rsp < e->StackBottom || rsp > e->StackTop) rsp = e->StackBottom;
            heap->MarkRange((byte*)rsp, (byte*)e->StackTop);
        }
        return true;
    }

    public static void ResumeOthers()
    {
        for (int i = 0; i < Capacity && s_registered != 0; i++)
        {
            Entry* e = At(i);
            if (!e->Stopped) continue;
            e->Stopped = false;
            // Fails only for a thread that ended meanwhile: nothing to resume.
            _ = Sys.ThreadResume(e->Thread);
        }
    }

    // Syscall 37 on no capability: an unknown syscall says the kernel has no register access.
    private static bool RegistersReadable()
    {
        if (s_registersReadable == 0)
            s_registersReadable = Sys.ThreadRegisters(default, ThreadRegistersOp.Read, null) == Status.UnknownSyscall ? 2 : 1;
        return s_registersReadable == 1;
    }
}
