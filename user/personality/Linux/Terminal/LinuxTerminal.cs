// The console as the personality's Linux processes see it: one terminal, the controlling terminal of
// the personality's one session. Its termios (Abi/Termios.cs) is kept here whole and the part ttyd has
// (canonical, echo, signals, least bytes, the interrupt byte) is set through TtySetMode on change;
// the window size and the foreground process group are the personality's own (ttyd has one pid as its
// foreground: this process, named by the native shell that started it). Ctrl-C: at start the
// personality opens `tty:interrupt` and keeps a watch armed on it (EventLoop.InterruptBit); ttyd
// answers it when the personality is the console's foreground (or the one that named it), and each
// interrupt becomes SIGINT to the foreground process group. With ISIG in raw mode, ^\ and ^Z read from
// the console become SIGQUIT and SIGTSTP (ttyd turns only the interrupt byte into an event).
// docs/design/linux.md, "The terminal"; docs/design/tty.md.
using System;
using Vireo.Abi;
using Vireo.Linux.Abi;
using Vireo.Linux.Loop;
using Vireo.User;
using Vireo.User.Schemes;

namespace Vireo.Linux;

public static unsafe class LinuxTerminal
{
    private const int SigInt = 2, SigQuit = 3, SigTstp = 20;

    private static readonly byte[] s_termios = new byte[Termios.Size];
    private static bool s_known;              // s_termios holds the console's state
    private static ulong s_modeAtStart = ulong.MaxValue, s_leastAtStart, s_intrAtStart;
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
    /// back) and the interrupt event is watched.</summary>
    public static void Start()
    {
        var stdin = new LinuxFile { Fd = Fd.Stdin, Stdio = true };
        if (!IsConsole(stdin)) return;
        if (SchemeCall.Call(Fd.Stdin.Cap, SchemeOp.TtyGetMode, 0, 0, 0, 0, 0, 0, out SchemeReply r) == Status.Ok)
        {
            s_modeAtStart = r.W0;
            s_leastAtStart = r.W1;
            s_intrAtStart = r.W2;
        }
        if (Fs.Open("tty:interrupt", OpenFlags.Read, out s_interrupt) != Status.Ok) return;   // no Ctrl-C: the shell still stops `linux`
        TakeInterrupts();
    }

    /// <summary>At the end: the console's mode as it was at start (a program killed in raw mode must
    /// not leave the shell a raw console), and the interrupt file closed.</summary>
    public static void Restore()
    {
        if (s_modeAtStart != ulong.MaxValue)
            // The console may be gone; nothing to do about it then.
            _ = SchemeCall.Call(Fd.Stdin.Cap, SchemeOp.TtySetMode, s_modeAtStart, s_leastAtStart, s_intrAtStart, 0, 0, 0, out _);
        if (s_interrupt.IsValid) _ = Fs.Close(s_interrupt);   // ending: nothing to do about a failure
    }

    /// <summary>On EventLoop.InterruptBit: each pending interrupt is SIGINT to the foreground group;
    /// then the watch is armed again.</summary>
    public static void TakeInterrupts()
    {
        byte b;
        // Watch says whether an interrupt is pending (then the Read answers at once) or arms itself.
        while (Fs.Watch(s_interrupt, Readiness.Readable, EventLoop.InterruptBit, EventLoop.Notification, out Readiness ready) == Status.Ok &&
               (ready & Readiness.Readable) != 0)
        {
            if (Fs.Read(s_interrupt, &b, 1, out _) != Status.Ok) return;
            _ = Signals.PostGroup(Foreground != 0 ? Foreground : FirstGroup(), SigInt);   // an empty group: nobody to tell
        }
    }

    private static ulong FirstGroup()
    {
        foreach (LinuxProcess p in Processes.Snapshot()) return p.Sid;
        return 0;
    }

    /// <summary>The console's termios, read from ttyd the first time.</summary>
    public static ReadOnlySpan<byte> Get(LinuxFile f)
    {
        if (!s_known)
        {
            Termios.Default(s_termios);
            if (SchemeCall.Call(f.Fd.Cap, SchemeOp.TtyGetMode, 0, 0, 0, 0, 0, 0, out SchemeReply r) == Status.Ok)
                Termios.FromTty(s_termios, (TtyMode)r.W0, (int)r.W1, (byte)r.W2);
            s_known = true;
        }
        return s_termios;
    }

    /// <summary>TCSETS: keeps `t` and tells ttyd its part; the errno of a refusal, or 0.</summary>
    public static long Set(LinuxFile f, ReadOnlySpan<byte> t)
    {
        Get(f);
        Termios.ToTty(t, out TtyMode mode, out int least, out byte intr);
        Status s = SchemeCall.Call(f.Fd.Cap, SchemeOp.TtySetMode, (ulong)mode, (ulong)least, intr, 0, 0, 0, out _);
        if (s != Status.Ok) return -Errno.From(s);
        t.CopyTo(s_termios);
        return 0;
    }

    /// <summary>Raw mode with VMIN 0: a read of the console returns at once (VTIME is not kept: it
    /// returns at once too).</summary>
    public static bool ReadsAtOnce =>
        s_known && (Termios.Word(s_termios, Termios.LflagOffset) & Termios.Icanon) == 0 && s_termios[Termios.CcOffset + Termios.VMin] == 0;

    /// <summary>Raw mode with ISIG: reads of the console go through Filter.</summary>
    public static bool FiltersInput =>
        s_known && (Termios.Word(s_termios, Termios.LflagOffset) & (Termios.Icanon | Termios.Isig)) == Termios.Isig;

    /// <summary>After a read of the console: with ISIG in raw mode, the quit and suspend bytes are not
    /// input but signals to the foreground group (and so is the interrupt byte, should ttyd pass it).
    /// Returns how many bytes are left at `data`.</summary>
    public static int Filter(LinuxProcess p, byte* data, int n)
    {
        if (!FiltersInput) return n;
        byte intr = s_termios[Termios.CcOffset + Termios.VIntr], quit = s_termios[Termios.CcOffset + Termios.VQuit],
            susp = s_termios[Termios.CcOffset + Termios.VSusp];
        int kept = 0;
        for (int i = 0; i < n; i++)
        {
            byte c = data[i];
            int signal = c == 0 ? 0 : c == intr ? SigInt : c == quit ? SigQuit : c == susp ? SigTstp : 0;
            if (signal == 0) data[kept++] = c;
            else _ = Signals.PostGroup(ForegroundGroup(p), signal);   // an empty group: nobody to tell
        }
        return kept;
    }
}
