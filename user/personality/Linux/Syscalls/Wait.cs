// wait4 and waitid (kernel/exit.c's do_wait): among the caller's children that the pid or group
// selects and whose exit signal the options accept, the first with something to report: an ended
// child (reaped unless WNOWAIT), a stopped one (WUNTRACED/WSTOPPED) or a continued one (WCONTINUED),
// reported once each. No selected child at all is ECHILD; selected children with nothing to report
// give 0 under WNOHANG, else the call parks on the caller's ChildEvents, which a child's end or change
// wakes (ADR 0015), and is served again from the start. The status, siginfo and rusage are written
// after the child is reaped, as Linux does: a bad pointer is EFAULT with the child gone.
using Vireo.Linux.Abi;
using Vireo.Linux.Loop;

namespace Vireo.Linux.Syscalls;

public static unsafe partial class SyscallTable
{
    private const int SiginfoFields = 6;   // si_signo, si_errno, si_code, si_pid, si_uid, si_status

    private static long Wait4(LinuxProcess p, ulong pid, ulong statusAddress, ulong options, ulong rusage)
    {
        WaitSelector selector = default;
        long e = WaitStatus.CheckWait4((int)options);
        if (e == 0) e = WaitSelector.ForWait4((int)pid, (long)p.Pgid, out selector);
        if (e != 0) return -e;
        long found = Reportable(p, selector, (int)options | WaitStatus.WExited, out int status, out _, out _);
        if (found <= 0) return found;
        if (statusAddress != 0 && !p.Memory.Write(statusAddress, (byte*)&status, 4)) return -Errno.EFAULT;
        if (rusage != 0 && !ZeroRusage(p, rusage)) return -Errno.EFAULT;
        return found;
    }

    private static long Waitid(LinuxProcess p, ulong idtype, ulong id, ulong infop, ulong options, ulong rusage)
    {
        WaitSelector selector = default;
        long e = WaitStatus.CheckWaitid((int)options);
        if (e == 0) e = WaitSelector.ForWaitid((int)idtype, (int)id, (long)p.Pgid, out selector);
        int code = 0, value = 0;
        long found = e != 0 ? -e : Reportable(p, selector, (int)options, out _, out code, out value);
        if (found == EventLoop.Parked) return found;
        if (found > 0 && rusage != 0 && !ZeroRusage(p, rusage)) return -Errno.EFAULT;
        if (infop == 0) return found > 0 ? 0 : found;
        // Linux writes the fields whatever the result: zeros when nothing was reported.
        int* info = stackalloc int[SiginfoFields];
        info[0] = found > 0 ? WaitStatus.SigChld : 0;
        info[1] = 0;
        info[2] = found > 0 ? code : 0;
        info[3] = found > 0 ? (int)found : 0;
        info[4] = 0;
        info[5] = found > 0 ? value : 0;
        // si_pid, si_uid and si_status sit in the union at offset 16.
        if (!p.Memory.Write(infop, (byte*)info, 12) || !p.Memory.Write(infop + 16, (byte*)(info + 3), 12)) return -Errno.EFAULT;
        return found > 0 ? 0 : found;
    }

    // The first child with something to report: its pid with its wait status (and waitid's si_code and
    // si_status); 0 under WNOHANG, Parked, or -ECHILD.
    private static long Reportable(LinuxProcess p, in WaitSelector selector, int options, out int status, out int code, out int value)
    {
        status = code = value = 0;
        bool any = false;
        bool keep = (options & WaitStatus.WNowait) != 0;
        foreach (LinuxProcess child in p.Children)
        {
            if (!selector.Selects((long)child.Pid, (long)child.Pgid) || !WaitStatus.ExitSignalMatches(child.ExitSignal, options)) continue;
            any = true;
            long pid = (long)child.Pid;
            if (child.Ended && (options & WaitStatus.WExited) != 0)
            {
                status = child.WaitStatus;
                WaitStatus.Siginfo(status, out code, out value);
                if (!keep) Processes.Reap(child);
                return pid;
            }
            if (child.StopSignal != 0 && (options & WaitStatus.WUntraced) != 0)
            {
                status = WaitStatus.Stopped(child.StopSignal);
                code = WaitStatus.CldStopped;
                value = child.StopSignal;
                if (!keep) child.StopSignal = 0;
                return pid;
            }
            if (child.ContinuePending && (options & WaitStatus.WContinued) != 0)
            {
                status = WaitStatus.Continued;
                code = WaitStatus.CldContinued;
                value = WaitStatus.SigCont;
                if (!keep) child.ContinuePending = false;
                return pid;
            }
        }
        if (!any) return -Errno.ECHILD;
        if ((options & WaitStatus.WNohang) != 0) return 0;
        p.ChildEvents.Add(p);
        return EventLoop.Parked;
    }

    private static bool ZeroRusage(LinuxProcess p, ulong rusage)
    {
        byte* zero = stackalloc byte[WaitStatus.RusageSize];
        for (int i = 0; i < WaitStatus.RusageSize; i++) zero[i] = 0;
        return p.Memory.Write(rusage, zero, WaitStatus.RusageSize);
    }
}
