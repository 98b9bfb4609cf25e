// Ctrl-C for the shell. ttyd answers a read of `tty:interrupt` at each Ctrl-C that is the
// foreground's; a second thread of the shell waits in that read and then stops the foreground: it
// kills the children of the line that runs now (the process manager's Kill: the shell is their
// parent) and sets Interrupted, which the builtin sleep looks at and which stops the rest of a list.
// The thread makes raw calls from an IPC buffer of its own: the scheme library's calls use the main
// thread's buffer (SchemeCall).
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
    private static CapHandle s_reopened;           // signalled when the event file was opened again
    private static LocalThread s_watcher;
    private static volatile bool s_interrupted;

    /// <summary>Ctrl-C came since the line began.</summary>
    public static bool Interrupted => s_interrupted;

    private static CapHandle Event => new CapHandle(s_eventHandle);

    /// <summary>Opens the console's interrupt event (claiming the foreground when the shell is on
    /// the console) and starts the thread that waits for it. Without a console (no `tty:`) the shell
    /// runs without interrupts.</summary>
    public static void Start()
    {
        if (!Open()) return;
        if (CSpace.Make(ObjectType.Notification, 0, out s_reopened) != Status.Ok ||
            CSpace.Make(ObjectType.Frame, 12, out CapHandle frame) != Status.Ok ||
            Sys.Map(CSpace.SelfAddressSpace, frame, WatcherBuffer, Rights.Read | Rights.Write) != Status.Ok ||
            ThreadBuilder.Create(new CapHandle(BootstrapSlots.Memory, 0), &Watch, 0, WatcherStack, WatcherBuffer, default, out s_watcher) != Status.Ok)
        {
            Out.Error("sh", default, "no Ctrl-C: cannot start the interrupt thread");
            return;
        }
        if (Sys.ThreadStart(s_watcher.Thread) != Status.Ok) Out.Error("sh", default, "no Ctrl-C: cannot start the interrupt thread");
    }

    private static bool Open()
    {
        if (Fs.Open("tty:interrupt", OpenFlags.Read, out Fd fd) != Status.Ok) return false;
        s_eventHandle = (uint)fd.Cap.Value;
        TakeForeground();
        return true;
    }

    /// <summary>After the console came back (Terminal.Reattach): a new event file from the new ttyd,
    /// the foreground claimed again, and the waiting thread told to go on with it.</summary>
    public static void Reopen()
    {
        CSpace.Release(Event);   // the old ttyd's: it no longer works
        s_eventHandle = 0;
        // The shell's own notification: signalling it cannot fail.
        if (Open() && s_reopened.Value != 0) _ = Ipc.Signal(s_reopened, 1);
    }

    /// <summary>At the shell's end: closing the event ends the waiting read (ttyd keeps no reader
    /// for a closed file); the thread then waits for a reopening that never comes.</summary>
    public static void Stop()
    {
        if (s_eventHandle != 0) _ = Fs.Close(new Fd(Event));   // the shell is ending: a failed close changes nothing for it
        s_eventHandle = 0;
    }

    /// <summary>The running line is one program, `pid`: it becomes the console's foreground (a shell
    /// not on the console names none).</summary>
    public static void GiveForeground(ulong pid)
    {
        if (Terminal.OnConsole && s_eventHandle != 0)
            // A ttyd that is gone has no foreground; Reopen reaches the next one.
            _ = SchemeCall.Call(Event, SchemeOp.TtySetForeground, pid, 0, 0, 0, 0, 0, out _);
    }

    /// <summary>This shell is the foreground again (at start, and after each line that gave it away).</summary>
    public static void TakeForeground() => GiveForeground(0);

    /// <summary>A new line: an interrupt before it no longer counts.</summary>
    public static void BeginLine() => s_interrupted = false;

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
            if (s != Status.Ok || (Status)(long)m.Info.Label != Status.Ok)
            {
                _ = Ipc.Wait(s_reopened, out _);   // ttyd is gone (or the file closed): until the main thread reopens it
                continue;
            }
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
    }
}
