// Calls on Unix metadata and links: symlink, link, chmod/fchmod/fchmodat, chown/lchown/fchown/
// fchownat, utimensat and statfs/fstatfs, each one Vireo metadata call (docs/design/schemes.md,
// "File metadata"), whose mode bits, owners and UTIME_NOW/UTIME_OMIT are Linux's already.
using Vireo.Abi;
using Vireo.Linux.Abi;
using Vireo.User.Schemes;

namespace Vireo.Linux.Syscalls;

public static unsafe partial class SyscallTable
{
    // The Vireo path of (dirFd, path): 0 or a negated errno (EPERM for /scheme itself).
    private static long VireoPath(LinuxProcess p, long dirFd, ulong path, out byte[] vireo)
    {
        vireo = null;
        long e = Resolve(p, dirFd, path, out byte[] linux);
        if (e != 0) return e;
        vireo = LinuxPaths.ToVireo(linux);
        return vireo == null ? -Errno.EPERM : 0;
    }

    private static long Symlinkat(LinuxProcess p, ulong target, long dirFd, ulong path)
    {
        byte* text = stackalloc byte[LinuxPaths.Max];
        int length = ReadString(p, target, text, LinuxPaths.Max);
        if (length == -1) return -Errno.EFAULT;
        if (length < 0) return -Errno.ENAMETOOLONG;
        if (length == 0) return -Errno.ENOENT;
        long e = VireoPath(p, dirFd, path, out byte[] at);
        if (e != 0) return e;
        fixed (byte* v = at) return -Errno.From(Fs.Symlink(text, length, v, at.Length));
    }

    private static long Linkat(LinuxProcess p, long fromDir, ulong from, long toDir, ulong to)
    {
        byte[] b = null;
        long e = VireoPath(p, fromDir, from, out byte[] a);
        if (e == 0) e = VireoPath(p, toDir, to, out b);
        if (e != 0) return e;
        fixed (byte* x = a) fixed (byte* y = b) return -Errno.From(Fs.Link(x, a.Length, y, b.Length));
    }

    private static long Chmodat(LinuxProcess p, long dirFd, ulong path, ulong mode)
    {
        long e = VireoPath(p, dirFd, path, out byte[] v);
        if (e != 0) return e;
        fixed (byte* at = v) return -Errno.From(Fs.Chmod(at, v.Length, (uint)(mode & FileModes.PermissionMask)));
    }

    private static long Chownat(LinuxProcess p, long dirFd, ulong path, ulong uid, ulong gid, bool noFollow)
    {
        long e = VireoPath(p, dirFd, path, out byte[] v);
        if (e != 0) return e;
        fixed (byte* at = v) return -Errno.From(Fs.Chown(at, v.Length, (uint)uid, (uint)gid, noFollow ? PathFlags.NoFollow : PathFlags.None));
    }

    private static long OnFd(LinuxProcess p, ulong fd, out LinuxFile f)
    {
        f = p.Files.Get(fd);
        if (f == null) return -Errno.EBADF;
        return f.Stdio || !f.Fd.IsValid ? -Errno.EPERM : 0;
    }

    private static long Fchmod(LinuxProcess p, ulong fd, ulong mode)
    {
        long e = OnFd(p, fd, out LinuxFile f);
        return e != 0 ? e : -Errno.From(Fs.Fchmod(f.Fd, (uint)(mode & FileModes.PermissionMask)));
    }

    // ftruncate(fd, length): Linux's EINVAL for a negative length, and for a descriptor that is not a
    // regular file open for writing (the scheme's refusal, InsufficientRights, is that case).
    private static long Ftruncate(LinuxProcess p, ulong fd, ulong length)
    {
        LinuxFile f = p.Files.Get(fd);
        if (f == null) return -Errno.EBADF;
        if ((long)length < 0 || f.Stdio || !f.Fd.IsValid) return -Errno.EINVAL;
        Status s = Fs.Ftruncate(f.Fd, length);
        if (s == Status.Ok) LinuxMemory.FileResized();   // mappings follow the file's size
        return s == Status.InsufficientRights ? -Errno.EINVAL : -Errno.From(s);
    }

    // truncate(path, length): the file opened for writing (EACCES without the right, EISDIR for a
    // directory), then as ftruncate.
    private static long Truncate(LinuxProcess p, ulong path, ulong length)
    {
        if ((long)length < 0) return -Errno.EINVAL;
        long e = VireoPath(p, AtFdCwd, path, out byte[] v);
        if (e != 0) return e;
        Status s;
        Fd fd;
        fixed (byte* at = v) s = Fs.Open(at, v.Length, OpenFlags.Write, out fd);
        if (s != Status.Ok) return -Errno.From(s);
        s = Fs.Ftruncate(fd, length);
        _ = Fs.Close(fd);   // nothing was written through it
        if (s == Status.Ok) LinuxMemory.FileResized();
        return -Errno.From(s);
    }

    private static long Fchown(LinuxProcess p, ulong fd, ulong uid, ulong gid)
    {
        long e = OnFd(p, fd, out LinuxFile f);
        return e != 0 ? e : -Errno.From(Fs.Fchown(f.Fd, (uint)uid, (uint)gid));
    }

    // utimensat(dirfd, path, times[2], flags): no times is "now" for both; no path is the fd's file.
    private static long Utimensat(LinuxProcess p, long dirFd, ulong path, ulong times, ulong flags)
    {
        var access = new FileTime(0, UtimeWord.Now);
        var modify = new FileTime(0, UtimeWord.Now);
        if (times != 0)
        {
            if (!p.Memory.ReadWord(times, out ulong aSec) || !p.Memory.ReadWord(times + 8, out ulong aNs) ||
                !p.Memory.ReadWord(times + 16, out ulong mSec) || !p.Memory.ReadWord(times + 24, out ulong mNs)) return -Errno.EFAULT;
            if (!UtimeWord.Valid((uint)aNs) || aNs > uint.MaxValue || !UtimeWord.Valid((uint)mNs) || mNs > uint.MaxValue) return -Errno.EINVAL;
            access = new FileTime((long)aSec, (uint)aNs);
            modify = new FileTime((long)mSec, (uint)mNs);
        }
        if (path == 0)
        {
            long e = OnFd(p, (ulong)dirFd, out LinuxFile f);
            return e != 0 ? e : -Errno.From(Fs.Futimens(f.Fd, access, modify));
        }
        long r = VireoPath(p, dirFd, path, out byte[] v);
        if (r != 0) return r;
        PathFlags pf = (flags & AtSymlinkNofollow) != 0 ? PathFlags.NoFollow : PathFlags.None;
        fixed (byte* at = v) return -Errno.From(Fs.Utimens(at, v.Length, access, modify, pf));
    }

    private static long Statfs(LinuxProcess p, ulong path, ulong buffer)
    {
        long e = VireoPath(p, AtFdCwd, path, out byte[] v);
        if (e != 0) return e;
        Status s;
        FsStat st;
        fixed (byte* at = v) s = Fs.Statfs(at, v.Length, out st);
        return s != Status.Ok ? -Errno.From(s) : PutStatfs(p, in st, buffer);
    }

    private static long Fstatfs(LinuxProcess p, ulong fd, ulong buffer)
    {
        long e = OnFd(p, fd, out LinuxFile f);
        if (e != 0) return e;
        Status s = Fs.Fstatfs(f.Fd, out FsStat st);
        return s != Status.Ok ? -Errno.From(s) : PutStatfs(p, in st, buffer);
    }

    private static long PutStatfs(LinuxProcess p, in FsStat st, ulong buffer)
    {
        byte* packed = stackalloc byte[LinuxStat.StatfsSize];
        LinuxStat.PackStatfs(in st, new System.Span<byte>(packed, LinuxStat.StatfsSize));
        return p.Memory.Write(buffer, packed, LinuxStat.StatfsSize) ? 0 : -Errno.EFAULT;
    }
}
