// The personality's one loop (ADR 0015). Every Linux thread's SYSCALLs and faults arrive on one
// endpoint, each thread's fault endpoint being a copy of it badged with its tid (a process's first
// thread's is its pid; LinuxProcess.Threads.cs), and the loop serves
// them one at a time on this thread, which owns all Linux state: no locks. A call that must wait (a
// read with nothing to read, wait4, a sleep) does not hold up the others: the handler puts its process
// on a WaitQueue or a timer and answers Parked; the loop moves the reply it owes into the process's
// Reply object and takes the next message. When what the call waits for may have happened (a queue
// woken by another process's call, a deadline, a watched Vireo descriptor become ready: bits of the
// loop's notification, which the relay thread passes on as a message), the call is served again
// from the start (LinuxProcess.Resumed: it is still parked), and answered through the Reply object
// when it completes. Handlers stay straight-line code; a handler that parks must have changed nothing
// it would redo.
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Vireo.Abi;
using Vireo.Linux.Abi;
using Vireo.Linux.Pipes;
using Vireo.Linux.Syscalls;
using Vireo.Linux.Trace;
using Vireo.User;

namespace Vireo.Linux.Loop;

public static unsafe class EventLoop
{
    /// <summary>A handler's answer for a call that waits: it has put the process on a queue or a timer.</summary>
    public const long Parked = long.MinValue;
    public const ulong TimerBit = 1, WatchBit = 2, InterruptBit = 4;

    public static CapHandle Endpoint, Notification;
    /// <summary>Processes parked on a Vireo descriptor's readiness (Fs.Watch with WatchBit): woken together.</summary>
    public static readonly WaitQueue Watched = new WaitQueue();

    private static readonly List<LinuxProcess> s_runnable = new List<LinuxProcess>();
    private static LinuxProcess s_first;
    private static bool s_firstEnded;
    private static int s_firstStatus;

    // What the relay thread's messages carry as their label (W0: the notification's bits). Its
    // capability to the endpoint is unbadged (badge 0), which no Linux thread's is (pids start at 100).
    private const ulong WakeLabel = 0x5741_4B45;   // "WAKE"
    private static LocalThread s_relay;

    /// <summary>Makes the endpoint and the notification, and starts the timer and relay threads.</summary>
    public static Status Start()
    {
        Status s = CSpace.Make(ObjectType.Endpoint, 0, out Endpoint);
        if (s == Status.Ok) s = CSpace.Make(ObjectType.Notification, 0, out Notification);
        if (s == Status.Ok) s = Timers.Start();
        if (s == Status.Ok) s = ThreadBuilder.Create(new CapHandle(BootstrapSlots.Memory, 0), &Relay, 0, LinuxMemory.BesideWindow + LinuxMemory.PageSize, out s_relay);
        if (s == Status.Ok) s = Sys.ThreadStart(s_relay.Thread);
        return s;
    }

    // The notification is not bound to the loop's thread: the kernel's ReplyRecv fast path is not taken
    // by a receiver with a bound notification (kernel/Nucleus/Ipc/FastPath.cs), and every Linux call
    // would pay the general path. A second thread waits on it instead and passes its bits on as a
    // message, which the loop receives like any other. It allocates nothing.
    private static ulong Relay(ulong unused)
    {
        while (true)
        {
            if (Ipc.Wait(Notification, out ulong bits) != Status.Ok || bits == 0) continue;   // our own notification: a failed wait is tried again
            var m = Message.Of(bits);
            _ = Ipc.Send(Endpoint, new MessageInfo(1, 0, WakeLabel), ref m);   // our own endpoint, which the loop receives on while it lives
        }
    }

    /// <summary>A parked process's call is served again at the next turn of the loop.</summary>
    public static void MakeRunnable(LinuxProcess p)
    {
        if (!p.IsParked || p.Runnable) return;
        p.Runnable = true;
        s_runnable.Add(p);
    }

    /// <summary>Serves until the first process (the one `linux` started) has ended; returns its status
    /// as a shell sees it (the exit code, or 128 + the signal that killed it).</summary>
    public static int Run(LinuxProcess first)
    {
        s_first = first;
        var m = new Message();
        LinuxProcess last = null;   // the last caller: the next message is most often from it again
        Status s = Ipc.Receive(Endpoint, ref m);
        while (s == Status.Ok)
        {
            // The sender's record, looked up once for both Quick and Dispatch (a notification's badge 0
            // finds none); an ended one is looked up again, its pid may have been given anew.
            LinuxProcess sender = last;
            if (sender == null || sender.Pid != m.Badge || sender.Ended) last = sender = Processes.ByPid(m.Badge);
            if (Quick(sender, ref m))
            {
                s = Ipc.ReplyReceive(Endpoint, new MessageInfo(1, 0), ref m);
                continue;
            }
            bool answered = Dispatch(ref m, sender, out long result, out LinuxProcess caller);
            if (s_firstEnded) break;
            if (s_runnable.Count > 0)
            {
                // The calls this one woke (a pipe's reader, a parent's wait4) are served first and answered
                // through their Reply objects; the caller's answer then goes with the receive (one kernel
                // call, its fast path) rather than as a Reply of its own and a Receive after. A signal
                // sent to the caller meanwhile (a child killed: SIGCHLD) is delivered with it, as the hook
                // would have on its answer. A fault's reply goes first, as before: its delivery differs.
                if (answered && caller == null) Answer(null, result, direct: true);
                RunParked();
                if (s_firstEnded) break;
                if (answered && caller != null) answered = Signals.OnAnswer(caller, ref result, direct: true);
                else answered = false;
            }
            if (answered)
            {
                m.W0 = (ulong)result;   // the reply's one word: the others are not sent
                s = Ipc.ReplyReceive(Endpoint, new MessageInfo(1, 0), ref m);
                if (s == Status.PeerDied) s = Ipc.Receive(Endpoint, ref m);   // the caller's thread went meanwhile: nothing owed
            }
            else s = Ipc.Receive(Endpoint, ref m);
        }
        if (!s_firstEnded)
        {
            SyscallTable.Say("linux: lost the endpoint (status " + ((ulong)s).ToString() + ")\n");
            s_firstStatus = 125;
        }
        EndAll();
        return s_firstStatus;
    }

    // The fast path: a call that only reads its caller's record (SyscallTable.Identity), with the
    // tracer off and no signal for the answer to deliver (Signals.OnAnswer would do nothing), is
    // answered in m.W0 without copying the registers or going through Serve, whose checks it cannot
    // need: it never parks, ends, execs or wakes anyone, so nothing is left runnable either. `p` is the
    // sender's record (Run looks it up; null or ended goes to Dispatch, which ignores it).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Quick(LinuxProcess p, ref Message m)
    {
        if (m.Info.Label != MessageInfo.ForeignSyscallLabel || Tracer.On) return false;
        if (p == null || p.Ended) return false;
        SignalState st = p.Signals;
        if (st.Deliverable != 0 || st.RestoreMask || !SyscallTable.Identity(p, m.W0, out long result)) return false;
        m.W0 = (ulong)result;   // the reply's one word
        return true;
    }

    // One message: a notification's bits, a syscall, or a fault. True with the result when the caller
    // is to be answered now (false: parked, ended, or not a call). Runs per call, as does Serve: neither
    // zeroes its frame (every local is assigned before it is read, and neither has a stackalloc).
    [SkipLocalsInit]
    private static bool Dispatch(ref Message m, LinuxProcess p, out long result, out LinuxProcess caller)
    {
        result = 0;
        caller = null;
        if (m.Info.Label == WakeLabel && m.Badge == 0)
        {
            ulong bits = m.W0;   // the relay's message: the notification's bits
            if ((bits & TimerBit) != 0) Timers.Expire();
            if ((bits & WatchBit) != 0) Watched.WakeAll();
            if ((bits & InterruptBit) != 0) LinuxTerminal.TakeInterrupts();   // Ctrl-C: SIGINT to the foreground group
            return false;
        }
        if (p == null || p.Ended) return false;   // a message from a thread already ended: nothing owed
        if (m.Info.Label != MessageInfo.ForeignSyscallLabel) return Faults.Serve(p, in m, out result);
        caller = p;
        if (ReaderWakes.Watching(p)) ReaderWakes.BeforeCall(p, m.W0);   // a pipe reader's put-off wake goes out
        // Words past the registers are copied out before any file call reuses the buffer.
        var buffer = (IpcBuffer*)ProcessSlots.IpcBuffer;
        // Straight into the process's record: r10, r8, r9, rip, rsp are consecutive in the buffer as
        // A3..Rsp are in SyscallArgs, so they are one block copy.
        ref SyscallArgs a = ref caller.Call;
        a.Number = m.W0;
        a.A0 = m.W1;
        a.A1 = m.W2;
        a.A2 = m.W3;
        a.Done = 0;
        fixed (ulong* a3 = &a.A3)
        {
            if (m.Info.Words == ForeignSyscallMessage.Words) *(Registers*)a3 = *(Registers*)&buffer->Words[ForeignSyscallMessage.R10];
            else *(Registers*)a3 = default;
        }
        return Serve(caller, out result, direct: true);
    }

    // The registers past the message's four words, as the IPC buffer holds them (ForeignSyscallMessage).
    private struct Registers
    {
        public ulong R10, R8, R9, Rip, Rsp;
    }

    // Serves p.Call; true with the result if it is to be answered, false if it parked or ended p. The
    // tracer is not called at all unless it is on.
    [SkipLocalsInit]
    private static bool Serve(LinuxProcess p, out long result, bool direct)
    {
        string[] traced = Tracer.On ? Tracer.Before(p, in p.Call) : null;
        result = SyscallTable.Serve(p, in p.Call, out bool exit, out int status);
        if (traced != null && result != Parked) Tracer.After(p, in p.Call, traced, result);
        if (exit)
        {
            Exit(p, WaitStatus.Exited(status));
            return false;
        }
        if (p.NoReply)
        {
            p.NoReply = false;   // execve replaced the thread that called: nobody to answer
            return false;
        }
        if (result != Parked) return Signals.OnAnswer(p, ref result, direct);   // delivers what is pending
        if (!p.IsParked)
        {
            // The reply this thread owes the caller moves aside; a resumed call's is there already.
            if (direct && Ipc.SaveReply(p.Reply) != Status.Ok)
            {
                result = -Errno.EAGAIN;   // no Reply object: answer rather than lose the caller
                return true;
            }
            p.IsParked = true;
        }
        return false;
    }

    // Serves again every call made runnable, until none is (a completion may wake others).
    private static void RunParked()
    {
        while (s_runnable.Count > 0 && !s_firstEnded)
        {
            LinuxProcess p = s_runnable[0];
            s_runnable.RemoveAt(0);
            p.Runnable = false;
            if (!p.IsParked || p.Ended) continue;
            bool interrupted = p.Interrupted;
            p.Interrupted = false;
            bool answer = Serve(p, out long result, direct: false);
            if (!answer && interrupted && p.IsParked)
            {
                // Still waiting: the signal ends the call (EINTR, or a restart once it is handled),
                // or, for a write that put some bytes in already, answers their count.
                result = p.Call.Done > 0 ? p.Call.Done : Signals.InterruptedResult(p);
                answer = Signals.OnAnswer(p, ref result, direct: false);
            }
            if (!answer) continue;
            Timers.Cancel(p);
            p.IsParked = false;
            Answer(p, result, direct: false);
        }
    }

    /// <summary>Ends `p`'s parked call (a signal came for it) unless serving it again completes it: it
    /// answers Signals.InterruptedResult; nothing if it is not parked.</summary>
    public static void Interrupt(LinuxProcess p)
    {
        if (!p.IsParked || p.VforkChild != null) return;   // a vfork's wait ends only with the child's exec or exit
        p.Interrupted = true;
        MakeRunnable(p);
    }

    /// <summary>Answers a call held back while its process was stopped (Signals), through its Reply object.</summary>
    public static void AnswerHeld(LinuxProcess p, long result) => Answer(p, result, direct: false);

    // Sends the result: `direct` answers the message just received (the reply this thread owes; p is
    // not needed), else the one put aside in p's Reply object.
    private static void Answer(LinuxProcess p, long result, bool direct)
    {
        var m = Message.Of((ulong)result);
        // A thread that died meanwhile leaves nothing to answer: PeerDied changes nothing here.
        if (direct) _ = Ipc.Reply(new MessageInfo(1, 0), ref m);
        else _ = Ipc.Reply(p.Reply, new MessageInfo(1, 0), ref m);   // as above: a dead caller needs no answer
    }

    /// <summary>Ends `p` with `waitStatus` (Linux's encoding: WaitStatus.Exited or Killed):
    /// its thread and memory go, its files close, its children pass to init, its parent is told.</summary>
    public static void Exit(LinuxProcess p, int waitStatus)
    {
        p = p.Leader;   // any thread's fatal end is the process's (its other threads go with it: End)
        if (p.Ended) return;
        JobControl.BeforeExit(p);   // groups its end orphans, with a stopped member: SIGHUP, SIGCONT
        p.End(waitStatus);
        Timers.Cancel(p);
        Signals.ChildEnded(p);
        if (p == s_first)
        {
            s_firstEnded = true;
            s_firstStatus = LinuxProcess.ShellStatus(waitStatus);
        }
    }

    /// <summary>Whether `p` is the process `linux` started (its parent is the native shell).</summary>
    public static bool IsFirst(LinuxProcess p) => p == s_first;

    // The first process ended: the rest go with it, as a session does when its terminal hangs up.
    private static void EndAll()
    {
        foreach (LinuxProcess p in Processes.Snapshot())
        {
            if (!p.Ended) p.End(WaitStatus.Killed(LinuxSignals.SigHup));
            Processes.Remove(p);
        }
    }
}
