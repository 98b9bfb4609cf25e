// Requests through a file capability the daemon minted (the badge is the handle's id): Read,
// Write, Seek, Fsync, Ftruncate, Fcntl, Getdents (Close, Dup and Fstat are the library's FileTable),
// and the mapped data path (Mapping.cs): FileMap, FilePages, FileTransfer, FileWrite, Fmap. The
// position is the description's (shared by Dups, and by mapping clients through its page).
using Vireo.Abi;
using Vireo.User.Schemes;

static unsafe class FileOps
{
    public static void Handle(ref Request r, ref Handle handle)
    {
        fixed (Handle* h = &handle)
        {
            Node* n = Tree.Get(h->Node);
            switch (r.Op)
            {
                case SchemeOp.Read: Read(h, n, r.W0); return;
                case SchemeOp.Write: Write(h, n, r.Data, r.DataLength); return;
                case SchemeOp.Seek: Seek(h, n, (long)r.W0, (SeekFrom)r.W1); return;
                case SchemeOp.Fsync: Program.Server.Answer(Status.Ok); return;   // RAM: nothing to flush
                case SchemeOp.Ftruncate: Program.Server.Answer(Truncate(h, n, r.W0)); return;
                case SchemeOp.Fcntl: Fcntl(h, (FcntlCommand)r.W0, r.W1); return;
                case SchemeOp.Getdents: Getdents(h, n, r.W0); return;
                case SchemeOp.FileMap: Mapping.Map(h, n, r.W0 == 1); return;
                case SchemeOp.FilePages: Mapping.Give(h, n, r.W0, r.W1, false); return;
                case SchemeOp.Fmap:
                    if ((r.W0 & (Pages.Size - 1)) != 0) Program.Server.Answer(Status.InvalidArgument);
                    else Mapping.Give(h, n, r.W0 / Pages.Size, r.W1, true);
                    return;
                case SchemeOp.FileTransfer: Mapping.Transfer(h, n); return;
                case SchemeOp.Funmap: Program.Server.Answer(Status.Ok); return;   // pages stay until the file closes
                case SchemeOp.FileWrite: WriteFromTransfer(h, n, r.W0); return;
            }
        }
    }

    private static void Read(Handle* h, Node* n, ulong max)
    {
        if ((h->Flags & OpenFlags.Read) == 0)
        {
            Program.Server.Answer(Status.InsufficientRights);
            return;
        }
        if (n->IsDirectory)
        {
            Program.Server.Answer(Status.IsDirectory);
            return;
        }
        int count = max > SchemeLimits.MaxData ? SchemeLimits.MaxData : (int)max;
        ulong* position = Descriptions.Position(h->Desc);
        int got = FileData.Read(n, *position, SchemeCall.Data, count);
        *position += (ulong)got;
        Program.Server.Answer(Status.Ok, dataLength: got);
    }

    private static void Write(Handle* h, Node* n, byte* data, int length)
    {
        Status s = Status.Ok;
        if ((h->Flags & OpenFlags.Write) == 0) s = Status.InsufficientRights;
        else if (n->IsDirectory) s = Status.IsDirectory;
        int written = 0;
        if (s == Status.Ok)
        {
            ulong* position = Descriptions.Position(h->Desc);
            if ((h->Flags & OpenFlags.Append) != 0) *position = n->Size;
            s = FileData.Write(n, *position, data, length, out written);
            *position += (ulong)written;
        }
        Program.Server.Answer(s, (ulong)written);
    }

    // FileWrite: Write with the bytes in the handle's transfer page (FileTransfer gave it).
    private static void WriteFromTransfer(Handle* h, Node* n, ulong length)
    {
        if (h->Transfer == 0 || length > Pages.Size) Program.Server.Answer(Status.InvalidArgument);
        else Write(h, n, Pages.Address(h->Transfer), (int)length);
    }

    private static void Seek(Handle* h, Node* n, long offset, SeekFrom from)
    {
        long origin;
        if (from == SeekFrom.Start) origin = 0;
        else if (from == SeekFrom.Current) origin = (long)*Descriptions.Position(h->Desc);
        else if (from == SeekFrom.End) origin = (long)n->Size;
        else
        {
            Program.Server.Answer(Status.InvalidArgument);
            return;
        }
        long to = origin + offset;
        if (to < 0 || offset > 0 && to < origin)
        {
            Program.Server.Answer(Status.InvalidArgument);
            return;
        }
        *Descriptions.Position(h->Desc) = (ulong)to;
        Program.Server.Answer(Status.Ok, (ulong)to);
    }

    private static Status Truncate(Handle* h, Node* n, ulong size)
    {
        if ((h->Flags & OpenFlags.Write) == 0) return Status.InsufficientRights;
        if (n->IsDirectory) return Status.IsDirectory;
        return FileData.Truncate(n, size);
    }

    // GetFlags: the handle's access and Append. SetFlags: only Append can change (as in POSIX,
    // access is fixed at Open); other bits are ignored.
    private static void Fcntl(Handle* h, FcntlCommand command, ulong argument)
    {
        if (command == FcntlCommand.GetFlags)
        {
            Program.Server.Answer(Status.Ok, (ulong)h->Flags);
            return;
        }
        if (command != FcntlCommand.SetFlags)
        {
            Program.Server.Answer(Status.InvalidArgument);
            return;
        }
        h->Flags = (h->Flags & ~OpenFlags.Append) | ((OpenFlags)argument & OpenFlags.Append);
        Program.Server.Answer(Status.Ok, (ulong)h->Flags);
    }

    // Records (u8 kind, u8 length, name) for the entries from the handle's position on, as many as
    // fit in `max` bytes; InvalidArgument if not even the next one fits.
    private static void Getdents(Handle* h, Node* n, ulong max)
    {
        if (!n->IsDirectory)
        {
            Program.Server.Answer(Status.NotDirectory);
            return;
        }
        int room = max > SchemeLimits.MaxData ? SchemeLimits.MaxData : (int)max;
        byte* into = SchemeCall.Data;
        int used = 0;
        ushort dir = h->Node;
        ulong* position = Descriptions.Position(h->Desc);
        ushort c = Tree.Entry(dir, *position);
        for (; c != 0; c = Tree.Get(c)->Next)
        {
            Node* e = Tree.Get(c);
            if (used + 2 + e->NameLength > room) break;
            into[used] = e->Kind;
            into[used + 1] = e->NameLength;
            for (int k = 0; k < e->NameLength; k++) into[used + 2 + k] = e->Name[k];
            used += 2 + e->NameLength;
            (*position)++;
        }
        if (used == 0 && c != 0)   // an entry left that does not fit in the room asked for
        {
            Program.Server.Answer(Status.InvalidArgument);
            return;
        }
        Program.Server.Answer(Status.Ok, dataLength: used);
    }
}
