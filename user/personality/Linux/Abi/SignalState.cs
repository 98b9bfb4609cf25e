// One Linux thread's signal state (the threads of a process share only the dispositions: ForThread),
// in one object that fork copies (CopyForFork: everything but the pending signals) and exec resets
// (ResetForExec: caught signals back to SIG_DFL; ignored ones, the mask and the pending set stay): the
// dispositions rt_sigaction sets, the blocked mask, the pending
// signals (a standard signal is pending once however often it is sent, a real-time one is queued
// each time, as kernel/signal.c's legacy_queue decides), the alternate stack, the mask sigsuspend
// put aside, and the job-control state a parent's wait4 reports (stopped, continued). Portable and
// host-tested; delivery (Signals) and the frames (SignalFrame) act on it.
using System.Collections.Generic;

namespace Vireo.Linux.Abi;

/// <summary>struct kernel_sigaction: what rt_sigaction reads and writes.</summary>
public struct SigAction
{
    public ulong Handler, Flags, Restorer, Mask;
}

public sealed class SignalState
{
    /// <summary>Real-time signals queued at most (Linux: RLIMIT_SIGPENDING); past it kill still marks standard ones.</summary>
    public const int MaxQueued = 1024;

    /// <summary>The dispositions: one array for all the threads of a process (CLONE_SIGHAND, ForThread).</summary>
    public SigAction[] Actions = new SigAction[LinuxSignals.Max + 1];
    public ulong Blocked;
    /// <summary>One bit per pending signal; each has at least one entry in the queue.</summary>
    public ulong Pending;
    private readonly List<SigInfo> _queue = new List<SigInfo>();

    // sigaltstack
    public ulong AltStackBase, AltStackSize;
    public uint AltStackFlags;   // SS_AUTODISARM kept; SS_DISABLE as a zero size

    /// <summary>rt_sigsuspend's mask to restore after the call (after the handler, through its frame).</summary>
    public ulong SavedMask;
    public bool RestoreMask;

    /// <summary>The signals rt_sigtimedwait waits for while parked (blocked ones included), or 0.</summary>
    public ulong WaitSet;

    /// <summary>Stopped by a stop signal until SIGCONT (what wait4 reports of it is the process's
    /// StopSignal and ContinuePending).</summary>
    public bool Stopped;

    // How a stopped process waits (Signals): its thread suspended, or its answer held back (a call's
    // result, or the reply to a fault) until SIGCONT.
    public bool SuspendedStop, Held, HeldFault;
    public long HeldResult;

    /// <summary>The last exception (sigcontext's trapno, err, cr2), as Linux keeps it in the thread.</summary>
    public ulong TrapNo, FaultError, FaultAddress;

    /// <summary>ITIMER_REAL: when SIGALRM is due (Sys.TimeNanos, 0: not armed) and its period (0: once).
    /// Not inherited by fork; kept across exec.</summary>
    public ulong AlarmDeadline, AlarmInterval;

    public int QueuedCount => _queue.Count;

    /// <summary>Pending signals that are not blocked.</summary>
    public ulong Deliverable => Pending & ~Blocked;

    public bool IsBlocked(int signal) => (Blocked & LinuxSignals.Bit(signal)) != 0;

    /// <summary>Whether a signal sent now would be thrown away (kernel/signal.c sig_ignored): not blocked,
    /// and its handler is SIG_IGN or SIG_DFL with a default of ignoring it.</summary>
    public bool Discards(int signal) => !IsBlocked(signal) && Ignores(signal);

    /// <summary>Whether the handler ignores the signal: SIG_IGN, or SIG_DFL with a default of ignoring it.</summary>
    public bool Ignores(int signal)
    {
        ulong handler = Actions[signal].Handler;
        if (handler == LinuxSignals.SigIgn) return true;
        if (handler != LinuxSignals.SigDfl) return false;
        SignalDefault d = LinuxSignals.DefaultOf(signal);
        return d == SignalDefault.Ignore || d == SignalDefault.Continue;
    }

    /// <summary>Makes the signal pending; false when a real-time signal finds the queue full.</summary>
    public bool Enqueue(in SigInfo info)
    {
        int signal = info.Signo;
        ulong bit = LinuxSignals.Bit(signal);
        if (signal < LinuxSignals.SigRtMin && (Pending & bit) != 0) return true;   // pending once
        if (_queue.Count >= MaxQueued) return false;
        _queue.Add(info);
        Pending |= bit;
        return true;
    }

    /// <summary>The pending, unblocked signal to deliver next (synchronous faults first, then the lowest
    /// number), or 0.</summary>
    public int Next()
    {
        ulong ready = Deliverable;
        if (ready == 0) return 0;
        ulong sync = ready & LinuxSignals.Synchronous;
        if (sync != 0) ready = sync;
        int signal = 1;
        while ((ready & 1) == 0)
        {
            ready >>= 1;
            signal++;
        }
        return signal;
    }

    /// <summary>The pending signal among `set` to take next (faults first, then the lowest), or 0.</summary>
    public int NextIn(ulong set)
    {
        ulong saved = Blocked;
        Blocked = ~set;
        int signal = Next();
        Blocked = saved;
        return signal;
    }

    /// <summary>Takes the oldest entry of a pending signal off the queue.</summary>
    public SigInfo Take(int signal)
    {
        SigInfo info = SigInfo.Of(signal, LinuxSignals.SiKernel);
        bool more = false;
        bool taken = false;
        for (int i = 0; i < _queue.Count; i++)
        {
            if (_queue[i].Signo != signal) continue;
            if (taken)
            {
                more = true;
                break;
            }
            info = _queue[i];
            _queue.RemoveAt(i);
            taken = true;
            i--;
        }
        if (!more) Pending &= ~LinuxSignals.Bit(signal);
        return info;
    }

    /// <summary>Forgets every pending instance of the signal (SIGCONT drops pending stops, and back).</summary>
    public void Discard(int signal)
    {
        ulong bit = LinuxSignals.Bit(signal);
        if ((Pending & bit) == 0) return;
        for (int i = _queue.Count - 1; i >= 0; i--)
            if (_queue[i].Signo == signal) _queue.RemoveAt(i);
        Pending &= ~bit;
    }

    /// <summary>Sets the mask; SIGKILL and SIGSTOP stay unblocked.</summary>
    public void SetBlocked(ulong mask) => Blocked = mask & ~LinuxSignals.Unblockable;

    /// <summary>rt_sigaction's change, checked as Linux checks it (0 or an errno).</summary>
    public int SetAction(long signal, in SigAction action)
    {
        if (!LinuxSignals.IsValid(signal)) return (int)Errno.EINVAL;
        if (signal == LinuxSignals.SigKill || signal == LinuxSignals.SigStop) return (int)Errno.EINVAL;
        SigAction a = action;
        a.Mask &= ~LinuxSignals.Unblockable;
        Actions[(int)signal] = a;
        // Setting a signal to be ignored throws away what is pending of it, blocked or not (do_sigaction).
        if (Ignores((int)signal)) Discard((int)signal);
        return 0;
    }

    /// <summary>Whether `sp` lies on the alternate stack (Linux's on_sig_stack).</summary>
    public bool OnAltStack(ulong sp)
    {
        if ((AltStackFlags & LinuxSignals.SsAutoDisarm) != 0) return false;
        return sp > AltStackBase && sp - AltStackBase <= AltStackSize;
    }

    /// <summary>sigaltstack's ss_flags for a thread at `sp` (sas_ss_flags).</summary>
    public int AltStackState(ulong sp) => AltStackSize == 0 ? LinuxSignals.SsDisable : OnAltStack(sp) ? LinuxSignals.SsOnStack : 0;

    /// <summary>A child's state after fork: the same dispositions, mask and alternate stack; nothing pending.</summary>
    public SignalState CopyForFork()
    {
        var copy = new SignalState();
        for (int i = 0; i < Actions.Length; i++) copy.Actions[i] = Actions[i];
        copy.Blocked = Blocked;
        copy.AltStackBase = AltStackBase;
        copy.AltStackSize = AltStackSize;
        copy.AltStackFlags = AltStackFlags;
        return copy;
    }

    /// <summary>A new thread's state (clone with CLONE_THREAD): the same dispositions (shared), the
    /// caller's mask, nothing pending, no alternate stack (Linux clears it for CLONE_VM).</summary>
    public SignalState ForThread() => new SignalState { Actions = Actions, Blocked = Blocked };

    /// <summary>execve: caught signals go back to SIG_DFL with their flags and masks (flush_signal_handlers);
    /// ignored ones stay ignored; the mask and the pending signals stay; the alternate stack goes.</summary>
    public void ResetForExec()
    {
        ResetHandlers();
        AltStackBase = AltStackSize = 0;
        AltStackFlags = 0;
    }

    /// <summary>Caught signals back to SIG_DFL, ignored ones stay, every flag and mask cleared
    /// (flush_signal_handlers: exec, and clone's CLONE_CLEAR_SIGHAND).</summary>
    public void ResetHandlers()
    {
        for (int i = 1; i < Actions.Length; i++)
        {
            if (Actions[i].Handler == LinuxSignals.SigIgn) Actions[i] = new SigAction { Handler = LinuxSignals.SigIgn };
            else Actions[i] = default;
        }
    }
}
