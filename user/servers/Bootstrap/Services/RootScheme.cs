// The root scheme: the table of registered scheme names and the daemons' endpoints. A daemon
// registers by sending its endpoint (Register, with the register right on its Namespace
// capability); a client's Lookup gets a capability to that endpoint minted with the client's
// identity as badge, so the daemon knows who calls. Names are unique; a daemon's names go when it
// ends, and its endpoint (made from its own memory) dies with it, failing every pending call.
// AwaitName callers (init, after starting a daemon; a shell whose console restarts) wait here, put
// aside, until the name is registered, the daemon meant to register it ends, or their bound passes:
// the waiter table says who waits for what.
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;

static unsafe class RootScheme
{
    private const int MaxSchemes = 32;
    private struct Entry
    {
        public ulong Endpoint;     // handle in the bootstrap's CNode; 0 = free
        public ulong Owner;        // pid of the daemon
        public int Length;
        public fixed byte Name[SchemeLimits.MaxName];
    }
    private static Entry* s_entries;
    private static byte[] s_table;

    /// <summary>Waiter entries at start; the table doubles when full (each waiter holds a Reply object
    /// of the manager's pool, taken when its request came: that is where a wait is refused).</summary>
    public const int FirstWaiters = 16;
    private struct Waiter
    {
        public ulong Reply;        // the Reply object the request waits in; 0 = free entry
        public ulong Caller;       // pid of the waiter (its badge on the answer's capability)
        public ulong Daemon;       // pid of the process meant to register the name, 0 = any
        public ulong Deadline;     // TimeNanos after which it is answered WouldBlock; 0 = none
        public int Length;
        public fixed byte Name[SchemeLimits.MaxName];
    }
    private static Waiter* s_waiters;
    private static byte[] s_waiterTable;
    private static int s_waiterCapacity;
    private static int s_bounded;   // waiters with a deadline: none, and NextDeadline looks at nothing

    public static void Init()
    {
        // The array stays referenced from a static: the collector frees what nothing references, and
        // it never moves objects, so the pointer into it stays valid.
        s_table = new byte[MaxSchemes * sizeof(Entry)];
        fixed (byte* p = s_table) s_entries = (Entry*)p;
        s_waiterCapacity = FirstWaiters;
        s_waiterTable = new byte[s_waiterCapacity * sizeof(Waiter)];
        fixed (byte* p = s_waiterTable) s_waiters = (Waiter*)p;
    }

    /// <summary>Ok for a name a daemon may register: 1..31 bytes, no ':', '/', space or control
    /// characters.</summary>
    public static Status CheckName(byte* name, int length)
    {
        if (length <= 0) return Status.InvalidArgument;
        if (length > SchemeLimits.MaxName) return Status.NameTooLong;
        for (int i = 0; i < length; i++)
            if (name[i] == (byte)':' || name[i] == (byte)'/' || name[i] <= (byte)' ') return Status.InvalidArgument;
        return Status.Ok;
    }

    public static Status Register(ulong owner, byte* name, int length, CapHandle endpoint)
    {
        Status valid = CheckName(name, length);
        if (valid != Status.Ok) return valid;
        if (Find(name, length) >= 0) return Status.Exists;
        for (int i = 0; i < MaxSchemes; i++)
        {
            Entry* e = &s_entries[i];
            if (e->Endpoint != 0) continue;
            e->Endpoint = endpoint.Value;
            e->Owner = owner;
            e->Length = length;
            for (int k = 0; k < length; k++) e->Name[k] = name[k];
            return Status.Ok;
        }
        return Status.NoSpace;
    }

    public static Status Lookup(byte* name, int length, out CapHandle endpoint)
    {
        endpoint = default;
        if (length > SchemeLimits.MaxName) return Status.NameTooLong;
        int i = Find(name, length);
        if (i < 0) return Status.NotFound;
        endpoint = new CapHandle(s_entries[i].Endpoint);
        return Status.Ok;
    }

    /// <summary>The pid of the process that registered `name`, or 0.</summary>
    public static ulong Owner(byte* name, int length)
    {
        int i = Find(name, length);
        return i < 0 ? 0 : s_entries[i].Owner;
    }

    /// <summary>The first used entry at or after index: its name goes to SchemeCall.Data.</summary>
    public static Status List(ulong index, out int length, out ulong next)
    {
        length = 0;
        next = 0;
        for (ulong i = index; i < MaxSchemes; i++)
        {
            Entry* e = &s_entries[i];
            if (e->Endpoint == 0) continue;
            for (int k = 0; k < e->Length; k++) SchemeCall.Data[k] = e->Name[k];
            length = e->Length;
            next = i + 1;
            return Status.Ok;
        }
        return Status.NotFound;
    }

    /// <summary>A process ended: the names it registered go (its endpoint is dead already).</summary>
    public static void Forget(ulong owner)
    {
        for (int i = 0; i < MaxSchemes; i++)
        {
            Entry* e = &s_entries[i];
            if (e->Endpoint == 0 || e->Owner != owner) continue;
            CSpace.Release(new CapHandle(e->Endpoint));
            e->Endpoint = 0;
        }
    }

    /// <summary>Keeps an AwaitName put aside in `reply` until `name` is registered, `daemon` (0: any
    /// process) ends, or `deadline` (0: none) passes. The table grows when full.</summary>
    public static void AddWaiter(ulong reply, ulong caller, ulong daemon, ulong deadline, byte* name, int length)
    {
        int i = 0;
        while (i < s_waiterCapacity && s_waiters[i].Reply != 0) i++;
        if (i == s_waiterCapacity)
        {
            var bigger = new byte[2 * s_waiterCapacity * sizeof(Waiter)];
            fixed (byte* to = bigger) System.Buffer.MemoryCopy(s_waiters, to, bigger.Length, s_waiterCapacity * sizeof(Waiter));
            s_waiterTable = bigger;
            fixed (byte* p = s_waiterTable) s_waiters = (Waiter*)p;
            s_waiterCapacity *= 2;
        }
        Waiter* w = &s_waiters[i];
        w->Reply = reply;
        w->Caller = caller;
        w->Daemon = daemon;
        w->Deadline = deadline;
        if (deadline != 0) s_bounded++;
        w->Length = length;
        for (int k = 0; k < length; k++) w->Name[k] = name[k];
    }

    /// <summary>Takes one waiter that is done: one waiting for `name` (when name is not null), or
    /// one whose daemon or who itself is process `ended` (when it is not 0). False when none is left.</summary>
    public static bool TakeWaiter(byte* name, int length, ulong ended, out ulong reply, out ulong caller)
    {
        for (int i = 0; i < s_waiterCapacity; i++)
        {
            Waiter* w = &s_waiters[i];
            if (w->Reply == 0) continue;
            bool named = name != null && w->Length == length && Ascii.Equals(w->Name, name, length);
            if (!named && (ended == 0 || (w->Daemon != ended && w->Caller != ended))) continue;
            return Take(w, out reply, out caller);
        }
        reply = caller = 0;
        return false;
    }

    /// <summary>Takes one waiter whose deadline is `now` or earlier; false when none is left.</summary>
    public static bool TakeExpired(ulong now, out ulong reply)
    {
        for (int i = 0; i < s_waiterCapacity; i++)
        {
            Waiter* w = &s_waiters[i];
            if (w->Reply != 0 && w->Deadline != 0 && w->Deadline <= now) return Take(w, out reply, out _);
        }
        reply = 0;
        return false;
    }

    /// <summary>The earliest deadline of a waiter, 0 when none has one.</summary>
    public static ulong NextDeadline()
    {
        ulong next = 0;
        for (int i = 0; s_bounded > 0 && i < s_waiterCapacity; i++)
        {
            Waiter* w = &s_waiters[i];
            if (w->Reply != 0 && w->Deadline != 0 && (next == 0 || w->Deadline < next)) next = w->Deadline;
        }
        return next;
    }

    private static bool Take(Waiter* w, out ulong reply, out ulong caller)
    {
        reply = w->Reply;
        caller = w->Caller;
        w->Reply = 0;
        if (w->Deadline != 0) s_bounded--;
        return true;
    }

    private static int Find(byte* name, int length)
    {
        for (int i = 0; i < MaxSchemes; i++)
        {
            Entry* e = &s_entries[i];
            if (e->Endpoint != 0 && e->Length == length && Ascii.Equals(e->Name, name, length)) return i;
        }
        return -1;
    }
}
