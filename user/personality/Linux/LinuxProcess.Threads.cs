// Threads (clone with CLONE_THREAD; ADR 0027). Linux's model is kept: each thread is a task of its
// own, here a LinuxProcess record with its own tid (a pid-table entry, so the loop finds it by its
// fault endpoint's badge like any caller), Vireo thread, Reply object, parked call, signal mask and
// pending signals, FS base and clear-tid address; what the threads of a process share is shared by
// reference to the first thread's (the leader's) objects: the memory (LinuxMemory.Share), the
// descriptor table, the children and their wait queue, the signal dispositions. getpid is the
// leader's pid. A thread's exit ends only its record (the clear-tid word zeroed and its futex woken,
// as glibc's pthread_join waits for); the last one's, exit_group, a fatal signal or exec end the
// process, the other threads first. A leader that exits while others run stays in the table (its
// Vireo thread gone) until the last one ends: the pid is the process's.
using System.Collections.Generic;
using Vireo.Linux.Abi;
using Vireo.Linux.Loop;
using Vireo.Linux.Syscalls;
using Vireo.User;

namespace Vireo.Linux;

public sealed unsafe partial class LinuxProcess
{
    /// <summary>The process's first thread (the thread-group leader); itself for a leader.</summary>
    public LinuxProcess Leader;
    /// <summary>On a leader: its other live threads (empty for a process of one thread).</summary>
    public List<LinuxProcess> Threads;
    /// <summary>On a leader: its own thread has exited (exit, not exit_group) while others run.</summary>
    public bool LeaderGone;

    // A parked FUTEX_WAIT (Syscalls/Futex.cs): the word, the bitset, whether a wake has come, and the
    // wait's number, which tells the waiter lists' stale entries (a wait interrupted, timed out) apart.
    public ulong FutexWord;
    public uint FutexBitset;
    public bool FutexWoken;
    public ulong FutexWait;

    public LinuxProcess() => Leader = this;

    public bool IsThread => Leader != this;

    /// <summary>The threads of the process still running: 1 for a process of one thread.</summary>
    public int LiveThreads => (Leader.Threads?.Count ?? 0) + (Leader.LeaderGone ? 0 : 1);

    /// <summary>Makes this new record a thread of `caller`'s process (clone with CLONE_THREAD): the
    /// shared state by reference, its own signal state with the caller's mask and no pending signals.</summary>
    public void JoinThreadGroup(LinuxProcess caller)
    {
        LinuxProcess leader = caller.Leader;
        Leader = leader;
        CNode = leader.CNode;   // empty (a Linux thread makes no Vireo call): one serves them all
        Memory = caller.Memory.Share();
        Files = leader.Files;
        Children = leader.Children;
        ChildEvents = leader.ChildEvents;
        Signals = caller.Signals.ForThread();
        CopyPlace(caller);
        Argv = leader.Argv;
        Execed = leader.Execed;
        ExitSignal = 0;
        leader.Threads ??= new List<LinuxProcess>();
        leader.Threads.Add(this);
    }

    /// <summary>exit(2) of one thread: false when it is the process's last (the process ends, as
    /// exit_group). Else its record ends, or, for the leader, only its Vireo thread.</summary>
    public bool ExitThread()
    {
        if (LiveThreads <= 1) return false;
        if (IsThread)
        {
            EndThread();
            return true;
        }
        StopThread();
        LeaderGone = true;
        return true;
    }

    // The end of the record's own thread (a thread's, or a leader's that exits before the others): its
    // clear-tid word, its timers, its parked call and its Vireo thread.
    private void StopThread()
    {
        ClearChildTid();
        Timers.Cancel(this);
        IsParked = Runnable = false;
        if (Thread.Value != 0) CSpace.Release(Thread);
        Thread = default;
    }

    /// <summary>Ends a thread's record (not a leader's): its Vireo objects go, its use of the memory
    /// drops, and it leaves the table and its leader's list.</summary>
    public void EndThread()
    {
        StopThread();
        Ended = true;
        CNode = default;   // the leader's
        ReleaseEndpoint();
        Memory.Drop();
        Leader.Threads?.Remove(this);
        Processes.Remove(this);
    }

    // A leader's end (the process's) takes its other threads first.
    private void EndThreads()
    {
        if (Threads == null) return;
        while (Threads.Count > 0) Threads[Threads.Count - 1].EndThread();
        LeaderGone = false;
    }

    /// <summary>Ends every thread but `keep` (execve from a process of several threads: de_thread).</summary>
    public void EndOtherThreads(LinuxProcess keep)
    {
        LinuxProcess leader = Leader;
        if (leader.Threads == null) return;
        for (int i = leader.Threads.Count - 1; i >= 0; i--)
            if (leader.Threads[i] != keep) leader.Threads[i].EndThread();
    }

    // CLONE_CHILD_CLEARTID and set_tid_address: at a thread's end the word is zeroed and one waiter on
    // it woken (mm_release), which is how pthread_join learns of the end. A bad address is ignored.
    private void ClearChildTid()
    {
        if (ClearTid == 0 || Memory.Users < 2) return;
        uint zero = 0;
        if (Memory.Write(ClearTid, (byte*)&zero, 4)) SyscallTable.FutexWake(Memory, ClearTid, 1, uint.MaxValue);
        ClearTid = 0;
    }
}
