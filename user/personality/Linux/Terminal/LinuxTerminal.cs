// The console as the personality's Linux processes see it: one terminal, the controlling terminal of
// the personality's one session. Its termios (Abi/Termios.cs) is kept here whole and the part ttyd has
// (canonical, echo, signals, least bytes, the interrupt, quit and suspend bytes) is set through
// TtySetMode on change; VMIN above 1 and VTIME are kept here and applied by the personality's reads
// (Syscalls/Terminal.cs, ConsoleRead); the window size and the foreground process group are the
// personality's own (ttyd has one pid as its foreground: this process, named by the native shell that
// started it, or claimed at start when nobody was named, as when init starts `linux` on the console).
// Signals: at start the personality opens `tty:interrupt` and keeps a watch armed on it
// (EventLoop.InterruptBit); ttyd answers it when the personality is the console's foreground (or the
// one that named it), and each event becomes a signal to the foreground process group: Ctrl-C SIGINT,
// Ctrl-\ SIGQUIT, Ctrl-Z SIGTSTP (ttyd raises all three, in raw mode too, while ISIG is on).
// docs/design/linux.md, "The terminal"; docs/design/tty.md.
using System.Collections.Generic;
using System;
using Vireo.Abi;
using Vireo.Linux.Abi;
using Vireo.Linux.Loop;
using Vireo.User;
using Vireo.User.Schemes;

namespace Vireo.Linux;

public static unsafe class LinuxTerminal
{
    private static readonly byte[] s_termios = new byte[Termios.Size];
    private static bool s_known;              // s_termios holds the console's state
    private static ulong s_modeAtStart = ulong.MaxValue, s_leastAtStart, s_bytesAtStart;
    // Bytes a parked raw read (VMIN above 1, or VTIME) has already put into its buffer, by pid.
    private static readonly Dictionary<ulong, int> s_progress = new Dictionary<ulong, int>();
    private static Fd s_interrupt;            // tty:interrupt, watched
    public static ushort Rows = 25, Columns = 80, XPixels, YPixels;
    /// <summary>The foreground process group (tcsetpgrp); 0 until named: the first process's group.</summary>
    public static ulong Foreground;

    /// <summary>Whether `f` names the console: a tty: file answers TtyGetMode, nothing else does.</summary>
    public static bool IsConsole(LinuxFile f)
    {
        if (f.Tty == 0)
        {
            bool yes = !f.IsStream && f.Content == null && f.Fd.IsValid &&
                SchemeCall.Call(f.Fd.Cap, SchemeOp.TtyGetMode, 0, 0, 0, 0, 0, 0, out _) == Status.Ok;
            f.Tty = yes ? (sbyte)1 : (sbyte)-1;
        }
        return f.Tty > 0;
    }

    /// <summary>The foreground group, the first process's until a program names one.</summary>
    public static ulong ForegroundGroup(LinuxProcess asking) => Foreground != 0 ? Foreground : asking.Sid;

    /// <summary>At start, when standard input is the console: its mode is noted (Restore puts it
    /// back), the interrupt event is watched, and the console's foreground claimed if nobody named one
    /// (a native shell that ran `linux` has named it already; one that runs it in a pipeline keeps it).</summary>
    public static void Start()
    {
        var stdin = new LinuxFile { Fd = Fd.Stdin, Stdio = true };
        if (!IsConsole(stdin)) return;
        if (SchemeCall.Call(Fd.Stdin.Cap, SchemeOp.TtyGetMode, 0, 0, 0, 0, 0, 0, out SchemeReply r) == Status.Ok)
        {
            s_modeAtStart = r.W0;
            s_leastAtStart = r.W1;
            s_bytesAtStart = r.W2;
        }
        if (Fs.Open("tty:interrupt", OpenFlags.Read, out s_interrupt) != Status.Ok) return;   // no Ctrl-C: the shell still stops `linux`
        if (SchemeCall.Call(s_interrupt.Cap, SchemeOp.TtyGetForeground, 0, 0, 0, 0, 0, 0, out r) == Status.Ok && r.W0 == 0)
            _ = SchemeCall.Call(s_interrupt.Cap, SchemeOp.TtySetForeground, 0, 0, 0, 0, 0, 0, out _);   // without it every listener hears
        TakeInterrupts();
    }

    /// <summary>At the end: the console's mode as it was at start (a program killed in raw mode must
    /// not leave the shell a raw console), and the interrupt file closed.</summary>
    public static void Restore()
    {
        if (s_modeAtStart != ulong.MaxValue)
            // The console may be gone; nothing to do about it then.
            _ = SchemeCall.Call(Fd.Stdin.Cap, SchemeOp.TtySetMode, s_modeAtStart, s_leastAtStart, s_bytesAtStart, 0, 0, 0, out _);
        if (s_interrupt.IsValid) _ = Fs.Close(s_interrupt);   // ending: nothing to do about a failure
    }

    /// <summary>On EventLoop.InterruptBit: each pending event is a signal to the foreground group
    /// (0x03 SIGINT, 0x1C SIGQUIT, 0x1A SIGTSTP); then the watch is armed again.</summary>
    public static void TakeInterrupts()
    {
        byte b;
        // Watch says whether an event is pending (then the Read answers at once) or arms itself.
        while (Fs.Watch(s_interrupt, Readiness.Readable, EventLoop.InterruptBit, EventLoop.Notification, out Readiness ready) == Status.Ok &&
               (ready & Readiness.Readable) != 0)
        {
            if (Fs.Read(s_interrupt, &b, 1, out _) != Status.Ok) return;
            int signal = b == 0x1C ? LinuxSignals.SigQuit : b == 0x1A ? LinuxSignals.SigTstp : LinuxSignals.SigInt;
            _ = Signals.PostGroup(Foreground != 0 ? Foreground : FirstGroup(), signal);   // an empty group: nobody to tell
        }
    }

    private static ulong FirstGroup()
    {
        foreach (LinuxProcess p in Processes.Snapshot()) return p.Sid;
        return 0;
    }

    /// <summary>Whether termios's TOSTOP is set: a background group's writes then stop it (JobControl).</summary>
    public static bool Tostop => s_known && (Termios.Word(s_termios, Termios.LflagOffset) & Termios.Tostop) != 0;

    /// <summary>The console's termios, read from ttyd the first time.</summary>
    public static ReadOnlySpan<byte> Get(LinuxFile f)
    {
        if (!s_known)
        {
            Termios.Default(s_termios);
            if (SchemeCall.Call(f.Fd.Cap, SchemeOp.TtyGetMode, 0, 0, 0, 0, 0, 0, out SchemeReply r) == Status.Ok)
                Termios.FromTty(s_termios, (TtyMode)r.W0, (int)r.W1, r.W2);
            s_known = true;
        }
        return s_termios;
    }

    /// <summary>TCSETS: keeps `t` and tells ttyd its part; the errno of a refusal, or 0.</summary>
    public static long Set(LinuxFile f, ReadOnlySpan<byte> t)
    {
        Get(f);
        Termios.ToTty(t, out TtyMode mode, out int least, out ulong bytes);
        Status s = SchemeCall.Call(f.Fd.Cap, SchemeOp.TtySetMode, (ulong)mode, (ulong)least, bytes, 0, 0, 0, out _);
        if (s != Status.Ok) return -Errno.From(s);
        t.CopyTo(s_termios);
        return 0;
    }

    /// <summary>How a read of the console ends: canonical (a line), or raw with VMIN and VTIME
    /// (nanoseconds). Before any TCGETS or TCSETS: ttyd's mode, read as it answers (canonical here).</summary>
    public static void ReadRule(out bool canonical, out int min, out ulong time)
    {
        if (!s_known)
        {
            canonical = true;
            min = 1;
            time = 0;
            return;
        }
        Termios.ReadRule(s_termios, out canonical, out min, out time);
    }

    /// <summary>The bytes p's parked raw read has put into its buffer so far (0 when none; taken).</summary>
    public static int TakeProgress(LinuxProcess p) => s_progress.Remove(p.Pid, out int got) ? got : 0;

    /// <summary>A raw read parks having put `got` bytes into its buffer.</summary>
    public static void KeepProgress(LinuxProcess p, int got)
    {
        if (got > 0) s_progress[p.Pid] = got;
    }

    /// <summary>What a signal makes a parked console read answer: the bytes it already has, as
    /// n_tty_read returns them, else nothing (-1: the call's restart code).</summary>
    public static long InterruptedRead(LinuxProcess p)
    {
        int got = TakeProgress(p);
        return got > 0 ? got : -1;
    }
}
