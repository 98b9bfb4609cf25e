// Descriptors: for now a Linux program has exactly the personality's standard input, output and
// error as its fds 0, 1 and 2 (the console, a pipe or a file), which it may close. Files by path,
// pipes and the rest of the descriptor table come with the path namespace (docs/design/linux.md).
using Vireo.Abi;
using Vireo.Linux.Abi;
using Vireo.User.Schemes;

namespace Vireo.Linux.Syscalls;

public static unsafe partial class SyscallTable
{
    private const int ChunkBytes = 4096;
    private const ulong AtEmptyPath = 0x1000;
    private const uint ModeCharacterDevice = 0x2000 | 0x190;   // S_IFCHR | 0620, as a terminal's
    private const int StatSize = 144;

    private static bool TryStdio(LinuxProcess p, ulong fd, out Fd vireo)
    {
        vireo = fd == 0 ? Fd.Stdin : fd == 1 ? Fd.Stdout : Fd.Stderr;
        return fd <= 2 && !p.Closed[(int)fd];
    }

    private static long Write(LinuxProcess p, ulong fd, ulong buffer, ulong count)
    {
        if (!TryStdio(p, fd, out Fd to) || fd == 0) return -Errno.EBADF;
        if (count > int.MaxValue) count = int.MaxValue;
        if (!p.Memory.IsMapped(buffer, count)) return -Errno.EFAULT;
        ulong done = 0;
        while (done < count)
        {
            byte* at = p.Memory.At(buffer + done, out ulong available);
            ulong n = count - done < available ? count - done : available;
            if (n > ChunkBytes) n = ChunkBytes;
            Status s = Fs.Write(to, at, (int)n, out int written);
            if (s != Status.Ok) return done > 0 ? (long)done : -Errno.EIO;
            done += (ulong)written;
            if (written == 0) break;
        }
        return (long)done;
    }

    private static long Writev(LinuxProcess p, ulong fd, ulong iov, ulong count)
    {
        if (count > 1024) return -Errno.EINVAL;
        long total = 0;
        for (ulong i = 0; i < count; i++)
        {
            if (!p.Memory.ReadWord(iov + 16 * i, out ulong base_) || !p.Memory.ReadWord(iov + 16 * i + 8, out ulong length))
                return total > 0 ? total : -Errno.EFAULT;
            if (length == 0) continue;
            long n = Write(p, fd, base_, length);
            if (n < 0) return total > 0 ? total : n;
            total += n;
            if ((ulong)n < length) break;
        }
        return total;
    }

    private static long Read(LinuxProcess p, ulong fd, ulong buffer, ulong count)
    {
        if (!TryStdio(p, fd, out Fd from) || fd != 0) return -Errno.EBADF;
        if (count == 0) return 0;
        if (!p.Memory.IsMapped(buffer, count)) return -Errno.EFAULT;
        byte* chunk = stackalloc byte[ChunkBytes];
        int want = count < ChunkBytes ? (int)count : ChunkBytes;
        Status s = Fs.Read(from, chunk, want, out int read);
        if (s != Status.Ok) return -Errno.EIO;
        return p.Memory.Write(buffer, chunk, (ulong)read) ? read : -Errno.EFAULT;
    }

    private static long Close(LinuxProcess p, ulong fd)
    {
        if (!TryStdio(p, fd, out _)) return -Errno.EBADF;
        p.Closed[(int)fd] = true;
        return 0;
    }

    private static long Fstat(LinuxProcess p, ulong fd, ulong statBuffer)
    {
        if (!TryStdio(p, fd, out _)) return -Errno.EBADF;
        byte* st = stackalloc byte[StatSize];
        for (int i = 0; i < StatSize; i++) st[i] = 0;
        *(ulong*)(st + 16) = 1;                       // st_nlink
        *(uint*)(st + 24) = ModeCharacterDevice;      // st_mode
        *(ulong*)(st + 40) = 136UL << 8;              // st_rdev: a pseudo-terminal, as on Linux
        *(ulong*)(st + 56) = 1024;                    // st_blksize
        return p.Memory.Write(statBuffer, st, StatSize) ? 0 : -Errno.EFAULT;
    }

    private static long Newfstatat(LinuxProcess p, long dirFd, ulong path, ulong statBuffer, ulong flags)
    {
        if (!p.Memory.IsMapped(path, 1)) return -Errno.EFAULT;
        byte* first = p.Memory.At(path, out _);
        if (*first == 0)
            return (flags & AtEmptyPath) != 0 && dirFd >= 0 ? Fstat(p, (ulong)dirFd, statBuffer) : -Errno.ENOENT;
        return -Errno.ENOENT;   // no path namespace yet
    }

    private static long Ioctl(LinuxProcess p, ulong fd, ulong request)
    {
        // TCGETS, TIOCGWINSZ and the rest: not a terminal yet (the console's termios comes later).
        return TryStdio(p, fd, out _) ? -Errno.ENOTTY : -Errno.EBADF;
    }

    private static long Readlink(LinuxProcess p, ulong path, ulong buffer, ulong size)
    {
        if ((long)size <= 0) return -Errno.EINVAL;
        byte* name = stackalloc byte[64];
        int length = ReadString(p, path, name, 64);
        if (length < 0) return length == -1 ? -Errno.EFAULT : -Errno.ENOENT;
        if (!System.MemoryExtensions.SequenceEqual(new System.ReadOnlySpan<byte>(name, length), "/proc/self/exe"u8)) return -Errno.ENOENT;
        ulong n = (ulong)p.ExePath.Length < size ? (ulong)p.ExePath.Length : size;
        fixed (byte* exe = p.ExePath) return p.Memory.Write(buffer, exe, n) ? (long)n : -Errno.EFAULT;
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
