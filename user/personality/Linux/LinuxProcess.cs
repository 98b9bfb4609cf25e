// One Linux process as the personality holds it: its memory (LinuxMemory), its first thread (its
// other threads are records of their own that share the process's state: LinuxProcess.Threads.cs), the
// Linux state the kernel knows nothing of (the program break, the mmap area, signal dispositions and
// mask, the open descriptors), its place among the others (pid, parent, children, process group and
// session) and the state of the call it may have parked (EventLoop, ADR 0015). Exec
// (LinuxProcess.Exec.cs) builds an image from an ELF file and starts the thread marked as running the
// foreign ABI (ADR 0014), with a fault endpoint badged with its pid, so that each of its SYSCALLs
// comes to the loop as a message from this process.
using System;
using System.Collections.Generic;
using Vireo.Abi;
using Vireo.Linux.Abi;
using Vireo.Linux.Loop;
using Vireo.Linux.Syscalls;
using Vireo.User;

namespace Vireo.Linux;

public sealed unsafe partial class LinuxProcess
{
    public const ulong StackTop = 0x0000_7300_0000_0000;
    public const ulong StackSize = 8 << 20;   // reserved; pages are made as the stack reaches them
    public const ulong MmapBase = 0x0000_7100_0000_0000;

    public LinuxMemory Memory = new LinuxMemory();
    public CapHandle Thread, FaultEndpoint, CNode;
    public CapHandle Reply;           // where a parked call's reply waits (EventLoop)
    public byte[] ExePath;            // /proc/self/exe: the Linux path the program was started by
    public byte[] ImagePath;          // the Vireo path its image came from (what exec of /proc/self/exe opens)
    public byte[][] Argv;             // as the program was started (/proc/PID/cmdline)
    public readonly ulong StartNanos = Sys.TimeNanos();   // since boot: made by a fork (or as the first), as Linux's start_time
    public byte[] Comm;               // the task name (/proc/PID/comm, stat): the last name of the path execve was given, or prctl's; null: ExePath's
    /// <summary>The task name as shown (/proc/PID/comm and stat, PR_GET_NAME): Comm's, else the program's file name.</summary>
    public string TaskName => ProcText.Comm(Comm ?? ExePath);
    public string Shown;              // how reports name the program (the path `linux` was given, or ExePath)
    public Pipes.Pipe StreamingTo;    // the pipe its last call wrote to, while it writes on (Pipes.ReaderWakes)

    // Place among the processes (Processes): Parent is null for the first one and for orphans (init's).
    public ulong Pid, Pgid, Sid;
    public LinuxProcess Parent;
    /// <summary>The process's children; one list for all its threads (LinuxProcess.Threads.cs).</summary>
    public List<LinuxProcess> Children = new List<LinuxProcess>();
    /// <summary>Woken when a child ends or changes state (wait4 parks here); its threads' too.</summary>
    public WaitQueue ChildEvents = new WaitQueue();
    public bool Ended;                // a zombie until its parent waits for it
    public int WaitStatus;            // Linux's wait status once Ended
    // Processes (Syscalls/Fork.cs, Wait.cs, Groups.cs): the signal the parent is sent at the end (a
    // child whose signal is not SIGCHLD is a "clone" child for wait's __WCLONE), whether the program
    // has exec'd since its fork (setpgid's EACCES), the vfork wait on either side, the address
    // CLONE_CHILD_CLEARTID zeroes at the end, and what wait's WUNTRACED and WCONTINUED report (set by
    // the signal code, which also wakes the parent's ChildEvents).
    public int ExitSignal = Abi.WaitStatus.SigChld;
    public bool Execed;
    public bool VforkPending;         // a vfork child whose parent waits for its exec or exit
    public LinuxProcess VforkChild;   // the child a parent parked in vfork waits for
    public ulong ClearTid;
    public int StopSignal;            // the stop wait4 has yet to report (WUNTRACED), 0 when none
    public bool ContinuePending;

    // The call being served or parked (EventLoop).
    public SyscallArgs Call;
    public bool IsParked, Runnable, Interrupted;
    /// <summary>Whether the call being served is a parked one served again (a handler then skips what it
    /// did the first time): a process's thread makes no new call while its call is parked, so only the
    /// loop's second serving (EventLoop.RunParked) finds it parked.</summary>
    public bool Resumed => IsParked;
    public ulong Deadline;            // a parked call's deadline (Sys.TimeNanos; Timers)
    public ulong ParentPid => Leader.Parent != null ? Leader.Parent.Pid : Processes.InitPid;
    public ulong BreakStart, Break;   // the heap: [BreakStart, Break), its area to Break's page end
    /// <summary>Dispositions, mask, pending signals, alternate stack, job-control state (Signals).</summary>
    public SignalState Signals = new SignalState();
    /// <summary>The descriptor table, one for all the process's threads (CLONE_FILES).</summary>
    public LinuxFiles Files = new LinuxFiles();
    public byte[] Cwd = { (byte)'/' };
    public uint Umask = 0x12;   // 022
    public readonly bool[] Reported = new bool[512];   // unimplemented numbers already logged
    /// <summary>Set when the call just served replaced the thread (execve): there is no caller to answer.</summary>
    public bool NoReply;

    /// <summary>Starts the process's thread: at `entry` with `rsp`, or, for a fork, with `registers`
    /// whole (the parent's at its syscall's return) written before it first runs.</summary>
    internal Status StartThread(ulong entry, ulong rsp, ThreadRegisterState* registers = null)
    {
        // An exec keeps the fault endpoint, its Reply object and the (empty) CNode.
        Status s = FaultEndpoint.Value == 0 ? MakeFaultEndpoint() : Status.Ok;
        if (s == Status.Ok && CNode.Value == 0) s = CSpace.Make(ObjectType.CNode, 2, out CNode);
        if (s == Status.Ok) s = CSpace.Make(ObjectType.Thread, ObjectSizes.ThreadBits, out Thread);
        if (s != Status.Ok) return s;
        // The Linux thread makes no Vireo call (its SYSCALLs come here), so its CNode stays empty.
        ThreadConfig config = default;
        config.CNode = CNode.Value;
        config.AddressSpace = Memory.AddressSpace.Value;
        config.Entry = entry;
        config.Stack = rsp;
        config.FaultEndpoint = FaultEndpoint.Value;
        s = Sys.ThreadConfigure(Thread, &config);
        if (s == Status.Ok && registers != null) s = Sys.ThreadRegisters(Thread, ThreadRegistersOp.Write, registers);
        if (s == Status.Ok) s = Sys.ThreadSetAbi(Thread, ThreadAbi.Foreign);
        if (s == Status.Ok) s = Sys.ThreadStart(Thread);
        return s;
    }

    // The loop's endpoint badged with the pid (the loop tells the processes apart by it), and the
    // Reply object a parked call's reply waits in.
    private Status MakeFaultEndpoint()
    {
        if (!CSpace.TryAlloc(out uint slot)) return Status.NoSpace;
        Status s = Sys.Mint(EventLoop.Endpoint, CSpace.Self, slot, Rights.Write | Rights.Grant, Pid, out FaultEndpoint);
        if (s != Status.Ok)
        {
            CSpace.Free(slot);
            return s;
        }
        return CSpace.Make(ObjectType.Reply, 0, out Reply);
    }

    /// <summary>Ends the process with `waitStatus`: its thread, memory and capabilities go, its files
    /// close, its children pass to init (zombies among them are reaped), and its parent's waiters wake;
    /// without a parent it is reaped at once.</summary>
    public void End(int waitStatus)
    {
        EndThreads();
        Ended = true;
        WaitStatus = waitStatus;
        IsParked = Runnable = false;
        // Objects go in the reverse of the order they were made (memory, then Reply, CNode, thread):
        // an untyped block's watermark only drops past its topmost object, so memory freed out of
        // order would stay used until the whole block is empty (capabilities.md, Retype).
        if (Thread.Value != 0) CSpace.Release(Thread);
        Thread = default;
        EndVfork();
        ReleaseEndpoint();
        Memory.Drop();
        Files.CloseAll();
        foreach (LinuxProcess child in Children)
        {
            child.Parent = null;
            if (child.Ended) Processes.Remove(child);
        }
        Children.Clear();
        if (Parent == null) Processes.Remove(this);
        else Parent.ChildEvents.WakeAll();
    }

    // The CNode, Reply object and fault endpoint the thread's calls came through (after the thread).
    private void ReleaseEndpoint()
    {
        if (CNode.Value != 0) CSpace.Release(CNode);
        if (Reply.Value != 0) CSpace.Release(Reply);
        if (FaultEndpoint.Value != 0) CSpace.Release(FaultEndpoint);
        FaultEndpoint = CNode = Reply = default;
    }

    /// <summary>execve: caught signals back to SIG_DFL; ignored ones, the mask and pending signals stay.</summary>
    public void ResetSignalsForExec() => Signals.ResetForExec();

    /// <summary>What a fork's child takes from its parent (clone without CLONE_FILES, CLONE_FS or
    /// CLONE_SIGHAND): copies of the descriptor table (sharing the open files), the working directory,
    /// umask, signal mask and dispositions, the break, the group and session (the memory's areas come
    /// with LinuxMemory.Fork).</summary>
    public void InheritFrom(LinuxProcess parent)
    {
        CopyPlace(parent);
        Signals = parent.Signals.CopyForFork();
        Files.InheritFrom(parent.Files);
    }

    // What a fork's child and a new thread take alike: the program's names and task name, the group and session,
    // the break, the working directory and umask.
    private void CopyPlace(LinuxProcess from)
    {
        ExePath = from.ExePath;
        ImagePath = from.ImagePath;
        Comm = from.Comm;
        Shown = from.Shown;
        Pgid = from.Pgid;
        Sid = from.Sid;
        BreakStart = from.BreakStart;
        Break = from.Break;
        Cwd = from.Cwd;   // never changed in place: chdir gives a new array
        Umask = from.Umask;
    }

    // A vfork child that ends (or whose start failed) releases its parent; CLONE_CHILD_CLEARTID is
    // honoured while the memory lives on in another process (a vfork parent).
    private void EndVfork()
    {
        uint zero = 0;
        if (ClearTid != 0 && Memory.Users > 1) _ = Memory.Write(ClearTid, (byte*)&zero, 4);   // a bad address: Linux ignores it too
        VforkPending = false;
    }

    /// <summary>What a shell's $? shows for a wait status: the exit code, or 128 + the signal.</summary>
    public static int ShellStatus(int waitStatus) => (waitStatus & 0x7F) == 0 ? (waitStatus >> 8) & 0xFF : 128 + (waitStatus & 0x7F);
}
