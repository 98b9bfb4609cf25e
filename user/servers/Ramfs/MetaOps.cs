// The metadata operations, on a path (Stat, Chmod, Chown, Utimens, Readlink, Statfs) and on an open
// file (Pread, Pwrite, Fchmod, Fchown, Futimens, Fstatfs; Fstat is the library's FileTable, through
// Program.Scheme.Stat), and the times that reads and writes change (Touch). Everybody is root: no
// operation checks permissions or ownership (docs/design/ramfs.md, "Metadata").
using Vireo.Abi;
using Vireo.User.Schemes;

static unsafe class MetaPathOps
{
    public static void Handle(ref Request r)
    {
        byte* path = r.Data;
        int length = r.DataLength;
        switch (r.Op)
        {
            case SchemeOp.Stat: Stat(path, length, (PathFlags)r.W0, r.W1 == FileStats.WordsOnly); return;
            case SchemeOp.Chmod: Program.Server.Answer(Change(ref r, path, length, (PathFlags)r.W1)); return;
            case SchemeOp.Chown: Program.Server.Answer(Change(ref r, path, length, (PathFlags)r.W2)); return;
            case SchemeOp.Utimens: Program.Server.Answer(Change(ref r, path, length, UtimeWord.Flags(r.W2))); return;
            case SchemeOp.Readlink: Readlink(path, length, r.W0); return;
            case SchemeOp.Statfs: MetaOps.Statfs(); return;
        }
    }

    // Chmod, Chown or Utimens on the node the path names.
    private static Status Change(ref Request r, byte* path, int length, PathFlags flags)
    {
        Status s = Find(path, length, flags, out uint node);
        if (s != Status.Ok) return s;
        if (r.Op == SchemeOp.Chmod) return MetaOps.Chmod(node, r.W0);
        if (r.Op == SchemeOp.Chown) return MetaOps.Chown(node, r.W0, r.W1);
        return MetaOps.Utimens(node, r.W0, r.W1, r.W2);
    }

    // The node a metadata request names: its last link followed unless NoFollow; InvalidArgument
    // for another flag.
    private static Status Find(byte* path, int length, PathFlags flags, out uint node)
    {
        node = 0;
        if ((flags & ~PathFlags.NoFollow) != 0) return Status.InvalidArgument;
        return Tree.Lookup(path, length, (flags & PathFlags.NoFollow) == 0, out node);
    }

    // `wordsOnly` (FileStats.WordsOnly): the size and kind without the FileStat.
    private static void Stat(byte* path, int length, PathFlags flags, bool wordsOnly)
    {
        Status s = Find(path, length, flags, out uint node);
        if (s != Status.Ok)
        {
            Program.Server.Answer(s);
            return;
        }
        if (wordsOnly)
        {
            Node* n = Tree.Get(node);
            Program.Server.Answer(Status.Ok, n->Size, n->Kind);
            return;
        }
        Tree.Stat(node, FileStats.Staged);
        FileStats.AnswerWritten(ref Program.Server);
    }

    // w0 = offset into the target -> data = the target from there (as much as a message holds), w0 =
    // its whole length. InvalidArgument when the path is not a link or the offset is past its end.
    private static void Readlink(byte* path, int length, ulong offset)
    {
        Status s = Tree.Lookup(path, length, false, out uint node);
        if (s == Status.Ok && !Tree.Get(node)->IsSymlink) s = Status.InvalidArgument;
        byte[] target = s == Status.Ok ? Tree.Target(node) : null;
        if (s == Status.Ok && offset > (ulong)target.Length) s = Status.InvalidArgument;
        if (s != Status.Ok)
        {
            Program.Server.Answer(s);
            return;
        }
        int count = target.Length - (int)offset;
        if (count > SchemeLimits.MaxData) count = SchemeLimits.MaxData;
        byte* into = SchemeCall.Data;
        for (int i = 0; i < count; i++) into[i] = target[(int)offset + i];
        Program.Server.Answer(Status.Ok, (ulong)target.Length, dataLength: count);
    }
}

static unsafe class MetaOps
{
    /// <summary>Pread, Pwrite, Fchmod, Fchown, Futimens, Fstatfs on open file `h`.</summary>
    public static void Handle(ref Request r, Handle* h)
    {
        switch (r.Op)
        {
            case SchemeOp.Pread: Pread(h, r.W0, r.W1); return;
            case SchemeOp.Pwrite: Pwrite(h, r.W0, r.Data, r.DataLength); return;
            case SchemeOp.Fchmod: Program.Server.Answer(Chmod(h->Node, r.W0)); return;
            case SchemeOp.Fchown: Program.Server.Answer(Chown(h->Node, r.W0, r.W1)); return;
            case SchemeOp.Futimens:
                Program.Server.Answer(UtimeWord.Flags(r.W2) != 0 ? Status.InvalidArgument : Utimens(h->Node, r.W0, r.W1, r.W2));
                return;
            case SchemeOp.Fstatfs: Statfs(); return;
        }
    }

    private static void Pread(Handle* h, ulong max, ulong offset)
    {
        Node* n = Tree.Get(h->Node);
        Status s = Status.Ok;
        if ((h->Flags & OpenFlags.Read) == 0) s = Status.InsufficientRights;
        else if (n->IsDirectory) s = Status.IsDirectory;
        if (s != Status.Ok)
        {
            Program.Server.Answer(s);
            return;
        }
        int count = max > SchemeLimits.MaxData ? SchemeLimits.MaxData : (int)max;
        int got = FileData.Read(n, offset, SchemeCall.Data, count);
        Touch(n, false);
        Program.Server.Answer(Status.Ok, dataLength: got);
    }

    private static void Pwrite(Handle* h, ulong offset, byte* data, int length)
    {
        Node* n = Tree.Get(h->Node);
        Status s = Status.Ok;
        if ((h->Flags & OpenFlags.Write) == 0) s = Status.InsufficientRights;
        else if (n->IsDirectory) s = Status.IsDirectory;
        int written = 0;
        if (s == Status.Ok)
        {
            s = FileData.Write(n, offset, data, length, out written);
            if (written > 0) Touch(n, true);
        }
        Program.Server.Answer(s, (ulong)written);
    }

    public static Status Chmod(uint node, ulong mode)
    {
        if (mode > FileModes.PermissionMask) return Status.InvalidArgument;
        Node* n = Tree.Get(node);
        n->Mode = (uint)mode;
        n->Change = Clock.Now();
        return Status.Ok;
    }

    public static Status Chown(uint node, ulong uid, ulong gid)
    {
        if (uid > uint.MaxValue || gid > uint.MaxValue) return Status.InvalidArgument;
        Node* n = Tree.Get(node);
        if ((uint)uid != Owner.Unchanged) n->Uid = (uint)uid;
        if ((uint)gid != Owner.Unchanged) n->Gid = (uint)gid;
        n->Change = Clock.Now();
        return Status.Ok;
    }

    public static Status Utimens(uint node, ulong accessSeconds, ulong modifySeconds, ulong word)
    {
        uint an = UtimeWord.Access(word), mn = UtimeWord.Modify(word);
        if (!UtimeWord.Valid(an) || !UtimeWord.Valid(mn)) return Status.InvalidArgument;
        Node* n = Tree.Get(node);
        long now = Clock.Now();
        if (an != UtimeWord.Omit) n->Access = an == UtimeWord.Now ? now : (long)accessSeconds * 1_000_000_000 + an;
        if (mn != UtimeWord.Omit) n->Modify = mn == UtimeWord.Now ? now : (long)modifySeconds * 1_000_000_000 + mn;
        if (an != UtimeWord.Omit || mn != UtimeWord.Omit) n->Change = now;
        return Status.Ok;
    }

    public static void Statfs()
    {
        FsStat st = default;
        st.Type = FsTypes.Ramfs;
        st.BlockSize = DataPages.Size;
        st.FragmentSize = DataPages.Size;
        st.Blocks = DataPages.Limit;
        st.BlocksFree = st.BlocksAvailable = DataPages.Available;
        st.Files = Tree.Made;
        st.FilesFree = Tree.Made - Tree.Live;
        st.MaxName = (ulong)Tree.MaxName;
        *(FsStat*)SchemeCall.Data = st;
        Program.Server.Answer(Status.Ok, dataLength: sizeof(FsStat));
    }

    /// <summary>The times a read (`write` false) or a write changes. A write: modify and change, now.
    /// A read: access, relatime-style as Linux by default, only when the access time is not after the
    /// last modify or change; Linux's other rule (a day-old access time is renewed) is left out, so a
    /// read of a file nobody writes costs no clock reading (docs/design/ramfs.md, "Metadata").</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]   // on every read and write
    public static void Touch(Node* n, bool write)
    {
        if (write) n->Modify = n->Change = Clock.Now();
        else if (n->Access <= n->Modify || n->Access <= n->Change) n->Access = Clock.Now();
    }
}
