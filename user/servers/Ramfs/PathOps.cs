// Requests through the scheme capability: Open, Unlink, Mkdir, Rmdir, Rename, Stat. The path is
// the request's data (without "file:"); every failure is a status (docs/design/ramfs.md).
using Vireo.Abi;
using Vireo.User.Schemes;

static unsafe class PathOps
{
    private const OpenFlags Known = OpenFlags.Read | OpenFlags.Write | OpenFlags.Create | OpenFlags.Truncate |
        OpenFlags.Append | OpenFlags.Exclusive | OpenFlags.Directory;

    public static void Handle(ref Request r)
    {
        byte* path = r.Data;
        int length = r.DataLength;
        // A NUL is only meaningful as Rename's separator.
        if (r.Op != SchemeOp.Rename && HasNul(path, length))
        {
            Program.Server.Answer(Status.InvalidArgument);
            return;
        }
        switch (r.Op)
        {
            case SchemeOp.Open: Open(path, length, (OpenFlags)r.W0); return;
            case SchemeOp.Unlink: Program.Server.Answer(Remove(path, length, false)); return;
            case SchemeOp.Mkdir: Program.Server.Answer(Mkdir(path, length)); return;
            case SchemeOp.Rmdir: Program.Server.Answer(Remove(path, length, true)); return;
            case SchemeOp.Rename: Program.Server.Answer(Rename(path, length)); return;
            case SchemeOp.Stat: Stat(path, length); return;
        }
    }

    private static void Open(byte* path, int length, OpenFlags flags)
    {
        Status s = OpenNode(path, length, flags, out ushort node);
        if (s != Status.Ok)
        {
            Program.Server.Answer(s);
            return;
        }
        OpenFlags access = flags & (OpenFlags.Read | OpenFlags.Write | OpenFlags.Append);
        if ((access & (OpenFlags.Read | OpenFlags.Write)) == 0) access |= OpenFlags.Read;
        Program.AnswerWithHandle(node, access);
    }

    // Finds or creates the node and applies Truncate; checks every flag before changing anything.
    private static Status OpenNode(byte* path, int length, OpenFlags flags, out ushort node)
    {
        node = 0;
        if ((flags & ~Known) != 0) return Status.InvalidArgument;
        bool write = (flags & OpenFlags.Write) != 0;
        if ((flags & OpenFlags.Truncate) != 0 && !write) return Status.InvalidArgument;
        if (!Program.Files.HasRoom) return Status.NoSpace;
        Status s = Tree.Lookup(path, length, out node);
        if (s == Status.Ok)
        {
            if ((flags & (OpenFlags.Create | OpenFlags.Exclusive)) == (OpenFlags.Create | OpenFlags.Exclusive)) return Status.Exists;
            Node* n = Tree.Get(node);
            if (n->IsDirectory && (write || (flags & (OpenFlags.Truncate | OpenFlags.Append)) != 0)) return Status.IsDirectory;
            if (!n->IsDirectory && (flags & OpenFlags.Directory) != 0) return Status.NotDirectory;
            // Shrinking to nothing cannot fail (only growing needs memory).
            if ((flags & OpenFlags.Truncate) != 0) _ = FileData.Truncate(n, 0);
            return Status.Ok;
        }
        // Create makes files only: a directory comes from Mkdir.
        if (s != Status.NotFound || (flags & OpenFlags.Create) == 0 || (flags & OpenFlags.Directory) != 0) return s;
        s = Tree.LookupParent(path, length, out ushort dir, out byte* name, out int nameLength);
        if (s != Status.Ok) return s;
        return Tree.Create(dir, name, nameLength, FileKind.File, out node);
    }

    private static Status Mkdir(byte* path, int length)
    {
        Status s = Tree.Lookup(path, length, out _);
        if (s == Status.Ok) return Status.Exists;
        if (s != Status.NotFound) return s;
        s = Tree.LookupParent(path, length, out ushort dir, out byte* name, out int nameLength);
        if (s != Status.Ok) return s;
        return Tree.Create(dir, name, nameLength, FileKind.Directory, out _);
    }

    // Unlink (a file) or Rmdir (an empty directory other than the root). An open file keeps its
    // data until its last handle closes.
    private static Status Remove(byte* path, int length, bool directory)
    {
        Status s = Tree.Lookup(path, length, out ushort node);
        if (s != Status.Ok) return s;
        Node* n = Tree.Get(node);
        if (n->IsDirectory != directory) return directory ? Status.NotDirectory : Status.IsDirectory;
        if (node == Tree.Root) return Status.InvalidArgument;
        if (n->FirstChild != 0) return Status.NotEmpty;
        Tree.Detach(node);
        Tree.Release(node);
        return Status.Ok;
    }

    // data = old path, NUL, new path. An existing target is replaced if it is the same kind (a
    // directory only if empty); a directory cannot move into its own subtree.
    private static Status Rename(byte* data, int length)
    {
        int split = 0;
        while (split < length && data[split] != 0) split++;
        if (split == length || HasNul(data + split + 1, length - split - 1)) return Status.InvalidArgument;
        byte* to = data + split + 1;
        int toLength = length - split - 1;
        Status s = Tree.Lookup(data, split, out ushort node);
        if (s != Status.Ok) return s;
        if (node == Tree.Root) return Status.InvalidArgument;
        bool isDir = Tree.Get(node)->IsDirectory;
        s = Tree.LookupParent(to, toLength, out ushort dir, out byte* name, out int nameLength);
        if (s == Status.InvalidArgument && Tree.Lookup(to, toLength, out ushort self) == Status.Ok && self == node) return Status.Ok;
        if (s != Status.Ok) return s;
        ushort target = Tree.Find(dir, name, nameLength);
        if (target == node) return Status.Ok;
        if (isDir && Tree.Within(dir, node)) return Status.InvalidArgument;
        if (target != 0)
        {
            Node* t = Tree.Get(target);
            if (t->IsDirectory && !isDir) return Status.IsDirectory;
            if (!t->IsDirectory && isDir) return Status.NotDirectory;
            if (t->FirstChild != 0) return Status.NotEmpty;
            Tree.Detach(target);
            Tree.Release(target);
        }
        Tree.Detach(node);
        Tree.Attach(node, dir, name, nameLength);
        return Status.Ok;
    }

    private static void Stat(byte* path, int length)
    {
        Status s = Tree.Lookup(path, length, out ushort node);
        if (s != Status.Ok)
        {
            Program.Server.Answer(s);
            return;
        }
        Node* n = Tree.Get(node);
        Program.Server.Answer(Status.Ok, n->Size, n->Kind);
    }

    private static bool HasNul(byte* p, int n)
    {
        byte* end = p + n;
        while (p < end && *p != 0) p++;
        return p < end;
    }
}
