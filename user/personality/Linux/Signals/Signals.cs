// Signal generation and delivery (docs/design/linux.md "Signals", ADR 0016). Post makes a signal
// pending (a process's: in the thread that is to take it; PostThread: one thread's) as Linux's
// __send_signal does (SIGKILL ends the process at once, SIGCONT continues a stopped one, ignored signals are thrown away) and then gets it delivered: a process parked in a call is
// interrupted (the loop ends the call with a restart code), one running user code is suspended
// (ThreadSuspend) and given the signal at once, and one in a call being served gets it on that call's
// answer (OnAnswer, the loop's hook). Delivery is Linux's get_signal and handle_signal: each pending,
// unblocked signal in turn is ignored, stops the process, kills it, or gets a handler's rt_sigframe
// (SignalFrame) on its stack, its registers rewritten to run the handler; a call's restart code
// becomes EINTR or a restart (rip back over the SYSCALL, rax the call's number).
using Vireo.Abi;
using Vireo.Linux.Abi;
using Vireo.Linux.Loop;
using Vireo.User;

namespace Vireo.Linux;

public static unsafe class Signals
{
    // Where the thread stands while its signals are delivered: at a call's answer, at a fault's reply
    // (both answered by the loop with the result), or suspended while running (resumed here).
    private enum Stance { Call, Fault, Suspended }

    /// <summary>Sends `signal` as the kernel sends it (si_code SI_KERNEL): SIGPIPE, SIGINT from the
    /// terminal, SIGALRM.</summary>
    public static void Post(LinuxProcess p, int signal) => Post(p, SigInfo.Of(signal, LinuxSignals.SiKernel));

    /// <summary>Sends `signal` to every process of the group (the terminal's Ctrl-C, Ctrl-Z); false if none is in it.</summary>
    public static bool PostGroup(ulong pgid, int signal)
    {
        bool any = false;
        foreach (LinuxProcess p in Processes.Snapshot())
        {
            if (p.Pgid != pgid || p.Ended) continue;
            any = true;
            Post(p, signal);
        }
        return any;
    }

    /// <summary>Makes the signal pending for `p`'s process and has it delivered as soon as it can take
    /// it: to the first of its threads that does not block it (complete_signal's choice), the first
    /// thread if all do.</summary>
    public static void Post(LinuxProcess p, in SigInfo info) => PostThread(Receiver(p.Leader, info.Signo), in info);

    private static LinuxProcess Receiver(LinuxProcess leader, int signal)
    {
        if (leader.Threads == null || leader.Threads.Count == 0) return leader;
        if (!leader.LeaderGone && !leader.Signals.IsBlocked(signal)) return leader;
        foreach (LinuxProcess t in leader.Threads)
            if (!t.Signals.IsBlocked(signal)) return t;
        return leader.LeaderGone ? leader.Threads[0] : leader;
    }

    /// <summary>Makes the signal pending for the thread `p` (tgkill) and has it delivered as soon as it
    /// can take it; a signal whose action is to kill or stop acts on the whole process.</summary>
    public static void PostThread(LinuxProcess p, in SigInfo info)
    {
        if (p.Ended) return;
        SignalState st = p.Signals;
        int signal = info.Signo;
        if (signal == LinuxSignals.SigKill)
        {
            EventLoop.Exit(p, WaitStatus.Killed(LinuxSignals.SigKill));
            return;
        }
        bool continued = false;
        if (signal == LinuxSignals.SigCont) continued = Continue(p);
        else if (LinuxSignals.IsStop(signal)) st.Discard(LinuxSignals.SigCont);
        if (!st.Discards(signal)) st.Enqueue(info);
        if (continued) Restart(p);
        else Notify(p);
    }

    /// <summary>A fault's signal (force_sig_info): a handler that is blocked or ignored is reset to SIG_DFL and
    /// the signal unblocked, so that a fault the program cannot take kills it.</summary>
    public static void Force(LinuxProcess p, in SigInfo info)
    {
        SignalState st = p.Signals;
        int signal = info.Signo;
        bool blocked = st.IsBlocked(signal);
        if (blocked || st.Actions[signal].Handler == LinuxSignals.SigIgn)
        {
            st.Actions[signal].Handler = LinuxSignals.SigDfl;
            if (blocked) st.Blocked &= ~LinuxSignals.Bit(signal);
        }
        st.Enqueue(info);
    }

    /// <summary>A fault of p's thread (stopped at it): its signal is forced and delivered. True with the
    /// reply's word when the thread is to be resumed (at a handler, or to retry the instruction).</summary>
    public static bool OnFault(LinuxProcess p, in SigInfo info, out long result)
    {
        result = 0;
        Force(p, info);
        var r = new ThreadRegisterState();
        if (!ReadRegisters(p, &r))
        {
            Kill(p, info.Signo);
            return false;
        }
        result = (long)r.Rax;
        return Deliver(p, Stance.Fault, &r, true, ref result, direct: true);
    }

    /// <summary>The loop's hook on every answer to a call (EventLoop.Serve): delivers what is pending and
    /// settles a restart code. False when the process ended or stopped (no answer now). Only the checks
    /// are inlined into the loop: the register block the delivery needs (672 bytes) would be zeroed on
    /// every call if it were a local of this method or of its caller.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static bool OnAnswer(LinuxProcess p, ref long result, bool direct)
    {
        if (p.Ended) return false;
        SignalState st = p.Signals;
        if (st.Deliverable == 0 && !st.RestoreMask && !LinuxSignals.IsRestart(result)) return true;
        return DeliverAtAnswer(p, ref result, direct);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static bool DeliverAtAnswer(LinuxProcess p, ref long result, bool direct)
    {
        var r = new ThreadRegisterState();
        return Deliver(p, Stance.Call, &r, false, ref result, direct);
    }

    /// <summary>What a parked call answers when a signal ends it: Linux's restart code for the call (a
    /// relative sleep first writes the time it had left, as do_nanosleep does).</summary>
    public static long InterruptedResult(LinuxProcess p)
    {
        p.Signals.WaitSet = 0;
        switch ((SyscallNumber)p.Call.Number)
        {
            case SyscallNumber.Nanosleep:
            case SyscallNumber.ClockNanosleep:
                bool relative = p.Call.Number == (ulong)SyscallNumber.Nanosleep || (p.Call.A1 & 1) == 0;
                ulong remaining = p.Call.Number == (ulong)SyscallNumber.Nanosleep ? p.Call.A1 : p.Call.A3;
                ulong now = Sys.TimeNanos(), left = p.Deadline > now ? p.Deadline - now : 0;
                if (relative && remaining != 0 && (!p.Memory.WriteWord(remaining, left / 1_000_000_000UL) ||
                    !p.Memory.WriteWord(remaining + 8, left % 1_000_000_000UL))) return -Errno.EFAULT;
                return -LinuxSignals.RestartBlock;
            case SyscallNumber.Pause:
            case SyscallNumber.RtSigsuspend:
            case SyscallNumber.Poll:
            case SyscallNumber.Ppoll:
            case SyscallNumber.Select:
            case SyscallNumber.Pselect6:
                return -LinuxSignals.RestartNoHand;
            case SyscallNumber.RtSigtimedwait:
                return -Errno.EINTR;
            case SyscallNumber.Read:
                // A raw console read that has bytes answers them (n_tty_read); others restart or EINTR.
                long got = LinuxTerminal.InterruptedRead(p);
                return got > 0 ? got : -LinuxSignals.RestartSys;
            default:
                return -LinuxSignals.RestartSys;
        }
    }

    /// <summary>ITIMER_REAL expired (Timers): SIGALRM, and the next period armed.</summary>
    public static void Alarm(LinuxProcess p)
    {
        if (p.Ended) return;
        SignalState st = p.Signals;
        st.AlarmDeadline = st.AlarmInterval != 0 ? Sys.TimeNanos() + st.AlarmInterval : 0;
        if (st.AlarmDeadline != 0) Timers.AlarmAt(p, st.AlarmDeadline);
        Post(p, LinuxSignals.SigAlrm);
    }

    /// <summary>The parent of a process that ended (EventLoop.Exit) is sent its exit signal (SIGCHLD from
    /// fork; clone's choice, or none), with how it ended.</summary>
    public static void ChildEnded(LinuxProcess p)
    {
        Timers.CancelAlarm(p);
        int status = p.WaitStatus;
        int signal = status & 0x7F;
        if (signal == 0) TellParent(p, LinuxSignals.CldExited, (status >> 8) & 0xFF, p.ExitSignal);
        else TellParent(p, (status & 0x80) != 0 ? LinuxSignals.CldDumped : LinuxSignals.CldKilled, signal, p.ExitSignal);
    }

    /// <summary>A signal pending and deliverable: interrupt the parked call, or stop the running thread
    /// and deliver now; a thread in a call (or about to make one) gets it with the call's answer.</summary>
    private static void Notify(LinuxProcess p)
    {
        SignalState st = p.Signals;
        if ((st.Deliverable == 0 && (st.Pending & st.WaitSet) == 0) || st.Stopped || p.Ended) return;
        if (p.IsParked)
        {
            EventLoop.Interrupt(p);
            return;
        }
        // BadState: not running user code (blocked in its call to this loop): the answer delivers.
        if (p.Thread.Value == 0 || Sys.ThreadSuspend(p.Thread) != Status.Ok) return;
        DeliverSuspended(p);
    }

    private static void DeliverSuspended(LinuxProcess p)
    {
        var r = new ThreadRegisterState();
        if (!ReadRegisters(p, &r))
        {
            _ = Sys.ThreadResume(p.Thread);   // we suspended it: only its end makes this fail
            return;
        }
        long result = (long)r.Rax;
        // Suspended by us (Notify) or stopped (Restart): resuming it cannot fail while it lives.
        if (Deliver(p, Stance.Suspended, &r, true, ref result, direct: false)) _ = Sys.ThreadResume(p.Thread);
    }

    // get_signal and handle_signal over every deliverable signal. `r` holds the registers once `loaded`;
    // `result` is the call's result (the reply's word). True when the thread goes on.
    private static bool Deliver(LinuxProcess p, Stance stance, ThreadRegisterState* r, bool loaded, ref long result, bool direct)
    {
        SignalState st = p.Signals;
        bool restart = stance == Stance.Call && LinuxSignals.IsRestart(result) && p.Call.Number != (ulong)SyscallNumber.RtSigreturn;
        bool changed = false;
        for (int signal = st.Next(); signal != 0; signal = st.Next())
        {
            SigInfo info = st.Take(signal);
            SigAction action = st.Actions[signal];
            if (action.Handler == LinuxSignals.SigIgn) continue;
            if (action.Handler == LinuxSignals.SigDfl)
            {
                SignalDefault d = LinuxSignals.DefaultOf(signal);
                if (d == SignalDefault.Ignore || d == SignalDefault.Continue) continue;
                if (d == SignalDefault.Stop)
                {
                    // The terminal's stops for a group nobody could continue (JobControl).
                    if (signal != LinuxSignals.SigStop && JobControl.Orphaned(p.Pgid, null)) continue;
                    if (changed && !WriteRegisters(p, r)) return Kill(p, LinuxSignals.SigSegv);
                    Stop(p, signal, stance, result, direct);
                    return false;
                }
                return Kill(p, signal);
            }
            if (!loaded && !ReadRegisters(p, r)) return Kill(p, LinuxSignals.SigSegv);
            loaded = true;
            long rax = result;
            if (restart)
            {
                restart = false;
                if (LinuxSignals.RestartsWithHandler(result, action.Flags)) rax = RestartCall(p, r);
                else rax = -Errno.EINTR;
            }
            r->Rax = (ulong)rax;
            if (!BuildFrame(p, r, signal, in info, in action))
            {
                // force_sigsegv: no room for the frame, or no restorer to return through.
                if (signal == LinuxSignals.SigSegv) st.Actions[signal].Handler = LinuxSignals.SigDfl;
                Force(p, SigInfo.Of(LinuxSignals.SigSegv, LinuxSignals.SiKernel));
                continue;
            }
            result = 0;
            changed = true;
            ulong mask = st.Blocked | action.Mask;
            if ((action.Flags & LinuxSignals.SaNoDefer) == 0) mask |= LinuxSignals.Bit(signal);
            st.SetBlocked(mask);
            if ((action.Flags & LinuxSignals.SaResetHand) != 0) st.Actions[signal].Handler = LinuxSignals.SigDfl;
        }
        if (restart)
        {
            // No handler ran: every restart code restarts the call.
            if (!loaded && !ReadRegisters(p, r)) return Kill(p, LinuxSignals.SigSegv);
            result = RestartCall(p, r);
            changed = true;
        }
        if (st.RestoreMask)
        {
            st.SetBlocked(st.SavedMask);
            st.RestoreMask = false;
        }
        if (changed && !WriteRegisters(p, r)) return Kill(p, LinuxSignals.SigSegv);
        return true;
    }

    // The call is made again when the thread resumes: back over the 2-byte SYSCALL, rax its number.
    private static long RestartCall(LinuxProcess p, ThreadRegisterState* r)
    {
        r->Rip -= 2;
        return (long)p.Call.Number;
    }

    // setup_rt_frame: the FPU state and the frame below the stack pointer (or on the alternate stack),
    // then the handler's registers. False if the frame cannot be written or there is no restorer.
    private static bool BuildFrame(LinuxProcess p, ThreadRegisterState* r, int signal, in SigInfo info, in SigAction action)
    {
        SignalState st = p.Signals;
        if ((action.Flags & LinuxSignals.SaRestorer) == 0) return false;
        ulong altTop = 0;
        if ((action.Flags & LinuxSignals.SaOnStack) != 0 && st.AltStackState(r->Rsp - SignalFrame.RedZone) == 0)
            altTop = st.AltStackBase + st.AltStackSize;
        ulong frame = SignalFrame.Place(r->Rsp, altTop, out ulong fpState);
        var context = new SignalContext
        {
            Restorer = action.Restorer,
            Mask = st.RestoreMask ? st.SavedMask : st.Blocked,
            AltStackBase = st.AltStackBase,
            AltStackSize = st.AltStackSize,
            AltStackFlags = st.AltStackState(r->Rsp),
            TrapNo = st.TrapNo,
            Error = st.FaultError,
            FaultAddress = st.FaultAddress,
        };
        byte* fx = stackalloc byte[SignalFrame.FpStateSize];
        byte* bytes = stackalloc byte[SignalFrame.Size];
        var fxSpan = new System.Span<byte>(fx, SignalFrame.FpStateSize);
        var frameSpan = new System.Span<byte>(bytes, SignalFrame.Size);
        SignalFrame.SaveFpu(in *r, fxSpan);
        SignalFrame.Build(frameSpan, frame, fpState, in *r, in info, in context);
        if (!p.Memory.Write(fpState, fx, SignalFrame.FpStateSize) || !p.Memory.Write(frame, bytes, SignalFrame.Size)) return false;
        st.RestoreMask = false;   // the frame holds the mask sigsuspend put aside; sigreturn restores it
        SignalFrame.Enter(ref *r, action.Handler, signal, frame);
        return true;
    }

    /// <summary>rt_sigreturn found no frame it could use: SIGSEGV (signal_fault).</summary>
    public static long BadFrame(LinuxProcess p)
    {
        Force(p, SigInfo.Of(LinuxSignals.SigSegv, LinuxSignals.SiKernel));
        return 0;
    }

    // The default action's death: the wait status has the signal. No core is written, as on Linux
    // under its default RLIMIT_CORE of 0 (prlimit64 says so), so the core bit (0x80) is never set and
    // a shell does not say "(core dumped)".
    private static bool Kill(LinuxProcess p, int signal)
    {
        EventLoop.Exit(p, WaitStatus.Killed(signal));
        return false;
    }

    // do_signal_stop: the process takes no calls until SIGCONT. A suspended thread stays suspended; a
    // thread at an answer has it held back (the reply waits in its Reply object).
    private static void Stop(LinuxProcess p, int signal, Stance stance, long result, bool direct)
    {
        SignalState st = p.Signals;
        st.Stopped = true;
        p.StopSignal = signal;
        p.ContinuePending = false;
        if (stance == Stance.Suspended) st.SuspendedStop = true;
        else
        {
            if (direct) _ = Ipc.SaveReply(p.Reply);   // the Reply object is free: p is not parked
            st.Held = true;
            st.HeldFault = stance == Stance.Fault;
            st.HeldResult = result;
            p.IsParked = false;
            Timers.Cancel(p);
        }
        TellParent(p, LinuxSignals.CldStopped, signal, LinuxSignals.SigChld);
    }

    // SIGCONT was sent: pending stops go; a stopped process is marked continued (true).
    private static bool Continue(LinuxProcess p)
    {
        SignalState st = p.Signals;
        st.Discard(LinuxSignals.SigStop);
        st.Discard(LinuxSignals.SigTstp);
        st.Discard(LinuxSignals.SigTtin);
        st.Discard(LinuxSignals.SigTtou);
        if (!st.Stopped) return false;
        st.Stopped = false;
        p.StopSignal = 0;
        p.ContinuePending = true;
        TellParent(p, LinuxSignals.CldContinued, LinuxSignals.SigCont, LinuxSignals.SigChld);
        return true;
    }

    // A continued process goes on from where it stopped, taking what is pending first.
    private static void Restart(LinuxProcess p)
    {
        SignalState st = p.Signals;
        if (p.Ended) return;
        if (st.SuspendedStop)
        {
            st.SuspendedStop = false;
            DeliverSuspended(p);
            return;
        }
        if (!st.Held)
        {
            Notify(p);
            return;
        }
        st.Held = false;
        long result = st.HeldResult;
        var r = new ThreadRegisterState();
        bool go;
        if (st.HeldFault)
        {
            go = ReadRegisters(p, &r);
            if (go) result = (long)r.Rax;
            go = go && Deliver(p, Stance.Fault, &r, true, ref result, direct: false);
        }
        else go = Deliver(p, Stance.Call, &r, false, ref result, direct: false);
        if (go) EventLoop.AnswerHeld(p, result);
    }

    // do_notify_parent(_cldstop): `signal` (unless SA_NOCLDSTOP for a stop or continuation) and the
    // parent's wait4 woken.
    private static void TellParent(LinuxProcess p, int code, int status, int signal)
    {
        LinuxProcess parent = p.Parent;
        if (parent == null || parent.Ended) return;
        bool jobControl = code == LinuxSignals.CldStopped || code == LinuxSignals.CldContinued;
        bool quiet = jobControl && (parent.Signals.Actions[LinuxSignals.SigChld].Flags & LinuxSignals.SaNoCldStop) != 0;
        if (LinuxSignals.IsValid(signal) && !quiet)
            Post(parent, new SigInfo { Signo = signal, Code = code, Pid = (int)p.Pid, Status = status });
        if (jobControl) parent.ChildEvents.WakeAll();
    }

    private static bool ReadRegisters(LinuxProcess p, ThreadRegisterState* r) =>
        Sys.ThreadRegisters(p.Thread, ThreadRegistersOp.Read, r) == Status.Ok;

    private static bool WriteRegisters(LinuxProcess p, ThreadRegisterState* r) =>
        Sys.ThreadRegisters(p.Thread, ThreadRegistersOp.Write, r) == Status.Ok;
}
