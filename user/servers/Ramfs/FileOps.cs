// Requests through a file capability the daemon minted (the badge is the handle's id): Read,
// Write, Seek, Fsync, Ftruncate, Fcntl, Getdents (Close, Dup and Fstat are the library's FileTable;
// the positional and metadata ones are MetaOps). Fmap is not offered.
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
                default: MetaOps.Handle(ref r, h); return;
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
        int got = FileData.Read(n, h->Position, SchemeCall.Data, count);
        h->Position += (ulong)got;
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
            if ((h->Flags & OpenFlags.Append) != 0) h->Position = n->Size;
            s = FileData.Write(n, h->Position, data, length, out written);
            h->Position += (ulong)written;
        }
        Program.Server.Answer(s, (ulong)written);
    }

    private static void Seek(Handle* h, Node* n, long offset, SeekFrom from)
    {
        Status s = FilePositions.Seek(h->Position, n->Size, offset, from, out ulong to);
        if (s == Status.Ok) h->Position = to;
        Program.Server.Answer(s, to);
    }

    private static Status Truncate(Handle* h, Node* n, ulong size)
    {
        if ((h->Flags & OpenFlags.Write) == 0) return Status.InsufficientRights;
        if (n->IsDirectory) return Status.IsDirectory;
        return FileData.Truncate(n, size);
    }

    private static void Fcntl(Handle* h, FcntlCommand command, ulong argument)
    {
        Status s = FilePositions.Fcntl(ref h->Flags, command, argument);
        Program.Server.Answer(s, s == Status.Ok ? (ulong)h->Flags : 0);
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
        bool left;
        while (left = Tree.Entry(h->Node, h->Position, out Entry e))
        {
            int length = e.Name.Length;
            if (used + 2 + length > room) break;
            into[used] = Tree.Get(e.Node)->Kind;
            into[used + 1] = (byte)length;   // at most MaxName, 255
            for (int k = 0; k < length; k++) into[used + 2 + k] = e.Name[k];
            used += 2 + length;
            h->Position++;
        }
        if (used == 0 && left)   // an entry left that does not fit in the room asked for
        {
            Program.Server.Answer(Status.InvalidArgument);
            return;
        }
        Program.Server.Answer(Status.Ok, dataLength: used);
    }
}
