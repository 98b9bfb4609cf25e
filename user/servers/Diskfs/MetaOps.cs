// The metadata operations, on a path (Chmod, Chown, Utimens, Readlink, Statfs; Stat is PathOps) and
// on an open file (Pread, Pwrite, Fchmod, Fchown, Futimens, Fstatfs; Fstat is the library's
// FileTable, through Program.Scheme.Stat), on the ext2 inode. ext2 keeps times in whole seconds:
// a time given with nanoseconds keeps its seconds. Everybody is root: no operation checks
// permissions or ownership (as ramfs). A change is made durable before its answer (Durable.cs), as
// a name-space change is; Pwrite's data waits for the close or Fsync, as Write's does.
using System;
using Vireo.Abi;
using Vireo.User.FileSystems.Ext2;
using Vireo.User.Schemes;

static unsafe class MetaPathOps
{
    private static readonly byte[] s_target = new byte[4096];

    /// <summary>Chmod, Chown, Utimens, Readlink, Statfs on `path` (already copied out of the IPC buffer).</summary>
    public static void Handle(ref Request r, ReadOnlySpan<byte> path)
    {
        switch (r.Op)
        {
            case SchemeOp.Chmod: PathOps.Changed(Change(ref r, path, (PathFlags)r.W1)); return;
            case SchemeOp.Chown: PathOps.Changed(Change(ref r, path, (PathFlags)r.W2)); return;
            case SchemeOp.Utimens: PathOps.Changed(Change(ref r, path, UtimeWord.Flags(r.W2))); return;
            case SchemeOp.Readlink: Readlink(path, r.W0); return;
            case SchemeOp.Statfs: MetaOps.Statfs(); return;
            default: Program.Server.Answer(Status.NotSupported); return;
        }
    }

    // Chmod, Chown or Utimens on the inode the path names.
    private static Status Change(ref Request r, ReadOnlySpan<byte> path, PathFlags flags)
    {
        Status s = PathOps.Find(path, flags, out uint ino);
        if (s != Status.Ok) return s;
        if (r.Op == SchemeOp.Chmod) return MetaOps.Chmod(ino, r.W0);
        if (r.Op == SchemeOp.Chown) return MetaOps.Chown(ino, r.W0, r.W1);
        return MetaOps.Utimens(ino, r.W0, r.W1, r.W2);
    }

    // w0 = offset into the target -> data = the target from there (as much as a message holds), w0 =
    // its whole length. InvalidArgument when the path is not a link or the offset is past its end.
    private static void Readlink(ReadOnlySpan<byte> path, ulong offset)
    {
        Status s = Links.Walk(path, followLast: false, out uint ino);
        int length = 0;
        if (s == Status.Ok) s = Program.Volume.ReadLink(ino, s_target, out length);
        if (s == Status.Ok && offset > (ulong)length) s = Status.InvalidArgument;
        if (s != Status.Ok)
        {
            Program.Server.Answer(s);
            return;
        }
        int count = length - (int)offset;
        if (count > SchemeLimits.MaxData) count = SchemeLimits.MaxData;
        new ReadOnlySpan<byte>(s_target, (int)offset, count).CopyTo(new Span<byte>(SchemeCall.Data, count));
        Program.Server.Answer(Status.Ok, (ulong)length, dataLength: count);
    }
}

static unsafe class MetaOps
{
    private static readonly byte[] s_data = new byte[SchemeLimits.MaxData];

    /// <summary>Pread, Pwrite, Fchmod, Fchown, Futimens, Fstatfs on open file `h`.</summary>
    public static void Handle(ref Request r, ref Handle h)
    {
        switch (r.Op)
        {
            case SchemeOp.Pread: Pread(ref h, r.W0, r.W1); return;
            case SchemeOp.Pwrite: Pwrite(ref h, r.W0, new ReadOnlySpan<byte>(r.Data, r.DataLength)); return;
            case SchemeOp.Fchmod: PathOps.Changed(Chmod(h.Inode, r.W0)); return;
            case SchemeOp.Fchown: PathOps.Changed(Chown(h.Inode, r.W0, r.W1)); return;
            case SchemeOp.Futimens:
                PathOps.Changed(UtimeWord.Flags(r.W2) != 0 ? Status.InvalidArgument : Utimens(h.Inode, r.W0, r.W1, r.W2));
                return;
            case SchemeOp.Fstatfs: Statfs(); return;
            default: Program.Server.Answer(Status.NotSupported); return;
        }
    }

    // InsufficientRights without the access `need`, IsDirectory on a directory.
    private static Status Check(ref Handle h, OpenFlags need)
    {
        if ((h.Flags & need) == 0) return Status.InsufficientRights;
        Status s = Program.Volume.Stat(h.Inode, out Ext2Stat st);
        if (s != Status.Ok) return s;
        return Kinds.Of(st.Mode) == FileKind.Directory ? Status.IsDirectory : Status.Ok;
    }

    private static void Pread(ref Handle h, ulong max, ulong offset)
    {
        Status s = Check(ref h, OpenFlags.Read);
        int got = 0;
        if (s == Status.Ok)
        {
            int count = max > SchemeLimits.MaxData ? SchemeLimits.MaxData : (int)max;
            s = Program.Volume.Read(h.Inode, offset, new Span<byte>(s_data, 0, count), out got);
        }
        if (s != Status.Ok)
        {
            Program.Server.Answer(s);
            return;
        }
        new ReadOnlySpan<byte>(s_data, 0, got).CopyTo(new Span<byte>(SchemeCall.Data, got));
        Program.Server.Answer(Status.Ok, dataLength: got);
    }

    // As Write (FileOps), at `offset` whatever Append says (POSIX), the position left where it is.
    private static void Pwrite(ref Handle h, ulong offset, ReadOnlySpan<byte> request)
    {
        request.CopyTo(s_data);
        Status s = Check(ref h, OpenFlags.Write);
        int written = 0;
        if (s == Status.Ok) s = Mapping.Write(h.Inode, offset, new ReadOnlySpan<byte>(s_data, 0, request.Length), out written);
        Program.Server.Answer(written > 0 ? Status.Ok : s, (ulong)written);
    }

    public static Status Chmod(uint ino, ulong mode)
    {
        if (mode > FileModes.PermissionMask) return Status.InvalidArgument;
        return Program.Volume.SetMode(ino, (ushort)mode);
    }

    public static Status Chown(uint ino, ulong uid, ulong gid)
    {
        if (uid > uint.MaxValue || gid > uint.MaxValue) return Status.InvalidArgument;
        Status s = Program.Volume.Stat(ino, out Ext2Stat st);
        if (s != Status.Ok) return s;
        return Program.Volume.SetOwner(ino, (uint)uid == Owner.Unchanged ? st.Uid : (uint)uid,
            (uint)gid == Owner.Unchanged ? st.Gid : (uint)gid);
    }

    // ext2 rev 1 stores 32-bit seconds: a time outside them is InvalidArgument.
    public static Status Utimens(uint ino, ulong accessSeconds, ulong modifySeconds, ulong word)
    {
        uint an = UtimeWord.Access(word), mn = UtimeWord.Modify(word);
        if (!UtimeWord.Valid(an) || !UtimeWord.Valid(mn)) return Status.InvalidArgument;
        if (an == UtimeWord.Omit && mn == UtimeWord.Omit) return Status.Ok;
        Status s = Program.Volume.Stat(ino, out Ext2Stat st);
        if (s != Status.Ok) return s;
        if (!Seconds(an, accessSeconds, st.Atime, out uint atime) || !Seconds(mn, modifySeconds, st.Mtime, out uint mtime))
            return Status.InvalidArgument;
        return Program.Volume.SetTimes(ino, atime, mtime);
    }

    // One time of Utimens: Omit keeps `kept`, Now is the volume's now, else the seconds given.
    private static bool Seconds(uint nanoseconds, ulong given, uint kept, out uint seconds)
    {
        seconds = nanoseconds == UtimeWord.Omit ? kept : nanoseconds == UtimeWord.Now ? Program.Volume.Now : (uint)given;
        return nanoseconds == UtimeWord.Omit || nanoseconds == UtimeWord.Now || given <= uint.MaxValue;
    }

    /// <summary>Statfs from the superblock's counts (the volume keeps them current).</summary>
    public static void Statfs()
    {
        var v = Program.Volume;
        FsStat st = default;
        st.Type = FsTypes.Ext2;
        st.BlockSize = (ulong)v.BlockSize;
        st.FragmentSize = (ulong)v.BlockSize;
        st.Blocks = v.BlocksCount;
        st.BlocksFree = v.FreeBlocks;
        st.BlocksAvailable = v.FreeBlocks > v.ReservedBlocks ? v.FreeBlocks - v.ReservedBlocks : 0;
        st.Files = v.InodesCount;
        st.FilesFree = v.FreeInodes;
        st.MaxName = Ext2Format.MaxNameLength;
        st.Flags = v.ReadOnly ? (ulong)FsFlags.ReadOnly : 0;
        *(FsStat*)SchemeCall.Data = st;
        Program.Server.Answer(Status.Ok, dataLength: sizeof(FsStat));
    }
}
