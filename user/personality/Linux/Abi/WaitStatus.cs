// How Linux reports a child's change of state to wait4 and waitid (kernel/exit.c): the wait status
// word (exit code << 8; the signal, with 0x80 for a core dump, which the personality never writes:
// RLIMIT_CORE is 0 as Linux's default; 0x7f with the stop signal << 8; 0xffff
// for a continue), siginfo's si_code and si_status for waitid, which children a pid selects, and
// the options each call accepts. Portable: host-tested (WaitStatusTests).
namespace Vireo.Linux.Abi;

public static class WaitStatus
{
    public const int WNohang = 1, WUntraced = 2, WStopped = 2, WExited = 4, WContinued = 8, WNowait = 0x0100_0000;
    public const int WNothread = 0x2000_0000, WAll = 0x4000_0000, WClone = unchecked((int)0x8000_0000);
    public const int SigChld = 17, SigCont = 18;
    /// <summary>siginfo si_code values for SIGCHLD (include/uapi/asm-generic/siginfo.h).</summary>
    public const int CldExited = 1, CldKilled = 2, CldDumped = 3, CldStopped = 5, CldContinued = 6;
    /// <summary>waitid's idtype (include/uapi/linux/wait.h).</summary>
    public const int PAll = 0, PPid = 1, PPgid = 2, PPidfd = 3;
    /// <summary>struct rusage: two timevals and fourteen longs.</summary>
    public const int RusageSize = 144;

    public static int Exited(int code) => (code & 0xFF) << 8;
    public static int Killed(int signal, bool core = false) => (signal & 0x7F) | (core ? 0x80 : 0);
    public static int Stopped(int signal) => ((signal & 0xFF) << 8) | 0x7F;
    public const int Continued = 0xFFFF;

    public static bool IsExited(int status) => (status & 0x7F) == 0;
    public static bool IsSignaled(int status) => (status & 0x7F) != 0 && (status & 0x7F) != 0x7F;

    /// <summary>waitid's si_code and si_status for the wait status of an ended child.</summary>
    public static void Siginfo(int status, out int code, out int value)
    {
        if (IsExited(status))
        {
            code = CldExited;
            value = (status >> 8) & 0xFF;
        }
        else
        {
            code = (status & 0x80) != 0 ? CldDumped : CldKilled;
            value = status & 0x7F;
        }
    }

    /// <summary>wait4's options: 0 or EINVAL.</summary>
    public static long CheckWait4(int options) =>
        (options & ~(WNohang | WUntraced | WContinued | WNothread | WClone | WAll)) != 0 ? Errno.EINVAL : 0;

    /// <summary>waitid's options: 0 or EINVAL (it must ask for at least one kind of event).</summary>
    public static long CheckWaitid(int options)
    {
        if ((options & ~(WNohang | WNowait | WExited | WStopped | WContinued | WNothread | WClone | WAll)) != 0) return Errno.EINVAL;
        return (options & (WExited | WStopped | WContinued)) == 0 ? Errno.EINVAL : 0;
    }

    /// <summary>Whether a child with `exitSignal` is waited for under `options` (eligible_child: a
    /// child whose exit signal is not SIGCHLD is a "clone" child, waited for only with __WCLONE or __WALL).</summary>
    public static bool ExitSignalMatches(int exitSignal, int options) =>
        (options & WAll) != 0 || ((exitSignal != SigChld) == ((options & WClone) != 0));
}

/// <summary>Which children a wait selects: a pid, a process group, or any.</summary>
public readonly struct WaitSelector
{
    public readonly bool Any;
    public readonly bool ByGroup;
    public readonly long Id;

    public WaitSelector(bool any, bool byGroup, long id)
    {
        Any = any;
        ByGroup = byGroup;
        Id = id;
    }

    /// <summary>wait4's pid (an int): &gt; 0 that child, -1 any, 0 the caller's group, &lt; -1 that group;
    /// INT_MIN is ESRCH (its negation does not exist). 0 or the errno.</summary>
    public static long ForWait4(int pid, long ownGroup, out WaitSelector s)
    {
        s = default;
        if (pid == int.MinValue) return Errno.ESRCH;
        if (pid == -1) s = new WaitSelector(true, false, 0);
        else if (pid < 0) s = new WaitSelector(false, true, -(long)pid);
        else if (pid == 0) s = new WaitSelector(false, true, ownGroup);
        else s = new WaitSelector(false, false, pid);
        return 0;
    }

    /// <summary>waitid's idtype and id: P_ALL, P_PID (id &gt; 0), P_PGID (0: the caller's group);
    /// P_PIDFD names a pidfd, which no descriptor here is (EBADF). 0 or the errno.</summary>
    public static long ForWaitid(int idtype, int id, long ownGroup, out WaitSelector s)
    {
        s = default;
        switch (idtype)
        {
            case WaitStatus.PAll: s = new WaitSelector(true, false, 0); return 0;
            case WaitStatus.PPid:
                if (id <= 0) return Errno.EINVAL;
                s = new WaitSelector(false, false, id);
                return 0;
            case WaitStatus.PPgid:
                if (id < 0) return Errno.EINVAL;
                s = new WaitSelector(false, true, id == 0 ? ownGroup : id);
                return 0;
            case WaitStatus.PPidfd: return id < 0 ? Errno.EINVAL : Errno.EBADF;
            default: return Errno.EINVAL;
        }
    }

    public bool Selects(long pid, long pgid) => Any || (ByGroup ? pgid == Id : pid == Id);
}
