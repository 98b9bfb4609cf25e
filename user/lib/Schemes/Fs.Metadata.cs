// The Unix metadata calls of the scheme protocol (docs/design/schemes.md, "File metadata"): the full
// stat, chmod, chown, utimens, link, symlink, readlink, mknod, statfs and positional read and write.
// Each is one request (Readlink and the positional calls: as many as the bytes need); every path may
// be up to SchemeLimits.MaxPath bytes after "name:" (longer than a message: LongPaths).
using Vireo.Abi;

namespace Vireo.User.Schemes;

public static unsafe partial class Fs
{
    // --- path operations ---------------------------------------------------------------------

    /// <summary>The full stat of `path`; with PathFlags.NoFollow a symbolic link's own (lstat).</summary>
    public static Status Stat(byte* path, int length, out FileStat st, PathFlags flags = PathFlags.None)
    {
        st = default;
        Status s = PathCall(SchemeOp.Stat, path, length, null, 0, (ulong)flags, 0, 0, 0, out SchemeReply r);
        return s != Status.Ok ? s : FileStats.Read(r, out st);
    }

    public static Status Stat(string path, out FileStat st, PathFlags flags = PathFlags.None)
    {
        st = default;
        fixed (byte* p = Path(path, out int n)) return n < 0 ? Status.NameTooLong : Stat(p, n, out st, flags);
    }

    public static Status Lstat(string path, out FileStat st) => Stat(path, out st, PathFlags.NoFollow);

    /// <summary>Sets the permission bits (07777).</summary>
    public static Status Chmod(byte* path, int length, uint mode, PathFlags flags = PathFlags.None) =>
        PathCall(SchemeOp.Chmod, path, length, null, 0, mode, (ulong)flags, 0, 0, out _);

    /// <summary>Sets owner and group; Owner.Unchanged keeps either.</summary>
    public static Status Chown(byte* path, int length, uint uid, uint gid, PathFlags flags = PathFlags.None) =>
        PathCall(SchemeOp.Chown, path, length, null, 0, uid, gid, (ulong)flags, 0, out _);

    /// <summary>Sets the access and modify times; a Nanoseconds of UtimeWord.Now takes the wall
    /// clock's now, UtimeWord.Omit leaves that time.</summary>
    public static Status Utimens(byte* path, int length, FileTime access, FileTime modify, PathFlags flags = PathFlags.None) =>
        PathCall(SchemeOp.Utimens, path, length, null, 0, (ulong)access.Seconds, (ulong)modify.Seconds,
            UtimeWord.Pack(access.Nanoseconds, modify.Nanoseconds, flags), 0, out _);

    /// <summary>A second name `to` for the file `from` (same scheme; not a directory).</summary>
    public static Status Link(byte* from, int fromLength, byte* to, int toLength) =>
        PathCall(SchemeOp.Link, from, fromLength, to, toLength, 0, 0, 0, 0, out _);

    /// <summary>A symbolic link at `path` whose content is `target`, kept as given (a path inside the
    /// same scheme, absolute from its root or relative to the link's directory).</summary>
    public static Status Symlink(byte* target, int targetLength, byte* path, int length)
    {
        Status s = Namespace.Split(path, length, out byte* name, out int nameLength, out byte* rest, out int restLength);
        if (s != Status.Ok) return s;
        if (restLength > SchemeLimits.MaxPath || targetLength > SchemeLimits.MaxPath) return Status.NameTooLong;
        if (targetLength == 0) return Status.NotFound;   // as Linux: an empty target names nothing
        return SchemeRequest(SchemeOp.Symlink, name, nameLength, target, targetLength, rest, restLength, true, 0, 0, 0, 0, out _);
    }

    /// <summary>The target of the symbolic link `path`: up to `size` bytes into `buffer`; `length` is
    /// the whole target's length (more than `size` when it did not fit; then `size` bytes came).</summary>
    public static Status Readlink(byte* path, int pathLength, byte* buffer, int size, out int length)
    {
        length = 0;
        if (size < 0) return Status.InvalidArgument;
        int got = 0;
        while (true)
        {
            Status s = PathCall(SchemeOp.Readlink, path, pathLength, null, 0, (ulong)got, 0, 0, 0, out SchemeReply r);
            if (s != Status.Ok) return s;
            if (r.W0 > SchemeLimits.MaxPath || r.DataLength > SchemeLimits.MaxData || (ulong)got + (ulong)r.DataLength > r.W0)
                return Status.BadReply;
            length = (int)r.W0;
            int take = r.DataLength < size - got ? r.DataLength : size - got;
            SchemeCall.Buffer_MemoryCopy(buffer + got, SchemeCall.Data, take);
            got += take;
            if (got >= length || got >= size) return Status.Ok;
            if (r.DataLength == 0) return Status.BadReply;   // a daemon that stops short would loop for ever
        }
    }

    /// <summary>A special file (FIFO, device) or an empty regular file; NotSupported where the scheme
    /// cannot hold the kind asked for.</summary>
    public static Status Mknod(byte* path, int length, uint mode, ulong device) =>
        PathCall(SchemeOp.Mknod, path, length, null, 0, mode, device, 0, 0, out _);

    /// <summary>Mkdir with a mode (permission bits).</summary>
    public static Status Mkdir(byte* path, int length, uint mode) =>
        PathCall(SchemeOp.Mkdir, path, length, null, 0, FileModes.Given | (mode & FileModes.PermissionMask), 0, 0, 0, out _);

    /// <summary>What the file system holding `path` says about itself.</summary>
    public static Status Statfs(byte* path, int length, out FsStat st)
    {
        st = default;
        Status s = PathCall(SchemeOp.Statfs, path, length, null, 0, 0, 0, 0, 0, out SchemeReply r);
        return s != Status.Ok ? s : ReadFsStat(r, out st);
    }

    // --- descriptor operations ---------------------------------------------------------------

    /// <summary>The full stat of an open file.</summary>
    public static Status Fstat(Fd fd, out FileStat st)
    {
        st = default;
        Status s = SchemeCall.Call(fd.Cap, SchemeOp.Fstat, 0, 0, 0, 0, 0, 0, out SchemeReply r);
        return s != Status.Ok ? s : FileStats.Read(r, out st);
    }

    /// <summary>Reads up to `count` bytes from `offset` (several requests if more than one message
    /// holds); the file's position does not move. `read` &lt; count at the end of the file.</summary>
    public static Status Pread(Fd fd, byte* buffer, int count, ulong offset, out int read)
    {
        read = 0;
        if (count < 0) return Status.InvalidArgument;
        if (!UserRange(buffer, count)) return Status.BadAddress;
        while (read < count)
        {
            int chunk = count - read > SchemeLimits.MaxData ? SchemeLimits.MaxData : count - read;
            Status s = SchemeCall.Call(fd.Cap, SchemeOp.Pread, (ulong)chunk, offset + (ulong)read, 0, 0, 0, 0, out SchemeReply r);
            if (s != Status.Ok) return read > 0 ? Status.Ok : s;
            if (r.DataLength > chunk) return Status.BadReply;
            SchemeCall.Buffer_MemoryCopy(buffer + read, SchemeCall.Data, r.DataLength);
            read += r.DataLength;
            if (r.DataLength < chunk) break;
        }
        return Status.Ok;
    }

    /// <summary>Writes `count` bytes at `offset`; the file's position does not move (not even with
    /// OpenFlags.Append: POSIX's pwrite, not Linux's).</summary>
    public static Status Pwrite(Fd fd, byte* buffer, int count, ulong offset, out int written)
    {
        written = 0;
        if (count < 0) return Status.InvalidArgument;
        if (!UserRange(buffer, count)) return Status.BadAddress;
        while (written < count)
        {
            int chunk = count - written > SchemeLimits.MaxData ? SchemeLimits.MaxData : count - written;
            SchemeCall.Put(buffer + written, chunk);
            Status s = SchemeCall.Call(fd.Cap, SchemeOp.Pwrite, offset + (ulong)written, 0, 0, chunk, 0, 0, out SchemeReply r);
            if (s != Status.Ok) return s;
            if (r.W0 > (ulong)chunk) return Status.BadReply;
            if (r.W0 == 0) return Status.NoSpace;
            written += (int)r.W0;
        }
        return Status.Ok;
    }

    public static Status Fchmod(Fd fd, uint mode) => SchemeCall.Call(fd.Cap, SchemeOp.Fchmod, mode, 0, 0, 0, 0, 0, out _);

    public static Status Fchown(Fd fd, uint uid, uint gid) => SchemeCall.Call(fd.Cap, SchemeOp.Fchown, uid, gid, 0, 0, 0, 0, out _);

    public static Status Futimens(Fd fd, FileTime access, FileTime modify) =>
        SchemeCall.Call(fd.Cap, SchemeOp.Futimens, (ulong)access.Seconds, (ulong)modify.Seconds,
            UtimeWord.Pack(access.Nanoseconds, modify.Nanoseconds, PathFlags.None), 0, 0, 0, out _);

    public static Status Fstatfs(Fd fd, out FsStat st)
    {
        st = default;
        Status s = SchemeCall.Call(fd.Cap, SchemeOp.Fstatfs, 0, 0, 0, 0, 0, 0, out SchemeReply r);
        return s != Status.Ok ? s : ReadFsStat(r, out st);
    }

    // --- helpers -------------------------------------------------------------------------------

    private static Status ReadFsStat(in SchemeReply r, out FsStat st)
    {
        st = default;
        if (r.DataLength < sizeof(FsStat)) return Status.BadReply;
        st = *(FsStat*)SchemeCall.Data;
        return Status.Ok;
    }

    // A string path as bytes (non-ASCII characters as '?'); `length` -1 when it is too long.
    private static byte[] Path(string path, out int length)
    {
        var bytes = new byte[path.Length + 1];
        fixed (byte* p = bytes) length = Ascii(path, p, out int n) ? n : -1;
        return bytes;
    }
}
