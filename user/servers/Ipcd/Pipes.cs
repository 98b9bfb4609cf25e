// pipe: anonymous byte pipes. Open("pipe:") makes one and answers with two files, the read end and
// the write end. The bytes never pass through this daemon: each pipe is a shared page (a ring of
// PipeRing.Capacity bytes under a small header) and two notifications, data and room, which a
// process gets copies of by attaching an end (SchemeOp.Attach); a Read or Write request is answered
// SharedRing, which makes the scheme library attach and use the page (PipeEnds). What stays here is
// what holders may not decide for themselves: how many files each end has (the header's copy is for
// reading), end of file and BrokenPipe when a side's last file closes (a signal wakes the other
// side's waiters), and watches (holders report changes with SchemeOp.Changed while one is pending).
//
// A pipe's page and notifications are made the first time its table slot is used and kept for the
// next pipe in that slot (objects freed out of order would fragment this daemon's memory). When a
// pipe's last file closes, every copy handed out is revoked (which unmaps the page wherever it was
// attached), so no former holder can see or signal the next pipe in the slot.
using System;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;

static unsafe class Pipes
{
    public const int MaxPipes = 64;
    /// <summary>Where this daemon maps pipe p's page: Base + p pages.</summary>
    private const ulong Base = 0x0000_0000_7100_0000;

    private struct Table
    {
        public fixed byte Used[MaxPipes];
        public fixed int Readers[MaxPipes];    // open files per end (the truth; the header has a copy)
        public fixed int Writers[MaxPipes];
        public fixed ulong Frame[MaxPipes];    // the originals of what holders get copies of (0: not made yet)
        public fixed ulong Data[MaxPipes];
        public fixed ulong Room[MaxPipes];
    }
    private static Table s_t;

    private static PipeRingHeader* Page(int p) => (PipeRingHeader*)(Base + (ulong)p * 4096);

    public static void OnPath(ref Request r)
    {
        if (r.Op != SchemeOp.Open) return;
        if (r.DataLength != 0) Daemon.Server.Answer(Status.NotFound);   // "pipe:" names nothing
        else Open();
    }

    // A file's tag is its end, its object the pipe.
    public static void OnFile(ref Request r, uint id, byte end, int p)
    {
        switch (r.Op)
        {
            case SchemeOp.Read:
                Daemon.Server.Answer(end == PipeRing.ReadEnd ? Status.SharedRing : Status.BadDescriptor);
                break;
            case SchemeOp.Write:
                Daemon.Server.Answer(end == PipeRing.WriteEnd ? Status.SharedRing : Status.BadDescriptor);
                break;
            case SchemeOp.Attach:
                Attach(id, p, end);
                break;
            case SchemeOp.Changed:   // the watches are checked after every request
            case SchemeOp.Fsync:
                Daemon.Server.Answer(Status.Ok);
                break;
            case SchemeOp.Watch:
                // Holders report changes from now on, before readiness is looked at: a change made
                // after that look reaches the daemon as a Changed request.
                Page(p)->Watched = 1;
                Daemon.Watch(ref r, id, Ready(id));
                break;
        }
    }

    public static FileKind Stat(int p, out ulong size)
    {
        size = (ulong)PipeRing.Held(Page(p));
        return FileKind.Pipe;
    }

    /// <summary>One more file on an end (an Open's, a Dup's).</summary>
    public static void Opened(byte end, int p)
    {
        if (end == PipeRing.ReadEnd) s_t.Readers[p]++;
        else s_t.Writers[p]++;
        Publish(p);
    }

    /// <summary>What file `id` (an end) is ready for: the read end is Readable with bytes held,
    /// Readable and Hangup with no writer left (end of file); the write end Writable with room and
    /// no writer waiting, Writable and Hangup with no reader left (BrokenPipe at once).</summary>
    public static Readiness Ready(uint id)
    {
        int p = Daemon.Files[id].Object;
        PipeRingHeader* h = Page(p);
        if (Daemon.Files[id].Tag == PipeRing.ReadEnd)
            return s_t.Writers[p] == 0 ? Readiness.Readable | Readiness.Hangup :
                PipeRing.Held(h) > 0 ? Readiness.Readable : Readiness.None;
        return s_t.Readers[p] == 0 ? Readiness.Writable | Readiness.Hangup :
            PipeRing.Held(h) < PipeRing.Capacity && h->WriterWaiters <= 0 ? Readiness.Writable : Readiness.None;
    }

    /// <summary>After the watches were checked: holders report changes only on pipes that still have
    /// one. A page's flag is written only when it changes, so a watched pipe never reads 0 in between
    /// (a holder preempting the daemon then would not report its change).</summary>
    public static void PublishWatches()
    {
        if (s_flagged == 0 && Daemon.Watches.High == 0) return;   // no watch now, none flagged before
        int flagged = 0;
        for (int p = 0; p < MaxPipes; p++)
        {
            if (s_t.Used[p] == 0) continue;
            int watched = 0;
            for (int e = 0; e < Daemon.Watches.High && watched == 0; e++)
            {
                uint id = Daemon.Watches.FileAt(e);
                if (id != 0 && Daemon.Files[id].Object == p) watched = 1;
            }
            if (Page(p)->Watched != watched) Page(p)->Watched = watched;
            flagged += watched;
        }
        s_flagged = flagged;
    }

    private static int s_flagged;   // pipes whose page says Watched

    private static void Open()
    {
        int p = -1;
        for (int i = 0; i < MaxPipes && p < 0; i++) if (s_t.Used[i] == 0) p = i;
        if (p < 0 || !Prepare(p))
        {
            Daemon.Server.Answer(Status.NoSpace);
            return;
        }
        // Each file counts itself on its end (Opened); the pipe goes with the last (Closed).
        s_t.Used[p] = 1;
        s_t.Readers[p] = 0;
        s_t.Writers[p] = 0;
        CapHandle* caps = stackalloc CapHandle[2];
        uint readId = Daemon.NewFile(PipeRing.ReadEnd, p, out caps[0]);
        uint writeId = readId == 0 ? 0 : Daemon.NewFile(PipeRing.WriteEnd, p, out caps[1]);
        // The caller must have named two landing slots (Fs.Pipe); otherwise it gets BadReply and
        // the pipe is gone again.
        if (writeId == 0 || Daemon.Server.AnswerWithCaps(Status.Ok, (ulong)FileKind.Pipe, caps, 2) != Status.Ok)
        {
            if (writeId == 0) Daemon.Server.Answer(Status.NoSpace);
            if (readId != 0) Daemon.Close(readId);
            if (writeId != 0) Daemon.Close(writeId);
            if (s_t.Used[p] != 0) Free(p);   // no file was made (else the last Close freed it)
        }
    }

    // Makes slot p's page and notifications the first time, and clears what the last pipe left.
    private static bool Prepare(int p)
    {
        if (s_t.Frame[p] == 0)
        {
            if (CSpace.Make(ObjectType.Frame, 12, out CapHandle frame) != Status.Ok) return false;
            if (Sys.Map(CSpace.SelfAddressSpace, frame, (ulong)Page(p), Rights.Read | Rights.Write) != Status.Ok ||
                CSpace.Make(ObjectType.Notification, 0, out CapHandle data) != Status.Ok)
            {
                CSpace.Release(frame);
                return false;
            }
            if (CSpace.Make(ObjectType.Notification, 0, out CapHandle room) != Status.Ok)
            {
                CSpace.Release(data);
                CSpace.Release(frame);
                return false;
            }
            s_t.Frame[p] = frame.Value;
            s_t.Data[p] = data.Value;
            s_t.Room[p] = room.Value;
            return true;   // a new frame is zeroed, new notifications hold no signal
        }
        new Span<byte>(Page(p), 4096).Clear();
        // Clears a stale signal: WouldBlock when there was none.
        _ = Ipc.Poll(new CapHandle(s_t.Data[p]), out _);
        _ = Ipc.Poll(new CapHandle(s_t.Room[p]), out _);
        return true;
    }

    // Answers an Attach: copies of the page and both notifications, which end the file is, and the
    // token the holder takes the lock with (the file's id: Closed breaks a lock its file's holder held).
    private static void Attach(uint id, int p, byte end)
    {
        CapHandle* caps = stackalloc CapHandle[3];
        caps[0] = new CapHandle(s_t.Frame[p]);
        caps[1] = new CapHandle(s_t.Data[p]);
        caps[2] = new CapHandle(s_t.Room[p]);
        // A client that died meanwhile needs no answer; its file is closed for it.
        _ = Daemon.Server.AnswerWithCaps(Status.Ok, end, id, caps, 3);
    }

    private static void Publish(int p)
    {
        Page(p)->Readers = s_t.Readers[p];
        Page(p)->Writers = s_t.Writers[p];
    }

    // The last file of a side wakes the other side's waiters (one signal; each woken waiter passes it
    // on): readers see end of file, writers BrokenPipe. The last file of the pipe frees it. A file
    // closed while its holder held the ring's lock (a holder killed inside; the process manager
    // closes a dead process's files) frees the lock and wakes both sides, whose waiters look again.
    public static void Closed(uint id, byte end, int p)
    {
        if (PipeRing.Break(Page(p), (int)id))
        {
            Wake(s_t.Room[p]);
            Wake(s_t.Data[p]);
        }
        bool lastReader = end == PipeRing.ReadEnd && --s_t.Readers[p] == 0;
        bool lastWriter = end == PipeRing.WriteEnd && --s_t.Writers[p] == 0;
        Publish(p);
        if (lastReader) Wake(s_t.Room[p]);
        if (lastWriter) Wake(s_t.Data[p]);
        if (s_t.Readers[p] == 0 && s_t.Writers[p] == 0) Free(p);
    }

    // ipcd holds the pipe's notifications until Free: signalling them cannot fail.
    private static void Wake(ulong notification) => _ = Ipc.Signal(new CapHandle(notification), 1);

    private static void Free(int p)
    {
        // ipcd's own capabilities: revoking their copies cannot fail.
        _ = Sys.Revoke(new CapHandle(s_t.Frame[p]));
        _ = Sys.Revoke(new CapHandle(s_t.Data[p]));
        _ = Sys.Revoke(new CapHandle(s_t.Room[p]));
        s_t.Used[p] = 0;
    }
}
