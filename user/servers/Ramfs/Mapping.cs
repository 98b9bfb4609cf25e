// Mapped file data for file: (docs/adr/0012-mapped-file-data.md): what the library's FileMapping
// answers with needs from ramfs. A node's pages are its own data pages (FileData), so readers map
// the file itself; Fmap gives a hole inside the size a page of its own. While a handle maps the node
// no data page is freed: a shrinking truncate zeroes the pages past the end instead (FileData.Truncate),
// and they are freed (their handed-out copies revoked) once the last mapping handle closes (Unpin).
using Vireo.Abi;
using Vireo.User.Schemes;

static unsafe class Mapping
{
    /// <summary>A mapping handle closed: with the last, the pages a pinned truncate kept go.</summary>
    public static void Unpin(Node* n)
    {
        if (!FileMapping.Unpin(ref n->Map) || !n->Map.KeptPages) return;
        n->Map.KeptPages = false;
        FileData.Trim(n);
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

    public static void Map(Handle* h, Node* n, bool transfer)
    {
        if (n->IsDirectory) Program.Server.Answer(Status.IsDirectory);
        else FileMapping.Map(ref Program.Server, ref h->Map, ref n->Map, h->Flags, n->Size, transfer);
    }

    /// <summary>FilePages (`fmap` false) or Fmap.</summary>
    public static void Give(Handle* h, Node* n, ulong first, ulong count, bool fmap)
    {
        if (n->IsDirectory)
        {
            Program.Server.Answer(Status.IsDirectory);
            return;
        }
        var source = new NodePages { Node = n };
        FileMapping.Give(ref Program.Server, ref h->Map, ref n->Map, h->Flags, first, count, fmap, n->Size, true, ref source);
    }

    public static void Transfer(Handle* h, Node* n)
    {
        if (n->IsDirectory) Program.Server.Answer(Status.IsDirectory);
        else FileMapping.Transfer(ref Program.Server, ref h->Map, h->Flags);
    }

    // A node's pages as they are; Fmap makes a hole's page (its bytes read the same, zeros, so
    // readers need no new sequence number).
    private struct NodePages : IFilePageSource
    {
        public Node* Node;

        public Status PageAt(ulong index, bool make, out uint page)
        {
            page = index < (ulong)FileData.PerIndex ? FileData.PageAt(Node, index) : 0;
            return page == 0 && make ? FileData.MakePage(Node, index, out page) : Status.Ok;
        }
    }
}
