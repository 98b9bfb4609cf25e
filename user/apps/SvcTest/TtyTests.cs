// In-guest tests of the terminal requests of ttyd (docs/design/tty.md): the mode (canonical or raw,
// echo, the interrupt byte, how long a raw read waits) and the foreground that Ctrl-C reaches. No one
// types in a test boot, so the interrupts come from writes to `tty:interrupt` (which raise one as
// Ctrl-C does) and the raw reads from a console with nothing typed; the line discipline's handling
// of typed bytes in each mode is tested on the host (tests/Kernel.Tests/Console).
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;
using T = Vireo.User.Testing.TestRunner;

static unsafe class TtyTests
{
    public static void Run()
    {
        T.Run("tty.mode_get_set", &Mode);
        T.Run("tty.raw_read_returns_what_is_there", &RawRead);
        T.Run("tty.foreground_named_by_an_interrupt_file", &Foreground);
        T.Run("tty.interrupt_reaches_only_the_foreground", &OnlyForeground);
    }

    /// <summary>svctest started by the `console-restart-running` shell sessions, as the command running
    /// while ttyd restarts: `tty-restart` kills ttyd (the console's shell may kill, and its commands
    /// inherit that), waits for the new console and, once a foreground is named on it again
    /// (only the running shell's interrupt thread does that, reconnecting on its own while the shell
    /// waits for this command), prints a prompt-like `vireo$ ` there so the session types Ctrl-C; then
    /// spins until it is killed. Without that reconnection it says so on the new console and exits 6.</summary>
    public static bool IsChild(out int code)
    {
        code = 0;
        if (!Args.PositionalIs(0, "tty-restart")) return false;
        code = RestartAndSpin();
        return true;
    }

    private static int RestartAndSpin()
    {
        // ttyd is whoever registered `tty` (Whois NAME).
        SchemeCall.Put("tty");
        if (SchemeCall.Call(Namespace.Root, SchemeOp.Whois, 0, 0, 0, 3, 0, 0, out SchemeReply who) != Status.Ok) return 2;
        if (SchemeCall.Call(Namespace.Root, SchemeOp.Kill, who.W0, 0, 0, 0, 0, 0, out _) != Status.Ok) return 3;
        byte* name = stackalloc byte[3] { (byte)'t', (byte)'t', (byte)'y' };
        if (Namespace.AwaitName(name, 3, 0, out _, 5_000) != Status.Ok) return 4;
        if (Fs.Open("tty:", OpenFlags.Read | OpenFlags.Write, out Fd tty) != Status.Ok) return 5;
        ulong named = 0;
        // Test code: a poll with a bound, 5 s in 10 ms steps.
        for (int i = 0; i < 500 && named == 0; i++)
        {
            if (GetForeground(tty, out named, out _) != Status.Ok) named = 0;
            if (named == 0) Sys.Sleep(10_000_000);
        }
        if (named == 0)
        {
            // The session fails on a missing line; these words say why.
            _ = Fs.Write(tty, "tty-restart: nobody named the foreground on the new console\n");
            return 6;
        }
        _ = Fs.Write(tty, "vireo$ ");   // the session's cue: a missing one fails it (timeout)
        while (true) { }
    }

    private static Status GetMode(Fd fd, out SchemeReply r) => SchemeCall.Call(fd.Cap, SchemeOp.TtyGetMode, 0, 0, 0, 0, 0, 0, out r);

    private static Status SetMode(Fd fd, TtyMode mode, ulong minBytes, ulong interrupt) =>
        SchemeCall.Call(fd.Cap, SchemeOp.TtySetMode, (ulong)mode, minBytes, interrupt, 0, 0, 0, out _);

    // The mode is the terminal's: set through one file, seen through another; bad modes change nothing.
    private static void Mode()
    {
        if (!T.Status(Status.Ok, Fs.Open("tty:", OpenFlags.Read | OpenFlags.Write, out Fd a), "open tty:")) return;
        T.Status(Status.Ok, Fs.Open("tty:interrupt", OpenFlags.Read, out Fd b), "open tty:interrupt");
        T.Status(Status.Ok, GetMode(a, out SchemeReply r), "get the mode");
        T.True(r.W0 == (ulong)TtyMode.Default && r.W1 == 1 && r.W2 == 3, "canonical, echo, signals; reads wait for a byte; Ctrl-C");
        T.Status(Status.Ok, SchemeCall.Call(a.Cap, SchemeOp.TtySetMode, (ulong)TtyMode.Echo, 0, (ulong)'q', 0, 0, 0, out r), "set raw with echo, no waiting, q");
        T.Equal((long)TtyMode.Default, (long)r.W0, "set answers the mode before");
        T.Status(Status.Ok, GetMode(b, out r), "get it through another file");
        T.True(r.W0 == (ulong)TtyMode.Echo && r.W1 == 0 && r.W2 == 'q', "the terminal's mode, not the file's");
        T.Status(Status.InvalidArgument, SetMode(a, (TtyMode)8, 1, 3), "an unknown flag");
        T.Status(Status.InvalidArgument, SetMode(a, TtyMode.Default, 2, 3), "least bytes above 1");
        T.Status(Status.InvalidArgument, SetMode(a, TtyMode.Default, 1, 0x80), "an interrupt byte that is not ASCII");
        T.Status(Status.InvalidArgument, SetMode(a, TtyMode.Default, 1, 3 | 0x80 << 16), "a suspend byte that is not ASCII");
        T.Status(Status.InvalidArgument, SetMode(a, TtyMode.Default, 1, 3 | 1UL << 24), "a word past the suspend byte");
        T.Status(Status.Ok, GetMode(a, out r), "get");
        T.True(r.W0 == (ulong)TtyMode.Echo && r.W1 == 0 && r.W2 == 'q', "refused modes changed nothing");
        T.Status(Status.Ok, SetMode(a, TtyMode.Default, 1, 3 | 0x1C << 8 | 0x1A << 16), "quit ^\\ and suspend ^Z");
        T.Status(Status.Ok, GetMode(b, out r), "get");
        T.True(r.W2 == (3 | 0x1C << 8 | 0x1A << 16), "the quit and suspend bytes kept");
        T.Status(Status.Ok, SetMode(a, TtyMode.Default, 1, 3), "back to the default");
        T.Status(Status.Ok, GetMode(b, out r), "get");
        T.True(r.W2 == 3, "no quit or suspend byte");
        T.Status(Status.NotSupported, SchemeCall.Call(a.Cap, SchemeOp.Seek, 0, 0, 0, 0, 0, 0, out _), "what a console does not do");
        T.Status(Status.Ok, Fs.Close(b), "close b");
        T.Status(Status.Ok, Fs.Close(a), "close a");
    }

    // Raw with least bytes 0: a read answers at once with what is there, nothing when nothing was
    // typed (canonical, the same read would wait for Enter).
    private static void RawRead()
    {
        if (!T.Status(Status.Ok, Fs.Open("tty:", OpenFlags.Read | OpenFlags.Write, out Fd tty), "open tty:")) return;
        T.Status(Status.Ok, SetMode(tty, TtyMode.Raw, 0, 3), "raw, reads do not wait");
        byte* b = stackalloc byte[64];
        int n = 1;
        Status s = Status.Ok;
        for (int i = 0; i < 100 && s == Status.Ok && n > 0; i++) s = Fs.Read(tty, b, 64, out n);   // whatever was typed before
        T.Status(Status.Ok, s, "raw reads answer");
        T.Equal(0, n, "with nothing when nothing is there");
        T.Status(Status.Ok, Fs.Read(tty, b, 64, out n), "again, at once");
        T.Equal(0, n, "still nothing");
        T.Status(Status.Ok, SetMode(tty, TtyMode.Default, 1, 3), "back to the default");
        T.Status(Status.Ok, Fs.Close(tty), "close tty");
    }

    private static Status Foreground(Fd fd, ulong pid) => SchemeCall.Call(fd.Cap, SchemeOp.TtySetForeground, pid, 0, 0, 0, 0, 0, out _);

    private static Status GetForeground(Fd fd, out ulong pid, out ulong by)
    {
        Status s = SchemeCall.Call(fd.Cap, SchemeOp.TtyGetForeground, 0, 0, 0, 0, 0, 0, out SchemeReply r);
        pid = r.W0;
        by = r.W1;
        return s;
    }

    private static void Foreground()
    {
        if (!T.Status(Status.Ok, Fs.Open("tty:", OpenFlags.Read | OpenFlags.Write, out Fd tty), "open tty:")) return;
        T.Status(Status.Ok, Fs.Open("tty:interrupt", OpenFlags.Read, out Fd ev), "open tty:interrupt");
        T.Status(Status.NotSupported, Foreground(tty, 0), "only an interrupt file names the foreground (it knows its opener)");
        T.Status(Status.Ok, Foreground(ev, 0), "0: the opener of the file");
        T.Status(Status.Ok, GetForeground(tty, out ulong me, out ulong by), "get it through any file");
        T.True(me != 0 && by == me, "this process, named by itself");
        T.Status(Status.Ok, Foreground(ev, 424242), "another pid");
        T.Status(Status.Ok, GetForeground(ev, out ulong pid, out by), "get foreground");
        T.True(pid == 424242 && by == me, "that pid, named by this process");
        T.Status(Status.Ok, Fs.Close(ev), "close ev");
        T.Status(Status.Ok, Fs.Close(tty), "close tty");
    }

    private static CapHandle s_note;

    // Whether an interrupt is pending for the file (Watch: Readable), without waiting.
    private static bool Pending(Fd ev)
    {
        // 0 when it failed: the watch after it fails then, and the test with it.
        if (s_note.Value == 0) _ = CSpace.Make(ObjectType.Notification, 0, out s_note);
        T.Status(Status.Ok, Fs.Watch(ev, Readiness.Readable, 1, s_note, out Readiness ready), "watch ev");
        T.Status(Status.Ok, Fs.Watch(ev, Readiness.None, 0, default, out _), "watch ev");
        return (ready & Readiness.Readable) != 0;
    }

    // Raises an interrupt as Ctrl-C would (or, with 0x1C or 0x1A, a quit or a suspend).
    private static void Raise(Fd ev, byte kind = 3)
    {
        byte* c = stackalloc byte[1];
        c[0] = kind;
        T.Status(Status.Ok, Fs.Write(ev, c, 1, out _), "write ev");
    }

    // The foreground's interrupt files hear it; when the foreground listens to none, the process that
    // named it does; another listener (a shell, here) hears nothing while it is not the foreground.
    private static void OnlyForeground()
    {
        if (!T.Status(Status.Ok, Fs.Open("tty:interrupt", OpenFlags.Read, out Fd ev), "open tty:interrupt")) return;
        byte* b = stackalloc byte[8];
        T.Status(Status.Ok, Foreground(ev, 0), "this process is the foreground");
        Raise(ev);
        T.True(Pending(ev), "it hears the interrupt (pending until read)");
        T.Status(Status.Ok, Fs.Read(ev, b, 8, out int n), "a read takes it at once");
        T.True(n == 1 && b[0] == 3, "one byte, 0x03");
        T.True(!Pending(ev), "taken once");
        Raise(ev, 0x1A);
        Raise(ev, 0x1C);
        Raise(ev);
        T.True(Fs.Read(ev, b, 8, out n) == Status.Ok && n == 1 && b[0] == 3, "pending events: the interrupt first");
        T.True(Fs.Read(ev, b, 8, out n) == Status.Ok && n == 1 && b[0] == 0x1C, "then the quit, 0x1C");
        T.True(Fs.Read(ev, b, 8, out n) == Status.Ok && n == 1 && b[0] == 0x1A, "then the suspend, 0x1A");
        T.True(!Pending(ev), "each taken once");

        T.Status(Status.Ok, Foreground(ev, 424242), "a foreground that listens to nothing");
        Raise(ev);
        T.True(Pending(ev), "the process that named it hears it (and stops it)");
        T.Status(Status.Ok, Fs.Read(ev, b, 8, out _), "read ev");

        if (!StartListener(out ulong shell, out Fd input, out Fd output)) return;
        T.Status(Status.Ok, Foreground(ev, shell), "a shell that listens is the foreground");
        Raise(ev);
        T.True(!Pending(ev), "only it hears the interrupt, not this process");
        T.Status(Status.Ok, Fs.Close(input), "close input");   // the shell reads the end of its input and exits, closing its interrupt file
        Status s = SchemeCall.Call(Namespace.Root, SchemeOp.WaitChild, shell, 0, 0, 0, 0, 0, out SchemeReply r);
        T.True(s == Status.Ok && r.W1 == (ulong)ThreadExitKind.Exited, "the shell survived it and ended by itself");
        T.Status(Status.Ok, Fs.Close(output), "close output");
        Raise(ev);
        T.True(Pending(ev), "its files gone, the process that named it hears it again");
        T.Status(Status.Ok, Foreground(ev, 0), "take it back");
        T.Status(Status.Ok, Fs.Close(ev), "close ev");
    }

    // sh on pipes: it opens tty:interrupt at start (before its first prompt, which we wait for).
    private static bool StartListener(out ulong pid, out Fd input, out Fd output)
    {
        if (!ShellTests.StartShell(out pid, out input, out output)) return false;
        byte* b = stackalloc byte[16];
        Status read = Fs.Read(output, b, 16, out int n);
        return T.True(read == Status.Ok && Ascii.Contains(new System.ReadOnlySpan<byte>(b, n), "vireo$"), "its first prompt");
    }
}
