// Paths with symbolic links: the library's LookupPath does not follow links (ext2.md), the daemon
// does. Each component is looked up from the directory before it; a link met on the way (or at the
// end, when the caller follows the last component: Open, Stat) is replaced by its target and the walk
// goes on from the root (an absolute target) or from the link's directory (a relative one, whose ".."
// is the real parent entry, not lexical). Unlink, Rmdir and Rename name the link itself: they follow
// only the directories above it (PathOps.Parent). More than MaxLinks links in one walk (Linux's 40)
// is a loop: SymlinkLoop.
using System;
using Vireo.Abi;
using Vireo.User.FileSystems.Ext2;

static class Links
{
    public const int MaxLinks = 40;
    // A link's target (a block at most) and the rest of the path after it (a path at most).
    private const int WorkBytes = 4096 + 1 + SchemeLimits.MaxPath;
    private static readonly byte[] s_work = new byte[WorkBytes];
    private static readonly byte[] s_next = new byte[WorkBytes];

    /// <summary>The inode at `path` from the root, following links on the way and, with `followLast`,
    /// a link at the end. NotFound, NotDirectory, NameTooLong, SymlinkLoop, Corrupt.</summary>
    public static Status Walk(ReadOnlySpan<byte> path, bool followLast, out uint ino) =>
        Walk(path, followLast, Ext2Volume<Disk>.Root, out ino);

    /// <summary>Walk from directory `from` when `path` is relative (a link's target, from the link's
    /// directory).</summary>
    public static Status Walk(ReadOnlySpan<byte> path, bool followLast, uint from, out uint ino)
    {
        var v = Program.Volume;
        ino = Ext2Volume<Disk>.Root;
        if (path.Length > WorkBytes) return Status.NameTooLong;
        path.CopyTo(s_work);
        int length = path.Length, at = 0, links = 0;
        uint dir = length > 0 && path[0] == (byte)'/' ? Ext2Volume<Disk>.Root : from;
        while (true)
        {
            while (at < length && s_work[at] == (byte)'/') at++;
            if (at == length)
            {
                ino = dir;
                return Status.Ok;
            }
            int end = at;
            while (end < length && s_work[end] != (byte)'/') end++;
            Status s = v.Lookup(dir, new ReadOnlySpan<byte>(s_work, at, end - at), out uint child);
            if (s != Status.Ok) return s;
            int rest = end;
            while (rest < length && s_work[rest] == (byte)'/') rest++;
            if (rest < length || followLast)
            {
                s = v.Stat(child, out Ext2Stat st);
                if (s != Status.Ok) return s;
                if ((st.Mode & Ext2Format.TypeMask) == Ext2Format.TypeSymlink)
                {
                    if (++links > MaxLinks) return Status.SymlinkLoop;
                    s = v.ReadLink(child, s_next, out int target);
                    if (s != Status.Ok) return s;
                    // target, '/', what followed the link
                    int tail = length - end;
                    if (target + tail > WorkBytes) return Status.NameTooLong;
                    new ReadOnlySpan<byte>(s_work, end, tail).CopyTo(new Span<byte>(s_next, target, tail));
                    length = target + tail;
                    new ReadOnlySpan<byte>(s_next, 0, length).CopyTo(s_work);
                    if (target > 0 && s_work[0] == (byte)'/') dir = Ext2Volume<Disk>.Root;
                    at = 0;
                    continue;
                }
            }
            dir = child;
            at = end;
        }
    }
}
