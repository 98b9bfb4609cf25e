// The root scheme: the table of registered scheme names and the daemons' endpoints. A daemon
// registers by sending its endpoint (Register, with the register right on its Namespace
// capability); a client's Lookup gets a capability to that endpoint minted with the client's
// identity as badge, so the daemon knows who calls. Names are unique; a daemon's names go when it
// ends, and its endpoint (made from its own memory) dies with it, failing every pending call.
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

    public static void Init()
    {
        // The array stays referenced from a static: the collector frees what nothing references, and
        // it never moves objects, so the pointer into it stays valid.
        s_table = new byte[MaxSchemes * sizeof(Entry)];
        fixed (byte* p = s_table) s_entries = (Entry*)p;
    }

    public static Status Register(ulong owner, byte* name, int length, CapHandle endpoint)
    {
        if (length <= 0) return Status.InvalidArgument;
        if (length > SchemeLimits.MaxName) return Status.NameTooLong;
        for (int i = 0; i < length; i++)
            if (name[i] == (byte)':' || name[i] == (byte)'/' || name[i] <= (byte)' ') return Status.InvalidArgument;
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
