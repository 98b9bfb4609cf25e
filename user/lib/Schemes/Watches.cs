// The daemon side of SchemeOp.Watch (docs/design/schemes.md, "Waiting on many descriptors"): a
// fixed table of one-shot watches, one per file at most. A Watch request brings a notification
// capability (Write); the daemon keeps it with the bits to signal and the events wanted, and after
// every change of state calls Check, which signals and forgets each watch whose file is now ready.
// Only the daemon knows when its files become ready, so this is all it needs: the waiting happens
// in the client, on its own notification (Events.WaitAny). Nothing is allocated.
using Vireo.Abi;

namespace Vireo.User.Schemes;

public unsafe struct WatchTable
{
    public const int Max = 128;

    private fixed uint _file[Max];       // file id; 0 = a free entry
    private fixed ulong _cap[Max];       // the notification capability the request brought
    private fixed ulong _bits[Max];
    private fixed ulong _events[Max];    // wanted, with Hangup
    private int _count;                  // entries in use: most requests find none and skip the scan
    private int _high;                   // entries at or above this index are free

    /// <summary>Entries at or above this index are free (for walks with FileAt).</summary>
    public int High => _high;
    /// <summary>The file entry e watches (0: a free entry).</summary>
    public uint FileAt(int e) => (uint)e < Max ? _file[e] : 0;

    /// <summary>Answers a Watch request on file `id` whose readiness is `now`. w0 = 0 cancels the
    /// file's watch. Otherwise the request must bring one notification capability with Write and
    /// name non-zero bits (InvalidArgument); the file's earlier watch is replaced. Answers Ok with
    /// w0 = what is ready now (Hangup always counts): if that is not 0, the caller need not wait and
    /// no watch is kept; else the watch is kept (NoSpace when the table is full).</summary>
    public void Handle(ref SchemeServer server, ref Request r, uint id, Readiness now)
    {
        var wanted = (Readiness)r.W0;
        Forget(id);
        if (wanted == Readiness.None)
        {
            server.Answer(Status.Ok, (ulong)now);
            return;
        }
        if ((wanted & ~Readiness.All) != 0 || r.W1 == 0 || r.Caps != 1 || !IsNotification(r.Cap0))
        {
            server.Answer(Status.InvalidArgument);
            return;
        }
        wanted |= Readiness.Hangup;
        if ((now & wanted) != 0)
        {
            server.Answer(Status.Ok, (ulong)(now & wanted));
            return;
        }
        int e = 0;
        while (e < Max && _file[e] != 0) e++;
        if (e == Max)
        {
            server.Answer(Status.NoSpace);
            return;
        }
        _file[e] = id;
        _cap[e] = server.Claim(0).Value;
        _bits[e] = r.W1;
        _events[e] = (ulong)wanted;
        _count++;
        if (e >= _high) _high = e + 1;
        server.Answer(Status.Ok, 0);
    }

    /// <summary>Signals and forgets every watch whose file is ready for what it wants, as `ready`
    /// (file id -> readiness) says. Call it after anything that can make a file ready.</summary>
    public void Check(delegate*<uint, Readiness> ready)
    {
        if (_count == 0) return;
        for (int e = 0; e < _high; e++)
        {
            if (_file[e] == 0 || ((ulong)ready(_file[e]) & _events[e]) == 0) continue;
            // A client that died took its notification along: the signal fails, the entry goes.
            _ = Ipc.Signal(new CapHandle(_cap[e]), _bits[e]);
            Free(e);
        }
    }

    /// <summary>Cancels file id's watch (the file closed, or a new watch replaces it).</summary>
    public void Forget(uint id)
    {
        if (_count == 0) return;
        for (int e = 0; e < _high; e++)
            if (_file[e] == id)
            {
                Free(e);
                return;
            }
    }

    private void Free(int e)
    {
        CSpace.Release(new CapHandle(_cap[e]));
        _file[e] = 0;
        _count--;
        while (_high > 0 && _file[_high - 1] == 0) _high--;
    }

    private static bool IsNotification(CapHandle cap) =>
        Sys.Identify(cap, out ObjectType type, out Rights rights, out _, out _) == Status.Ok &&
        type == ObjectType.Notification && (rights & Rights.Write) != 0;
}
