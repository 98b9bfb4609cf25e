// Ctrl-C for the shell. ttyd answers a read of `tty:interrupt` at each Ctrl-C; a second thread of the
// shell waits in that read and then stops the foreground: it kills the children of the line that runs
// now (the process manager's Kill: the shell is their parent) and sets Interrupted, which the builtin
// sleep looks at and which stops the rest of a list. The thread makes raw calls from an IPC buffer of
// its own: the scheme library's calls use the main thread's buffer (SchemeCall).
// docs/design/shell.md, "Interrupts".
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;

namespace Vireo.Shell;

public static unsafe class Interrupts
{
    private const ulong WatcherStack = 0x0000_5B00_0000_0000, WatcherBuffer = 0x0000_5B00_0001_0000;

    private struct Pids { public fixed ulong Of[CommandLine.MaxStages]; }
    private static Pids s_foreground;
    private static CapHandle s_event;
    private static LocalThread s_watcher;
    private static volatile bool s_interrupted;

    /// <summary>Ctrl-C came since the line began.</summary>
    public static bool Interrupted => s_interrupted;

    /// <summary>Opens the console's interrupt event and starts the thread that waits for it. Without
    /// a console (no `tty:`) the shell runs without interrupts.</summary>
    public static void Start()
    {
        if (Fs.Open("tty:interrupt", OpenFlags.Read, out Fd fd) != Status.Ok) return;
        s_event = fd.Cap;
        if (CSpace.Make(ObjectType.Frame, 12, out CapHandle frame) != Status.Ok ||
            Sys.Map(CSpace.SelfAddressSpace, frame, WatcherBuffer, Rights.Read | Rights.Write) != Status.Ok ||
            ThreadBuilder.Create(new CapHandle(BootstrapSlots.Memory, 0), &Watch, 0, WatcherStack, WatcherBuffer, default, out s_watcher) != Status.Ok)
        {
            Out.Error("sh", default, "no Ctrl-C: cannot start the interrupt thread");
            return;
        }
        Sys.ThreadStart(s_watcher.Thread);
    }

    /// <summary>At the shell's end: closing the event ends the waiting read (ttyd keeps no reader
    /// for a closed file), and the thread with it.</summary>
    public static void Stop()
    {
        if (s_event.Value != 0) Fs.Close(new Fd(s_event));
        s_event = default;
    }

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
            if (pids[i] != 0) SchemeCall.Call(Namespace.Root, SchemeOp.Kill, pids[i], 0, 0, 0, 0, 0, out _);
    }

    private static ulong Watch(ulong unused)
    {
        while (true)
        {
            var m = Message.Of(1, 0, 0, 0);
            Status s = Ipc.Call(s_event, new MessageInfo(SchemeLimits.DataWord, 0, (ulong)SchemeOp.Read), ref m);
            if (s != Status.Ok || (Status)(long)m.Info.Label != Status.Ok) return 0;   // ttyd is gone
            s_interrupted = true;
            for (int i = 0; i < CommandLine.MaxStages; i++)
            {
                ulong pid;
                fixed (ulong* p = s_foreground.Of) pid = p[i];
                if (pid == 0) continue;
                var k = Message.Of(pid, 0, 0, 0);
                Ipc.Call(Namespace.Root, new MessageInfo(SchemeLimits.DataWord, 0, (ulong)SchemeOp.Kill), ref k);
            }
        }
    }
}
