// A process's death closes its files (schemes.md, "A process's death"): the other end of a pipe
// whose reader or writer was killed sees BrokenPipe or end of file, also when it was already waiting
// and when the dead writer held the ring's lock; a process that exits, faults or is killed with files
// open gives their ids back to ramfs and chan:. The second party is an svctest child (`svctest death
// MODE`); a wait that would never end runs in IpcdTests' helper thread, which the test collects with
// a deadline, so a missing close fails the test instead of hanging the suite.
using System;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;
using T = Vireo.User.Testing.TestRunner;

static unsafe class DeathTests
{
    private const string ChildArgument = "death";
    private const ulong LockPage = 0x0000_5C00_0000_0000;
    private const int FilesPerChild = 100;
    private const int FileRounds = 11;   // 1,100 ramfs files, against 255 file ids

    public static void Run()
    {
        T.Run("death.reader_killed_then_write_is_broken_pipe", &ReaderKilledBeforeWrite);
        T.Run("death.reader_killed_while_writer_waits", &ReaderKilledWhileWriterWaits);
        T.Run("death.writer_killed_reader_sees_eof", &WriterKilled);
        T.Run("death.writer_killed_holding_the_ring_lock", &WriterKilledHoldingLock);
        T.Run("death.ramfs_files_closed_at_exit_fault_and_kill", &RamfsFilesClosed);
        T.Run("death.chan_listener_closed_at_exit_fault_and_kill", &ChanListenerClosed);
        T.Run("death.deaf_daemon_stalls_no_other_close", &DeafDaemon);
    }

    // --- the child ---------------------------------------------------------------------------

    /// <summary>True when this svctest is a child of these tests: `death hold` sleeps holding its
    /// stdio; `death lock` takes its stdout pipe's ring lock, says "L" on stderr and sleeps;
    /// `death ramfs-exit|ramfs-fault|ramfs-hold` opens FilesPerChild ramfs files, then returns,
    /// faults or sleeps; `death chan-exit|chan-fault|chan-hold` listens on chan:death likewise;
    /// `death bad-file` opens bin/testd's one file and sleeps.
    /// Returns 1 if it could not open what it should.</summary>
    public static bool IsChild(out int code)
    {
        code = 0;
        if (!Args.PositionalIs(0, ChildArgument)) return false;
        code = 1;
        if (Args.PositionalIs(1, "lock"))
        {
            if (SchemeCall.Call(Fd.Stdout.Cap, SchemeOp.Attach, 0, 0, 0, 0, 0, 3, out SchemeReply r) != Status.Ok ||
                Sys.Map(CSpace.SelfAddressSpace, r.Cap0, LockPage, Rights.Read | Rights.Write) != Status.Ok)
                return true;
            PipeRing.Acquire((PipeRingHeader*)LockPage, (int)r.W1);
            // A child: the parent's test sees the "L" or its absence.
            _ = Fs.Write(Fd.Stderr, "L");
            Sleep();
        }
        bool ramfs = Args.PositionalIs(1, "ramfs-exit") || Args.PositionalIs(1, "ramfs-fault") || Args.PositionalIs(1, "ramfs-hold");
        bool chan = Args.PositionalIs(1, "chan-exit") || Args.PositionalIs(1, "chan-fault") || Args.PositionalIs(1, "chan-hold");
        if (ramfs)
            for (int i = 0; i < FilesPerChild; i++)
                if (Open("file:/death-files", OpenFlags.Create | OpenFlags.Read | OpenFlags.Write, Status.NoSpace) != Status.Ok) return true;
        if (chan && Open("chan:death", OpenFlags.Create, Status.Exists) != Status.Ok) return true;
        if (Args.PositionalIs(1, "bad-file"))
        {
            if (Fs.Open("bad:/file", OpenFlags.Read, out _) != Status.Ok) return true;
            Sleep();
        }
        if (Args.PositionalIs(1, "ramfs-fault") || Args.PositionalIs(1, "chan-fault")) *(ulong*)8 = 1;   // a page fault
        if (Args.PositionalIs(1, "hold") || Args.PositionalIs(1, "ramfs-hold") || Args.PositionalIs(1, "chan-hold")) Sleep();
        code = 0;
        return true;
    }

    // The last child's files close asynchronously (a busy daemon takes them a few milliseconds after
    // its death is reported): an Open refused with `busy` is tried again for up to a second.
    private static Status Open(string path, OpenFlags flags, Status busy)
    {
        Status s = Status.Ok;
        for (int tries = 0; tries < 100; tries++)
        {
            s = Fs.Open(path, flags, out _);
            if (s != busy) return s;
            Sys.Sleep(10_000_000);
        }
        return s;
    }

    private static void Sleep()
    {
        while (true) Sys.Sleep(1_000_000_000);
    }

    // --- helpers -----------------------------------------------------------------------------

    // Starts `svctest death MODE` with stdin = stdout = `io` and stderr = `err` (either may be none).
    private static bool Spawn(string mode, Fd io, Fd err, out ulong pid)
    {
        string argv = "initfs:/bin/svctest\0" + ChildArgument + "\0" + mode;
        SchemeCall.Put(argv);
        IpcBuffer* b = SchemeCall.Buffer;
        b->SendCaps[0] = b->SendCaps[1] = io.Cap.Value;
        b->SendCaps[2] = err.IsValid ? err.Cap.Value : io.Cap.Value;
        int caps = io.IsValid ? 3 : 0;
        Status s = SchemeCall.Call(Namespace.Root, SchemeOp.Spawn, (ulong)SpawnFlags.NoRegister, 0, 0, argv.Length, caps, 0, out SchemeReply r);
        pid = r.W0;
        // What was handed over is the child's (a Dup of the test's): keep no copy.
        if (io.IsValid) Fs.Forget(io);
        if (err.IsValid) Fs.Forget(err);
        return T.Status(Status.Ok, s, "spawn svctest death " + mode);
    }

    private static Status Kill(ulong pid) => SchemeCall.Call(Namespace.Root, SchemeOp.Kill, pid, 0, 0, 0, 0, 0, out _);

    private static bool Reap(ulong pid, ThreadExitKind expected)
    {
        bool ok = T.Status(Status.Ok, Children.Wait(pid, out _, out ThreadExitKind kind, out ulong code), "the child ended");
        ok &= T.Equal((long)expected, (long)kind, "as expected (exited, faulted or killed)");
        if (expected == ThreadExitKind.Exited) ok &= T.Equal(0, (long)code, "having opened what it should");
        return ok;
    }

    // A pipe whose ends are both attached (a byte written and read back), so a helper thread can use them.
    private static bool AttachedPipe(out Fd r, out Fd w)
    {
        if (!T.Status(Status.Ok, Fs.Pipe(out r, out w), "a pipe")) return false;
        byte x = (byte)'x';
        return T.True(Fs.Write(w, &x, 1, out _) == Status.Ok && Fs.Read(r, &x, 1, out int n) == Status.Ok && n == 1, "both ends attached");
    }

    // Kills `pid` while helper thread t waits (for bytes, room or the lock); true if t was released.
    private static bool KillWhileWaiting(LocalThread t, ulong pid, string what)
    {
        Sys.Sleep(20_000_000);
        T.Status(Status.Ok, Kill(pid), what);
        return T.True(IpcdTests.Finish(ref t), "the waiting side is released");
    }

    // A read of r waits in the helper thread; the kill of the writer `pid` ends it with end of file.
    private static bool ReadSeesEndOfFile(Fd r, ulong pid, string what)
    {
        return KillWhileWaiting(IpcdTests.StartLater(0, r.Cap, SchemeOp.Read, 16, null), pid, what) &
            T.Status(Status.Ok, IpcdTests.HelperStatus, "with Ok") &
            T.Equal(0, IpcdTests.HelperLength, "and 0 bytes: end of file");
    }

    // --- pipes -------------------------------------------------------------------------------

    private static void ReaderKilledBeforeWrite()
    {
        if (!T.Status(Status.Ok, Fs.Pipe(out Fd r, out Fd w), "a pipe")) return;
        T.Status(Status.Ok, Fs.Dup(r, out Fd child), "dup r");
        if (!Spawn("hold", child, default, out ulong pid)) return;
        T.Status(Status.Ok, Fs.Close(r), "close r");   // the child holds the only reader
        T.Status(Status.Ok, Fs.Write(w, "a"), "a write while the reader lives");
        T.Status(Status.Ok, Kill(pid), "kill the reader");
        Reap(pid, ThreadExitKind.Killed);
        // The close reaches ipcd asynchronously: a write may still go in before it does.
        Status s = Status.Ok;
        for (int tries = 0; tries < 100 && s == Status.Ok; tries++)
        {
            s = Fs.Write(w, "b");
            if (s == Status.Ok) Sys.Sleep(10_000_000);
        }
        T.Status(Status.BrokenPipe, s, "a write: BrokenPipe");
        T.Status(Status.Ok, Fs.Close(w), "close w");
    }

    private static void ReaderKilledWhileWriterWaits()
    {
        if (!AttachedPipe(out Fd r, out Fd w)) return;
        T.Status(Status.Ok, Fs.Dup(r, out Fd child), "dup r");
        if (!Spawn("hold", child, default, out ulong pid)) return;
        T.Status(Status.Ok, Fs.Close(r), "close r");
        byte* fill = stackalloc byte[PipeRing.Capacity];
        T.Status(Status.Ok, Fs.Write(w, fill, PipeRing.Capacity, out _), "fill the pipe");
        KillWhileWaiting(IpcdTests.StartLater(0, w.Cap, SchemeOp.Write, 0, "more"), pid, "kill the reader while the writer waits for room");
        T.Status(Status.BrokenPipe, IpcdTests.HelperStatus, "with BrokenPipe");
        Reap(pid, ThreadExitKind.Killed);
        T.Status(Status.Ok, Fs.Close(w), "close w");
    }

    private static void WriterKilled()
    {
        if (!AttachedPipe(out Fd r, out Fd w)) return;
        T.Status(Status.Ok, Fs.Dup(w, out Fd child), "dup w");
        if (!Spawn("hold", child, default, out ulong pid)) return;
        T.Status(Status.Ok, Fs.Close(w), "close w");   // the child holds the only writer
        ReadSeesEndOfFile(r, pid, "kill the writer while the reader waits");
        Reap(pid, ThreadExitKind.Killed);
        T.Status(Status.Ok, Fs.Close(r), "close r");
    }

    private static void WriterKilledHoldingLock()
    {
        if (!AttachedPipe(out Fd r, out Fd w)) return;
        if (!T.Status(Status.Ok, Fs.Pipe(out Fd said, out Fd say), "a pipe for the child's word")) return;
        T.Status(Status.Ok, Fs.Dup(w, out Fd child), "dup w");
        T.Status(Status.Ok, Fs.Dup(say, out Fd childSay), "dup say");
        if (!Spawn("lock", child, childSay, out ulong pid)) return;
        T.Status(Status.Ok, Fs.Close(w), "close w");
        T.Status(Status.Ok, Fs.Close(say), "close say");
        byte word = 0;
        T.True(Fs.Read(said, &word, 1, out int n) == Status.Ok && n == 1 && word == (byte)'L', "the child holds the ring's lock");
        // Unless the dead child's files were closed, a read of the word pipe would wait for ever.
        if (ReadSeesEndOfFile(r, pid, "kill the writer inside the lock (the reader waits for the lock)"))
        {
            T.Status(Status.Ok, Fs.Read(said, &word, 1, out n), "the word pipe's writer died too");
            T.Equal(0, n, "end of file there as well");
        }
        Reap(pid, ThreadExitKind.Killed);
        T.Status(Status.Ok, Fs.Close(r), "close r");
        T.Status(Status.Ok, Fs.Close(said), "close said");
    }

    // --- open files given back ----------------------------------------------------------------

    // Each round a child opens its files and ends (by returning, a fault, or a kill): the ids come
    // back, or ramfs (255 ids) would refuse a child within three rounds (it gives up after a second).
    private static void RamfsFilesClosed()
    {
        for (int round = 0; round < FileRounds; round++)
            if (!Round("ramfs", round)) return;
        T.Status(Status.Ok, Fs.Open("file:/death-files", OpenFlags.Read, out Fd f), "and the test can still open a file");
        T.Status(Status.Ok, Fs.Close(f), "close f");
        T.Status(Status.Ok, Fs.Unlink("file:/death-files"), "unlink file:/death-files");
    }

    // chan:death is free again only once the dead child's listener is closed.
    private static void ChanListenerClosed()
    {
        for (int round = 0; round < 6; round++)
            if (!Round("chan", round)) return;
        T.Status(Status.Ok, Fs.Open("chan:death", OpenFlags.Create, out Fd listener), "the name is free again");
        T.Status(Status.Ok, Fs.Close(listener), "close listener");
    }

    private static bool Round(string scheme, int round)
    {
        int how = round % 3;
        string mode = scheme + (how == 0 ? "-exit" : how == 1 ? "-fault" : "-hold");
        if (!Spawn(mode, default, default, out ulong pid)) return false;
        if (how == 2)
        {
            // The child sleeps once its files are open; a kill before then would leave fewer open.
            Sys.Sleep(50_000_000);
            T.Status(Status.Ok, Kill(pid), "kill pid");
        }
        return Reap(pid, how == 0 ? ThreadExitKind.Exited : how == 1 ? ThreadExitKind.Faulted : ThreadExitKind.Killed);
    }

    // --- a daemon that never receives ----------------------------------------------------------

    // A dead process's file of a daemon that stopped receiving (bin/testd after "/deaf") cannot be
    // closed; the process manager does not wait for it, and other deaths still close their files.
    private static void DeafDaemon()
    {
        if (!T.Status(Status.Ok, SpawnProgram("initfs:/bin/testd", out ulong daemon), "start bin/testd")) return;
        byte* name = stackalloc byte[3];
        name[0] = (byte)'b'; name[1] = (byte)'a'; name[2] = (byte)'d';
        T.Status(Status.Ok, Namespace.AwaitName(name, 3, daemon, out _), "bad: is registered");
        if (!Spawn("bad-file", default, default, out ulong pid)) return;
        Sys.Sleep(50_000_000);   // it opens its file, then sleeps
        T.Status(Status.NotSupported, Fs.Open("bad:/deaf", OpenFlags.Read, out _), "the daemon answers once more, then never receives");
        T.Status(Status.Ok, Kill(pid), "kill the holder of its file");
        Reap(pid, ThreadExitKind.Killed);
        ReaderKilledBeforeWrite();
        T.Status(Status.Ok, Kill(daemon), "kill the deaf daemon (its file goes with it)");
        Reap(daemon, ThreadExitKind.Killed);
    }

    private static Status SpawnProgram(string path, out ulong pid)
    {
        SchemeCall.Put(path);
        Status s = SchemeCall.Call(Namespace.Root, SchemeOp.Spawn, 0, 0, 0, path.Length, 0, 0, out SchemeReply r);
        pid = r.W0;
        return s;
    }
}
