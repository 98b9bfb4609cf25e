// Mapped file data for file: (docs/adr/0012-mapped-file-data.md; the shared code is the library's
// FileMapServer and FileMapBytes). Per node: the header page readers map (size and sequence counter,
// made at the first FileMap, freed when no handle maps the node any more) and the number of handles
// that were given any of its pages. While that number is not 0 no data page of the node is freed:
// a shrinking truncate zeroes the pages past the end instead (FileData.Truncate), and they are freed
// (their handed-out copies revoked) once the last mapping handle closes (Trim). Per handle: whether it
// maps (counted once) and its transfer page for FileWrite.
using Vireo.Abi;
using Vireo.User.Schemes;

static unsafe class Mapping
{
    /// <summary>The node's header page, or null while nobody maps it.</summary>
    public static FileMapHeader* Header(Node* n)
    {
        uint page = n->MapHeader;
        return page == 0 ? null : (FileMapHeader*)Pages.Address(page);
    }

    /// <summary>True while some open handle was given pages of the node: none may be freed.</summary>
    public static bool Pinned(Node* n) => n->Maps != 0;

    /// <summary>A pinned truncate kept pages past the end: Trim them with the last mapping handle.</summary>
    public static void KeptPages(Node* n) => n->KeptPages = true;

    // The handle counts as mapping its node from now on (once).
    private static void Pin(Handle* h)
    {
        if (h->Mapped != 0) return;
        h->Mapped = 1;
        Tree.Get(h->Node)->Maps++;
    }

    /// <summary>Fmap to run a program: the handle counts as running its node until it closes, unless
    /// the node is open for writing (false: Occupied, Linux's ETXTBSY). While it runs nobody may open
    /// the node for writing (PathOps), so its pages, the program's text, do not change (ADR 0013).</summary>
    public static bool Runs(Handle* h, Node* n)
    {
        if (h->Runs != 0) return true;
        if (n->Writers != 0) return false;
        h->Runs = 1;
        n->Runs++;
        return true;
    }

    /// <summary>Closed: a mapping handle's count goes, and with the last its node's header and the
    /// pages kept past the end; the handle's transfer page goes.</summary>
    public static void Unmapped(ref Handle h)
    {
        if (h.Mapped == 0 && h.Transfer == 0) return;   // most handles never map: Close stays as cheap as before
        Pages.Free(h.Transfer);
        h.Transfer = 0;
        if (h.Mapped == 0) return;
        h.Mapped = 0;
        Node* n = Tree.Get(h.Node);
        if (--n->Maps != 0) return;
        Pages.Free(n->MapHeader);
        n->MapHeader = 0;
        if (!n->KeptPages) return;
        n->KeptPages = false;
        FileData.Trim(n);
    }

    /// <summary>FileMap: the header (made now if needed), the description's position page and, if
    /// asked for, the handle's transfer page.</summary>
    public static void Map(Handle* h, Node* n, bool transfer)
    {
        Status s = Status.Ok;
        if (n->IsDirectory) s = Status.IsDirectory;
        else if (transfer) s = MakeTransfer(h);
        if (s != Status.Ok)
        {
            Program.Server.Answer(s);
            return;
        }
        uint header = n->MapHeader;
        if (header == 0)
        {
            if (Pages.Alloc(out header) != Status.Ok)
            {
                Program.Server.Answer(Status.NoSpace);
                return;
            }
            Pages.Shared(header);
            ((FileMapHeader*)Pages.Address(header))->Size = n->Size;
            n->MapHeader = header;
        }
        Pin(h);   // the header is freed with the last mapping handle, so this one counts from now on
        if (Descriptions.SharedPage(h->Desc, out uint position) != Status.Ok)
        {
            Program.Server.Answer(Status.NoSpace);
            return;
        }
        FileMapServer.AnswerMap(ref Program.Server, Pages.Frame(header), Pages.Frame(position),
            transfer ? Pages.Frame(h->Transfer) : default);
    }

    /// <summary>FilePages (readers' window; holes answered with the zero page) and Fmap (`fmap`:
    /// holes inside the size get pages of their own, pages past the size are OutOfRange).</summary>
    public static void Give(Handle* h, Node* n, ulong first, ulong count, bool fmap)
    {
        Status s = Status.Ok;
        if (n->IsDirectory) s = Status.IsDirectory;
        else if ((h->Flags & OpenFlags.Read) == 0) s = Status.InsufficientRights;
        else if (!FileMapServer.ValidRange(first, count)) s = Status.InvalidArgument;
        else if (fmap && (first + count) * Pages.Size > n->Size + Pages.Size - 1) s = Status.OutOfRange;
        uint zero = s == Status.Ok ? Pages.ZeroPage() : 0;
        if (s == Status.Ok && zero == 0) s = Status.NoSpace;
        if (s != Status.Ok)
        {
            Program.Server.Answer(s);
            return;
        }
        Pin(h);
        CapHandle* frames = stackalloc CapHandle[3];
        uint data = 0;
        for (int i = 0; i < (int)count; i++)
        {
            ulong index = first + (ulong)i;
            uint page = index < (ulong)FileData.PerIndex ? FileData.PageAt(n, index) : 0;
            if (page == 0 && fmap)
            {
                s = FileData.MakePage(n, index, out page);
                if (s != Status.Ok)
                {
                    Program.Server.Answer(s);
                    return;
                }
            }
            if (page != 0)
            {
                data |= 1u << i;
                Pages.Shared(page);
            }
            frames[i] = Pages.Frame(page != 0 ? page : zero);
        }
        FileMapServer.AnswerPages(ref Program.Server, frames, (int)count, data, fmap && (h->Flags & OpenFlags.Write) != 0);
    }

    /// <summary>FileTransfer: the handle's transfer page (made now). Needs Write.</summary>
    public static void Transfer(Handle* h, Node* n)
    {
        Status s = n->IsDirectory ? Status.IsDirectory : MakeTransfer(h);
        if (s != Status.Ok) Program.Server.Answer(s);
        else FileMapServer.AnswerTransfer(ref Program.Server, Pages.Frame(h->Transfer));
    }

    private static Status MakeTransfer(Handle* h)
    {
        if ((h->Flags & OpenFlags.Write) == 0) return Status.InsufficientRights;
        if (h->Transfer != 0) return Status.Ok;
        if (Pages.Alloc(out uint page) != Status.Ok) return Status.NoSpace;
        h->Transfer = page;
        Pages.Shared(page);
        return Status.Ok;
    }
}
