// Requests through the scheme capability that make, find and remove names: Open, Unlink, Mkdir,
// Rmdir, Rename, Link, Symlink, Mknod (the metadata ones are MetaPathOps). The path is the request's
// data (without "file:"); every failure is a status (docs/design/ramfs.md).
using Vireo.Abi;
using Vireo.User.Schemes;

static unsafe class PathOps
{
    private const OpenFlags Known = OpenFlags.Read | OpenFlags.Write | OpenFlags.Create | OpenFlags.Truncate |
        OpenFlags.Append | OpenFlags.Exclusive | OpenFlags.Directory | OpenFlags.NoFollow;

    public static void Handle(ref Request r)
    {
        byte* path = r.Data;
        int length = r.DataLength;
        // A NUL is only meaningful as the separator of two paths.
        bool pair = r.Op == SchemeOp.Rename || r.Op == SchemeOp.Link || r.Op == SchemeOp.Symlink;
        if (!pair && HasNul(path, length))
        {
            Program.Server.Answer(Status.InvalidArgument);
            return;
        }
        switch (r.Op)
        {
            case SchemeOp.Open: Open(path, length, (OpenFlags)r.W0, r.W1); return;
            case SchemeOp.Unlink: Program.Server.Answer(Remove(path, length, false)); return;
            case SchemeOp.Mkdir: Program.Server.Answer(Mkdir(path, length, r.W0)); return;
            case SchemeOp.Rmdir: Program.Server.Answer(Remove(path, length, true)); return;
            case SchemeOp.Rename: Program.Server.Answer(Rename(path, length)); return;
            case SchemeOp.Link: Program.Server.Answer(Link(path, length)); return;
            case SchemeOp.Symlink: Program.Server.Answer(Symlink(path, length)); return;
            case SchemeOp.Mknod: Program.Server.Answer(Mknod(path, length, (uint)r.W0)); return;
            default: MetaPathOps.Handle(ref r); return;
        }
    }

    private static void Open(byte* path, int length, OpenFlags flags, ulong modeWord)
    {
        Status s = OpenNode(path, length, flags, modeWord, out uint node, out FileKind kind);
        if (s != Status.Ok)
        {
            Program.Server.Answer(s);
            return;
        }
        OpenFlags access = flags & (OpenFlags.Read | OpenFlags.Write | OpenFlags.Append);
        if ((access & (OpenFlags.Read | OpenFlags.Write)) == 0) access |= OpenFlags.Read;
        Program.AnswerWithHandle(node, access, kind);
    }

    // Finds or creates the node (and says its kind) and applies Truncate; checks every flag before
    // changing anything.
    private static Status OpenNode(byte* path, int length, OpenFlags flags, ulong modeWord, out uint node, out FileKind kind)
    {
        node = 0;
        kind = FileKind.File;
        if ((flags & ~Known) != 0) return Status.InvalidArgument;
        bool write = (flags & OpenFlags.Write) != 0;
        if ((flags & OpenFlags.Truncate) != 0 && !write) return Status.InvalidArgument;
        if (!Program.Files.HasRoom) return Status.NoSpace;
        bool exclusive = (flags & (OpenFlags.Create | OpenFlags.Exclusive)) == (OpenFlags.Create | OpenFlags.Exclusive);
        // O_CREAT|O_EXCL and O_NOFOLLOW see a link in the last component itself, as on Linux.
        Status s = Tree.Lookup(path, length, !exclusive && (flags & OpenFlags.NoFollow) == 0, out node);
        if (s == Status.Ok)
        {
            if (exclusive) return Status.Exists;
            Node* n = Tree.Get(node);
            if (n->IsSymlink) return Status.SymlinkLoop;
            if (n->IsDirectory && (write || (flags & (OpenFlags.Truncate | OpenFlags.Append)) != 0)) return Status.IsDirectory;
            if (!n->IsDirectory && (flags & OpenFlags.Directory) != 0) return Status.NotDirectory;
            if (write && n->Runs != 0) return Status.Occupied;   // a running program's text (ETXTBSY)
            kind = (FileKind)n->Kind;
            if ((flags & OpenFlags.Truncate) != 0)
            {
                // Shrinking to nothing cannot fail (only growing needs memory).
                _ = FileData.Truncate(n, 0);
                n->Modify = n->Change = Clock.Now();
            }
            return Status.Ok;
        }
        // Create makes files only: a directory comes from Mkdir.
        if (s != Status.NotFound || (flags & OpenFlags.Create) == 0 || (flags & OpenFlags.Directory) != 0) return s;
        // The name may be a link to a missing name: its target is made (POSIX), where it leads.
        s = Tree.LookupCreate(path, length, out uint dir, out byte* name, out int nameLength);
        if (s != Status.Ok) return s;
        uint mode = (modeWord & FileModes.Given) != 0 ? (uint)modeWord & FileModes.PermissionMask : FileModes.DefaultFile;
        return Tree.Create(dir, name, nameLength, FileKind.File, mode, null, out node);
    }

    private static Status Mkdir(byte* path, int length, ulong modeWord)
    {
        Status s = NewName(path, length, out uint dir, out byte* name, out int nameLength);
        if (s != Status.Ok) return s;
        uint mode = (modeWord & FileModes.Given) != 0 ? (uint)modeWord & FileModes.PermissionMask : FileModes.DefaultDirectory;
        return Tree.Create(dir, name, nameLength, FileKind.Directory, mode, null, out _);
    }

    // Unlink (a file or a link: the name goes, the node when nothing else names or holds it) or
    // Rmdir (an empty directory other than the root). An open file keeps its data until its last
    // handle closes.
    private static Status Remove(byte* path, int length, bool directory)
    {
        Status s = Tree.LookupParent(path, length, out uint dir, out byte* name, out int nameLength);
        if (s == Status.InvalidArgument && Tree.Lookup(path, length, false, out uint self) == Status.Ok && self == Tree.Root)
            return directory ? Status.InvalidArgument : Status.IsDirectory;   // the root has no name to remove
        if (s != Status.Ok) return s;
        uint node = Tree.Find(dir, name, nameLength, out int index);
        if (node == 0) return Status.NotFound;
        Node* n = Tree.Get(node);
        if (n->IsDirectory != directory) return directory ? Status.NotDirectory : Status.IsDirectory;
        if (directory && n->Size != 0) return Status.NotEmpty;
        Tree.Detach(dir, index);
        if (directory) Tree.DirectoryGone(node, dir);
        Tree.Release(node);
        return Status.Ok;
    }

    // data = old path, NUL, new path. An existing target is replaced if it is the same kind (a
    // directory only if empty); a directory cannot move into its own subtree. Two names of the same
    // node: nothing happens (POSIX).
    private static Status Rename(byte* data, int length)
    {
        if (!Split(data, length, out byte* to, out int toLength)) return Status.InvalidArgument;
        int fromLength = (int)(to - data) - 1;
        Status s = Tree.LookupParent(data, fromLength, out uint fromDir, out byte* fromName, out int fromNameLength);
        if (s != Status.Ok) return s;
        uint node = Tree.Find(fromDir, fromName, fromNameLength, out _);
        if (node == 0) return Status.NotFound;
        bool isDir = Tree.Get(node)->IsDirectory;
        s = Tree.LookupParent(to, toLength, out uint dir, out byte* name, out int nameLength);
        if (s == Status.InvalidArgument && Tree.Lookup(to, toLength, false, out uint self) == Status.Ok && self == node) return Status.Ok;
        if (s != Status.Ok) return s;
        uint target = Tree.Find(dir, name, nameLength, out int targetIndex);
        if (target == node) return Status.Ok;
        if (isDir && Tree.Within(dir, node)) return Status.InvalidArgument;
        if (target != 0)
        {
            Node* t = Tree.Get(target);
            if (t->IsDirectory && !isDir) return Status.IsDirectory;
            if (!t->IsDirectory && isDir) return Status.NotDirectory;
            if (t->IsDirectory && t->Size != 0) return Status.NotEmpty;
            Tree.Detach(dir, targetIndex);
            if (t->IsDirectory) Tree.DirectoryGone(target, dir);
            Tree.Release(target);
        }
        // Found again: replacing the target may have moved the name's index in the same directory.
        _ = Tree.Find(fromDir, fromName, fromNameLength, out int fromIndex);
        // Attach copies the new name before Detach could drop the old one's bytes (the same buffer
        // when both are in one request: they are not overlapping, but keep the order).
        Tree.Attach(node, dir, name, nameLength);
        Tree.Detach(fromDir, fromIndex);
        if (isDir && fromDir != dir)
        {
            Tree.Get(fromDir)->Links--;
            Tree.Get(dir)->Links++;
            Tree.Get(node)->Parent = dir;
        }
        return Status.Ok;
    }

    // data = existing path, NUL, new path: a second name for the node (a link in the existing path's
    // last component is not followed, as Linux's link(2)). Directories cannot be linked (IsDirectory).
    private static Status Link(byte* data, int length)
    {
        if (!Split(data, length, out byte* to, out int toLength)) return Status.InvalidArgument;
        Status s = Tree.Lookup(data, (int)(to - data) - 1, false, out uint node);
        if (s != Status.Ok) return s;
        if (Tree.Get(node)->IsDirectory) return Status.IsDirectory;
        s = NewName(to, toLength, out uint dir, out byte* name, out int nameLength);
        if (s != Status.Ok) return s;
        Tree.Attach(node, dir, name, nameLength);
        return Status.Ok;
    }

    // data = target, NUL, path of the new link. The target is kept as it came (the library does not
    // normalise it): at most MaxPath bytes, not empty (NotFound, as Linux), no NUL.
    private static Status Symlink(byte* data, int length)
    {
        if (!Split(data, length, out byte* path, out int pathLength)) return Status.InvalidArgument;
        int targetLength = (int)(path - data) - 1;
        if (targetLength == 0) return Status.NotFound;
        if (targetLength > SchemeLimits.MaxPath) return Status.NameTooLong;
        Status s = NewName(path, pathLength, out uint dir, out byte* name, out int nameLength);
        if (s != Status.Ok) return s;
        var target = new byte[targetLength];
        for (int i = 0; i < targetLength; i++) target[i] = data[i];
        return Tree.Create(dir, name, nameLength, FileKind.Symlink, 0x1FF, target, out _);   // 0777, as Linux's links
    }

    // Only a regular file (type Regular or none) can be made here; FIFOs, devices and sockets are
    // NotSupported (ramfs holds no special files), a directory's type InvalidArgument (Mkdir makes those).
    private static Status Mknod(byte* path, int length, uint mode)
    {
        Status s = NewName(path, length, out uint dir, out byte* name, out int nameLength);
        if (s != Status.Ok) return s;
        uint type = mode & FileModes.TypeMask;
        if (type == FileModes.Directory || type != 0 && type != FileModes.Regular && type != FileModes.Fifo &&
            type != FileModes.CharDevice && type != FileModes.BlockDevice && type != FileModes.Socket)
            return Status.InvalidArgument;
        if (type != 0 && type != FileModes.Regular) return Status.NotSupported;
        return Tree.Create(dir, name, nameLength, FileKind.File, mode & FileModes.PermissionMask, null, out _);
    }

    // The directory and name for something new at `path`: Exists if the name is taken (by anything,
    // a link included: it is not followed).
    private static Status NewName(byte* path, int length, out uint dir, out byte* name, out int nameLength)
    {
        Status s = Tree.LookupParent(path, length, out dir, out name, out nameLength);
        if (s == Status.InvalidArgument && Tree.Lookup(path, length, false, out _) == Status.Ok) return Status.Exists;   // "/", "."
        if (s != Status.Ok) return s;
        return Tree.Find(dir, name, nameLength, out _) != 0 ? Status.Exists : Status.Ok;
    }

    // "first NUL second": false without a NUL or with a second one.
    private static bool Split(byte* data, int length, out byte* second, out int secondLength)
    {
        int split = 0;
        while (split < length && data[split] != 0) split++;
        second = data + split + 1;
        secondLength = length - split - 1;
        return split < length && !HasNul(second, secondLength);
    }

    public static bool HasNul(byte* p, int n)
    {
        byte* end = p + n;
        while (p + 8 <= end && !Tree.HasByte(*(ulong*)p, 0)) p += 8;   // a word at a time: every path request's way
        while (p < end && *p != 0) p++;
        return p < end;
    }
}
