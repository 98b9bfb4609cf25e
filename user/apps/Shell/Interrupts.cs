// Ctrl-C for the shell. ttyd answers a read of `tty:interrupt` at each Ctrl-C that is the
// foreground's; a second thread of the shell waits in that read and then stops the foreground: it
// kills the children of the line that runs now (the process manager's Kill: the shell is their
// parent) and sets Interrupted, which the builtin sleep looks at and which stops the rest of a list.
// The thread makes raw calls from an IPC buffer of its own: the scheme library's calls use the main
// thread's buffer (SchemeCall).
// When ttyd restarts, the thread's read fails (the old daemon is gone) and the thread itself waits for
// the new `tty` (AwaitName, bounded like Terminal's), opens its `tty:interrupt` and names the foreground
// again, whatever the main thread is doing: a command that was running when ttyd restarted is still
// stopped by Ctrl-C from the new console. The main thread only says when it has the console back
// (Reattached), so a watcher that gave up after the bound tries again then.
// The foreground (TtySetForeground, like tcsetpgrp): a shell on the console claims it at start;
// while a line of one program runs, that program is the foreground (so a nested shell hears Ctrl-C
// and this one does not; a program that does not listen leaves it to this shell, ttyd's fallback);
// after the line the shell takes it back. docs/design/shell.md, "Interrupts"; docs/design/tty.md.
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;

namespace Vireo.Shell;

public static unsafe class Interrupts
{
    private const ulong WatcherStack = 0x0000_5B00_0000_0000, WatcherBuffer = 0x0000_5B00_0001_0000;

    private struct Pids { public fixed ulong Of[CommandLine.MaxStages]; }
    private static Pids s_foreground;
    private static volatile uint s_eventHandle;   // the interrupt file's handle (low 32 bits of a CapHandle)
    private static volatile uint s_landing;       // a slot of the watcher's: where a new tty scheme capability lands
    private static volatile bool s_stopped;       // the shell is ending: the watcher reopens nothing
    private static CapHandle s_reopened;           // signalled when the main thread has the console back
    private static LocalThread s_watcher;
    private static volatile bool s_interrupted;
    // Which line an interrupt belongs to (BeginLine): the watcher counts interrupts and notes where
    // ttyd says each came; the main thread notes the count before it reads a line.
    private static volatile uint s_count, s_countAtRead;
    private static volatile bool s_lastWhileReading;   // the last one came at the prompt: it only dropped the line typed
    private static volatile bool s_behindInput;        // one came behind lines typed ahead: it stops the next line
    private static ulong s_given;                  // the foreground this shell named last (0: itself)

    /// <summary>Ctrl-C came since the line began.</summary>
    public static bool Interrupted => s_interrupted;

    private static CapHandle Event => new CapHandle(s_eventHandle);

    /// <summary>Opens the console's interrupt event (claiming the foreground when the shell is on
    /// the console) and starts the thread that waits for it. Without a console (no `tty:`) the shell
    /// runs without interrupts.</summary>
    public static void Start()
    {
        if (Fs.Open("tty:interrupt", OpenFlags.Read, out Fd fd) != Status.Ok) return;
        s_eventHandle = (uint)fd.Cap.Value;
        TakeForeground();
        if (!CSpace.TryAlloc(out uint landing) ||
            CSpace.Make(ObjectType.Notification, 0, out s_reopened) != Status.Ok ||
            CSpace.Make(ObjectType.Frame, 12, out CapHandle frame) != Status.Ok ||
            Sys.Map(CSpace.SelfAddressSpace, frame, WatcherBuffer, Rights.Read | Rights.Write) != Status.Ok ||
            ThreadBuilder.Create(new CapHandle(BootstrapSlots.Memory, 0), &Watch, 0, WatcherStack, WatcherBuffer, default, out s_watcher) != Status.Ok)
        {
            Out.Error("sh", default, "no Ctrl-C: cannot start the interrupt thread");
            return;
        }
        s_landing = landing;
        if (Sys.ThreadStart(s_watcher.Thread) != Status.Ok) Out.Error("sh", default, "no Ctrl-C: cannot start the interrupt thread");
    }

    /// <summary>After the console came back (Terminal.Reattach): a watcher whose own wait for the new
    /// ttyd ended at its bound tries again.</summary>
    public static void Reattached()
    {
        // The shell's own notification: signalling it cannot fail.
        if (s_reopened.Value != 0) _ = Ipc.Signal(s_reopened, 1);
    }

    /// <summary>At the shell's end: closing the event ends the waiting read (ttyd keeps no reader
    /// for a closed file); the thread then waits for a reopening that never comes.</summary>
    public static void Stop()
    {
        s_stopped = true;
        if (s_eventHandle != 0) _ = Fs.Close(new Fd(Event));   // the shell is ending: a failed close changes nothing for it
        s_eventHandle = 0;
    }

    /// <summary>The running line is one program, `pid`: it becomes the console's foreground (a shell
    /// not on the console names none).</summary>
    public static void GiveForeground(ulong pid)
    {
        // Written before the call: a watcher that reopens meanwhile names this one (NameForeground).
        s_given = pid;
        if (Terminal.OnConsole && s_eventHandle != 0)
            // A ttyd that is gone has no foreground; the watcher names it to the next one.
            _ = SchemeCall.Call(Event, SchemeOp.TtySetForeground, pid, 0, 0, 0, 0, 0, out _);
    }

    /// <summary>This shell is the foreground again (at start, and after each line that gave it away).</summary>
    public static void TakeForeground() => GiveForeground(0);

    /// <summary>The shell is about to read a line (Program, before ReadLine).</summary>
    public static void Reading() => s_countAtRead = s_count;

    /// <summary>A line was read: whether an interrupt counts for it. One that came before the read
    /// began does not (it was for the line before, or for the prompt), nor one that came while the
    /// shell waited at its prompt with nothing typed ahead (ttyd dropped the line being edited). One
    /// that came behind lines typed ahead of it does: those lines are what it stops (Linux would
    /// discard them), even when it reached this thread before the line was read. And so does one
    /// that came while the read was answered, before this call: before this, BeginLine cleared the
    /// flag unconditionally and such a Ctrl-C was lost (the `sleep 60` it was meant for ran on).</summary>
    public static void BeginLine()
    {
        bool behind = s_behindInput;
        s_behindInput = false;
        s_interrupted = behind || (s_count != s_countAtRead && !s_lastWhileReading);
    }

    /// <summary>Stage `stage` of the running line is process `pid` (0: none any more).</summary>
    public static void Foreground(int stage, ulong pid)
    {
        fixed (ulong* p = s_foreground.Of) p[stage] = pid;   // read by the watcher after a system call: not cached
    }

    /// <summary>Called once the line's children are registered: a Ctrl-C that came while they were
    /// being started found none of them, so the shell kills them itself.</summary>
    public static void StopIfInterrupted(ulong* pids, int count)
    {
        if (!s_interrupted) return;
        for (int i = 0; i < count; i++)
            // A program that ended meanwhile needs no stopping.
            if (pids[i] != 0) _ = SchemeCall.Call(Namespace.Root, SchemeOp.Kill, pids[i], 0, 0, 0, 0, 0, out _);
    }

    private static ulong Watch(ulong unused)
    {
        while (true)
        {
            var m = Message.Of(1, 0, 0, 0);
            Status s = Ipc.Call(Event, new MessageInfo(SchemeLimits.DataWord, 0, (ulong)SchemeOp.Read), ref m);
            if (s == Status.Ok && (Status)(long)m.Info.Label == Status.Ok)
            {
                var where = (TtyInterruptContext)m.W0;
                s_lastWhileReading = (where & TtyInterruptContext.WhileReading) != 0;
                if ((where & TtyInterruptContext.BehindInput) != 0) s_behindInput = true;
                s_count++;   // after the notes above: BeginLine reads the count first
                StopForeground();
                continue;
            }
            bool gone = s != Status.Ok || Terminal.IsGone((Status)(long)m.Info.Label);
            if (s_stopped || !gone)
            {
                // The file was closed at the shell's end, or refused otherwise: until a reopening.
                _ = Ipc.Wait(s_reopened, out _);
                continue;
            }
            // ttyd is gone: the new one's interrupt file; after the bound, when the main thread has
            // the console back (Reattached), try again.
            while (!s_stopped && !Reconnect()) _ = Ipc.Wait(s_reopened, out _);
        }
    }

    private static void StopForeground()
    {
        s_interrupted = true;
        for (int i = 0; i < CommandLine.MaxStages; i++)
        {
            ulong pid;
            fixed (ulong* p = s_foreground.Of) pid = p[i];
            if (pid == 0) continue;
            var k = Message.Of(pid, 0, 0, 0);
            // A program that ended meanwhile needs no stopping.
            _ = Ipc.Call(Namespace.Root, new MessageInfo(SchemeLimits.DataWord, 0, (ulong)SchemeOp.Kill), ref k);
        }
    }

    // The watcher's way back to the console: waits (bounded) for the new `tty`, opens its interrupt
    // file where the old one was (the old capability died with its daemon) and names the foreground.
    // False if the console did not come back within the bound or the open failed.
    private static bool Reconnect()
    {
        var b = (IpcBuffer*)WatcherBuffer;
        int n = Put(b, "tty");
        if (Call(Namespace.Root, SchemeOp.AwaitName, 0, Terminal.WaitMilliseconds, n, s_landing, out CapHandle scheme) != Status.Ok)
            return false;
        CapHandle old = Event;
        // The old ttyd's file: its capability went with the daemon's endpoint, so the slot is empty.
        _ = Sys.Delete(old);
        n = Put(b, "interrupt");
        Status s = Call(scheme, SchemeOp.Open, (ulong)OpenFlags.Read, 0, n, old.Index, out CapHandle file);
        // The scheme capability was only for this open.
        _ = Sys.Delete(scheme);
        if (s != Status.Ok) return false;
        s_eventHandle = (uint)file.Value;
        NameForeground();
        return true;
    }

    // The new ttyd has no foreground: name the one this shell named last. The main thread may name
    // another meanwhile (GiveForeground writes s_given first), so repeat until both agree.
    private static void NameForeground()
    {
        if (!Terminal.OnConsole) return;
        ulong named;
        do
        {
            named = s_given;
            var m = Message.Of(named, 0, 0, 0);
            // A ttyd that died again is found by the next read.
            _ = Ipc.Call(Event, new MessageInfo(SchemeLimits.DataWord, 0, (ulong)SchemeOp.TtySetForeground), ref m);
        } while (named != s_given);   // read again after the call: not cached across it
    }

    // `text` as the request's data in the watcher's buffer; its length.
    private static int Put(IpcBuffer* b, string text)
    {
        var data = (byte*)&b->Words[SchemeLimits.DataWord];
        for (int i = 0; i < text.Length; i++) data[i] = (byte)text[i];
        return text.Length;
    }

    // A scheme request from the watcher's buffer with `length` bytes of data already there; a
    // capability of the answer lands in slot `landing` of this process's CNode (its handle in `cap`).
    private static Status Call(CapHandle target, SchemeOp op, ulong w0, ulong w1, int length, uint landing, out CapHandle cap)
    {
        cap = default;
        var b = (IpcBuffer*)WatcherBuffer;
        b->ReceiveCNode = CSpace.Self.Value;
        b->ReceiveSlots[0] = landing;
        var m = Message.Of(w0, w1, 0, (ulong)length);
        Status s = Ipc.Call(target, new MessageInfo(SchemeLimits.DataWord + (length + 7) / 8, 0, (ulong)op), ref m);
        if (s != Status.Ok) return s;
        s = (Status)(long)m.Info.Label;
        if (s != Status.Ok) return s;
        if (m.Info.Caps != 1) return Status.BadReply;
        cap = new CapHandle(b->ReceivedHandles[0]);
        return Status.Ok;
    }
}
