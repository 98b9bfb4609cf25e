// Open file descriptions of a file daemon (ramfs, diskfs): what an Open makes and every Dup of it shares, here the position (POSIX:
// a dup'd descriptor, in this process or a child, moves the same offset). The position lives in the
// daemon until a handle of the description maps the file (FileMap): from then on it lives in a page
// of its own that every mapping holder shares read-write, so reads and seeks in the client move it
// without a request, and the daemon's own Read, Write, Seek and Getdents use the same word. The
// page is the clients' to spoil: the daemon treats the position as any number a client could send.
using System.Runtime.CompilerServices;
using Vireo.Abi;

namespace Vireo.User.Schemes;

public static unsafe class OpenDescriptions
{
    private struct Description
    {
        public ulong Position;
        public uint Page;    // the shared position page, 0 until mapped
        public uint Refs;    // handles on it
    }

    // Grown as handles are (bounded by memory only, as the handles are); id 0 is never used. Entries
    // never move while an array lives (the collector does not move objects), so the hot paths (every
    // Open, Close and Read) go through the arrays' addresses, without a bounds check per access; the
    // arrays themselves keep them alive. A pointer from Position is used only within the request that
    // asked for it, before any Take can grow the table.
    private static Description[] s_d;
    private static uint[] s_free;
    private static Description* s_base;
    private static uint* s_freeBase;
    private static int s_freeCount;

    /// <summary>A new description at position 0, held once. Take, Hold and Drop are inlined: every
    /// Open and Close of a file daemon runs them (scheme_open_close); growing and freeing a shared
    /// page stay out of line.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Take()
    {
        if (s_freeCount == 0) Grow();
        uint id = s_freeBase[--s_freeCount];
        Description* d = s_base + id;
        d->Position = 0;
        d->Page = 0;
        d->Refs = 1;
        return id;
    }

    // Like a daemon's handle table, the heap's limit is the bound (docs/design/ramfs.md).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Grow()
    {
        int old = s_d == null ? 1 : s_d.Length;   // the first table starts its ids at 1
        int size = old * 2 < 256 ? 256 : old * 2;
        var d = new Description[size];
        var free = new uint[size];
        if (s_d != null) for (int i = 0; i < old; i++) d[i] = s_d[i];
        for (int i = size - 1; i >= old; i--) free[s_freeCount++] = (uint)i;
        s_d = d;
        s_free = free;
        fixed (Description* p = d) s_base = p;
        fixed (uint* p = free) s_freeBase = p;
    }

    /// <summary>The bytes the table's next doubling takes (Room.cs).</summary>
    public static ulong GrowthBytes => (ulong)(s_d == null ? 256 : s_d.Length * 2) * (ulong)(sizeof(Description) + sizeof(uint));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Hold(uint d) => s_base[d].Refs++;

    /// <summary>One handle fewer; the last frees the page and the id.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Drop(uint id)
    {
        if (id == 0) return;
        Description* d = s_base + id;
        if (--d->Refs != 0) return;
        if (d->Page != 0) FreePage(d);
        s_freeBase[s_freeCount++] = id;
    }

    // Only descriptions whose handles mapped the file have a page: out of Drop's usual way.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FreePage(Description* d)
    {
        DataPages.Free(d->Page);
        d->Page = 0;
    }

    /// <summary>The description's position, wherever it lives now.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static ulong* Position(uint id)
    {
        Description* d = s_base + id;
        return d->Page != 0 ? (ulong*)DataPages.Address(d->Page) : &d->Position;
    }

    /// <summary>The shared page, made now (holding the position) if there is none; NoSpace without pages.</summary>
    public static Status SharedPage(uint id, out uint page)
    {
        Description* d = s_base + id;
        page = d->Page;
        if (page != 0) return Status.Ok;
        if (DataPages.Alloc(out page) != Status.Ok) return Status.NoSpace;
        *(ulong*)DataPages.Address(page) = d->Position;
        d->Page = page;
        DataPages.Shared(page);
        return Status.Ok;
    }
}
