// Requests that must wait (a read of an empty pipe, a write to a full one, an Accept with no
// connection yet): each is put aside in one of the server's Reply objects, with what is needed to
// finish it later (the count asked for, or the bytes to write: the IPC buffer they came in is
// reused by the next request). Waiters on one queue are served oldest first.
using Vireo.Abi;
using Vireo.User.Schemes;

static unsafe class Waiters
{
    public const byte Reader = 1, Writer = 2, Accepter = 3;
    private const int Max = SchemeServer.MaxDeferred;

    private struct Table
    {
        public fixed int Token[Max];
        public fixed int Owner[Max];
        public fixed byte Kind[Max];     // 0 = free
        public fixed int Count[Max];
        public fixed int Length[Max];
        public fixed ulong Seq[Max];
        public fixed byte Data[Max * SchemeLimits.MaxData];
    }
    private static Table s_t;
    private static ulong s_seq;
    private static int s_waiting;   // entries in use: most requests find none and skip the scan
    private static int s_high;      // entries at or above this index are free: scans stop here

    /// <summary>Puts the current request aside as a `kind` waiter on `owner` (a queue of the
    /// scheme's choosing). False when no Reply object or entry is free: answer now instead.</summary>
    public static bool Park(int owner, byte kind, int count, byte* data, int length)
    {
        for (int i = 0; i < Max; i++)
        {
            if (s_t.Kind[i] != 0) continue;
            if (!Daemon.Server.Defer(out int token)) return false;
            s_t.Token[i] = token;
            s_t.Owner[i] = owner;
            s_t.Kind[i] = kind;
            s_t.Count[i] = count;
            s_t.Length[i] = length;
            s_t.Seq[i] = ++s_seq;
            s_waiting++;
            if (i >= s_high) s_high = i + 1;
            if (length > 0) Daemon.Copy(Data(i), data, length);
            return true;
        }
        return false;
    }

    /// <summary>The oldest `kind` waiter on `owner`, or -1.</summary>
    public static int Oldest(int owner, byte kind)
    {
        int best = -1;
        if (s_waiting == 0) return best;
        for (int i = 0; i < s_high; i++)
            if (s_t.Kind[i] == kind && s_t.Owner[i] == owner && (best < 0 || s_t.Seq[i] < s_t.Seq[best])) best = i;
        return best;
    }

    public static int Count(int i) => s_t.Count[i];
    public static int Length(int i) => s_t.Length[i];

    public static byte* Data(int i)
    {
        fixed (byte* d = s_t.Data) return d + i * SchemeLimits.MaxData;
    }

    /// <summary>Answers waiter i (data, if any, already at SchemeCall.Data) and frees its entry.</summary>
    public static void Answer(int i, Status status, ulong w0 = 0, int dataLength = 0)
    {
        // A waiter that died meanwhile needs no answer.
        _ = Daemon.Server.AnswerLater(s_t.Token[i], status, w0, 0, dataLength: dataLength);
        Free(i);
    }

    /// <summary>Answers waiter i with capabilities and frees its entry.</summary>
    public static Status AnswerWithCaps(int i, Status status, ulong w0, Vireo.Abi.CapHandle* caps, int count)
    {
        Status s = Daemon.Server.AnswerLaterWithCaps(s_t.Token[i], status, w0, caps, count);
        Free(i);
        return s;
    }

    private static void Free(int i)
    {
        s_t.Kind[i] = 0;
        s_waiting--;
        while (s_high > 0 && s_t.Kind[s_high - 1] == 0) s_high--;
    }

    /// <summary>Answers every `kind` waiter on `owner` alike (a closed end releases its waiters).</summary>
    public static void AnswerAll(int owner, byte kind, Status status)
    {
        for (int i = Oldest(owner, kind); i >= 0; i = Oldest(owner, kind)) Answer(i, status);
    }
}
