// Requests through a file capability the daemon minted (the badge is the handle's id): Read,
// Write, Seek, Fsync, Ftruncate, Fcntl, Getdents (Close, Dup and Fstat are the library's FileTable;
// the positional and metadata ones are MetaOps), and the mapped data path (Mapping.cs): FileMap,
// FilePages, FileTransfer, FileWrite, Fmap. The position is the description's (shared by Dups, and
// by mapping clients through its page).
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
                    if ((r.W0 & (DataPages.Size - 1)) != 0 || (r.W2 & ~(ulong)FmapFlags.Run) != 0) Program.Server.Answer(Status.InvalidArgument);
                    else if (r.W2 != 0 && !Mapping.Runs(h, n)) Program.Server.Answer(Status.Occupied);
                    else Mapping.Give(h, n, r.W0 / DataPages.Size, r.W1, true);
                    return;
                case SchemeOp.FileTransfer: Mapping.Transfer(h, n); return;
                case SchemeOp.Funmap: Program.Server.Answer(Status.Ok); return;   // pages stay until the file closes
                case SchemeOp.FileWrite: WriteFromTransfer(ref handle, r.W0); return;
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
        ulong* position = OpenDescriptions.Position(h->Map.Desc);
        int got = FileData.Read(n, *position, SchemeCall.Data, count);
        *position += (ulong)got;
        Program.Server.Answer(Status.Ok, dataLength: got);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]   // into Handle's Write and WriteFromTransfer (the data path)
    private static void Write(Handle* h, Node* n, byte* data, int length)
    {
        Status s = Status.Ok;
        if ((h->Flags & OpenFlags.Write) == 0) s = Status.InsufficientRights;
        else if (n->IsDirectory) s = Status.IsDirectory;
        int written = 0;
        if (s == Status.Ok)
        {
            ulong* position = OpenDescriptions.Position(h->Map.Desc);
            if ((h->Flags & OpenFlags.Append) != 0) *position = n->Size;
            s = FileData.Write(n, *position, data, length, out written);
            *position += (ulong)written;
        }
        Program.Server.Answer(s, (ulong)written);
    }

    /// <summary>FileWrite: Write with the bytes in the handle's transfer page (FileTransfer gave it),
    /// and the modify and change times a write moves (Program.Scheme.Times for the other requests).
    /// Called by the serve loop itself (its fast path) as well as through Handle.</summary>
    public static void WriteFromTransfer(ref Handle handle, ulong length)
    {
        fixed (Handle* h = &handle)
        {
            Node* n = Tree.Get(h->Node);
            byte* bytes = FileMapping.TransferBytes(h->Map, length);
            if (bytes == null)
            {
                Program.Server.Answer(Status.InvalidArgument);
                return;
            }
            if (length > 0 && (h->Flags & OpenFlags.Write) != 0 && !n->IsDirectory) MetaOps.Touch(n, true);
            Write(h, n, bytes, (int)length);
        }
    }

    private static void Seek(Handle* h, Node* n, long offset, SeekFrom from)
    {
        ulong* position = OpenDescriptions.Position(h->Map.Desc);
        Status s = FilePositions.Seek(*position, n->Size, offset, from, out ulong to);
        if (s == Status.Ok) *position = to;
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
        ulong* position = OpenDescriptions.Position(h->Map.Desc);
        bool left;
        while (left = Tree.Entry(h->Node, *position, out Entry e))
        {
            int length = e.Name.Length;
            if (used + 2 + length > room) break;
            into[used] = Tree.Get(e.Node)->Kind;
            into[used + 1] = (byte)length;   // at most MaxName, 255
            for (int k = 0; k < length; k++) into[used + 2 + k] = e.Name[k];
            used += 2 + length;
            (*position)++;
        }
        if (used == 0 && left)   // an entry left that does not fit in the room asked for
        {
            Program.Server.Answer(Status.InvalidArgument);
            return;
        }
        Program.Server.Answer(Status.Ok, dataLength: used);
    }
}
