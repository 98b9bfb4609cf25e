// The tree of files and directories: a fixed table of nodes made once (the heap cannot free, so
// nothing is allocated per request). A directory keeps its entries as a singly linked list of
// children, new ones at the tail so a listing in progress keeps its place. Node 0 means "none",
// node 1 is the root. A file unlinked while open leaves the tree but keeps its node and data until
// its last handle closes (Release).
using Vireo.Abi;
using Vireo.User;

unsafe struct Node
{
    public byte Kind;           // (byte)FileKind.File or Directory; 0 = free
    public byte NameLength;
    public byte Linked;         // 1 while it is an entry of a directory (the root always)
    public ushort Parent, FirstChild, Next;
    public uint Opens;          // handles open on it
    public uint IndexPage;      // a file: the page listing its data pages (FileData); 0 = no data yet
    public ulong Size;          // a file: bytes; a directory: entries
    public fixed byte Name[Tree.MaxName];

    public bool IsDirectory => Kind == (byte)FileKind.Directory;
}

static unsafe class Tree
{
    public const int MaxName = 60;
    public const int MaxNodes = 1024;
    public const ushort Root = 1;
    private const int NodeBytes = 96;   // >= sizeof(Node); checked in Init

    private struct Store { public fixed byte Bytes[MaxNodes * NodeBytes]; }
    private static Store s_store;
    private static byte* s_base;

    public static bool Init()
    {
        if (sizeof(Node) > NodeBytes) return false;
        fixed (byte* p = s_store.Bytes) s_base = p;   // a static in .bss: it never moves
        Node* root = Get(Root);
        root->Kind = (byte)FileKind.Directory;
        root->Linked = 1;
        root->Parent = Root;
        return true;
    }

    public static Node* Get(ushort id) => (Node*)(s_base + id * NodeBytes);

    public static ushort IdOf(Node* n) => (ushort)(((byte*)n - s_base) / NodeBytes);

    // --- paths -----------------------------------------------------------------------------------

    /// <summary>Walks a '/'-separated path from the root: empty components and "." are skipped, ".."
    /// goes up (the root's parent is the root). "" and "/" are the root.</summary>
    public static Status Lookup(byte* path, int length, out ushort node)
    {
        ushort at = Root;   // a local: the out parameter is written once, not at every step
        int i = 0;
        Status s = Status.Ok;
        while (s == Status.Ok)
        {
            while (i < length && path[i] == '/') i++;
            if (i == length) break;
            int start = i;
            while (i < length && path[i] != '/') i++;
            s = Get(at)->IsDirectory ? Step(at, path + start, i - start, out at) : Status.NotDirectory;
        }
        node = at;
        return s;
    }

    /// <summary>The directory the last component of `path` would live in, and that name (checked:
    /// not empty, not "." or "..", at most MaxName bytes).</summary>
    public static Status LookupParent(byte* path, int length, out ushort dir, out byte* name, out int nameLength)
    {
        int end = length;
        while (end > 0 && path[end - 1] == '/') end--;
        int start = end;
        while (start > 0 && path[start - 1] != '/') start--;
        name = path + start;
        nameLength = end - start;
        dir = 0;
        if (nameLength == 0 || IsDot(name, nameLength)) return Status.InvalidArgument;
        if (nameLength > MaxName) return Status.NameTooLong;
        Status s = Lookup(path, start, out dir);
        if (s == Status.Ok && !Get(dir)->IsDirectory) s = Status.NotDirectory;
        return s;
    }

    private static Status Step(ushort dir, byte* name, int length, out ushort next)
    {
        next = dir;
        if (length > MaxName) return Status.NameTooLong;
        if (length == 1 && name[0] == '.') return Status.Ok;
        if (length == 2 && name[0] == '.' && name[1] == '.')
        {
            next = Get(dir)->Parent;
            return Status.Ok;
        }
        next = Find(dir, name, length);
        return next != 0 ? Status.Ok : Status.NotFound;
    }

    private static bool IsDot(byte* name, int n) => name[0] == '.' && (n == 1 || n == 2 && name[1] == '.');

    public static ushort Find(ushort dir, byte* name, int length)
    {
        for (ushort c = Get(dir)->FirstChild; c != 0; c = Get(c)->Next)
        {
            Node* n = Get(c);
            if (n->NameLength == length && Ascii.Equals(n->Name, name, length)) return c;
        }
        return 0;
    }

    /// <summary>True if `node` is `ancestor` or lies under it.</summary>
    public static bool Within(ushort node, ushort ancestor)
    {
        while (true)
        {
            if (node == ancestor) return true;
            if (node == Root) return false;
            node = Get(node)->Parent;
        }
    }

    // --- making and removing -------------------------------------------------------------------

    /// <summary>A new entry `name` of kind `kind` in `dir`; NoSpace when the table is full.</summary>
    public static Status Create(ushort dir, byte* name, int length, FileKind kind, out ushort node)
    {
        node = 0;
        for (ushort i = Root + 1; i < MaxNodes; i++)
        {
            if (Get(i)->Kind != 0) continue;
            node = i;
            break;
        }
        if (node == 0) return Status.NoSpace;
        Node* n = Get(node);
        *n = default;
        n->Kind = (byte)kind;
        Attach(node, dir, name, length);
        return Status.Ok;
    }

    /// <summary>Makes `node` the entry `name` of `dir` (at the end of its list).</summary>
    public static void Attach(ushort node, ushort dir, byte* name, int length)
    {
        Node* n = Get(node);
        for (int k = 0; k < length; k++) n->Name[k] = name[k];
        n->NameLength = (byte)length;
        n->Parent = dir;
        n->Next = 0;
        n->Linked = 1;
        Node* d = Get(dir);
        if (d->FirstChild == 0)
        {
            d->FirstChild = node;
        }
        else
        {
            ushort c = d->FirstChild;
            while (Get(c)->Next != 0) c = Get(c)->Next;
            Get(c)->Next = node;
        }
        d->Size++;
    }

    /// <summary>Takes `node` out of its directory (it keeps its data).</summary>
    public static void Detach(ushort node)
    {
        Node* n = Get(node);
        Node* d = Get(n->Parent);
        if (d->FirstChild == node)
        {
            d->FirstChild = n->Next;
        }
        else
        {
            ushort c = d->FirstChild;
            while (c != 0 && Get(c)->Next != node) c = Get(c)->Next;
            if (c != 0) Get(c)->Next = n->Next;
        }
        d->Size--;
        n->Next = 0;
        n->Linked = 0;
    }

    /// <summary>Frees a node that is out of the tree and no longer open, with its data.</summary>
    public static void Release(ushort node)
    {
        Node* n = Get(node);
        if (n->Linked != 0 || n->Opens != 0 || node == Root) return;
        // Shrinking to nothing cannot fail (only growing needs memory).
        _ = FileData.Truncate(n, 0);
        n->Kind = 0;
    }

    /// <summary>The index-th entry of `dir` (0 when there is none).</summary>
    public static ushort Entry(ushort dir, ulong index)
    {
        ushort c = Get(dir)->FirstChild;
        for (ulong i = 0; c != 0 && i < index; i++) c = Get(c)->Next;
        return c;
    }
}
