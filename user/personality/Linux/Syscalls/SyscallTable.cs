// The syscall table: decode the number, serve it from the process's state and Vireo's services,
// return Linux's result (a value, or a negated errno). Anything not here is ENOSYS, logged once per
// number by name. A call that ends the process sets `exit` and the status the personality returns.
using Vireo.Linux.Abi;
using Vireo.Linux.Proc;
using Vireo.User.Schemes;

namespace Vireo.Linux.Syscalls;

public static partial class SyscallTable
{
    // No zeroing of the frame per call: the cases inlined here assign their locals before use (C#'s
    // definite assignment), and none has a stackalloc.
    [System.Runtime.CompilerServices.SkipLocalsInit]
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static long Serve(LinuxProcess p, in SyscallArgs a, out bool exit, out int status)
    {
        exit = false;
        status = 0;
        switch ((SyscallNumber)a.Number)
        {
            case SyscallNumber.Read: return Read(p, a.A0, a.A1, a.A2);
            case SyscallNumber.Write: return Write(p, a.A0, a.A1, a.A2);
            case SyscallNumber.Writev: return Writev(p, a.A0, a.A1, a.A2);
            case SyscallNumber.Close: return Close(p, a.A0);
            case SyscallNumber.Fstat: return Fstat(p, a.A0, a.A1);
            case SyscallNumber.Newfstatat: return Newfstatat(p, (long)a.A0, a.A1, a.A2, a.A3);
            case SyscallNumber.Stat: return Newfstatat(p, AtFdCwd, a.A0, a.A1, 0);
            case SyscallNumber.Lstat: return Newfstatat(p, AtFdCwd, a.A0, a.A1, AtSymlinkNofollow);
            case SyscallNumber.Ioctl: return Ioctl(p, a.A0, a.A1, a.A2);
            case SyscallNumber.Pipe: return Pipe2(p, a.A0, 0);
            case SyscallNumber.Pipe2: return Pipe2(p, a.A0, a.A1);
            case SyscallNumber.Poll: return Poll(p, a.A0, a.A1, (int)a.A2);
            case SyscallNumber.Ppoll: return Ppoll(p, a.A0, a.A1, a.A2);
            case SyscallNumber.Select: return Select(p, (int)a.A0, a.A1, a.A2, a.A3, a.A4, 1000);
            case SyscallNumber.Pselect6: return Select(p, (int)a.A0, a.A1, a.A2, a.A3, a.A4, 1);
            case SyscallNumber.Socket: return Socket(p, a.A0, a.A1);
            case SyscallNumber.Connect: return Connect(p, a.A0, a.A1, a.A2);
            case SyscallNumber.Socketpair: return Socketpair(p, a.A0, a.A1, a.A3);
            case SyscallNumber.Open: return Openat(p, AtFdCwd, a.A0, a.A1, a.A2);
            case SyscallNumber.Openat: return Openat(p, (long)a.A0, a.A1, a.A2, a.A3);
            case SyscallNumber.Lseek: return Lseek(p, a.A0, (long)a.A1, a.A2);
            case SyscallNumber.Pread64: return Pread(p, a.A0, a.A1, a.A2, (long)a.A3, write: false);
            case SyscallNumber.Pwrite64: return Pread(p, a.A0, a.A1, a.A2, (long)a.A3, write: true);
            case SyscallNumber.Getdents64: return Getdents64(p, a.A0, a.A1, a.A2);
            case SyscallNumber.Dup: return Dup(p, a.A0, -1, 0);
            case SyscallNumber.Dup2: return a.A0 == a.A1 ? (p.Files.Get(a.A0) != null ? (long)a.A0 : -Errno.EBADF) : Dup(p, a.A0, (long)a.A1, 0);
            case SyscallNumber.Dup3: return a.A0 == a.A1 ? -Errno.EINVAL : Dup(p, a.A0, (long)a.A1, a.A2);
            case SyscallNumber.Fcntl: return Fcntl(p, a.A0, a.A1, a.A2);
            case SyscallNumber.Sendfile: return Sendfile(p, a.A0, a.A1, a.A2, a.A3);
            case SyscallNumber.Getcwd: return Getcwd(p, a.A0, a.A1);
            case SyscallNumber.Chdir: return Chdir(p, a.A0);
            case SyscallNumber.Fchdir: return Fchdir(p, a.A0);
            case SyscallNumber.Readlinkat: return Readlinkat(p, (long)a.A0, a.A1, a.A2, a.A3);
            case SyscallNumber.Access: return Faccessat(p, AtFdCwd, a.A0);
            case SyscallNumber.Faccessat:
            case SyscallNumber.Faccessat2: return Faccessat(p, (long)a.A0, a.A1);
            case SyscallNumber.Mkdir: return OnPath(p, AtFdCwd, a.A0, 0, a.A1);
            case SyscallNumber.Mkdirat: return OnPath(p, (long)a.A0, a.A1, 0, a.A2);
            case SyscallNumber.Rmdir: return OnPath(p, AtFdCwd, a.A0, 1, 0);
            case SyscallNumber.Unlink: return OnPath(p, AtFdCwd, a.A0, 2, 0);
            case SyscallNumber.Unlinkat: return OnPath(p, (long)a.A0, a.A1, (a.A2 & AtRemovedir) != 0 ? 1 : 2, 0);
            case SyscallNumber.Rename: return Renameat(p, AtFdCwd, a.A0, AtFdCwd, a.A1);
            case SyscallNumber.Renameat: return Renameat(p, (long)a.A0, a.A1, (long)a.A2, a.A3);
            case SyscallNumber.Symlink: return Symlinkat(p, a.A0, AtFdCwd, a.A1);
            case SyscallNumber.Symlinkat: return Symlinkat(p, a.A0, (long)a.A1, a.A2);
            case SyscallNumber.Link: return Linkat(p, AtFdCwd, a.A0, AtFdCwd, a.A1);
            case SyscallNumber.Linkat: return Linkat(p, (long)a.A0, a.A1, (long)a.A2, a.A3);
            case SyscallNumber.Chmod: return Chmodat(p, AtFdCwd, a.A0, a.A1);
            case SyscallNumber.Fchmodat: return Chmodat(p, (long)a.A0, a.A1, a.A2);
            case SyscallNumber.Fchmod: return Fchmod(p, a.A0, a.A1);
            case SyscallNumber.Ftruncate: return Ftruncate(p, a.A0, a.A1);
            case SyscallNumber.Truncate: return Truncate(p, a.A0, a.A1);
            case SyscallNumber.Chown: return Chownat(p, AtFdCwd, a.A0, a.A1, a.A2, noFollow: false);
            case SyscallNumber.Lchown: return Chownat(p, AtFdCwd, a.A0, a.A1, a.A2, noFollow: true);
            case SyscallNumber.Fchownat: return Chownat(p, (long)a.A0, a.A1, a.A2, a.A3, (a.A4 & AtSymlinkNofollow) != 0);
            case SyscallNumber.Fchown: return Fchown(p, a.A0, a.A1, a.A2);
            case SyscallNumber.Utimensat: return Utimensat(p, (long)a.A0, a.A1, a.A2, a.A3);
            case SyscallNumber.Statfs: return Statfs(p, a.A0, a.A1);
            case SyscallNumber.Fstatfs: return Fstatfs(p, a.A0, a.A1);
            case SyscallNumber.Fsync:
            case SyscallNumber.Fdatasync: return Fsync(p, a.A0);
            case SyscallNumber.Syncfs: return Syncfs(p, a.A0);
            case SyscallNumber.Sync: return Sync();
            case SyscallNumber.Umask:
                {
                    long old = p.Umask;
                    p.Umask = (uint)(a.A0 & 0x1FF);
                    return old;
                }
            case SyscallNumber.Brk: return Brk(p, a.A0);
            case SyscallNumber.Mmap: return Mmap(p, a.A0, a.A1, a.A2, a.A3, (long)a.A4, a.A5);
            case SyscallNumber.Munmap: return Munmap(p, a.A0, a.A1);
            case SyscallNumber.Mprotect: return Mprotect(p, a.A0, a.A1, a.A2);
            case SyscallNumber.Madvise: return Madvise(p, a.A0, a.A1, a.A2);
            case SyscallNumber.Msync: return Msync(p, a.A0, a.A1, a.A2);
            case SyscallNumber.Execve: return Execve(p, a.A0, a.A1, a.A2, out exit, out status);
            case SyscallNumber.ArchPrctl: return ArchPrctl(p, a.A0, a.A1);
            case SyscallNumber.SetTidAddress:
                p.ClearTid = a.A0;
                return (long)p.Pid;
            case SyscallNumber.SetRobustList: return 0;
            case SyscallNumber.Futex: return Futex(p, a.A0, a.A1, (uint)a.A2, a.A3, (uint)a.A5);
            case SyscallNumber.SchedYield: return 0;   // the answer is the yield: the loop runs the others' calls first
            case SyscallNumber.Membarrier: return Membarrier(p, a.A0, a.A1);
            case SyscallNumber.Prctl: return Prctl(p, a.A0, a.A1);
            case SyscallNumber.Rseq: return -Errno.ENOSYS;   // glibc registers it if it can; it need not
            case SyscallNumber.GetMempolicy: return -Errno.ENOSYS;   // a kernel without NUMA's answer, which the .NET runtime expects
            case SyscallNumber.Getcpu: return Getcpu(p, a.A0, a.A1);
            case SyscallNumber.Flock: return Flock(p, a.A0, a.A1);

            case SyscallNumber.RtSigaction: return RtSigaction(p, (long)a.A0, a.A1, a.A2, a.A3);
            case SyscallNumber.RtSigprocmask: return RtSigprocmask(p, a.A0, a.A1, a.A2, a.A3);
            case SyscallNumber.RtSigreturn: return RtSigreturn(p, a.Rsp);
            case SyscallNumber.RtSigpending: return RtSigpending(p, a.A0, a.A1);
            case SyscallNumber.RtSigsuspend: return RtSigsuspend(p, a.A0, a.A1);
            case SyscallNumber.RtSigtimedwait: return RtSigtimedwait(p, a.A0, a.A1, a.A2, a.A3);
            case SyscallNumber.Pause: return Pause(p);
            case SyscallNumber.Sigaltstack: return Sigaltstack(p, a.A0, a.A1, a.Rsp);
            case SyscallNumber.Kill: return Kill(p, (int)a.A0, (int)a.A1);
            case SyscallNumber.Tkill: return Tgkill(p, 0, (int)a.A0, (int)a.A1, tkill: true);
            case SyscallNumber.Tgkill: return Tgkill(p, (int)a.A0, (int)a.A1, (int)a.A2, tkill: false);
            case SyscallNumber.Alarm: return Alarm(p, a.A0 & 0xFFFF_FFFF);
            case SyscallNumber.Setitimer: return Setitimer(p, a.A0 & 0xFFFF_FFFF, a.A1, a.A2);
            case SyscallNumber.Getitimer: return Getitimer(p, a.A0 & 0xFFFF_FFFF, a.A1);
            case SyscallNumber.Prlimit64: return Prlimit64(p, a.A1, a.A2, a.A3);
            case SyscallNumber.Reboot: return Reboot((uint)a.A0, (uint)a.A1, (uint)a.A2);
            case SyscallNumber.Getrandom: return Getrandom(p, a.A0, a.A1);
            case SyscallNumber.Uname: return Uname(p, a.A0);
            case SyscallNumber.Sysinfo: return ProcFs.Sysinfo(p, a.A0);
            case SyscallNumber.Readlink: return Readlinkat(p, AtFdCwd, a.A0, a.A1, a.A2);
            case SyscallNumber.ClockGettime: return ClockGettime(p, a.A0, a.A1);
            case SyscallNumber.Gettimeofday: return Gettimeofday(p, a.A0);
            case SyscallNumber.Time: return Time(p, a.A0);
            case SyscallNumber.Nanosleep: return Sleep(p, 1, 0, a.A0);
            case SyscallNumber.ClockNanosleep: return Sleep(p, a.A0, a.A1, a.A2);
            case SyscallNumber.Fork: return Fork(p, CloneFlags.ChildSignal, 0, 0, 0, 0);
            case SyscallNumber.Vfork: return Fork(p, CloneFlags.Vm | CloneFlags.Vfork | CloneFlags.ChildSignal, 0, 0, 0, 0);
            case SyscallNumber.Clone: return Fork(p, a.A0, a.A1, a.A2, a.A3, a.A4);
            case SyscallNumber.Clone3: return Clone3(p, a.A0, a.A1);
            case SyscallNumber.Wait4: return Wait4(p, a.A0, a.A1, a.A2, a.A3);
            case SyscallNumber.Waitid: return Waitid(p, a.A0, a.A1, a.A2, a.A3, a.A4);
            case SyscallNumber.Setpgid: return Setpgid(p, a.A0, a.A1);
            case SyscallNumber.Getpgid: return Getpgid(p, a.A0, session: false);
            case SyscallNumber.Getsid: return Getpgid(p, a.A0, session: true);
            case SyscallNumber.Setsid: return Setsid(p);
            case SyscallNumber.SchedGetaffinity: return SchedGetaffinity(p, a.A0, a.A1, a.A2);
            case SyscallNumber.SchedSetaffinity: return SchedSetaffinity(p, a.A0, a.A1, a.A2);
            case SyscallNumber.Getrusage: return Getrusage(p, a.A0, a.A1);
            case SyscallNumber.Times: return Times(p, a.A0);
            case SyscallNumber.Mknod: return Mknodat(p, AtFdCwd, a.A0, a.A1);
            case SyscallNumber.Mknodat: return Mknodat(p, (long)a.A0, a.A1, a.A2);
            case SyscallNumber.Exit:
                if (p.ExitThread())
                {
                    p.NoReply = true;   // one thread of several ended: its caller is gone
                    return 0;
                }
                goto case SyscallNumber.ExitGroup;
            case SyscallNumber.ExitGroup:
                exit = true;
                status = (int)(a.A0 & 0xFF);
                return 0;
            default:
                return Identity(p, a.Number, out long id) ? id : NotImplemented(p, a.Number);
        }
    }

    /// <summary>The calls that only read the caller's record (getpid, gettid, getppid, getpgrp, and the
    /// ids, 0 for root): no arguments, no memory, never parked. True with the result if `number` is one.
    /// The loop answers them before anything else (EventLoop.Quick); Serve, when the tracer is on.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static bool Identity(LinuxProcess p, ulong number, out long result)
    {
        switch ((SyscallNumber)number)
        {
            case SyscallNumber.Getppid: result = (long)p.ParentPid; return true;
            case SyscallNumber.Getpid: result = (long)p.Leader.Pid; return true;
            case SyscallNumber.Gettid: result = (long)p.Pid; return true;
            case SyscallNumber.Getpgrp: result = (long)p.Leader.Pgid; return true;
            case SyscallNumber.Getuid:
            case SyscallNumber.Geteuid:
            case SyscallNumber.Getgid:
            case SyscallNumber.Getegid: result = 0; return true;
            default: result = 0; return false;
        }
    }

    private static long NotImplemented(LinuxProcess p, ulong number)
    {
        if (number < (ulong)p.Reported.Length && p.Reported[(int)number]) return -Errno.ENOSYS;
        if (number < (ulong)p.Reported.Length) p.Reported[(int)number] = true;
        string name = SyscallNames.Name(number);
        Say("linux: syscall " + (name ?? "?") + " (" + number.ToString() + ") not implemented: ENOSYS\n");
        return -Errno.ENOSYS;
    }

    /// <summary>A line from the personality itself, on its standard error.</summary>
    public static void Say(string text) => _ = Fs.Write(Fd.Stderr, text);   // nowhere to report a failed report
}
