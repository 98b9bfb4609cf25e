// clone's flags (include/uapi/linux/sched.h) decoded into what the personality does: a fork (the
// child gets a copy of the memory), a vfork (the child shares the memory and the parent waits until
// it execs or exits) or a thread (CLONE_THREAD with the memory, files, filesystem and handlers shared,
// as pthread_create asks: LinuxProcess.Threads.cs). Linux's own checks come first, in copy_process's
// order, with its errno; what Linux accepts but the personality cannot do (a child sharing some of
// its parent's tables but not all of a thread's, namespaces, pidfds) is ENOSYS. Portable: host-tested
// (CloneTests).
namespace Vireo.Linux.Abi;

public static class CloneFlags
{
    public const ulong Csignal = 0xFF, Vm = 0x100, Fs = 0x200, Files = 0x400, Sighand = 0x800, Pidfd = 0x1000,
        Ptrace = 0x2000, Vfork = 0x4000, Parent = 0x8000, Thread = 0x10000, NewNs = 0x20000, SysVSem = 0x40000,
        SetTls = 0x80000, ParentSetTid = 0x100000, ChildClearTid = 0x200000, Detached = 0x400000,
        Untraced = 0x800000, ChildSetTid = 0x1000000, NewCgroup = 0x2000000, NewUts = 0x4000000,
        NewIpc = 0x8000000, NewUser = 0x10000000, NewPid = 0x20000000, NewNet = 0x40000000, Io = 0x80000000;
    /// <summary>clone3 only (include/uapi/linux/sched.h): CLONE_CLEAR_SIGHAND, CLONE_INTO_CGROUP.</summary>
    public const ulong ClearSighand = 0x1_0000_0000, IntoCgroup = 0x2_0000_0000;

    /// <summary>fork's and vfork's exit signal: SIGCHLD.</summary>
    public const ulong ChildSignal = 17;
    public const ulong Namespaces = NewNs | NewCgroup | NewUts | NewIpc | NewUser | NewPid | NewNet;
    /// <summary>Flags that change nothing here: one thread, no tracer, no SysV semaphores, no I/O contexts.</summary>
    public const ulong Harmless = Ptrace | Untraced | SysVSem | Io | Detached;
}

/// <summary>A clone request once checked: what kind of child, its exit signal and what to write where.</summary>
public struct CloneRequest
{
    /// <summary>What a thread shares with its process, all of which the personality requires of one.</summary>
    public const ulong ThreadShares = CloneFlags.Vm | CloneFlags.Fs | CloneFlags.Files | CloneFlags.Sighand;

    public bool SharesMemory;     // CLONE_VM (with CLONE_VFORK or CLONE_THREAD)
    public bool Thread;           // CLONE_THREAD: a thread of the caller's process
    public bool Vfork;            // CLONE_VFORK: the parent waits for the child's exec or exit
    public int ExitSignal;        // sent to the parent at the child's end (SIGCHLD for fork); 0: none
    public bool SetTls, ParentSetTid, ChildSetTid, ChildClearTid, ClearSighand;
    public ulong Stack;           // the child's rsp, 0: the parent's
    public ulong ParentTid, ChildTid, Tls;

    /// <summary>Checks clone's flags as Linux does; 0 or the errno. `exitSignal` is clone3's field
    /// (clone passes -1 and the signal in the low byte of the flags).</summary>
    public static long Decode(ulong flags, long exitSignal, out CloneRequest r)
    {
        r = default;
        bool clone3 = exitSignal >= 0;
        if (clone3)
        {
            // clone3 refuses the signal bits in flags and a signal past _NSIG (64).
            if ((flags & CloneFlags.Csignal) != 0 || exitSignal > 64) return Errno.EINVAL;
            if ((flags & ~(0xFFFF_FFFFUL | CloneFlags.ClearSighand | CloneFlags.IntoCgroup)) != 0) return Errno.EINVAL;
            r.ExitSignal = (int)exitSignal;
        }
        else
        {
            flags &= 0xFFFF_FFFF;   // kernel_clone_args takes the lower 32 bits of clone's unsigned long
            r.ExitSignal = (int)(flags & CloneFlags.Csignal);
            if (r.ExitSignal > 64) return Errno.EINVAL;   // kernel_clone: valid_signal
        }
        // copy_process's checks, in its order.
        if ((flags & (CloneFlags.NewNs | CloneFlags.Fs)) == (CloneFlags.NewNs | CloneFlags.Fs)) return Errno.EINVAL;
        if ((flags & (CloneFlags.NewUser | CloneFlags.Fs)) == (CloneFlags.NewUser | CloneFlags.Fs)) return Errno.EINVAL;
        if ((flags & CloneFlags.Thread) != 0 && (flags & CloneFlags.Sighand) == 0) return Errno.EINVAL;
        if ((flags & CloneFlags.Sighand) != 0 && (flags & CloneFlags.Vm) == 0) return Errno.EINVAL;
        if ((flags & CloneFlags.ClearSighand) != 0 && (flags & CloneFlags.Sighand) != 0) return Errno.EINVAL;
        if ((flags & CloneFlags.Pidfd) != 0 && (flags & CloneFlags.Detached) != 0) return Errno.EINVAL;
        // What the personality does not do: shared tables short of a thread's, a thread that is also a
        // vfork, namespaces, pidfds.
        bool vfork = (flags & CloneFlags.Vfork) != 0;
        bool thread = (flags & CloneFlags.Thread) != 0;
        if ((flags & (CloneFlags.Pidfd | CloneFlags.IntoCgroup | CloneFlags.Namespaces)) != 0) return Errno.ENOSYS;
        if (thread)
        {
            if ((flags & ThreadShares) != ThreadShares || vfork) return Errno.ENOSYS;
            r.ExitSignal = 0;   // a thread's end signals nobody (copy_process: exit_signal -1)
        }
        else
        {
            if ((flags & (CloneFlags.Sighand | CloneFlags.Files | CloneFlags.Fs | CloneFlags.Parent)) != 0) return Errno.ENOSYS;
            if ((flags & CloneFlags.Vm) != 0 && !vfork) return Errno.ENOSYS;
        }
        r.Thread = thread;
        // CLONE_VFORK without CLONE_VM is Linux's too: a copy, and the parent waits.
        r.SharesMemory = (flags & CloneFlags.Vm) != 0;
        r.Vfork = vfork;
        r.SetTls = (flags & CloneFlags.SetTls) != 0;
        r.ParentSetTid = (flags & CloneFlags.ParentSetTid) != 0;
        r.ChildSetTid = (flags & CloneFlags.ChildSetTid) != 0;
        r.ChildClearTid = (flags & CloneFlags.ChildClearTid) != 0;
        r.ClearSighand = (flags & CloneFlags.ClearSighand) != 0;
        return 0;
    }
}
