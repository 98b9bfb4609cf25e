// In-guest tests of waiting on many descriptors (SchemeOp.Watch, Events.WaitAny): the daemons of
// pipe:, chan: and tty: signal a notification this process owns when a watched file becomes ready.
// Most checks look at the notification with Poll (never blocking); the one that must wait has a
// helper thread (IpcdTests') write after a delay.
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;
using T = Vireo.User.Testing.TestRunner;

static unsafe class EventTests
{
    private static CapHandle s_note;   // the tests' own notification (every right: we Poll it)

    public static void Run()
    {
        _ = CSpace.Make(ObjectType.Notification, 0, out s_note);   // 0 when it failed: each test checks
        T.Run("event.pipe_watch_signals_when_written", &PipeWatch);
        T.Run("event.wait_any", &WaitAny);
        T.Run("event.pipe_hangup_and_room", &PipeHangupAndRoom);
        T.Run("event.cancel_and_close_forget_the_watch", &CancelAndClose);
        T.Run("event.chan_listener_and_ends", &Chan);
        T.Run("event.tty_watch", &Tty);
        T.Run("event.bad_watches", &BadWatches);
    }

    // Two pipes, nothing written: both watches answer None and nothing is signalled; a write into
    // the second signals its bit only; asked again, the second says Readable at once.
    private static void PipeWatch()
    {
        if (!T.True(s_note.Value != 0, "a notification to watch with")) return;
        Fd* e = stackalloc Fd[4];
        if (!TwoPipes(e)) return;
        Fd r1 = e[0], w1 = e[1], r2 = e[2], w2 = e[3];
        Drain();
        T.Status(Status.Ok, Fs.Watch(r1, Readiness.Readable, 1, s_note, out Readiness ready), "watch the first read end");
        T.Equal(0, (long)ready, "an empty pipe is not ready");
        T.Status(Status.Ok, Fs.Watch(r2, Readiness.Readable, 2, s_note, out ready), "watch the second");
        T.Equal(0, (long)ready, "nor is the second");
        T.Equal(0, (long)Pending(), "nothing signalled yet");
        T.Status(Status.Ok, Fs.Write(w2, "x"), "write into the second pipe");
        T.Equal(2, (long)Pending(), "the write signalled the second watch's bit, only it");
        T.Status(Status.Ok, Fs.Watch(r2, Readiness.Readable, 2, s_note, out ready), "watch the second again");
        T.Equal((long)Readiness.Readable, (long)ready, "it is Readable now: no need to wait");
        T.Status(Status.Ok, Fs.Write(w2, "y"), "another write into the second");
        T.Equal(0, (long)Pending(), "a watch answered ready at once was not kept");
        T.Status(Status.Ok, Fs.Write(w1, "z"), "write into the first");
        T.Equal(1, (long)Pending(), "the first watch was still armed and fires");
        CloseAll(e);
    }

    // Nothing is ready when WaitAny starts; a helper thread writes into the second pipe 20 ms later.
    // Then the second is ready at once, and an empty pipe's write end put first wins over it.
    private static void WaitAny()
    {
        Fd* e = stackalloc Fd[4];
        Fd* fds = stackalloc Fd[2];
        Readiness* wanted = stackalloc Readiness[2];
        if (!ReadEnds(e, fds, wanted)) return;
        T.True(IpcdTests.Attached(e[3]), "attach the second write end (the helper writes through its page)");
        LocalThread t = IpcdTests.StartLater(20_000_000, e[3].Cap, SchemeOp.Write, 0, "late");
        ExpectWaitAny(fds, wanted, 1, Readiness.Readable, "WaitAny wakes for the second pipe, Readable");
        T.True(IpcdTests.Finish(ref t), "the helper's write is done");
        T.Status(Status.Ok, IpcdTests.HelperStatus, "and went through");
        T.Status(Status.Ok, Fs.Fstat(e[2], out ulong buffered, out _), "fstat");
        T.Equal(4, (long)buffered, "its bytes wait in the second pipe");
        ExpectWaitAny(fds, wanted, 1, Readiness.Readable, "again: it returns at once, the second is still Readable");
        fds[0] = e[1];
        wanted[0] = Readiness.Writable;
        ExpectWaitAny(fds, wanted, 0, Readiness.Writable, "an empty pipe's write end first: the lowest ready index wins");
        T.Status(Status.InvalidArgument, Events.WaitAny(fds, wanted, 0, out _, out _), "no descriptors");
        T.Status(Status.InvalidArgument, Events.WaitAny(fds, wanted, Events.Max + 1, out _, out _), "more than 64");
        CloseAll(e);
    }

    private static void PipeHangupAndRoom()
    {
        if (!T.Status(Status.Ok, Fs.Pipe(out Fd r, out Fd w), "pipe")) return;
        Drain();
        T.Status(Status.Ok, Fs.Watch(r, Readiness.Readable, 4, s_note, out Readiness ready), "watch the read end");
        T.Status(Status.Ok, Fs.Close(w), "close the only writer");
        T.Equal(4, (long)Pending(), "the close signals the read end's watch");
        T.Status(Status.Ok, Fs.Watch(r, Readiness.Readable, 4, s_note, out ready), "watch it again");
        T.Equal((long)(Readiness.Readable | Readiness.Hangup), (long)ready, "Readable (end of file) and Hangup");
        T.Status(Status.Ok, Fs.Close(r), "close r");

        if (!T.Status(Status.Ok, Fs.Pipe(out r, out w), "a second pipe")) return;
        byte* block = stackalloc byte[1024];
        for (int left = PipeRing.Capacity; left > 0; left -= 1024)   // full, nobody waits
            T.Status(Status.Ok, Fs.Write(w, block, left < 1024 ? left : 1024, out _), "write w");
        T.Status(Status.Ok, Fs.Watch(w, Readiness.Writable, 8, s_note, out ready), "watch a full pipe's write end");
        T.Equal(0, (long)ready, "no room");
        T.Status(Status.Ok, Fs.Read(r, block, 16, out _), "read r");
        T.Equal(8, (long)Pending(), "a read makes room and signals");
        T.Status(Status.Ok, Fs.Watch(w, Readiness.Writable, 8, s_note, out ready), "watch it again");
        T.Equal((long)Readiness.Writable, (long)ready, "Writable");
        T.Status(Status.Ok, Fs.Close(r), "close the reader");
        T.Status(Status.Ok, Fs.Watch(w, Readiness.Readable, 8, s_note, out ready), "watch the write end for nothing it can be");
        T.Equal((long)Readiness.Hangup, (long)ready, "Hangup counts though not asked for");
        T.Status(Status.Ok, Fs.Close(w), "close w");
    }

    private static void CancelAndClose()
    {
        if (!T.Status(Status.Ok, Fs.Pipe(out Fd r, out Fd w), "pipe")) return;
        byte* one = stackalloc byte[1];
        Drain();
        T.Status(Status.Ok, Fs.Watch(r, Readiness.Readable, 16, s_note, out _), "watch r");
        T.Status(Status.Ok, Fs.Watch(r, Readiness.None, 0, default, out Readiness ready), "cancel");
        T.Equal(0, (long)ready, "cancel says what is ready: nothing");
        T.Status(Status.Ok, Fs.Write(w, "a"), "write w");
        T.Equal(0, (long)Pending(), "a cancelled watch does not fire");
        T.Status(Status.Ok, Fs.Read(r, one, 1, out _), "read r");
        T.Status(Status.Ok, Fs.Watch(r, Readiness.Readable, 16, s_note, out _), "watch r");
        T.Status(Status.Ok, Fs.Watch(r, Readiness.Readable, 32, s_note, out _), "watch r");
        T.Status(Status.Ok, Fs.Write(w, "b"), "write w");
        T.Equal(32, (long)Pending(), "a second watch on a file replaces the first");
        T.Status(Status.Ok, Fs.Read(r, one, 1, out _), "read r");
        T.Status(Status.Ok, Fs.Watch(r, Readiness.Readable, 16, s_note, out _), "watch once more");
        T.Status(Status.Ok, Fs.Close(r), "close the watched file");
        T.Equal(0, (long)Pending(), "closing it does not signal");
        T.Status(Status.BrokenPipe, Fs.Write(w, "c"), "the pipe is broken");
        T.Status(Status.Ok, Fs.Close(w), "close w");
        T.Equal(0, (long)Pending(), "its watch is gone with the file: the writer's close (a hangup) does not fire it");
    }

    private static void Chan()
    {
        if (!T.Status(Status.Ok, Fs.Open("chan:t.event", OpenFlags.Create, out Fd listener), "listen")) return;
        Drain();
        T.Status(Status.Ok, Fs.Watch(listener, Readiness.Readable, 1, s_note, out Readiness ready), "watch the listener");
        T.Equal(0, (long)ready, "nobody connects yet");
        T.Status(Status.Ok, Fs.Open("chan:t.event", OpenFlags.Read | OpenFlags.Write, out Fd client), "connect");
        T.Equal(1, (long)Pending(), "a connection signals the listener's watch");
        T.Status(Status.Ok, Fs.Watch(listener, Readiness.Readable, 1, s_note, out ready), "watch it again");
        T.Equal((long)Readiness.Readable, (long)ready, "Readable: Accept would not wait");
        T.Status(Status.Ok, Fs.Accept(listener, out Fd server), "accept");
        T.Status(Status.Ok, Fs.Watch(server, Readiness.Readable, 2, s_note, out ready), "watch the server end");
        T.Equal(0, (long)ready, "no message yet");
        T.Status(Status.Ok, Fs.Watch(client, Readiness.Writable, 4, s_note, out ready), "watch the client end for room");
        T.Equal((long)Readiness.Writable, (long)ready, "an empty queue has room");
        T.Status(Status.Ok, Fs.Write(client, "m"), "the client sends");
        T.Equal(2, (long)Pending(), "the server end's watch fires");
        T.Status(Status.Ok, Fs.Watch(client, Readiness.Readable, 8, s_note, out ready), "watch the client end");
        T.Equal(0, (long)ready, "nothing queued to it");
        T.Status(Status.Ok, Fs.Close(server), "the server closes");
        T.Equal(8, (long)Pending(), "the peer's close signals");
        T.Status(Status.Ok, Fs.Watch(client, Readiness.Readable, 8, s_note, out ready), "watch it again");
        T.Equal((long)(Readiness.Readable | Readiness.Hangup), (long)ready, "Readable and Hangup");
        T.Status(Status.Ok, Fs.Close(client), "close client");
        T.Status(Status.Ok, Fs.Close(listener), "close listener");
    }

    // ttyd: a write never waits; whether a line is queued depends on what was typed, so Readable is
    // only asked about, and the watch cancelled.
    private static void Tty()
    {
        if (!T.Status(Status.Ok, Fs.Open("tty:", OpenFlags.Read | OpenFlags.Write, out Fd tty), "open tty:")) return;
        T.Status(Status.Ok, Fs.Watch(tty, Readiness.Writable, 1, s_note, out Readiness ready), "watch for Writable");
        T.Equal((long)Readiness.Writable, (long)ready, "always Writable");
        T.Status(Status.Ok, Fs.Watch(tty, Readiness.Readable, 1, s_note, out ready), "watch for Readable");
        T.True((ready & ~Readiness.Readable) == 0, "only what was asked for is reported");
        T.Status(Status.Ok, Fs.Watch(tty, Readiness.None, 0, default, out _), "cancel");
        T.Status(Status.InvalidArgument, Fs.Watch(tty, Readiness.Readable, 1, default, out _), "no notification");
        T.Status(Status.Ok, Fs.Close(tty), "close tty");
    }

    private static void BadWatches()
    {
        if (!T.Status(Status.Ok, Fs.Pipe(out Fd r, out Fd w), "pipe")) return;
        T.Status(Status.InvalidArgument, Fs.Watch(r, Readiness.Readable, 1, default, out _), "no notification sent");
        T.Status(Status.InvalidArgument, Fs.Watch(r, Readiness.Readable, 1, w.Cap, out _), "a file capability is no notification");
        T.Status(Status.InvalidArgument, Fs.Watch(r, Readiness.Readable, 0, s_note, out _), "no bits to signal");
        T.Status(Status.InvalidArgument, Fs.Watch(r, (Readiness)8, 1, s_note, out _), "an unknown event");
        if (T.Status(Status.Ok, Fs.Open("initfs:/etc/test.rc", OpenFlags.Read, out Fd file), "open an initfs: file"))
        {
            T.Status(Status.NotSupported, Fs.Watch(file, Readiness.Readable, 1, s_note, out _), "initfs: has no watches");
            T.Status(Status.Ok, Fs.Close(file), "close file");
        }
        Fd* fds = stackalloc Fd[2];
        Readiness* wanted = stackalloc Readiness[2];
        fds[0] = r;
        wanted[0] = Readiness.Readable;
        T.Status(Status.Ok, Fs.Open("null:", OpenFlags.Read, out fds[1]), "open null:");
        wanted[1] = Readiness.Readable;
        T.Status(Status.NotSupported, Events.WaitAny(fds, wanted, 2, out int index, out _), "WaitAny over a null: file");
        T.Equal(1, index, "names the descriptor that cannot be watched");
        T.Status(Status.Ok, Fs.Close(fds[1]), "close");
        T.Status(Status.Ok, Fs.Close(r), "close r");
        T.Status(Status.Ok, Fs.Close(w), "close w");
    }

    // --- helpers -------------------------------------------------------------------------------

    // Two pipes: e[0], e[1] the first's read and write ends, e[2], e[3] the second's.
    private static bool TwoPipes(Fd* e) =>
        T.Status(Status.Ok, Fs.Pipe(out e[0], out e[1]), "first pipe") &&
        T.Status(Status.Ok, Fs.Pipe(out e[2], out e[3]), "second pipe");

    // TwoPipes, and their read ends in fds, both wanted Readable.
    private static bool ReadEnds(Fd* e, Fd* fds, Readiness* wanted)
    {
        if (!TwoPipes(e)) return false;
        fds[0] = e[0];
        fds[1] = e[2];
        wanted[0] = wanted[1] = Readiness.Readable;
        return true;
    }

    private static void ExpectWaitAny(Fd* fds, Readiness* wanted, int index, Readiness ready, string why)
    {
        T.Status(Status.Ok, Events.WaitAny(fds, wanted, 2, out int got, out Readiness what), why);
        T.Equal(index, got, "the index WaitAny returns");
        T.Equal((long)ready, (long)what, "what that descriptor is ready for");
    }

    private static void CloseAll(Fd* e)
    {
        for (int i = 0; i < 4; i++) T.Status(Status.Ok, Fs.Close(e[i]), "close");
    }

    // The bits signalled since the last look (0 if none), taken.
    private static ulong Pending() => Ipc.Poll(s_note, out ulong bits) == Status.Ok ? bits : 0;

    private static void Drain() => Pending();
}
