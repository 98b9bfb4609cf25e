// fork, vfork, clone and clone3: a new process in the table (EAGAIN when it is full), with a copy of
// the caller's memory (LinuxMemory.Fork) or, for CLONE_VM|CLONE_VFORK (vfork, glibc's posix_spawn),
// the same memory, or a new thread of the caller's process (CLONE_THREAD: LinuxProcess.Threads.cs; a
// fork from a process of several threads copies only the caller, as on Linux); its thread starts with the caller's registers as they are at the syscall's return
// (the caller is stopped in it: ThreadRegisters reads them, the FS base and the FXSAVE image
// included) with rax 0, on the stack clone names if it names one. A vfork's caller parks on its
// ChildEvents until the child execs (Processes.ExecDone) or ends; the call, served again, then
// answers the child's pid. docs/design/linux.md, "Processes".
using Vireo.Abi;
using Vireo.Linux.Abi;
using Vireo.Linux.Loop;
using Vireo.User;

namespace Vireo.Linux.Syscalls;

public static unsafe partial class SyscallTable
{
    private const ulong Clone3SizeVer0 = 64, Clone3SizeKnown = 88, PageSize = 4096;
    private const long E2BIG = 7;

    private static long Fork(LinuxProcess p, ulong flags, ulong stack, ulong parentTid, ulong childTid, ulong tls)
    {
        if (p.VforkChild != null) return VforkWait(p);
        long e = CloneRequest.Decode(flags, -1, out CloneRequest r);
        if (e != 0) return -e;
        r.Stack = stack;
        r.ParentTid = parentTid;
        r.ChildTid = childTid;
        r.Tls = tls;
        return Clone(p, in r);
    }

    // clone3(struct clone_args *, size): the same request as a structure that may grow (copied as
    // copy_struct_from_user does: a larger one must hold zeros past what is known, else E2BIG).
    private static long Clone3(LinuxProcess p, ulong args, ulong size)
    {
        if (p.VforkChild != null) return VforkWait(p);
        if (size > PageSize) return -E2BIG;
        if (size < Clone3SizeVer0) return -Errno.EINVAL;
        ulong* w = stackalloc ulong[11];
        for (int i = 0; i < 11; i++) w[i] = 0;
        ulong known = size < Clone3SizeKnown ? size : Clone3SizeKnown;
        if (!p.Memory.Read(args, (byte*)w, known)) return -Errno.EFAULT;
        for (ulong at = Clone3SizeKnown; at < size; at += 8)
        {
            if (!p.Memory.ReadWord(args + at, out ulong extra)) return -Errno.EFAULT;
            if (extra != 0) return -E2BIG;
        }
        // flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup
        if (w[4] > 64 || (w[4] & ~CloneFlags.Csignal) != 0) return -Errno.EINVAL;
        if ((w[5] == 0) != (w[6] == 0)) return -Errno.EINVAL;
        if ((w[8] == 0) != (w[9] == 0) || w[9] > 32) return -Errno.EINVAL;
        if (w[9] != 0) return -Errno.ENOSYS;   // choosing the pid (set_tid): not here
        long e = CloneRequest.Decode(w[0], (long)w[4], out CloneRequest r);
        if (e != 0) return -e;
        r.ChildTid = w[2];
        r.ParentTid = w[3];
        r.Stack = w[5] + w[6];
        r.Tls = w[7];
        return Clone(p, in r);
    }

    private static long Clone(LinuxProcess p, in CloneRequest r)
    {
        var regs = new ThreadRegisterState();
        if (Sys.ThreadRegisters(p.Thread, ThreadRegistersOp.Read, &regs) != Status.Ok) return -Errno.EAGAIN;
        if (r.Thread && !p.Memory.Large) return CloneFirstThread(p, in r, &regs);
        return Clone(p, in r, &regs);
    }

    // The process's first thread: the memory moves to a large address space (LinuxMemory.Large.cs), and
    // the caller's Vireo thread, bound to the old one, is replaced as exec replaces it: a new thread
    // in the new space with the caller's registers, rax the clone's result (there is no reply).
    private static long CloneFirstThread(LinuxProcess p, in CloneRequest r, ThreadRegisterState* regs)
    {
        if (p.Memory.Users > 1) return -Errno.EAGAIN;   // a vfork child, in its parent's memory
        CSpace.Release(p.Thread);
        p.Thread = default;
        long result = p.Memory.Enlarge() == Status.Ok ? Clone(p, in r, regs) : -Errno.ENOMEM;
        regs->Rax = (ulong)result;
        if (p.StartThread(regs->Rip, regs->Rsp & ~15UL, regs) != Status.Ok)   // the registers, written whole, set rsp
        {
            EventLoop.Exit(p, WaitStatus.Killed(LinuxSignals.SigKill));   // no thread to go on with
            return 0;
        }
        p.NoReply = true;
        return 0;
    }

    private static long Clone(LinuxProcess p, in CloneRequest r, ThreadRegisterState* callerRegs)
    {
        var child = new LinuxProcess();
        if (!Processes.TryAdd(child)) return -Errno.EAGAIN;
        long e = Start(p, child, in r, *callerRegs);
        if (e != 0)
        {
            // No parent yet: it leaves the table, and whatever was made goes.
            if (r.Thread) child.EndThread();
            else child.End(0);
            return -e;
        }
        if (r.Thread) return (long)child.Pid;
        child.Parent = p.Leader;   // a thread's fork: the child is the process's
        p.Children.Add(child);
        if (!r.Vfork) return (long)child.Pid;
        child.VforkPending = true;
        p.VforkChild = child;
        p.ChildEvents.Add(p);
        return EventLoop.Parked;
    }

    // The child's memory, state and thread; 0 or the errno (the child is then ended by the caller).
    private static long Start(LinuxProcess p, LinuxProcess child, in CloneRequest r, ThreadRegisterState regs)
    {
        if (r.Thread) child.JoinThreadGroup(p);
        else if (r.SharesMemory) child.Memory = p.Memory.Share();
        else
        {
            Status s = p.Memory.Fork(out LinuxMemory copy);
            if (s != Status.Ok) return Errno.ENOMEM;
            child.Memory = copy;
        }
        if (!r.Thread) child.InheritFrom(p);
        child.ExitSignal = r.ExitSignal;
        if (r.ClearSighand)
            child.Signals.ResetHandlers();   // caught: default; ignored stays
        regs.Rax = 0;
        if (r.Stack != 0) regs.Rsp = r.Stack;
        if (r.SetTls)
        {
            if (r.Tls >= BootstrapLayout.UserTop) return Errno.EPERM;   // do_arch_prctl_64's check
            regs.FsBase = r.Tls;
        }
        // pid_t is 32 bits. Linux ignores a bad address here (put_user's result is not checked).
        uint pid = (uint)child.Pid;
        if (r.ParentTid != 0 && r.ParentSetTid) _ = p.Memory.Write(r.ParentTid, (byte*)&pid, 4);
        if (r.ChildTid != 0 && r.ChildSetTid) _ = child.Memory.Write(r.ChildTid, (byte*)&pid, 4);
        if (r.ChildClearTid) child.ClearTid = r.ChildTid;
        Status started = child.StartThread(regs.Rip, regs.Rsp & ~15UL, &regs);
        if (started == Status.Ok) InheritAffinity(p, child);
        return started == Status.Ok ? 0 : started == Status.OutOfMemory ? Errno.ENOMEM : Errno.EAGAIN;
    }

    // A vfork's caller served again: the child's pid once it has exec'd or ended, else park on.
    private static long VforkWait(LinuxProcess p)
    {
        LinuxProcess child = p.VforkChild;
        if (child.VforkPending)
        {
            p.ChildEvents.Add(p);
            return EventLoop.Parked;
        }
        p.VforkChild = null;
        return (long)child.Pid;
    }
}
