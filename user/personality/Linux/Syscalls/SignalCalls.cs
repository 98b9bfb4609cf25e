// The signal calls (kernel/signal.c, kernel/time/itimer.c, arch/x86/kernel/signal.c): dispositions,
// the mask, pending signals, sigsuspend and pause, the alternate stack, rt_sigreturn, kill and
// tgkill, alarm and ITIMER_REAL. Each checks its arguments in Linux's order and gives its errno;
// what is sent is delivered by Signals (on this call's answer, when it is for the caller).
using Vireo.Abi;
using Vireo.Linux.Abi;
using Vireo.Linux.Loop;
using Vireo.User;

namespace Vireo.Linux.Syscalls;

public static unsafe partial class SyscallTable
{
    private const ulong SigSetSize = 8;
    private const ulong NanosPerSecond = 1_000_000_000UL, NanosPerMicro = 1000;

    private static long RtSigaction(LinuxProcess p, long signal, ulong action, ulong old, ulong setSize)
    {
        if (setSize != SigSetSize) return -Errno.EINVAL;
        if (!LinuxSignals.IsValid(signal) || (action != 0 && (signal == LinuxSignals.SigKill || signal == LinuxSignals.SigStop)))
            return -Errno.EINVAL;
        var a = new SigAction();
        if (action != 0 && !p.Memory.Read(action, (byte*)&a, 32)) return -Errno.EFAULT;
        SigAction previous = p.Signals.Actions[(int)signal];
        if (action != 0)
        {
            a.Flags &= LinuxSignals.KnownFlags;
            p.Signals.SetAction(signal, in a);
        }
        if (old != 0 && !p.Memory.Write(old, (byte*)&previous, 32)) return -Errno.EFAULT;
        return 0;
    }

    private static long RtSigprocmask(LinuxProcess p, ulong how, ulong set, ulong old, ulong setSize)
    {
        if (setSize != SigSetSize) return -Errno.EINVAL;
        ulong previous = p.Signals.Blocked;
        if (set != 0)
        {
            if (!p.Memory.ReadWord(set, out ulong bits)) return -Errno.EFAULT;
            if (how == 0) p.Signals.SetBlocked(previous | bits);          // SIG_BLOCK
            else if (how == 1) p.Signals.SetBlocked(previous & ~bits);    // SIG_UNBLOCK
            else if (how == 2) p.Signals.SetBlocked(bits);                // SIG_SETMASK
            else return -Errno.EINVAL;
        }
        if (old != 0 && !p.Memory.WriteWord(old, previous)) return -Errno.EFAULT;
        return 0;
    }

    // The pending signals that are blocked (do_sigpending): the others would have been delivered.
    private static long RtSigpending(LinuxProcess p, ulong set, ulong setSize)
    {
        if (setSize > SigSetSize) return -Errno.EINVAL;
        ulong pending = p.Signals.Pending & p.Signals.Blocked;
        return p.Memory.Write(set, (byte*)&pending, setSize) ? 0 : -Errno.EFAULT;
    }

    // The mask is replaced until a signal is delivered; the handler's frame keeps the old one, which
    // comes back after it (or at once if nothing ran). Always ends with EINTR (ERESTARTNOHAND).
    private static long RtSigsuspend(LinuxProcess p, ulong set, ulong setSize)
    {
        if (p.Resumed) return EventLoop.Parked;
        if (setSize != SigSetSize) return -Errno.EINVAL;
        if (!p.Memory.ReadWord(set, out ulong mask)) return -Errno.EFAULT;
        SignalState st = p.Signals;
        st.SavedMask = st.Blocked;
        st.RestoreMask = true;
        st.SetBlocked(mask);
        return st.Deliverable != 0 ? -LinuxSignals.RestartNoHand : EventLoop.Parked;
    }

    // rt_sigtimedwait: takes a pending signal of the set (blocked or not) without running its handler;
    // waits for one up to the timeout (none: for ever; zero: EAGAIN at once). Another signal that is
    // delivered meanwhile ends it with EINTR.
    private static long RtSigtimedwait(LinuxProcess p, ulong set, ulong info, ulong timeout, ulong setSize)
    {
        SignalState st = p.Signals;
        ulong wanted;
        if (p.Resumed) wanted = st.WaitSet;
        else
        {
            if (setSize != SigSetSize) return -Errno.EINVAL;
            if (!p.Memory.ReadWord(set, out wanted)) return -Errno.EFAULT;
            wanted &= ~LinuxSignals.Unblockable;
            p.Deadline = 0;
            if (timeout != 0)
            {
                if (!p.Memory.ReadWord(timeout, out ulong seconds) || !p.Memory.ReadWord(timeout + 8, out ulong nanoseconds)) return -Errno.EFAULT;
                if ((long)seconds < 0 || nanoseconds >= NanosPerSecond) return -Errno.EINVAL;
                p.Deadline = Sys.TimeNanos() + seconds * NanosPerSecond + nanoseconds;
            }
        }
        int signal = st.NextIn(wanted);
        if (signal != 0)
        {
            st.WaitSet = 0;
            SigInfo taken = st.Take(signal);
            byte* b = stackalloc byte[SigInfo.Size];
            taken.Pack(new System.Span<byte>(b, SigInfo.Size));
            if (info != 0 && !p.Memory.Write(info, b, SigInfo.Size)) return -Errno.EFAULT;
            return signal;
        }
        if (timeout != 0 && Sys.TimeNanos() >= p.Deadline)
        {
            st.WaitSet = 0;
            return -Errno.EAGAIN;
        }
        st.WaitSet = wanted;
        if (timeout != 0) Timers.WakeAt(p, p.Deadline);
        return EventLoop.Parked;
    }

    private static long Pause(LinuxProcess p) => p.Signals.Deliverable != 0 ? -LinuxSignals.RestartNoHand : EventLoop.Parked;

    // stack_t: ss_sp, ss_flags (int), ss_size. `sp` is where the caller's stack pointer is.
    private static long Sigaltstack(LinuxProcess p, ulong stack, ulong old, ulong sp)
    {
        SignalState st = p.Signals;
        ulong* current = stackalloc ulong[3];
        current[0] = st.AltStackBase;
        current[1] = (ulong)(uint)(st.AltStackState(sp) | (int)(st.AltStackFlags & LinuxSignals.SsAutoDisarm));
        current[2] = st.AltStackSize;
        if (stack != 0)
        {
            ulong* s = stackalloc ulong[3];
            if (!p.Memory.Read(stack, (byte*)s, 24)) return -Errno.EFAULT;
            uint flags = (uint)s[1];
            uint mode = flags & ~LinuxSignals.SsAutoDisarm;
            if (st.OnAltStack(sp)) return -Errno.EPERM;
            if (mode != LinuxSignals.SsDisable && mode != LinuxSignals.SsOnStack && mode != 0) return -Errno.EINVAL;
            if (mode == LinuxSignals.SsDisable)
            {
                st.AltStackBase = st.AltStackSize = 0;
                st.AltStackFlags = 0;
            }
            else
            {
                if (s[2] < LinuxSignals.MinSigStackSize) return -Errno.ENOMEM;
                st.AltStackBase = s[0];
                st.AltStackSize = s[2];
                st.AltStackFlags = flags & LinuxSignals.SsAutoDisarm;
            }
        }
        if (old != 0 && !p.Memory.Write(old, (byte*)current, 24)) return -Errno.EFAULT;
        return 0;
    }

    // The handler returned through sa_restorer (`mov $15, %eax; syscall`): its `ret` took the frame's
    // first word, so the frame starts 8 bytes below rsp. Registers, FPU state and mask come back as the
    // frame holds them now, changes by the handler included; rax is the call's result.
    private static long RtSigreturn(LinuxProcess p, ulong rsp)
    {
        ulong frame = rsp - 8;
        byte* bytes = stackalloc byte[SignalFrame.Size];
        var r = new ThreadRegisterState();
        if (!p.Memory.Read(frame, bytes, SignalFrame.Size)) return Signals.BadFrame(p);
        if (Sys.ThreadRegisters(p.Thread, ThreadRegistersOp.Read, &r) != Status.Ok) return Signals.BadFrame(p);
        SignalFrame.Restore(new System.ReadOnlySpan<byte>(bytes, SignalFrame.Size), ref r, out ulong mask, out ulong fpState);
        if (fpState == 0) SignalFrame.InitialFpu(r.Fx);
        else if (!p.Memory.Read(fpState, r.Fx, SignalFrame.FpStateSize)) return Signals.BadFrame(p);
        // The kernel refuses what ring 3 could not hold (a rip outside user space, a bad MXCSR).
        if (Sys.ThreadRegisters(p.Thread, ThreadRegistersOp.Write, &r) != Status.Ok) return Signals.BadFrame(p);
        p.Signals.SetBlocked(mask);
        return (long)r.Rax;
    }

    // kill: pid > 0 one process, 0 the caller's group, -1 every process but init and the caller,
    // < -1 the group -pid. Signal 0 only checks that there is one. Everyone is root: no EPERM.
    private static long Kill(LinuxProcess p, long pid, long signal)
    {
        var info = SigInfo.Of((int)signal, LinuxSignals.SiUser, (int)p.Leader.Pid);
        if (pid > 0) return SendTo(Processes.ByPid((ulong)pid), signal, in info);
        if (pid == int.MinValue) return -Errno.ESRCH;
        ulong group = pid == 0 ? p.Pgid : (ulong)(-pid);
        long answer = -Errno.ESRCH;
        foreach (LinuxProcess target in Processes.Snapshot())
        {
            if (pid == -1 ? target == p : target.Pgid != group) continue;
            long r = SendTo(target, signal, in info);
            if (answer != 0) answer = r;
        }
        return answer;
    }

    private static long Tgkill(LinuxProcess p, long tgid, long tid, long signal, bool tkill)
    {
        if (tid <= 0 || (!tkill && tgid <= 0)) return -Errno.EINVAL;
        LinuxProcess target = Processes.ByPid((ulong)tid);   // a thread's record, by its tid
        if (target != null && !tkill && target.Leader.Pid != (ulong)tgid) target = null;
        if (target != null && !target.IsThread && target.LeaderGone) target = null;   // its thread has exited
        return SendTo(target, signal, SigInfo.Of((int)signal, LinuxSignals.SiTkill, (int)p.Leader.Pid), thread: true);
    }

    private static long SendTo(LinuxProcess target, long signal, in SigInfo info, bool thread = false)
    {
        if (target == null) return -Errno.ESRCH;
        if (signal != 0 && !LinuxSignals.IsValid(signal)) return -Errno.EINVAL;
        if (signal == 0 || target.Ended) return 0;   // a zombie takes it and nothing happens
        if (thread) Signals.PostThread(target, in info);
        else Signals.Post(target, in info);
        return 0;
    }

    // alarm: ITIMER_REAL once; answers the seconds that were left, rounded as Linux rounds them.
    private static long Alarm(LinuxProcess p, ulong seconds)
    {
        ulong left = AlarmLeft(p);
        long answer = (long)(left / NanosPerSecond);
        if (left % NanosPerSecond >= NanosPerSecond / 2 || (answer == 0 && left != 0)) answer++;
        ArmAlarm(p, seconds > uint.MaxValue ? uint.MaxValue * NanosPerSecond : seconds * NanosPerSecond, 0);
        return answer;
    }

    // struct itimerval: it_interval then it_value, each a timeval (seconds, microseconds).
    private static long Setitimer(LinuxProcess p, ulong which, ulong value, ulong old)
    {
        if (which > 2) return -Errno.EINVAL;
        ulong* v = stackalloc ulong[4];
        if (value != 0 && !p.Memory.Read(value, (byte*)v, 32)) return -Errno.EFAULT;
        if (value != 0 && (v[1] >= 1_000_000 || v[3] >= 1_000_000 || (long)v[0] < 0 || (long)v[2] < 0)) return -Errno.EINVAL;
        if (old != 0)
        {
            long r = Getitimer(p, which, old);
            if (r != 0) return r;
        }
        // ITIMER_VIRTUAL and ITIMER_PROF (CPU time) are accepted and never fire.
        if (which == 0 && value != 0) ArmAlarm(p, v[2] * NanosPerSecond + v[3] * NanosPerMicro, v[0] * NanosPerSecond + v[1] * NanosPerMicro);
        return 0;
    }

    private static long Getitimer(LinuxProcess p, ulong which, ulong into)
    {
        if (which > 2) return -Errno.EINVAL;
        ulong* v = stackalloc ulong[4];
        for (int i = 0; i < 4; i++) v[i] = 0;
        if (which == 0)
        {
            ulong left = AlarmLeft(p), interval = p.Signals.AlarmInterval;
            v[0] = interval / NanosPerSecond;
            v[1] = interval % NanosPerSecond / NanosPerMicro;
            v[2] = left / NanosPerSecond;
            v[3] = (left % NanosPerSecond + NanosPerMicro - 1) / NanosPerMicro;
            if (v[3] == 1_000_000)
            {
                v[2]++;
                v[3] = 0;
            }
        }
        return p.Memory.Write(into, (byte*)v, 32) ? 0 : -Errno.EFAULT;
    }

    private static ulong AlarmLeft(LinuxProcess p)
    {
        ulong due = p.Signals.AlarmDeadline, now = Sys.TimeNanos();
        return due > now ? due - now : due != 0 ? 1UL : 0UL;
    }

    private static void ArmAlarm(LinuxProcess p, ulong after, ulong interval)
    {
        SignalState st = p.Signals;
        st.AlarmInterval = after != 0 ? interval : 0;
        st.AlarmDeadline = after != 0 ? Sys.TimeNanos() + after : 0;
        if (after != 0) Timers.AlarmAt(p, st.AlarmDeadline);
        else Timers.CancelAlarm(p);
    }
}
