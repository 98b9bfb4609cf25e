// chan:NAME — message channels between a listener and the processes that connect to it.
// Open("chan:NAME", Create) listens (Exists if NAME is taken); Open("chan:NAME") connects (NotFound
// if nobody listens) and answers at once with the client end, queueing the connection for the
// listener's Accept, which answers with the server end (waiting if none is queued). Each end
// receives into its own bounded queue of whole messages, so boundaries are kept; a queue is
// numbered q = connection * 2 + end (0 client, 1 server) and its peer is q ^ 1. Message bytes live
// in a pool of 512-byte slots, allocated a page at a time the first time they are needed.
using Vireo.Abi;
using Vireo.User.Schemes;

static unsafe class Channels
{
    public const int MaxListeners = 16;
    public const int Backlog = 8;
    public const int MaxConnections = 32;
    public const int QueueDepth = 16;
    public const int MaxMessages = 256;
    private const int SlotBytes = 512, SlotsPerChunk = 4096 / SlotBytes;
    private const int Queues = MaxConnections * 2;
    private const byte ListenerFile = 1, EndFile = 2;

    private struct Table
    {
        public fixed byte ListenerUsed[MaxListeners];
        public fixed int ListenerRefs[MaxListeners];
        public fixed byte Names[MaxListeners * Daemon.NameBytes];
        public fixed short Pending[MaxListeners * Backlog];  // connections not yet accepted (ring)
        public fixed int PendingHead[MaxListeners];
        public fixed int PendingCount[MaxListeners];

        public fixed byte ConnectionUsed[MaxConnections];
        public fixed int Refs[Queues];                       // open files of each end (1 for an end not yet accepted)
        public fixed short Queue[Queues * QueueDepth];       // message slots received by each end (ring)
        public fixed int QueueHead[Queues];
        public fixed int QueueCount[Queues];

        public fixed byte SlotUsed[MaxMessages];
        public fixed short SlotLength[MaxMessages];
        public fixed ulong Chunk[MaxMessages / SlotsPerChunk];
    }
    private static Table s_t;

    public static void OnPath(ref Request r)
    {
        if (r.Op == SchemeOp.Open) Open(r.Data, r.DataLength, (OpenFlags)r.W0);
    }

    // A file's tag is ListenerFile (its object: the listener) or EndFile (its object: its queue).
    public static void OnFile(ref Request r, uint id, byte kind, int o)
    {
        switch (r.Op)
        {
            case SchemeOp.Accept when kind == ListenerFile:
                Accept(o);
                break;
            case SchemeOp.Read when kind == EndFile:
                Read(o, r.W0 > SchemeLimits.MaxData ? SchemeLimits.MaxData : (int)r.W0);
                break;
            case SchemeOp.Write when kind == EndFile:
                Write(o, r.Data, r.DataLength);
                break;
            case SchemeOp.Watch:
                Daemon.Watch(ref r, id, Ready(id));
                break;
        }
    }

    public static FileKind Stat(byte kind, int o, out ulong size)
    {
        size = (ulong)(kind == ListenerFile ? s_t.PendingCount[o] : s_t.QueueCount[o]);
        return FileKind.Channel;
    }

    /// <summary>One more file on a listener or an end.</summary>
    public static void Opened(byte kind, int o)
    {
        if (kind == ListenerFile) s_t.ListenerRefs[o]++;
        else s_t.Refs[o]++;
    }

    /// <summary>What file `id` is ready for: a listener is Readable with a connection waiting for
    /// Accept; an end Readable with a message queued to it, Writable while the peer's queue has room
    /// and no earlier writer waits, and Readable, Writable and Hangup once the peer is closed (end
    /// of file, BrokenPipe at once).</summary>
    public static Readiness Ready(uint id)
    {
        int o = Daemon.Files[id].Object;
        if (Daemon.Files[id].Tag == ListenerFile) return s_t.PendingCount[o] > 0 ? Readiness.Readable : Readiness.None;
        int peer = o ^ 1;
        if (s_t.Refs[peer] == 0) return Readiness.Readable | Readiness.Writable | Readiness.Hangup;
        Readiness r = s_t.QueueCount[o] > 0 ? Readiness.Readable : Readiness.None;
        if (s_t.QueueCount[peer] < QueueDepth && Waiters.Oldest(peer, Waiters.Writer) < 0) r |= Readiness.Writable;
        return r;
    }

    // --- listening and connecting -------------------------------------------------------------

    private static void Open(byte* name, int length, OpenFlags flags)
    {
        if (!Daemon.CheckName(name, length)) return;
        int l = FindListener(name, length);
        if ((flags & OpenFlags.Create) != 0)
        {
            if (l >= 0) Daemon.Server.Answer(Status.Exists);
            else Listen(name, length);
        }
        else
        {
            if (l < 0) Daemon.Server.Answer(Status.NotFound);
            else Connect(l);
        }
    }

    private static void Listen(byte* name, int length)
    {
        int l = -1;
        for (int i = 0; i < MaxListeners && l < 0; i++) if (s_t.ListenerUsed[i] == 0) l = i;
        if (l >= 0)
        {
            s_t.ListenerUsed[l] = 1;
            s_t.ListenerRefs[l] = 0;   // each file counts itself (Opened)
            s_t.PendingHead[l] = 0;
            s_t.PendingCount[l] = 0;
            Daemon.SetName(Name(l), name, length);
        }
        if (l < 0)
        {
            Daemon.Server.Answer(Status.NoSpace);
            return;
        }
        uint id = Daemon.OpenFile(ListenerFile, l, out CapHandle file);
        if (id == 0) CloseListener(l);
        else Daemon.SendFile(id, file, FileKind.Channel);
    }

    private static void Connect(int l)
    {
        int c = -1;
        for (int i = 0; i < MaxConnections && c < 0; i++) if (s_t.ConnectionUsed[i] == 0) c = i;
        int accepter = Waiters.Oldest(l, Waiters.Accepter);
        // Full even with an accepter waiting: if the hand-over fails the connection is queued.
        if (c < 0 || s_t.PendingCount[l] == Backlog)
        {
            Daemon.Server.Answer(Status.NoSpace);
            return;
        }
        // The client end counts its files (Opened); the server end counts 1 for the connection's
        // place in the backlog until an Accept's file takes it over.
        s_t.Refs[c * 2] = 0;
        s_t.Refs[c * 2 + 1] = 1;
        s_t.QueueCount[c * 2] = s_t.QueueCount[c * 2 + 1] = 0;
        uint client = Daemon.OpenFile(EndFile, c * 2, out CapHandle clientFile);
        if (client == 0) return;
        s_t.ConnectionUsed[c] = 1;
        if (accepter < 0 || !HandOver(c, accepter)) PushPending(l, c);
        Daemon.SendFile(client, clientFile, FileKind.Channel);
    }

    private static void Accept(int l)
    {
        if (s_t.PendingCount[l] == 0)
        {
            if (!Waiters.Park(l, Waiters.Accepter, 0, null, 0)) Daemon.Server.Answer(Status.WouldBlock);
            return;
        }
        int c = s_t.Pending[l * Backlog + s_t.PendingHead[l]];
        uint id = Daemon.OpenFile(EndFile, c * 2 + 1, out CapHandle file);
        if (id == 0) return;   // it stays queued for the next Accept
        s_t.Refs[c * 2 + 1]--;   // the backlog's count passes to the file
        s_t.PendingHead[l] = (s_t.PendingHead[l] + 1) % Backlog;
        s_t.PendingCount[l]--;
        Daemon.SendFile(id, file, FileKind.Channel);
    }

    // Gives the server end of connection c to a waiting Accept; false if it could not (then the
    // connection is queued instead).
    private static bool HandOver(int c, int accepter)
    {
        uint id = Daemon.NewFile(EndFile, c * 2 + 1, out CapHandle file);
        if (id == 0) return false;
        if (Waiters.AnswerWithCaps(accepter, Status.Ok, (ulong)FileKind.Channel, &file, 1) == Status.Ok)
        {
            s_t.Refs[c * 2 + 1]--;   // the backlog's count passes to the file
            return true;
        }
        Daemon.Close(id);
        return false;
    }

    private static void PushPending(int l, int c)
    {
        s_t.Pending[l * Backlog + (s_t.PendingHead[l] + s_t.PendingCount[l]) % Backlog] = (short)c;
        s_t.PendingCount[l]++;
    }

    // --- messages ---------------------------------------------------------------------------

    private static void Write(int q, byte* data, int length)
    {
        int to = q ^ 1;
        if (length <= 0) Daemon.Server.Answer(Status.InvalidArgument);   // 0 bytes would read as end of file
        else if (s_t.Refs[to] == 0) Daemon.Server.Answer(Status.BrokenPipe);
        else if (s_t.QueueCount[to] == QueueDepth || Waiters.Oldest(to, Waiters.Writer) >= 0)
        {
            if (!Waiters.Park(to, Waiters.Writer, 0, data, length)) Daemon.Server.Answer(Status.WouldBlock);
        }
        else if (!Enqueue(to, data, length)) Daemon.Server.Answer(Status.NoSpace);
        else
        {
            Daemon.Server.Answer(Status.Ok, (ulong)length);
            // The answer carries no data, so SchemeCall.Data is free for a waiting reader's message.
            for (int w = Waiters.Oldest(to, Waiters.Reader); w >= 0 && s_t.QueueCount[to] > 0; w = Waiters.Oldest(to, Waiters.Reader))
                Deliver(to, w);
        }
    }

    private static void Read(int q, int count)
    {
        if (s_t.QueueCount[q] == 0)
        {
            if (s_t.Refs[q ^ 1] == 0) Daemon.Server.Answer(Status.Ok);   // peer gone: end of file
            else if (!Waiters.Park(q, Waiters.Reader, count, null, 0)) Daemon.Server.Answer(Status.WouldBlock);
            return;
        }
        int slot = s_t.Queue[q * QueueDepth + s_t.QueueHead[q]];
        int length = s_t.SlotLength[slot];
        if (length > count)
        {
            Daemon.Server.Answer(Status.OutOfRange, (ulong)length);   // too small to take it whole: it stays
            return;
        }
        Dequeue(q, SchemeCall.Data);
        Daemon.Server.Answer(Status.Ok, 0, 0, 0, length);
        // Room was made: waiting writers' messages go in, oldest first.
        for (int w = Waiters.Oldest(q, Waiters.Writer); w >= 0 && s_t.QueueCount[q] < QueueDepth; w = Waiters.Oldest(q, Waiters.Writer))
        {
            int n = Waiters.Length(w);
            Waiters.Answer(w, Enqueue(q, Waiters.Data(w), n) ? Status.Ok : Status.NoSpace, (ulong)n);
        }
    }

    // Answers waiting reader w with the oldest message of queue q.
    private static void Deliver(int q, int w)
    {
        int length = s_t.SlotLength[s_t.Queue[q * QueueDepth + s_t.QueueHead[q]]];
        if (length > Waiters.Count(w))
        {
            Waiters.Answer(w, Status.OutOfRange, (ulong)length);
            return;
        }
        Dequeue(q, SchemeCall.Data);
        Waiters.Answer(w, Status.Ok, 0, length);
    }

    private static bool Enqueue(int q, byte* data, int length)
    {
        int slot = -1;
        for (int i = 0; i < MaxMessages && slot < 0; i++) if (s_t.SlotUsed[i] == 0) slot = i;
        if (slot < 0) return false;
        int chunk = slot / SlotsPerChunk;
        if (s_t.Chunk[chunk] == 0) s_t.Chunk[chunk] = (ulong)Internal.Runtime.Heap.Allocate(4096);
        if (s_t.Chunk[chunk] == 0) return false;
        s_t.SlotUsed[slot] = 1;
        s_t.SlotLength[slot] = (short)length;
        Daemon.Copy(Slot(slot), data, length);
        s_t.Queue[q * QueueDepth + (s_t.QueueHead[q] + s_t.QueueCount[q]) % QueueDepth] = (short)slot;
        s_t.QueueCount[q]++;
        return true;
    }

    // Moves the oldest message of q to `into` (null: drops it).
    private static void Dequeue(int q, byte* into)
    {
        int slot = s_t.Queue[q * QueueDepth + s_t.QueueHead[q]];
        if (into != null) Daemon.Copy(into, Slot(slot), s_t.SlotLength[slot]);
        s_t.SlotUsed[slot] = 0;
        s_t.QueueHead[q] = (s_t.QueueHead[q] + 1) % QueueDepth;
        s_t.QueueCount[q]--;
    }

    private static byte* Slot(int slot) => (byte*)s_t.Chunk[slot / SlotsPerChunk] + slot % SlotsPerChunk * SlotBytes;

    // --- closing --------------------------------------------------------------------------------

    /// <summary>A file went: the last of a listener closes it, the last of an end ends it.</summary>
    public static void Closed(byte kind, int o)
    {
        if (kind == ListenerFile && --s_t.ListenerRefs[o] == 0) CloseListener(o);
        if (kind == EndFile && --s_t.Refs[o] == 0) EndClosed(o);
    }

    // The name goes; connections nobody accepted lose their server end; waiting Accepts (through
    // handles now closed) are released.
    private static void CloseListener(int l)
    {
        s_t.ListenerUsed[l] = 0;
        Name(l)[0] = 0;
        Waiters.AnswerAll(l, Waiters.Accepter, Status.BadDescriptor);
        while (s_t.PendingCount[l] > 0)
        {
            int c = s_t.Pending[l * Backlog + s_t.PendingHead[l]];
            s_t.PendingHead[l] = (s_t.PendingHead[l] + 1) % Backlog;
            s_t.PendingCount[l]--;
            s_t.Refs[c * 2 + 1] = 0;
            EndClosed(c * 2 + 1);
        }
    }

    // The last file of end q is gone: its waiters get BadDescriptor, writers to it BrokenPipe, its
    // peer's readers end of file; the connection goes when both ends have.
    private static void EndClosed(int q)
    {
        int peer = q ^ 1;
        Waiters.AnswerAll(q, Waiters.Reader, Status.BadDescriptor);
        Waiters.AnswerAll(peer, Waiters.Writer, Status.BadDescriptor);
        Waiters.AnswerAll(q, Waiters.Writer, Status.BrokenPipe);
        Waiters.AnswerAll(peer, Waiters.Reader, Status.Ok);
        while (s_t.QueueCount[q] > 0) Dequeue(q, null);
        if (s_t.Refs[peer] != 0) return;
        while (s_t.QueueCount[peer] > 0) Dequeue(peer, null);
        s_t.ConnectionUsed[q / 2] = 0;
    }

    private static int FindListener(byte* name, int length) => Daemon.FindName(Name(0), MaxListeners, name, length);

    private static byte* Name(int l)
    {
        fixed (byte* n = s_t.Names) return n + l * Daemon.NameBytes;
    }
}
