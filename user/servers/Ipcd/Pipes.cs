// pipe: anonymous byte pipes. Open("pipe:") makes one and answers with two files, the read end and
// the write end. Each pipe has a 4 KiB ring (allocated the first time its table slot is used, then
// kept for the next pipe in that slot). A read of an empty pipe waits while a writer is left; a
// write to a full pipe waits for room (answering 0 taken would make Fs.Write report NoSpace);
// closing the last end of a side releases the other side's waiters (end of file, BrokenPipe).
using Vireo.Abi;
using Vireo.User.Schemes;

static unsafe class Pipes
{
    public const int MaxPipes = 64;
    public const int Capacity = 4096;
    private const byte ReadEnd = 1, WriteEnd = 2;

    private struct Table
    {
        public fixed byte Used[MaxPipes];
        public fixed int Readers[MaxPipes];    // open files per end
        public fixed int Writers[MaxPipes];
        public fixed int Head[MaxPipes];       // ring: first byte and bytes held
        public fixed int Count[MaxPipes];
        public fixed ulong Ring[MaxPipes];     // byte*, null until first used
    }
    private static Table s_t;

    public static void Handle(ref Request r)
    {
        if (!r.IsFile)
        {
            if (r.Op != SchemeOp.Open) Daemon.Server.Answer(Status.NotSupported);
            else if (r.DataLength != 0) Daemon.Server.Answer(Status.NotFound);   // "pipe:" names nothing
            else Open();
            return;
        }
        uint id = (uint)r.FileId;
        byte end = Daemon.Tag(id);   // the file's tag is its end
        if (end == 0)
        {
            Daemon.Server.Answer(Status.BadDescriptor);
            return;
        }
        int p = Daemon.Object(id);
        switch (r.Op)
        {
            case SchemeOp.Read:
                if (end != ReadEnd) Daemon.Server.Answer(Status.BadDescriptor);
                else Read(p, r.W0 > SchemeLimits.MaxData ? SchemeLimits.MaxData : (int)r.W0);
                break;
            case SchemeOp.Write:
                if (end != WriteEnd) Daemon.Server.Answer(Status.BadDescriptor);
                else Write(p, r.Data, r.DataLength);
                break;
            case SchemeOp.Dup:
                if (Daemon.Dup(id, FileKind.Pipe))
                {
                    if (end == ReadEnd) s_t.Readers[p]++;
                    else s_t.Writers[p]++;
                }
                break;
            case SchemeOp.Close:
                Close(id, p, end);
                Daemon.Server.Answer(Status.Ok);
                break;
            case SchemeOp.Fstat:
                Daemon.Server.Answer(Status.Ok, (ulong)s_t.Count[p], (ulong)FileKind.Pipe);
                break;
            case SchemeOp.Fsync:
                Daemon.Server.Answer(Status.Ok);
                break;
            case SchemeOp.Watch:
                Daemon.Watch(ref r, id, Ready(id));
                break;
            default:
                Daemon.Server.Answer(Status.NotSupported);
                break;
        }
    }

    /// <summary>What file `id` (an end) is ready for: the read end is Readable with bytes buffered,
    /// Readable and Hangup with no writer left (end of file); the write end Writable with room and
    /// no earlier writer waiting, Writable and Hangup with no reader left (BrokenPipe at once).</summary>
    public static Readiness Ready(uint id)
    {
        int p = Daemon.Object(id);
        if (Daemon.Tag(id) == ReadEnd)
            return s_t.Writers[p] == 0 ? Readiness.Readable | Readiness.Hangup :
                s_t.Count[p] > 0 ? Readiness.Readable : Readiness.None;
        return s_t.Readers[p] == 0 ? Readiness.Writable | Readiness.Hangup :
            s_t.Count[p] < Capacity && Waiters.Oldest(p, Waiters.Writer) < 0 ? Readiness.Writable : Readiness.None;
    }

    private static void Open()
    {
        int p = -1;
        for (int i = 0; i < MaxPipes && p < 0; i++) if (s_t.Used[i] == 0) p = i;
        if (p < 0 || !EnsureRing(p))
        {
            Daemon.Server.Answer(Status.NoSpace);
            return;
        }
        CapHandle* caps = stackalloc CapHandle[2];
        uint readId = Daemon.NewFile(ReadEnd, p, out caps[0]);
        uint writeId = readId == 0 ? 0 : Daemon.NewFile(WriteEnd, p, out caps[1]);
        if (writeId == 0)
        {
            Forget(readId, writeId);
            Daemon.Server.Answer(Status.NoSpace);
            return;
        }
        s_t.Used[p] = 1;
        s_t.Readers[p] = 1;
        s_t.Writers[p] = 1;
        s_t.Head[p] = 0;
        s_t.Count[p] = 0;
        // The caller must have named two landing slots (Fs.Pipe); otherwise it gets BadReply and
        // the pipe is gone again.
        if (Daemon.Server.AnswerWithCaps(Status.Ok, (ulong)FileKind.Pipe, caps, 2) != Status.Ok)
        {
            Forget(readId, writeId);
            s_t.Used[p] = 0;
        }
    }

    private static void Forget(uint readId, uint writeId)
    {
        if (readId != 0) Daemon.Forget(readId);
        if (writeId != 0) Daemon.Forget(writeId);
    }

    private static bool EnsureRing(int p)
    {
        if (s_t.Ring[p] == 0) s_t.Ring[p] = (ulong)Internal.Runtime.Heap.Allocate(Capacity);
        return s_t.Ring[p] != 0;
    }

    // The last file of a side releases every waiter: its own (whose handle is gone) with
    // BadDescriptor, the other side's with BrokenPipe (writers) or end of file (readers).
    private static void Close(uint id, int p, byte end)
    {
        Daemon.Forget(id);
        if (end == ReadEnd && --s_t.Readers[p] == 0)
        {
            Waiters.AnswerAll(p, Waiters.Reader, Status.BadDescriptor);
            Waiters.AnswerAll(p, Waiters.Writer, Status.BrokenPipe);
        }
        if (end == WriteEnd && --s_t.Writers[p] == 0)
        {
            Waiters.AnswerAll(p, Waiters.Writer, Status.BadDescriptor);
            Waiters.AnswerAll(p, Waiters.Reader, Status.Ok);
        }
        if (s_t.Readers[p] == 0 && s_t.Writers[p] == 0) s_t.Used[p] = 0;
    }

    private static void Read(int p, int count)
    {
        if (s_t.Count[p] == 0 && s_t.Writers[p] > 0 && count > 0)
        {
            if (!Waiters.Park(p, Waiters.Reader, count, null, 0)) Daemon.Server.Answer(Status.WouldBlock);
            return;
        }
        int n = Take(p, SchemeCall.Data, count);
        Daemon.Server.Answer(Status.Ok, 0, 0, 0, n);
        // Room was made: let waiting writers in, oldest first.
        for (int w = Waiters.Oldest(p, Waiters.Writer); w >= 0 && s_t.Count[p] < Capacity; w = Waiters.Oldest(p, Waiters.Writer))
            Waiters.Answer(w, Status.Ok, (ulong)Put(p, Waiters.Data(w), Waiters.Length(w)));
    }

    private static void Write(int p, byte* data, int length)
    {
        if (s_t.Readers[p] == 0)
        {
            Daemon.Server.Answer(Status.BrokenPipe);
            return;
        }
        // Full, or earlier writers still waiting (their bytes go first): wait for room.
        if (length > 0 && (s_t.Count[p] == Capacity || Waiters.Oldest(p, Waiters.Writer) >= 0))
        {
            if (!Waiters.Park(p, Waiters.Writer, 0, data, length)) Daemon.Server.Answer(Status.WouldBlock);
            return;
        }
        int n = Put(p, data, length);
        Daemon.Server.Answer(Status.Ok, (ulong)n);
        // The answer carries no data, so SchemeCall.Data is free for the readers' bytes.
        for (int w = Waiters.Oldest(p, Waiters.Reader); w >= 0 && s_t.Count[p] > 0; w = Waiters.Oldest(p, Waiters.Reader))
        {
            int got = Take(p, SchemeCall.Data, Waiters.Count(w));
            Waiters.Answer(w, Status.Ok, 0, got);
        }
    }

    // Copies up to `length` bytes into the ring (at most two runs: up to the end, then from the
    // start); returns how many fit.
    private static int Put(int p, byte* data, int length)
    {
        byte* ring = (byte*)s_t.Ring[p];
        int n = length < Capacity - s_t.Count[p] ? length : Capacity - s_t.Count[p];
        int tail = (s_t.Head[p] + s_t.Count[p]) % Capacity;
        int first = n < Capacity - tail ? n : Capacity - tail;
        Daemon.Copy(ring + tail, data, first);
        Daemon.Copy(ring, data + first, n - first);
        s_t.Count[p] += n;
        return n;
    }

    // Moves up to `count` bytes out of the ring; returns how many there were.
    private static int Take(int p, byte* into, int count)
    {
        byte* ring = (byte*)s_t.Ring[p];
        int n = count < s_t.Count[p] ? count : s_t.Count[p];
        int head = s_t.Head[p];
        int first = n < Capacity - head ? n : Capacity - head;
        Daemon.Copy(into, ring + head, first);
        Daemon.Copy(into + first, ring, n - first);
        s_t.Head[p] = (head + n) % Capacity;
        s_t.Count[p] -= n;
        return n;
    }
}
