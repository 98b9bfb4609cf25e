// Open file descriptions: what an Open makes and every Dup of it shares, here the position (POSIX:
// a dup'd descriptor, in this process or a child, moves the same offset). The position lives in the
// daemon until a handle of the description maps the file (FileMap): from then on it lives in a page
// of its own that every mapping holder shares read-write, so reads and seeks in the client move it
// without a request, and the daemon's own Read, Write, Seek and Getdents use the same word. The
// page is the clients' to spoil: the daemon treats the position as any number a client could send.
using Vireo.Abi;

static unsafe class Descriptions
{
    private const int Max = Program.MaxHandles;   // one per handle at most: taking one never fails

    private struct Store
    {
        public fixed ulong Position[Max];
        public fixed uint Page[Max];      // the shared position page, 0 until mapped
        public fixed ushort Refs[Max];    // handles on it
        public fixed ushort Free[Max];
    }
    private static Store s_d;
    private static int s_freeCount = -1;   // -1: not made yet

    /// <summary>A new description at position 0, held once.</summary>
    public static ushort Take()
    {
        if (s_freeCount < 0)
        {
            s_freeCount = 0;
            for (int d = Max - 1; d >= 1; d--) s_d.Free[s_freeCount++] = (ushort)d;
        }
        ushort id = s_d.Free[--s_freeCount];
        s_d.Position[id] = 0;
        s_d.Page[id] = 0;
        s_d.Refs[id] = 1;
        return id;
    }

    public static void Hold(ushort d) => s_d.Refs[d]++;

    /// <summary>One handle fewer; the last frees the page and the id.</summary>
    public static void Drop(ushort d)
    {
        if (--s_d.Refs[d] != 0) return;
        if (s_d.Page[d] != 0)
        {
            Pages.Free(s_d.Page[d]);
            s_d.Page[d] = 0;
        }
        s_d.Free[s_freeCount++] = d;
    }

    /// <summary>The description's position, wherever it lives now.</summary>
    public static ulong* Position(ushort d)
    {
        uint page = s_d.Page[d];
        if (page != 0) return (ulong*)Pages.Address(page);
        fixed (ulong* p = s_d.Position) return p + d;   // a static in .bss: it never moves
    }

    /// <summary>The shared page, made now (holding the position) if there is none; NoSpace without pages.</summary>
    public static Status SharedPage(ushort d, out uint page)
    {
        page = s_d.Page[d];
        if (page != 0) return Status.Ok;
        if (Pages.Alloc(out page) != Status.Ok) return Status.NoSpace;
        *(ulong*)Pages.Address(page) = s_d.Position[d];
        s_d.Page[d] = page;
        Pages.Shared(page);
        return Status.Ok;
    }
}
