// daemon NAME PROGRAM [ARGS...]: starts PROGRAM as a daemon of the user's own, supervised (started
// again when it ends, five times at most) and detached from the shell, then waits until it has
// registered the scheme NAME. A program the shell runs may not register schemes (it spawns with
// NoRegister), so the tool asks the `daemon:` service, which init starts with the right to pass on.
// One program, four roles, chosen by the first argument:
//   daemon NAME PROGRAM [ARGS...]   the tool: asks daemon: (SchemeOp.Spawn, data = argv), reports
//   daemon --serve                  the service (init.rc): registers daemon:, answers each request by
//                                   starting `daemon --detach ARGV` and waiting for it
//   daemon --detach ARGV            starts `daemon --supervise ARGV` and exits at once with its pid,
//                                   so the supervisor has no parent to wait for it (the process
//                                   manager frees an orphan's entry when it ends)
//   daemon --supervise ARGV         starts ARGV, waits for it, starts it again (logged to sys:/debug)
// The detached process and the supervisor get the kernel log (SpawnFlags.KernelLog, which init gives
// the service) for those lines; the user's program does not.
// docs/design/shell.md, "Daemons of the user's own".

static unsafe class Program
{
    private const string Self = "initfs:/bin/daemon";
    private const int MaxStarts = 6;   // the first and five restarts, as init does

    [RuntimeExport("vireo_main")]
    static int Main()
    {
        // The roles are matched in raw argv: ARGV after a role is another program's, not options.
        if (Startup.ArgumentCount >= 2 && Ascii.Equals(Startup.Argument(1), "--serve")) return Serve();
        if (Startup.ArgumentCount >= 3 && Ascii.Equals(Startup.Argument(1), "--detach")) return (int)Start("--supervise", 2, (ulong)SpawnFlags.KernelLog);
        if (Startup.ArgumentCount >= 3 && Ascii.Equals(Startup.Argument(1), "--supervise")) return Supervise();
        return Ask();
    }

    // Spawns argv[from..] (after `Self role` if role is not null), with the register right this
    // process has; its pid, or 0.
    private static ulong Start(string role, int from, ulong flags)
    {
        var argv = new Text(SchemeCall.Data, SchemeLimits.MaxData);
        if (role != null)
        {
            Word(ref argv, Self);
            Word(ref argv, role);
        }
        ArgumentWords(ref argv, from);
        if (argv.Cut) return 0;
        Status s = SchemeCall.Call(Namespace.Root, SchemeOp.Spawn, flags, 0, 0, argv.Length, 0, 0, out SchemeReply r);
        return s == Status.Ok ? r.W0 : 0;
    }

    // argv is words each ended by a NUL byte.
    private static void Word(ref Text argv, string word)
    {
        argv.Str(word);
        argv.Char('\0');
    }

    private static void ArgumentWords(ref Text argv, int from)
    {
        for (int i = from; i < Startup.ArgumentCount; i++)
        {
            argv.Bytes(Startup.Argument(i));
            argv.Char('\0');
        }
    }

    private static int Supervise()
    {
        for (int starts = 0; starts < MaxStarts; starts++)
        {
            ulong pid = Start(null, 2, 0);
            if (pid == 0) return 1;
            // A child that cannot be waited for is gone: it is started again all the same.
            _ = Children.Wait(pid, out _, out _, out _);
            Log(starts + 1 < MaxStarts ? " ended; starting it again\n" : " ended; not started again\n");
        }
        return 0;
    }

    private static void Log(string what)
    {
        if (Fs.Open("sys:/debug", OpenFlags.Write, out Fd debug) != Status.Ok) return;
        byte* buffer = stackalloc byte[160];
        var line = new Text(buffer, 160);
        line.Str("daemon: ");
        ReadOnlySpan<byte> program = Startup.Argument(2);
        line.Bytes(program.Length > 92 ? program.Slice(0, 92) : program);
        line.Str(what);
        // The kernel's log is the last resort: nowhere is left to report its failure.
        _ = Fs.Write(debug, buffer, line.Length, out _);
        _ = Fs.Close(debug);
    }

    // The service: one request at a time, put aside while it calls the process manager (a call
    // would otherwise take the place of the pending answer).
    private static int Serve()
    {
        if (SchemeServer.Create(CSpace.Memory, out SchemeServer server) != Status.Ok || server.Register("daemon") != Status.Ok) return 1;
        byte* argv = stackalloc byte[SchemeLimits.MaxData];
        while (true)
        {
            server.Receive(out Request r);
            if (r.Op != SchemeOp.Spawn || r.DataLength <= 0 || r.DataLength > SchemeLimits.MaxData - Self.Length - 12)
            {
                server.Answer(r.Op == SchemeOp.Spawn ? Status.InvalidArgument : Status.NotSupported);
                continue;
            }
            int length = r.DataLength;
            for (int i = 0; i < length; i++) argv[i] = r.Data[i];
            if (!server.Defer(out int token))
            {
                server.Answer(Status.BadState);
                continue;
            }
            var detach = new Text(SchemeCall.Data, SchemeLimits.MaxData);
            Word(ref detach, Self);
            Word(ref detach, "--detach");
            detach.Bytes(argv, length);
            Status s = SchemeCall.Call(Namespace.Root, SchemeOp.Spawn, (ulong)SpawnFlags.KernelLog, 0, 0, detach.Length, 0, 0, out SchemeReply spawned);
            ulong supervisor = 0;
            if (s == Status.Ok)
            {
                s = Children.Wait(spawned.W0, out _, out ThreadExitKind kind, out supervisor);
                if (s == Status.Ok && (kind != ThreadExitKind.Exited || supervisor == 0)) s = Status.NotFound;
            }
            // A client that died meanwhile needs no answer.
            _ = server.AnswerLater(token, s, supervisor);
        }
    }

    // The tool.
    private static int Ask()
    {
        if (Startup.ArgumentCount < 3)
        {
            Out.Error("daemon", default, "usage: daemon NAME PROGRAM [ARGS...]");
            return 2;
        }
        byte* serviceName = stackalloc byte[6];
        Ascii.Copy("daemon", new Span<byte>(serviceName, 6));
        Status s = Namespace.Lookup(serviceName, 6, out CapHandle service);
        if (s != Status.Ok)
        {
            Out.Error("daemon", default, "no daemon: service to start it (init.rc starts one)");
            return 1;
        }
        // argv for the supervisor: a bare program name is initfs:/bin/NAME, as in the shell.
        var argv = new Text(SchemeCall.Data, SchemeLimits.MaxData - 64);
        if (Ascii.IndexOf(Startup.Argument(2), (byte)':') < 0) argv.Str("initfs:/bin/");
        ArgumentWords(ref argv, 2);
        if (argv.Cut)
        {
            Out.Error("daemon", default, "arguments too long");
            return 2;
        }
        s = SchemeCall.Call(service, SchemeOp.Spawn, 0, 0, 0, argv.Length, 0, 0, out SchemeReply r);
        if (s != Status.Ok)
        {
            Out.Error("daemon", Startup.Argument(2), s);
            return 1;
        }
        ulong supervisor = r.W0;
        ReadOnlySpan<byte> name = Startup.Argument(1);
        bool up = false;
        fixed (byte* n = name)
            for (int tries = 0; tries < 100 && !(up = Namespace.Lookup(n, name.Length, out _) == Status.Ok); tries++) Sys.Sleep(10_000_000);
        Out.Write("daemon: ");
        Out.Write(name);
        Out.Write(up ? " is up, supervisor pid " : " did not register (yet), supervisor pid ");
        Out.Number(supervisor);
        Out.Line();
        // Output that cannot be written (no standard output, a closed pipe) is dropped, as Out says;
        // the exit code tells of the work itself.
        _ = Out.Flush();
        return up ? 0 : 1;
    }
}
