// What every file daemon computes the same way for an open file: the position a Seek asks for, and
// the flags an Fcntl reads or changes. Written once here for ramfs and diskfs (and any file daemon
// after them), so their answers agree.
using Vireo.Abi;

namespace Vireo.User.Schemes;

public static class FilePositions
{
    /// <summary>The position `offset` bytes from `from` (the start, `position`, or the end of a file
    /// of `size` bytes). InvalidArgument for an unknown origin, a position before 0, or one past
    /// what a signed 64-bit offset holds.</summary>
    public static Status Seek(ulong position, ulong size, long offset, SeekFrom from, out ulong to)
    {
        to = 0;
        long origin;
        if (from == SeekFrom.Start) origin = 0;
        else if (from == SeekFrom.Current) origin = (long)position;
        else if (from == SeekFrom.End) origin = (long)size;
        else return Status.InvalidArgument;
        long target = origin + offset;
        if (target < 0 || offset > 0 && target < origin) return Status.InvalidArgument;
        to = (ulong)target;
        return Status.Ok;
    }

    /// <summary>Fcntl on a file opened with `flags`: GetFlags answers them (access and Append);
    /// SetFlags changes only Append (as in POSIX, access is fixed at Open; other bits are ignored)
    /// and answers the result. InvalidArgument for another command.</summary>
    public static Status Fcntl(ref OpenFlags flags, FcntlCommand command, ulong argument)
    {
        if (command == FcntlCommand.SetFlags)
            flags = (flags & ~OpenFlags.Append) | ((OpenFlags)argument & OpenFlags.Append);
        else if (command != FcntlCommand.GetFlags)
            return Status.InvalidArgument;
        return Status.Ok;
    }
}
