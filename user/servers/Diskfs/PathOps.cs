// Requests through the scheme capability: Open, Unlink, Mkdir, Rmdir, Rename, Stat. The path is the
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
        OpenFlags.Append | OpenFlags.Exclusive | OpenFlags.Directory;
    // New files and directories: rw-r--r-- and rwxr-xr-x, owned by root (no users yet).
    private const ushort FileMode = Ext2Format.TypeFile | 0x1A4, DirectoryPermissions = 0x1ED;

    private static readonly byte[] s_path = new byte[SchemeLimits.MaxData];

    public static void Handle(ref Request r)
    {
        int length = r.DataLength;
        new ReadOnlySpan<byte>(r.Data, length).CopyTo(s_path);
        ReadOnlySpan<byte> path = new ReadOnlySpan<byte>(s_path, 0, length);
        // A NUL is only meaningful as Rename's separator.
        if (r.Op != SchemeOp.Rename && Ascii.IndexOf(path, 0) >= 0)
        {
            Program.Server.Answer(Status.InvalidArgument);
            return;
        }
        switch (r.Op)
        {
            case SchemeOp.Open: Open(path, (OpenFlags)r.W0); return;
            case SchemeOp.Unlink: Changed(Unlink(path, directory: false)); return;
            case SchemeOp.Rmdir: Changed(Unlink(path, directory: true)); return;
            case SchemeOp.Mkdir: Changed(Mkdir(path)); return;
            case SchemeOp.Rename: Changed(Rename(path)); return;
            case SchemeOp.Stat: Stat(path); return;
        }
    }

    /// <summary>Answers a name-space change, made durable first (Durable.cs). A change the volume
    /// made but could not write is still made: the caller hears the write's failure.</summary>
    private static void Changed(Status s)
    {
        Status synced = Durable.Settle();
        Program.Server.Answer(s != Status.Ok ? s : synced);
    }

    private static void Open(ReadOnlySpan<byte> path, OpenFlags flags)
    {
        bool changed = false;
        Status s = OpenInode(path, flags, out uint ino, ref changed);
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
    private static Status OpenInode(ReadOnlySpan<byte> path, OpenFlags flags, out uint ino, ref bool changed)
    {
        ino = 0;
        if ((flags & ~Known) != 0) return Status.InvalidArgument;
        bool write = (flags & OpenFlags.Write) != 0;
        if ((flags & OpenFlags.Truncate) != 0 && !write) return Status.InvalidArgument;
        if (!Program.Files.HasRoom) return Status.NoSpace;
        var v = Program.Volume;
        Status s = Links.Walk(path, followLast: true, out ino);
        if (s == Status.Ok)
        {
            if ((flags & (OpenFlags.Create | OpenFlags.Exclusive)) == (OpenFlags.Create | OpenFlags.Exclusive)) return Status.Exists;
            s = v.Stat(ino, out Ext2Stat st);
            if (s != Status.Ok) return s;
            bool directory = Kinds.Of(st.Mode) == FileKind.Directory;
            if (directory && (write || (flags & (OpenFlags.Truncate | OpenFlags.Append)) != 0)) return Status.IsDirectory;
            if (!directory && (flags & OpenFlags.Directory) != 0) return Status.NotDirectory;
            if ((flags & OpenFlags.Truncate) == 0 || st.Size == 0) return Status.Ok;
            changed = true;
            return v.Truncate(ino, 0);
        }
        // Create makes files only: a directory comes from Mkdir.
        if (s != Status.NotFound || (flags & OpenFlags.Create) == 0 || (flags & OpenFlags.Directory) != 0) return s;
        s = Parent(path, out uint dir, out ReadOnlySpan<byte> name);
        if (s != Status.Ok) return s;
        changed = true;
        return v.Create(dir, name, FileMode, 0, 0, out ino);
    }

    private static Status Mkdir(ReadOnlySpan<byte> path)
    {
        Status s = Parent(path, out uint dir, out ReadOnlySpan<byte> name);
        if (s != Status.Ok) return s;
        // The root (no last name) exists.
        if (name.Length == 0) return Status.Exists;
        return Program.Volume.Mkdir(dir, name, DirectoryPermissions, 0, 0, out _);
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
        int split = Ascii.IndexOf(data, 0);
        if (split < 0) return Status.InvalidArgument;
        ReadOnlySpan<byte> from = data.Slice(0, split), to = data.Slice(split + 1);
        if (Ascii.IndexOf(to, 0) >= 0) return Status.InvalidArgument;
        Status s = Parent(from, out uint fromDir, out ReadOnlySpan<byte> fromName);
        if (s != Status.Ok) return s;
        s = Parent(to, out uint toDir, out ReadOnlySpan<byte> toName);
        if (s != Status.Ok) return s;
        if (fromName.Length == 0 || toName.Length == 0) return Status.InvalidArgument;   // the root
        return Program.Volume.Rename(fromDir, fromName, toDir, toName);
    }

    private static void Stat(ReadOnlySpan<byte> path)
    {
        Status s = Links.Walk(path, followLast: true, out uint ino);
        Ext2Stat st = default;
        if (s == Status.Ok) s = Program.Volume.Stat(ino, out st);
        if (s != Status.Ok)
        {
            Program.Server.Answer(s);
            return;
        }
        FileStats.Answer(ref Program.Server, Kinds.Stat(st, Program.Volume.BlockSize));
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
