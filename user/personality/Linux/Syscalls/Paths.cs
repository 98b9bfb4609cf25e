// Calls on paths: openat (and open), newfstatat/stat/lstat, getcwd, chdir, fchdir, readlink,
// access/faccessat, mkdir, rmdir, unlink/unlinkat, rename, umask. A path is resolved against the
// working directory or a directory fd and mapped to a Vireo path (LinuxPaths).
using System;
using Vireo.Abi;
using Vireo.Linux.Abi;
using Vireo.User.Schemes;

namespace Vireo.Linux.Syscalls;

public static unsafe partial class SyscallTable
{
    private const long AtFdCwd = -100;
    private const ulong AtSymlinkNofollow = 0x100, AtRemovedir = 0x200;
    private const ulong OCreat = 0x40, OExcl = 0x80, OTrunc = 0x200, ODirectory = 0x10000, ONofollow = 0x20000;

    // The absolute Linux path of (dirFd, path) into `linux`: 0, or a negated errno.
    private static long Resolve(LinuxProcess p, long dirFd, ulong path, out byte[] linux)
    {
        linux = null;
        byte* name = stackalloc byte[LinuxPaths.Max];
        int length = ReadString(p, path, name, LinuxPaths.Max);
        if (length == -1) return -Errno.EFAULT;
        if (length < 0) return -Errno.ENAMETOOLONG;
        if (length == 0) return -Errno.ENOENT;
        byte[] from = p.Cwd;
        if (name[0] != (byte)'/' && dirFd != AtFdCwd)
        {
            LinuxFile d = p.Files.Get((ulong)dirFd);
            if (d == null) return -Errno.EBADF;
            if (!d.IsDirectory || d.Path == null) return -Errno.ENOTDIR;
            from = d.Path;
        }
        linux = LinuxPaths.Absolute(from, new ReadOnlySpan<byte>(name, length));
        return linux == null ? -Errno.ENAMETOOLONG : 0;
    }

    private static long Openat(LinuxProcess p, long dirFd, ulong path, ulong flags, ulong mode)
    {
        long e = Resolve(p, dirFd, path, out byte[] linux);
        if (e != 0) return e;
        var f = new LinuxFile { Path = linux, StatusFlags = flags & ~(OCloexec | OCreat | OExcl | OTrunc | ONofollow) };
        byte[] vireo = LinuxPaths.ToVireo(linux);
        byte[] served = LinuxPaths.Served(linux);
        if (served != null)
        {
            if ((flags & OAccMode) != 0) return -Errno.EACCES;
            f.Content = served;
        }
        else if (vireo == null)
        {
            if ((flags & OAccMode) != 0) return -Errno.EISDIR;
            f.SchemeList = f.IsDirectory = true;
        }
        else
        {
            OpenFlags o = (flags & OAccMode) switch { 0 => OpenFlags.Read, 1 => OpenFlags.Write, _ => OpenFlags.Read | OpenFlags.Write };
            if ((flags & OCreat) != 0) o |= OpenFlags.Create;
            if ((flags & OExcl) != 0) o |= OpenFlags.Exclusive;
            if ((flags & OTrunc) != 0) o |= OpenFlags.Truncate;
            if ((flags & OAppend) != 0) o |= OpenFlags.Append;
            if ((flags & ONofollow) != 0) o |= OpenFlags.NoFollow;
            if ((flags & ODirectory) != 0) o |= OpenFlags.Directory;
            ulong modeWord = (flags & OCreat) != 0 ? FileModes.Given | (mode & ~(ulong)p.Umask & 0xFFF) : 0;
            Status s;
            Fd fd;
            fixed (byte* v = vireo) s = Fs.Open(v, vireo.Length, o, modeWord, out fd);
            if (s == Status.IsDirectory && (flags & OAccMode) == 0)
                fixed (byte* v = vireo) s = Fs.Open(v, vireo.Length, o | OpenFlags.Directory, 0, out fd);
            if (s != Status.Ok) return -Errno.From(s);
            f.Fd = fd;
            f.IsDirectory = (o & OpenFlags.Directory) != 0 || (Fs.Fstat(fd, out _, out FileKind kind) == Status.Ok && kind == FileKind.Directory);
            f.MayBlock = LinuxFile.SchemeMayBlock(vireo);
        }
        int n = p.Files.Add(f, (flags & OCloexec) != 0);
        if (n < 0)
        {
            if (f.Fd.IsValid) _ = Fs.Close(f.Fd);   // never handed out
            return -Errno.EMFILE;
        }
        return n;
    }

    private static long Newfstatat(LinuxProcess p, long dirFd, ulong path, ulong statBuffer, ulong flags)
    {
        if (!p.Memory.IsMapped(path, 1)) return -Errno.EFAULT;
        if (*p.Memory.At(path, out _) == 0)
            return (flags & AtEmptyPath) != 0 ? Fstat(p, dirFd == AtFdCwd ? ulong.MaxValue : (ulong)dirFd, statBuffer) : -Errno.ENOENT;
        long e = Resolve(p, dirFd, path, out byte[] linux);
        if (e != 0) return e;
        e = StatPath(linux, (flags & AtSymlinkNofollow) != 0, out FileStat st);
        return e != 0 ? e : PutStat(p, in st, statBuffer);
    }

    private static long StatPath(byte[] linux, bool noFollow, out FileStat st)
    {
        st = default;
        byte[] served = LinuxPaths.Served(linux);
        if (served != null)
        {
            st = PlainStat((ulong)served.Length, FileKind.File);
            return 0;
        }
        byte[] vireo = LinuxPaths.ToVireo(linux);
        if (vireo == null)
        {
            st.Links = 2;
            st.Mode = LinuxStat.ModeOf(FileKind.Directory);
            return 0;
        }
        Status s;
        fixed (byte* v = vireo)
        {
            s = Fs.Stat(v, vireo.Length, out st, noFollow ? PathFlags.NoFollow : PathFlags.None);
            if (s == Status.NotSupported || s == Status.BadReply) s = Plain(Fs.Stat(v, vireo.Length, out ulong size, out FileKind kind), size, kind, out st);
        }
        // /scheme/NAME is a directory for every registered scheme, also one that answers no Stat of
        // its root (pipe:, chan:, shm:, daemon:): ls /scheme lstats each entry.
        if (s != Status.Ok && s != Status.UnknownScheme && LinuxPaths.IsSchemeRoot(linux))
        {
            st = PlainStat(0, FileKind.Directory);
            st.Links = 2;
            s = Status.Ok;
        }
        return -Errno.From(s);
    }

    private static long Getcwd(LinuxProcess p, ulong buffer, ulong size)
    {
        if ((ulong)p.Cwd.Length + 1 > size) return -Errno.ERANGE;
        byte* at = stackalloc byte[p.Cwd.Length + 1];
        for (int i = 0; i < p.Cwd.Length; i++) at[i] = p.Cwd[i];
        at[p.Cwd.Length] = 0;
        return p.Memory.Write(buffer, at, (ulong)p.Cwd.Length + 1) ? p.Cwd.Length + 1 : -Errno.EFAULT;
    }

    private static long Chdir(LinuxProcess p, ulong path)
    {
        long e = Resolve(p, AtFdCwd, path, out byte[] linux);
        if (e != 0) return e;
        e = StatPath(linux, false, out FileStat st);
        if (e != 0) return e;
        if (!st.IsDirectory) return -Errno.ENOTDIR;
        p.Cwd = linux;
        return 0;
    }

    private static long Fchdir(LinuxProcess p, ulong fd)
    {
        LinuxFile f = p.Files.Get(fd);
        if (f == null) return -Errno.EBADF;
        if (!f.IsDirectory || f.Path == null) return -Errno.ENOTDIR;
        p.Cwd = f.Path;
        return 0;
    }

    private static long Readlinkat(LinuxProcess p, long dirFd, ulong path, ulong buffer, ulong size)
    {
        if ((long)size <= 0) return -Errno.EINVAL;
        long e = Resolve(p, dirFd, path, out byte[] linux);
        if (e != 0) return e;
        if (System.MemoryExtensions.SequenceEqual(new ReadOnlySpan<byte>(linux), "/proc/self/exe"u8))
        {
            ulong n = (ulong)p.ExePath.Length < size ? (ulong)p.ExePath.Length : size;
            fixed (byte* exe = p.ExePath) return p.Memory.Write(buffer, exe, n) ? (long)n : -Errno.EFAULT;
        }
        byte[] vireo = LinuxPaths.ToVireo(linux);
        if (vireo == null) return -Errno.EINVAL;
        byte* target = stackalloc byte[LinuxPaths.Max];
        Status s;
        int length;
        fixed (byte* v = vireo) s = Fs.Readlink(v, vireo.Length, target, LinuxPaths.Max, out length);
        if (s != Status.Ok) return s == Status.InvalidArgument ? -Errno.EINVAL : -Errno.From(s);
        ulong m = (ulong)length < size ? (ulong)length : size;
        return p.Memory.Write(buffer, target, m) ? (long)m : -Errno.EFAULT;
    }

    private static long Faccessat(LinuxProcess p, long dirFd, ulong path)
    {
        long e = Resolve(p, dirFd, path, out byte[] linux);
        return e != 0 ? e : StatPath(linux, false, out _);   // root may do anything to what exists
    }

    // mkdir, rmdir, unlink: one path, one Vireo call.
    private static long OnPath(LinuxProcess p, long dirFd, ulong path, int what, ulong mode)
    {
        long e = Resolve(p, dirFd, path, out byte[] linux);
        if (e != 0) return e;
        byte[] vireo = LinuxPaths.ToVireo(linux);
        if (vireo == null) return -Errno.EPERM;
        Status s;
        fixed (byte* v = vireo)
            s = what == 0 ? Fs.Mkdir(v, vireo.Length, (uint)(mode & ~(ulong)p.Umask & 0xFFF)) : what == 1 ? Fs.Rmdir(v, vireo.Length) : Fs.Unlink(v, vireo.Length);
        return -Errno.From(s);
    }

    private static long Renameat(LinuxProcess p, long fromDir, ulong from, long toDir, ulong to)
    {
        byte[] b = null;
        long e = Resolve(p, fromDir, from, out byte[] a);
        if (e == 0) e = Resolve(p, toDir, to, out b);
        if (e != 0) return e;
        byte[] va = LinuxPaths.ToVireo(a), vb = LinuxPaths.ToVireo(b);
        if (va == null || vb == null) return -Errno.EPERM;
        Status s;
        fixed (byte* x = va) fixed (byte* y = vb) s = Fs.Rename(x, va.Length, y, vb.Length);
        return -Errno.From(s);
    }

    // A NUL-terminated string of at most `max` bytes into `into`: its length, -1 if unmapped, -2 if longer.
    private static int ReadString(LinuxProcess p, ulong address, byte* into, int max)
    {
        for (int i = 0; i < max; i++)
        {
            if (!p.Memory.Read(address + (ulong)i, into + i, 1)) return -1;
            if (into[i] == 0) return i;
        }
        return -2;
    }
}
