// Requests through the scheme capability that make, find and remove names: Open, Unlink, Mkdir,
// Rmdir, Rename, Link, Symlink, Mknod, Stat (the other metadata ones are MetaPathOps). The path is the
// request's data (without "disk:"), normalised by FileTable.Dispatch (SchemePath: one normaliser for
// every daemon). It is copied out of the IPC buffer first: the volume's device is itself a scheme
// file, so any block the cache reads or writes is an IPC call that reuses that buffer.
// Every failure is a status (docs/design/diskfs.md has them per operation).
using System;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.FileSystems.Ext2;
using Vireo.User.Schemes;

static unsafe class PathOps
{
    private const OpenFlags Known = OpenFlags.Read | OpenFlags.Write | OpenFlags.Create | OpenFlags.Truncate |
        OpenFlags.Append | OpenFlags.Exclusive | OpenFlags.Directory | OpenFlags.NoFollow;

    // A long path (or Rename's, Link's or Symlink's two) comes in up to LongData bytes.
    private static readonly byte[] s_path = new byte[SchemeLimits.LongData];

    public static void Handle(ref Request r)
    {
        int length = r.DataLength;
        new ReadOnlySpan<byte>(r.Data, length).CopyTo(s_path);
        ReadOnlySpan<byte> path = new ReadOnlySpan<byte>(s_path, 0, length);
        // A NUL is only meaningful as the separator of two paths.
        bool pair = r.Op == SchemeOp.Rename || r.Op == SchemeOp.Link || r.Op == SchemeOp.Symlink;
        if (!pair && Ascii.IndexOf(path, 0) >= 0)
        {
            Program.Server.Answer(Status.InvalidArgument);
            return;
        }
        switch (r.Op)
        {
            case SchemeOp.Open: Open(path, (OpenFlags)r.W0, r.W1); return;
            case SchemeOp.Unlink: Changed(Unlink(path, directory: false)); return;
            case SchemeOp.Rmdir: Changed(Unlink(path, directory: true)); return;
            case SchemeOp.Mkdir: Changed(Mkdir(path, r.W0)); return;
            case SchemeOp.Rename: Changed(Rename(path)); return;
            case SchemeOp.Link: Changed(Link(path)); return;
            case SchemeOp.Symlink: Changed(Symlink(path)); return;
            case SchemeOp.Mknod: Changed(Mknod(path, (uint)r.W0)); return;
            case SchemeOp.Stat: Stat(path, (PathFlags)r.W0); return;
            default: MetaPathOps.Handle(ref r, path); return;
        }
    }

    /// <summary>Answers a name-space change, made durable first (Durable.cs). A change the volume
    /// made but could not write is still made: the caller hears the write's failure.</summary>
    public static void Changed(Status s)
    {
        Status synced = Durable.Settle();
        Program.Server.Answer(s != Status.Ok ? s : synced);
    }

    private static void Open(ReadOnlySpan<byte> path, OpenFlags flags, ulong modeWord)
    {
        bool changed = false;
        Status s = OpenInode(path, flags, modeWord, out uint ino, ref changed);
        if (changed)
        {
            Status synced = Durable.Settle();
            if (s == Status.Ok) s = synced;
        }
        if (s != Status.Ok)
        {
            Program.Server.Answer(s);
            return;
        }
        OpenFlags access = flags & (OpenFlags.Read | OpenFlags.Write | OpenFlags.Append);
        if ((access & (OpenFlags.Read | OpenFlags.Write)) == 0) access |= OpenFlags.Read;
        Program.AnswerWithHandle(ino, access);
    }

    // Finds or creates the inode and applies Truncate; checks every flag before changing anything.
    private static Status OpenInode(ReadOnlySpan<byte> path, OpenFlags flags, ulong modeWord, out uint ino, ref bool changed)
    {
        ino = 0;
        if ((flags & ~Known) != 0) return Status.InvalidArgument;
        bool write = (flags & OpenFlags.Write) != 0;
        if ((flags & OpenFlags.Truncate) != 0 && !write) return Status.InvalidArgument;
        if (!Program.Files.HasRoom) return Status.NoSpace;
        var v = Program.Volume;
        bool exclusive = (flags & (OpenFlags.Create | OpenFlags.Exclusive)) == (OpenFlags.Create | OpenFlags.Exclusive);
        // O_CREAT|O_EXCL and O_NOFOLLOW see a link in the last component itself, as on Linux.
        Status s = Links.Walk(path, !exclusive && (flags & OpenFlags.NoFollow) == 0, out ino);
        if (s == Status.Ok)
        {
            if (exclusive) return Status.Exists;
            s = v.Stat(ino, out Ext2Stat st);
            if (s != Status.Ok) return s;
            if (Kinds.Of(st.Mode) == FileKind.Symlink) return Status.SymlinkLoop;
            bool directory = Kinds.Of(st.Mode) == FileKind.Directory;
            if (directory && (write || (flags & (OpenFlags.Truncate | OpenFlags.Append)) != 0)) return Status.IsDirectory;
            if (!directory && (flags & OpenFlags.Directory) != 0) return Status.NotDirectory;
            // A running program's text (Linux's ETXTBSY); Append alone writes nothing, but asks to.
            if ((write || (flags & OpenFlags.Append) != 0) && !v.Writable(ino)) return Status.Occupied;
            if ((flags & OpenFlags.Truncate) == 0 || st.Size == 0) return Status.Ok;
            changed = true;
            return Mapping.Truncate(ino, 0);
        }
        // Create makes files only: a directory comes from Mkdir.
        if (s != Status.NotFound || (flags & OpenFlags.Create) == 0 || (flags & OpenFlags.Directory) != 0) return s;
        s = Parent(path, out uint dir, out ReadOnlySpan<byte> name);
        if (s != Status.Ok) return s;
        changed = true;
        ushort mode = (ushort)(Ext2Format.TypeFile | Permissions(modeWord, FileModes.DefaultFile));
        for (int links = 0; ; links++)
        {
            s = v.Create(dir, name, mode, 0, 0, out ino);
            // The walk found nothing, yet the name is there: a link to a missing name, whose target
            // is made instead (LinkTarget). Asked only then: a plain create costs no second lookup.
            if (s != Status.Exists) return s;
            if (links == Links.MaxLinks) return Status.SymlinkLoop;
            s = LinkTarget(dir, name, out dir, out name);
            if (s != Status.Ok) return s;
        }
    }

    // Open with Create found `name` in `dir` though the walk to it found nothing: if it is a link to
    // a missing name, where that name lives (POSIX: O_CREAT without O_EXCL creates a dangling link's
    // target; a relative target is from the link's directory). Exists if it is anything else, or a
    // link to the root.
    private static Status LinkTarget(uint dir, ReadOnlySpan<byte> name, out uint targetDir, out ReadOnlySpan<byte> targetName)
    {
        var v = Program.Volume;
        targetDir = dir;
        targetName = default;
        Status s = v.Lookup(dir, name, out uint child);
        if (s != Status.Ok) return s;
        s = v.Stat(child, out Ext2Stat st);
        if (s != Status.Ok) return s;
        if ((st.Mode & Ext2Format.TypeMask) != Ext2Format.TypeSymlink) return Status.Exists;
        // A buffer per link: the name returned points into it (a rare path: a new array is fine).
        var target = new byte[v.BlockSize];
        s = v.ReadLink(child, target, out int length);
        if (s != Status.Ok) return s;
        while (length > 1 && target[length - 1] == (byte)'/') length--;
        int slash = length - 1;
        while (slash >= 0 && target[slash] != (byte)'/') slash--;
        targetName = new ReadOnlySpan<byte>(target, slash + 1, length - slash - 1);
        if (targetName.Length == 0) return Status.Exists;   // the root
        if (slash == 0) targetDir = Ext2Volume<Disk>.Root;
        else if (slash > 0) return Links.Walk(new ReadOnlySpan<byte>(target, 0, slash), followLast: true, dir, out targetDir);
        return Status.Ok;
    }

    // The mode word of Open and Mkdir: the bits given, or the default (FileModes.Given).
    private static ushort Permissions(ulong modeWord, uint fallback) =>
        (ushort)((modeWord & FileModes.Given) != 0 ? (uint)modeWord & FileModes.PermissionMask : fallback);

    private static Status Mkdir(ReadOnlySpan<byte> path, ulong modeWord)
    {
        Status s = NewName(path, out uint dir, out ReadOnlySpan<byte> name);
        if (s != Status.Ok) return s;
        return Program.Volume.Mkdir(dir, name, Permissions(modeWord, FileModes.DefaultDirectory), 0, 0, out _);
    }

    // data = existing path, NUL, new path: a second name for the inode (a link in the existing path's
    // last component is not followed, as Linux's link(2)); the library refuses a directory (IsDirectory).
    private static Status Link(ReadOnlySpan<byte> data)
    {
        if (!Split(data, out ReadOnlySpan<byte> from, out ReadOnlySpan<byte> to)) return Status.InvalidArgument;
        Status s = Links.Walk(from, followLast: false, out uint ino);
        if (s != Status.Ok) return s;
        s = NewName(to, out uint dir, out ReadOnlySpan<byte> name);
        if (s != Status.Ok) return s;
        return Program.Volume.Link(ino, dir, name);
    }

    // data = target, NUL, path of the new link. The target is kept as it came: not empty (NotFound,
    // as Linux), shorter than a block (NameTooLong; ext2 keeps a target in the inode or one block).
    private static Status Symlink(ReadOnlySpan<byte> data)
    {
        if (!Split(data, out ReadOnlySpan<byte> target, out ReadOnlySpan<byte> path)) return Status.InvalidArgument;
        if (target.Length == 0) return Status.NotFound;
        Status s = NewName(path, out uint dir, out ReadOnlySpan<byte> name);
        if (s != Status.Ok) return s;
        return Program.Volume.Symlink(dir, name, target, 0, 0, out _);
    }

    // Only a regular file (type Regular or none) is made; FIFOs, devices and sockets are NotSupported
    // (diskfs serves no special files), a directory's type InvalidArgument (Mkdir makes those).
    private static Status Mknod(ReadOnlySpan<byte> path, uint mode)
    {
        uint type = mode & FileModes.TypeMask;
        if (type == FileModes.Directory || type != 0 && type != FileModes.Regular && type != FileModes.Fifo &&
            type != FileModes.CharDevice && type != FileModes.BlockDevice && type != FileModes.Socket)
            return Status.InvalidArgument;
        Status s = NewName(path, out uint dir, out ReadOnlySpan<byte> name);
        if (s != Status.Ok) return s;
        if (type != 0 && type != FileModes.Regular) return Status.NotSupported;
        return Program.Volume.Create(dir, name, (ushort)(Ext2Format.TypeFile | mode & FileModes.PermissionMask), 0, 0, out _);
    }

    // The directory and name for something new at `path`: Exists for the root (no last name); a
    // taken name is the library's Exists.
    private static Status NewName(ReadOnlySpan<byte> path, out uint dir, out ReadOnlySpan<byte> name)
    {
        Status s = Parent(path, out dir, out name);
        if (s == Status.Ok && name.Length == 0) return Status.Exists;
        return s;
    }

    // "first NUL second": false without a NUL or with a second one.
    private static bool Split(ReadOnlySpan<byte> data, out ReadOnlySpan<byte> first, out ReadOnlySpan<byte> second)
    {
        int split = Ascii.IndexOf(data, 0);
        first = split < 0 ? data : data.Slice(0, split);
        second = split < 0 ? default : data.Slice(split + 1);
        return split >= 0 && Ascii.IndexOf(second, 0) < 0;
    }

    private static Status Unlink(ReadOnlySpan<byte> path, bool directory)
    {
        Status s = Parent(path, out uint dir, out ReadOnlySpan<byte> name);
        if (s != Status.Ok) return s;
        // The root cannot go.
        if (name.Length == 0) return directory ? Status.InvalidArgument : Status.IsDirectory;
        return directory ? Program.Volume.Rmdir(dir, name) : Program.Volume.Unlink(dir, name);
    }

    // data = old path, NUL, new path (each normalised on its own).
    private static Status Rename(ReadOnlySpan<byte> data)
    {
        if (!Split(data, out ReadOnlySpan<byte> from, out ReadOnlySpan<byte> to)) return Status.InvalidArgument;
        Status s = Parent(from, out uint fromDir, out ReadOnlySpan<byte> fromName);
        if (s != Status.Ok) return s;
        s = Parent(to, out uint toDir, out ReadOnlySpan<byte> toName);
        if (s != Status.Ok) return s;
        if (fromName.Length == 0 || toName.Length == 0) return Status.InvalidArgument;   // the root
        return Program.Volume.Rename(fromDir, fromName, toDir, toName);
    }

    private static void Stat(ReadOnlySpan<byte> path, PathFlags flags)
    {
        Status s = Find(path, flags, out uint ino);
        Ext2Stat st = default;
        if (s == Status.Ok) s = Program.Volume.Stat(ino, out st);
        if (s != Status.Ok)
        {
            Program.Server.Answer(s);
            return;
        }
        FileStats.Answer(ref Program.Server, Kinds.Stat(st, Program.Volume.BlockSize));
    }

    /// <summary>The inode a metadata request names: its last link followed unless NoFollow;
    /// InvalidArgument for another flag.</summary>
    public static Status Find(ReadOnlySpan<byte> path, PathFlags flags, out uint ino)
    {
        ino = 0;
        if ((flags & ~PathFlags.NoFollow) != 0) return Status.InvalidArgument;
        return Links.Walk(path, (flags & PathFlags.NoFollow) == 0, out ino);
    }

    /// <summary>The directory that holds the last component of `path` and that component (empty for
    /// the root); links above it are followed, the last component is not. NotFound, NotDirectory as a
    /// lookup of the directory answers.</summary>
    private static Status Parent(ReadOnlySpan<byte> path, out uint dir, out ReadOnlySpan<byte> name)
    {
        int slash = path.Length - 1;
        while (slash >= 0 && path[slash] != (byte)'/') slash--;
        name = path.Slice(slash + 1);
        dir = Ext2Volume<Disk>.Root;
        return slash <= 0 ? Status.Ok : Links.Walk(path.Slice(0, slash), followLast: true, out dir);
    }
}
