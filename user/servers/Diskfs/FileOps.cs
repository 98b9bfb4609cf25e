// Requests through a file capability the daemon minted (the badge is the handle's id): Read, Write,
// Seek, Fsync, Ftruncate, Fcntl, Getdents (Close, Dup and Fstat are the library's FileTable; the
// positional and metadata ones are MetaOps), and the mapped data path (Mapping.cs): FileMap,
// FilePages, FileTransfer, FileWrite, Fmap. The position is the description's (shared by Dups, and
// by mapping clients through its page). Data moves through a buffer of the daemon's own, not the IPC
// buffer: a block the cache must read or write is an IPC call to the device's daemon that reuses the
// IPC buffer, so a Write's data is copied out before the volume runs, and a Read's or Getdents'
// answer is copied in after.
using System;
using Vireo.Abi;
using Vireo.User.FileSystems.Ext2;
using Vireo.User.Schemes;

static unsafe class FileOps
{
    private static readonly byte[] s_data = new byte[SchemeLimits.MaxData];
    private static readonly byte[] s_name = new byte[Ext2Format.MaxNameLength];
    private static readonly byte[] s_page = new byte[DataPages.Size];

    public static void Handle(ref Request r, ref Handle h)
    {
        switch (r.Op)
        {
            case SchemeOp.Read: Read(ref h, r.W0); return;
            case SchemeOp.Write: Write(ref h, new ReadOnlySpan<byte>(r.Data, r.DataLength)); return;
            case SchemeOp.Seek: Seek(ref h, (long)r.W0, (SeekFrom)r.W1); return;
            case SchemeOp.Fsync: Program.Server.Answer(Mapping.Fsync(h.Inode)); return;
            case SchemeOp.Ftruncate: Program.Server.Answer(Truncate(ref h, r.W0)); return;
            case SchemeOp.Fcntl: Fcntl(ref h, (FcntlCommand)r.W0, r.W1); return;
            case SchemeOp.Getdents: Getdents(ref h, r.W0); return;
            case SchemeOp.FileMap: Mapping.Map(ref h, r.W0 == 1); return;
            case SchemeOp.FilePages: Mapping.Give(ref h, r.W0, r.W1, false); return;
            case SchemeOp.FileRun: Mapping.GiveRun(ref h, r.W0); return;
            case SchemeOp.Fmap:
                if ((r.W0 & (DataPages.Size - 1)) != 0 || (r.W2 & ~(ulong)FmapFlags.Run) != 0) Program.Server.Answer(Status.InvalidArgument);
                else if (r.W2 != 0 && !Mapping.Runs(ref h)) Program.Server.Answer(Status.Occupied);
                else Mapping.Give(ref h, r.W0 / DataPages.Size, r.W1, true);
                return;
            case SchemeOp.FileTransfer: Mapping.Transfer(ref h); return;
            // Pages stay until the file closes; what was stored into writable ones goes to the volume.
            case SchemeOp.Funmap: Program.Server.Answer(Mapping.WriteBack(h.Inode)); return;
            case SchemeOp.FileWrite: WriteFromTransfer(ref h, r.W0); return;
            default: MetaOps.Handle(ref r, ref h); return;
        }
    }

    private static void Read(ref Handle h, ulong max)
    {
        if ((h.Flags & OpenFlags.Read) == 0)
        {
            Program.Server.Answer(Status.InsufficientRights);
            return;
        }
        int count = max > SchemeLimits.MaxData ? SchemeLimits.MaxData : (int)max;
        ulong* position = OpenDescriptions.Position(h.Map.Desc);
        Status s = Program.Volume.Read(h.Inode, *position, new Span<byte>(s_data, 0, count), out int got);
        if (s != Status.Ok)
        {
            Program.Server.Answer(s);
            return;
        }
        new ReadOnlySpan<byte>(s_data, 0, got).CopyTo(new Span<byte>(SchemeCall.Data, got));
        *position += (ulong)got;
        Program.Server.Answer(Status.Ok, dataLength: got);
    }

    // A write the disk could take only part of answers Ok with what it took (a short write, as
    // POSIX has it); the next one answers NoSpace with nothing taken.
    private static void Write(ref Handle h, ReadOnlySpan<byte> request)
    {
        if ((h.Flags & OpenFlags.Write) == 0)
        {
            Program.Server.Answer(Status.InsufficientRights);
            return;
        }
        request.CopyTo(s_data);
        WriteOwn(ref h, new ReadOnlySpan<byte>(s_data, 0, request.Length));
    }

    // FileWrite: Write with the bytes in the handle's transfer page (FileTransfer gave it), copied
    // first: the client may change the page meanwhile, and the volume and the cached pages must get
    // the same bytes.
    private static void WriteFromTransfer(ref Handle h, ulong length)
    {
        byte* bytes = FileMapping.TransferBytes(h.Map, length);
        if (bytes == null)
        {
            Program.Server.Answer(Status.InvalidArgument);
            return;
        }
        if ((h.Flags & OpenFlags.Write) == 0)
        {
            Program.Server.Answer(Status.InsufficientRights);
            return;
        }
        new ReadOnlySpan<byte>(bytes, (int)length).CopyTo(s_page);
        WriteOwn(ref h, new ReadOnlySpan<byte>(s_page, 0, (int)length));
    }

    // Write's work once the bytes are the daemon's own (an IPC call to the device must not find them
    // in the IPC buffer, nor a client change them under the write).
    private static void WriteOwn(ref Handle h, ReadOnlySpan<byte> data)
    {
        var v = Program.Volume;
        ulong* position = OpenDescriptions.Position(h.Map.Desc);
        if ((h.Flags & OpenFlags.Append) != 0)
        {
            Status a = v.Stat(h.Inode, out Ext2Stat st);
            if (a != Status.Ok)
            {
                Program.Server.Answer(a);
                return;
            }
            *position = st.Size;
        }
        Status s = Mapping.Write(h.Inode, *position, data, out int written);
        *position += (ulong)written;
        Program.Server.Answer(written > 0 ? Status.Ok : s, (ulong)written);
    }

    private static void Seek(ref Handle h, long offset, SeekFrom from)
    {
        ulong size = 0;
        if (from == SeekFrom.End)
        {
            Status st = Program.Volume.Stat(h.Inode, out Ext2Stat stat);
            if (st != Status.Ok)
            {
                Program.Server.Answer(st);
                return;
            }
            size = stat.Size;
        }
        ulong* position = OpenDescriptions.Position(h.Map.Desc);
        Status s = FilePositions.Seek(*position, size, offset, from, out ulong to);
        if (s == Status.Ok) *position = to;
        Program.Server.Answer(s, to);
    }

    private static Status Truncate(ref Handle h, ulong size)
    {
        if ((h.Flags & OpenFlags.Write) == 0) return Status.InsufficientRights;
        return Mapping.Truncate(h.Inode, size);
    }

    private static void Fcntl(ref Handle h, FcntlCommand command, ulong argument)
    {
        Status s = FilePositions.Fcntl(ref h.Flags, command, argument);
        Program.Server.Answer(s, s == Status.Ok ? (ulong)h.Flags : 0);
    }

    // Records (u8 kind, u8 length, name) for the entries from the handle's position (a byte offset in
    // the directory) on, as many as fit in `max` bytes; "." and ".." are not listed (as in every other
    // scheme). InvalidArgument if not even the next one fits.
    private static void Getdents(ref Handle h, ulong max)
    {
        int room = max > SchemeLimits.MaxData ? SchemeLimits.MaxData : (int)max;
        int used = 0;
        var v = Program.Volume;
        ulong* position = OpenDescriptions.Position(h.Map.Desc);
        while (true)
        {
            Status s = v.ReadDirectory(h.Inode, *position, s_name, out int length, out _, out byte type, out ulong next, out bool end);
            if (s != Status.Ok)
            {
                // What was gathered goes; the failure comes again with the next call.
                if (used > 0) break;
                Program.Server.Answer(s);
                return;
            }
            if (end) break;
            bool dots = length == 1 && s_name[0] == (byte)'.' || length == 2 && s_name[0] == (byte)'.' && s_name[1] == (byte)'.';
            if (!dots)
            {
                if (used + 2 + length > room)
                {
                    if (used == 0)
                    {
                        Program.Server.Answer(Status.InvalidArgument);
                        return;
                    }
                    break;
                }
                s_data[used] = (byte)Kinds.OfEntry(type);
                s_data[used + 1] = (byte)length;
                new ReadOnlySpan<byte>(s_name, 0, length).CopyTo(new Span<byte>(s_data, used + 2, length));
                used += 2 + length;
            }
            *position = next;
        }
        new ReadOnlySpan<byte>(s_data, 0, used).CopyTo(new Span<byte>(SchemeCall.Data, used));
        Program.Server.Answer(Status.Ok, dataLength: used);
    }
}
