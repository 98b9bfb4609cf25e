// Calls on paths: openat (and open), newfstatat/stat/lstat, getcwd, chdir, fchdir, readlink,
// access/faccessat, mkdir, rmdir, unlink/unlinkat, rename, umask. A path is resolved against the
// working directory or a directory fd and mapped to a Vireo path (LinuxPaths).
using System;
using Vireo.Abi;
using Vireo.Linux.Abi;
using Vireo.Linux.Proc;
using Vireo.User;
using Vireo.User.Schemes;

namespace Vireo.Linux.Syscalls;

public static unsafe partial class SyscallTable
{
    private const long AtFdCwd = -100;
    private const ulong AtSymlinkNofollow = 0x100, AtRemovedir = 0x200;
    private const ulong OCreat = 0x40, OExcl = 0x80, OTrunc = 0x200, ODirectory = 0x10000, ONofollow = 0x20000;

    // The absolute Linux path of (dirFd, path) into `linux`: 0, or a negated errno.
    [System.Runtime.CompilerServices.SkipLocalsInit]   // ResolveInto writes the bytes it reports
    private static long Resolve(LinuxProcess p, long dirFd, ulong path, out byte[] linux)
    {
        byte* name = stackalloc byte[LinuxPaths.Max];
        long e = ResolveInto(p, dirFd, path, name, out int length);
        linux = e == 0 ? new ReadOnlySpan<byte>(name, length).ToArray() : null;
        return e;
    }

    // The same into `into` (LinuxPaths.Max bytes), without allocating when the program names an
    // absolute path that is already normal, as most are.
    private static long ResolveInto(LinuxProcess p, long dirFd, ulong path, byte* into, out int length)
    {
        length = 0;
        int n = ReadString(p, path, into, LinuxPaths.Max);
        if (n == -1) return -Errno.EFAULT;
        if (n < 0) return -Errno.ENAMETOOLONG;
        if (n == 0) return -Errno.ENOENT;
        if (into[0] == (byte)'/' && SchemePath.IsNormal(into, n))
        {
            length = n;
            return 0;
        }
        byte[] from = p.Cwd;
        dirFd = (int)dirFd;   // an int in Linux's prototypes: AT_FDCWD may come without its upper 32 bits
        if (into[0] != (byte)'/' && dirFd != AtFdCwd)
        {
            LinuxFile d = p.Files.Get((ulong)dirFd);
            if (d == null) return -Errno.EBADF;
            if (!d.IsDirectory || d.Path == null) return -Errno.ENOTDIR;
            from = d.Path;
        }
        byte[] linux = LinuxPaths.Absolute(from, new ReadOnlySpan<byte>(into, n));
        if (linux == null) return -Errno.ENAMETOOLONG;
        linux.AsSpan().CopyTo(new Span<byte>(into, LinuxPaths.Max));   // normalising never lengthens it
        length = linux.Length;
        return 0;
    }

    // open's path on the stack, Linux's and Vireo's in one buffer: the only allocations are the
    // LinuxFile and, for a directory, its path (openat and fchdir resolve against it); a device or a
    // /scheme path has its Vireo path made (LinuxPaths.ToVireo).
    [System.Runtime.CompilerServices.SkipLocalsInit]   // both buffers are written before they are read
    private static long Openat(LinuxProcess p, long dirFd, ulong path, ulong flags, ulong mode)
    {
        // The Linux path is read after room for a scheme's prefix, so that a path on the disk or in
        // /tmp becomes its Vireo path by writing the prefix before it.
        byte* vireo = stackalloc byte[LinuxPaths.MaxVireo];
        const int Room = LinuxPaths.MaxVireo - LinuxPaths.Max;
        byte* name = vireo + Room;
        long e = ResolveInto(p, dirFd, path, name, out int length);
        if (e != 0) return e;
        var linux = new ReadOnlySpan<byte>(name, length);
        var f = new LinuxFile { StatusFlags = flags & ~(OCloexec | OCreat | OExcl | OTrunc | ONofollow) };
        ReadOnlySpan<byte> prefix = LinuxPaths.Prefix(linux);
        int vireoLength = -1;
        byte[] made = null;
        if (prefix.Length == Room)
        {
            prefix.CopyTo(new Span<byte>(vireo, Room));
            vireoLength = Room + length;
        }
        else if ((made = LinuxPaths.ToVireo(linux)) != null) vireoLength = made.Length;
        if (ProcFs.Under(linux))
        {
            long pe = ProcFs.Open(p, linux.ToArray(), flags, f);
            if (pe != 0) return pe;
        }
        else if (vireoLength < 0)
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
            FileKind kind;
            fixed (byte* m = made)
            {
                byte* v = m != null ? m : vireo;
                s = Fs.Open(v, vireoLength, o, modeWord, out fd, out kind);
                if (s == Status.IsDirectory && (flags & OAccMode) == 0)
                    s = Fs.Open(v, vireoLength, o | OpenFlags.Directory, 0, out fd, out kind);
            }
            // Occupied for an open to write is a running program's file (ADR 0013): ETXTBSY, as for execve.
            if (s != Status.Ok) return s == Status.Occupied && (flags & OAccMode) != 0 ? -Errno.ETXTBSY : -Errno.From(s);
            f.Fd = fd;
            // Open's answer says what was opened; only a daemon that does not say is asked (Fstat).
            if (kind == FileKind.None && Fs.Fstat(fd, out _, out FileKind stated) == Status.Ok) kind = stated;
            f.IsDirectory = (o & OpenFlags.Directory) != 0 || kind == FileKind.Directory;
            f.MayBlock = made != null && LinuxFile.SchemeMayBlock(made);
            f.FillsReads = made != null && LinuxFile.SchemeFillsReads(made);
        }
        if (f.IsDirectory && f.Path == null) f.Path = linux.ToArray();   // openat and fchdir resolve against it (ProcFs gave /proc/self its pid)
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
        byte* first = p.Memory.At(path, write: false, out _);
        if (first == null) return -Errno.EFAULT;   // a file mapping's page past its file
        if (*first == 0)
            return (flags & AtEmptyPath) != 0 ? Fstat(p, dirFd == AtFdCwd ? ulong.MaxValue : (ulong)dirFd, statBuffer) : -Errno.ENOENT;
        long e = Resolve(p, dirFd, path, out byte[] linux);
        if (e != 0) return e;
        e = StatPath(p, linux, (flags & AtSymlinkNofollow) != 0, out FileStat st);
        return e != 0 ? e : PutStat(p, in st, statBuffer);
    }

    private static long StatPath(LinuxProcess p, byte[] linux, bool noFollow, out FileStat st)
    {
        st = default;
        if (ProcFs.Under(linux)) return ProcFs.Stat(p, linux, noFollow, out st);
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
        e = StatPath(p, linux, false, out FileStat st);
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
        if (ProcFs.Under(linux))
        {
            byte[] link = ProcFs.Readlink(p, linux);
            if (link == null) return StatPath(p, linux, true, out _) != 0 ? -Errno.ENOENT : -Errno.EINVAL;
            ulong n = (ulong)link.Length < size ? (ulong)link.Length : size;
            fixed (byte* l = link) return p.Memory.Write(buffer, l, n) ? (long)n : -Errno.EFAULT;
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
        return e != 0 ? e : StatPath(p, linux, false, out _);   // root may do anything to what exists
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
    // A piece of the program's memory at a time (as much as one frame holds), scanned for the NUL a
    // word at a time while a whole word is inside the piece (a path is read at every open and stat).
    private static int ReadString(LinuxProcess p, ulong address, byte* into, int max)
    {
        const ulong Ones = 0x0101010101010101UL;
        int i = 0;
        while (i < max)
        {
            byte* from = p.Memory.At(address + (ulong)i, write: false, out ulong available);
            if (from == null) return -1;
            int n = available < (ulong)(max - i) ? (int)available : max - i;
            int k = 0;
            for (; k + 8 <= n; k += 8)
            {
                ulong word = *(ulong*)(from + k);
                if (((word - Ones) & ~word & (Ones << 7)) != 0) break;   // a zero byte in it
                *(ulong*)(into + i + k) = word;
            }
            for (; k < n; k++)
            {
                byte b = from[k];
                into[i + k] = b;
                if (b == 0) return i + k;
            }
            i += n;
        }
        return -2;
    }
}
