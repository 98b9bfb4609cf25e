// The tree of files, directories and symbolic links, split as a Unix file system splits it: a node
// (inode) holds what a file is (kind, mode, owner, link count, times, size, data), a directory holds
// names that point at nodes, and several names may point at one node (hard links; Links counts them).
// Nodes live in chunks of 256 that are added as the tree grows and never move (the collector does not
// move objects), so a Node* stays valid while the node lives and FileData works on it directly; their
// ids (the inode numbers) are reused through a free stack. There is no fixed table: nodes, names and
// directory sizes are bounded by memory only. A directory's names are a list in the order they were
// added, so a listing in progress keeps its place; a symbolic link's target is a byte array.
// Node 0 means "none", node 1 is the root. A node leaves when no name and no handle is left (Release).
using System.Collections.Generic;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;

unsafe struct Node
{
    public byte Kind;           // (byte)FileKind: File, Directory or Symlink; 0 = free
    public uint Mode;           // the permission bits (07777); the type comes from Kind
    public uint Uid, Gid;
    public uint Links;          // names pointing here (a directory: its name, its ".", and each subdirectory's "..")
    public uint Opens;          // handles open on it
    public uint IndexPage;      // a file: the page listing its data pages (FileData); 0 = no data yet
    public uint Parent;         // a directory: the directory holding it (the root: itself)
    public ulong Size;          // a file: bytes; a directory: entries; a symbolic link: the target's length
    public long Access, Modify, Change;   // wall-clock nanoseconds since the epoch
    // Mapped file data (the library's FileMapping): the header page readers map, the handles that
    // were given its pages, and whether a pinned truncate kept pages past the end.
    public MappedFile Map;
    // Programs run from it (handles that Fmap'd it to run, docs/adr/0013) and handles open for
    // writing: while one count is not 0 the other cannot grow (Linux's ETXTBSY: Occupied).
    public uint Runs;
    public uint Writers;

    public bool IsDirectory => Kind == (byte)FileKind.Directory;
    public bool IsSymlink => Kind == (byte)FileKind.Symlink;
}

/// <summary>A name in a directory.</summary>
struct Entry
{
    public byte[] Name;
    public uint Node;
}

static unsafe class Tree
{
    public const int MaxName = SchemeLimits.MaxFileName;
    public const uint Root = 1;
    /// <summary>Symbolic links followed while resolving one path (Linux's MAXSYMLINKS).</summary>
    public const int MaxSymlinks = 40;
    private const int ChunkBits = 8;
    private const int ChunkSize = 1 << ChunkBits;

    private static Node[][] s_chunks;       // node id >> ChunkBits -> its chunk
    private static ulong[] s_bases;         // the same, as addresses
    private static ulong* s_basesAt;        // s_bases's own address (it never moves): Get without a bounds check
    private static List<Entry>[] s_dirs;    // by node id: a directory's names
    private static byte[][] s_targets;      // by node id: a symbolic link's target
    private static int s_chunkCount;
    private static uint s_made;             // ids below this have been handed out at least once
    // Freed ids, threaded through the free nodes' Parent (no allocation: a remove never needs memory).
    private static uint s_free;
    private static uint s_live;
    private static int s_maxEntries;        // the most names one directory has had (Room: its list's growth)

    public static bool Init()
    {
        s_chunks = new Node[4][];
        s_bases = new ulong[4];
        fixed (ulong* b = s_bases) s_basesAt = b;
        s_dirs = new List<Entry>[4 * ChunkSize];
        s_targets = new byte[4 * ChunkSize][];
        s_made = Root;
        if (Alloc(out uint root) != Status.Ok || root != Root) return false;
        InitNode(Get(Root), FileKind.Directory, FileModes.DefaultDirectory, Clock.Now());
        Node* r = Get(Root);
        r->Parent = Root;
        r->Links = 2;
        s_dirs[Root] = new List<Entry>();
        return true;
    }

    // Every id a caller holds was made by Alloc, so its chunk exists: no check (Get is on every request's way).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static Node* Get(uint id) => (Node*)s_basesAt[id >> ChunkBits] + (id & (ChunkSize - 1));

    /// <summary>Nodes in use and ids made (Statfs).</summary>
    public static uint Live => s_live;
    public static uint Made => s_made;

    public static List<Entry> Entries(uint dir) => s_dirs[dir];
    public static byte[] Target(uint link) => s_targets[link];

    // --- paths -----------------------------------------------------------------------------------

    /// <summary>The node `path` names, walked from the root: empty components and "." are skipped, ".."
    /// goes up (the root's parent is the root), symbolic links are followed (the last component's only
    /// with `followLast`). "" and "/" are the root. NotFound, NotDirectory (a component is not a
    /// directory), NameTooLong (a component over 255 bytes), SymlinkLoop (more than MaxSymlinks).</summary>
    public static Status Lookup(byte* path, int length, bool followLast, out uint node)
    {
        int depth = 0;
        return Walk(Root, path, length, followLast, ref depth, out node);
    }

    /// <summary>The directory the last component of `path` would live in (links before it followed),
    /// and that name (checked: not empty, not "." or "..", at most MaxName bytes).</summary>
    public static Status LookupParent(byte* path, int length, out uint dir, out byte* name, out int nameLength)
    {
        int depth = 0;
        return LookupParent(Root, path, length, ref depth, out dir, out name, out nameLength);
    }

    /// <summary>Where Open with Create makes the file `path` names when nothing is there: the
    /// directory and name of the last component or, when that is a symbolic link to a missing name,
    /// of what it leads to (POSIX: O_CREAT without O_EXCL creates a dangling link's target). `name`
    /// may point into a link's target, which stays (the collector moves nothing) until the request
    /// ends. Exists if the chain ends in a name that is there (a caller that looked it up first has
    /// found it already), SymlinkLoop past MaxSymlinks.</summary>
    public static Status LookupCreate(byte* path, int length, out uint dir, out byte* name, out int nameLength)
    {
        int depth = 0;
        Status s = LookupParent(Root, path, length, ref depth, out dir, out name, out nameLength);
        while (s == Status.Ok)
        {
            uint node = Find(dir, name, nameLength, out _);
            if (node == 0) return Status.Ok;
            if (!Get(node)->IsSymlink) return Status.Exists;
            if (++depth > MaxSymlinks) return Status.SymlinkLoop;
            byte[] target = Target(node);
            fixed (byte* t = target) s = LookupParent(dir, t, target.Length, ref depth, out dir, out name, out nameLength);
        }
        return s;
    }

    // LookupParent from directory `at` (a relative path), sharing a walk's count of links followed.
    private static Status LookupParent(uint at, byte* path, int length, ref int depth, out uint dir, out byte* name, out int nameLength)
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
        Status s = Walk(at, path, start, true, ref depth, out dir);
        if (s == Status.Ok && !Get(dir)->IsDirectory) s = Status.NotDirectory;
        return s;
    }

    // Resolves `path` from `at` (from the root when it starts with '/'). A link met is resolved by
    // walking its target from the directory holding it, the same way, sharing one depth count.
    private static Status Walk(uint at, byte* path, int length, bool followLast, ref int depth, out uint node)
    {
        node = 0;
        if (length > 0 && path[0] == '/') at = Root;
        int i = 0;
        while (true)
        {
            while (i < length && path[i] == '/') i++;
            if (i == length) break;
            int start = i;
            while (i + 8 <= length && !HasByte(*(ulong*)(path + i), (byte)'/')) i += 8;   // a word at a time
            while (i < length && path[i] != '/') i++;
            int n = i - start;
            if (!Get(at)->IsDirectory) return Status.NotDirectory;
            if (n > MaxName) return Status.NameTooLong;
            byte* name = path + start;
            if (n == 1 && name[0] == '.') continue;
            if (n == 2 && name[0] == '.' && name[1] == '.')
            {
                at = Get(at)->Parent;
                continue;
            }
            uint next = Find(at, name, n, out _);
            if (next == 0) return Status.NotFound;
            if (Get(next)->IsSymlink && (followLast || !IsLast(path, i, length)))
            {
                if (++depth > MaxSymlinks) return Status.SymlinkLoop;
                byte[] target = Target(next);
                Status s;
                fixed (byte* t = target) s = Walk(at, t, target.Length, true, ref depth, out next);
                if (s != Status.Ok) return s;
            }
            at = next;
        }
        node = at;
        return Status.Ok;
    }

    /// <summary>True if any of the word's eight bytes is `b` (the usual test for a zero byte, after an xor).</summary>
    public static bool HasByte(ulong word, byte b)
    {
        const ulong Ones = 0x0101010101010101UL;
        ulong v = word ^ (Ones * b);
        return ((v - Ones) & ~v & (Ones << 7)) != 0;
    }

    // True if only slashes follow `i`: the component ending there is the path's last.
    private static bool IsLast(byte* path, int i, int length)
    {
        while (i < length && path[i] == '/') i++;
        return i == length;
    }

    private static bool IsDot(byte* name, int n) => name[0] == '.' && (n == 1 || n == 2 && name[1] == '.');

    /// <summary>The node named `name` in `dir` and the name's index, or 0.</summary>
    public static uint Find(uint dir, byte* name, int length, out int index)
    {
        // Through the list's storage: no bounds or version check, no copy of each entry.
        System.Span<Entry> entries = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(Entries(dir));
        index = -1;
        if (length <= 0) return 0;   // no name is empty
        byte first = name[0];
        for (index = 0; index < entries.Length; index++)
        {
            byte[] e = entries[index].Name;
            if (e.Length != length) continue;
            fixed (byte* p = e)
                if (p[0] == first && Ascii.Equals(p, name, length)) return entries[index].Node;
        }
        index = -1;
        return 0;
    }

    /// <summary>True if `node` is `ancestor` or lies under it (both directories).</summary>
    public static bool Within(uint node, uint ancestor)
    {
        while (true)
        {
            if (node == ancestor) return true;
            if (node == Root) return false;
            node = Get(node)->Parent;
        }
    }

    // --- making and removing -------------------------------------------------------------------

    /// <summary>A new node of `kind` with permissions `mode`, named `name` in `dir` (a directory gets
    /// its list of names, a link its target); NoSpace when memory runs out.</summary>
    public static Status Create(uint dir, byte* name, int length, FileKind kind, uint mode, byte[] target, out uint node)
    {
        Status s = Alloc(out node);
        if (s != Status.Ok) return s;
        Node* n = Get(node);
        long now = Clock.Now();   // one reading for the node's times and the directory's
        InitNode(n, kind, mode, now);
        if (kind == FileKind.Directory)
        {
            s_dirs[node] = new List<Entry>();
            n->Parent = dir;
            n->Links = 1;             // its "."; Attach adds its name
            Get(dir)->Links++;        // its ".."
        }
        else if (kind == FileKind.Symlink)
        {
            s_targets[node] = target;
            n->Size = (ulong)target.Length;
        }
        Attach(node, dir, name, length, now);
        return Status.Ok;
    }

    /// <summary>Adds the name `name` for `node` to `dir` (at the end of its list): one more link.</summary>
    public static void Attach(uint node, uint dir, byte* name, int length) => Attach(node, dir, name, length, Clock.Now());

    private static void Attach(uint node, uint dir, byte* name, int length, long now)
    {
        var copy = new byte[length];
        for (int k = 0; k < length; k++) copy[k] = name[k];
        List<Entry> entries = Entries(dir);
        entries.Add(new Entry { Name = copy, Node = node });
        if (entries.Count > s_maxEntries) s_maxEntries = entries.Count;
        Node* d = Get(dir);
        d->Size++;
        d->Modify = d->Change = now;
        Node* n = Get(node);
        n->Links++;
        n->Change = d->Modify;
    }

    /// <summary>Takes name `index` out of `dir`: one link fewer for its node (which keeps its data;
    /// Release frees it once nothing names or holds it).</summary>
    public static void Detach(uint dir, int index)
    {
        List<Entry> entries = Entries(dir);
        uint node = entries[index].Node;
        entries.RemoveAt(index);
        Node* d = Get(dir);
        d->Size--;
        d->Modify = d->Change = Clock.Now();
        Node* n = Get(node);
        if (n->Links > 0) n->Links--;
        n->Change = d->Modify;
    }

    /// <summary>A directory `node` leaves `dir`: its "." goes and `dir` loses the ".." it counted.</summary>
    public static void DirectoryGone(uint node, uint dir)
    {
        Node* n = Get(node);
        if (n->Links > 0) n->Links--;
        Get(dir)->Links--;
    }

    /// <summary>Frees a node that no name and no handle holds, with its data.</summary>
    public static void Release(uint node)
    {
        Node* n = Get(node);
        if (n->Links != 0 || n->Opens != 0 || node == Root || n->Kind == 0) return;
        // Shrinking to nothing cannot fail (only growing needs memory).
        _ = FileData.Truncate(n, 0);
        n->Kind = 0;
        s_dirs[node] = null;
        s_targets[node] = null;
        n->Parent = s_free;
        s_free = node;
        s_live--;
    }

    /// <summary>The index-th entry of `dir` (false when there is none).</summary>
    public static bool Entry(uint dir, ulong index, out Entry entry)
    {
        List<Entry> entries = Entries(dir);
        entry = default;
        if (index >= (ulong)entries.Count) return false;
        entry = entries[(int)index];
        return true;
    }

    // --- metadata ------------------------------------------------------------------------------

    /// <summary>What Stat and Fstat answer for `id`, written at `st` (Stat's answer goes straight into
    /// the IPC buffer: no FileStat built on the stack and copied there). Every field is written.</summary>
    public static void Stat(uint id, FileStat* st)
    {
        Node* n = Get(id);
        st->Device = 0;
        st->Inode = id;
        st->Mode = FileModes.TypeOf((FileKind)n->Kind) | n->Mode;
        st->Links = n->Links;
        st->Uid = n->Uid;
        st->Gid = n->Gid;
        st->RawDevice = 0;
        st->Size = n->Size;
        st->Blocks = n->IsDirectory || n->IsSymlink ? 0 : (n->Size + 511) / 512;
        st->BlockSize = DataPages.Size;
        st->Kind = n->Kind;
        st->Access = FileTime.FromNanoseconds(n->Access);
        st->Modify = FileTime.FromNanoseconds(n->Modify);
        st->Change = FileTime.FromNanoseconds(n->Change);
    }

    private static void InitNode(Node* n, FileKind kind, uint mode, long now)
    {
        *n = default;
        n->Kind = (byte)kind;
        n->Mode = mode & FileModes.PermissionMask;
        n->Access = n->Modify = n->Change = now;
    }

    /// <summary>The most the heap may need for one new node and name (Room.cs): a chunk of nodes,
    /// the tables' next doubling, the fullest directory's list doubling, a name and a link's target.</summary>
    public static ulong MostForOneMore()
    {
        ulong chunk = (ulong)ChunkSize * (ulong)sizeof(Node);
        ulong tables = (ulong)s_chunks.Length * 2 * (16 + 2UL * 8 * ChunkSize);
        ulong list = (ulong)s_maxEntries * 2 * 16;
        return chunk + tables + list + MaxName + SchemeLimits.MaxPath + 1024;
    }

    // A free id, or a new one (with a new chunk when the last is full).
    private static Status Alloc(out uint id)
    {
        if (s_free != 0)
        {
            id = s_free;
            s_free = Get(id)->Parent;
            s_live++;
            return Status.Ok;
        }
        id = s_made;
        if (id > uint.MaxValue - ChunkSize) return Status.NoSpace;
        int chunk = (int)(id >> ChunkBits);
        if (chunk >= s_chunkCount)
        {
            if (chunk >= s_chunks.Length) GrowTables();
            var nodes = new Node[ChunkSize];
            s_chunks[chunk] = nodes;
            fixed (Node* p = nodes) s_bases[chunk] = (ulong)p;   // the collector does not move it; s_chunks keeps it
            s_chunkCount = chunk + 1;
        }
        s_made++;
        s_live++;
        return Status.Ok;
    }

    private static void GrowTables()
    {
        int size = s_chunks.Length * 2;
        var chunks = new Node[size][];
        var bases = new ulong[size];
        var dirs = new List<Entry>[size * ChunkSize];
        var targets = new byte[size * ChunkSize][];
        for (int i = 0; i < s_chunks.Length; i++)
        {
            chunks[i] = s_chunks[i];
            bases[i] = s_bases[i];
        }
        for (int i = 0; i < s_dirs.Length; i++)
        {
            dirs[i] = s_dirs[i];
            targets[i] = s_targets[i];
        }
        s_chunks = chunks;
        s_bases = bases;
        fixed (ulong* b = bases) s_basesAt = b;
        s_dirs = dirs;
        s_targets = targets;
    }
}
