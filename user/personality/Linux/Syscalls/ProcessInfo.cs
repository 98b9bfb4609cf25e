// The small calls about processes that nothing else owns: CPU affinity and getcpu (one CPU, number 0,
// is what the personality reports: Linux processes are served by one loop), flock (granted, not
// kept), resource usage and times (not measured: zeros, and times' tick count from the monotonic
// clock at 100 Hz, USER_HZ), and mknod:
// regular files are created; FIFOs, sockets and devices are EPERM, as Linux answers on a filesystem
// without mknod (vfs_mknod), since no Vireo scheme holds such nodes; a directory is EPERM and a link
// EINVAL (may_mknod).
using Vireo.Linux.Abi;
using Vireo.User;

namespace Vireo.Linux.Syscalls;

public static unsafe partial class SyscallTable
{
    private const ulong CpuMaskSize = 8;   // cpumask_size() for one CPU: one long
    private const int SIfmt = 0xF000, SIfreg = 0x8000, SIfdir = 0x4000, SIflnk = 0xA000;
    private const int SIfchr = 0x2000, SIfblk = 0x6000, SIfifo = 0x1000, SIfsock = 0xC000;

    // pid 0 is the caller; any other must exist (ESRCH).
    private static LinuxProcess Target(LinuxProcess p, ulong pid) => (int)pid == 0 ? p : (int)pid > 0 ? Processes.ByPid((ulong)(int)pid) : null;

    private static long SchedGetaffinity(LinuxProcess p, ulong pid, ulong length, ulong mask)
    {
        uint len = (uint)length;
        if (len * 8UL < 1 || (len & 7) != 0) return -Errno.EINVAL;
        if (Target(p, pid) == null) return -Errno.ESRCH;
        ulong retlen = len < CpuMaskSize ? len : CpuMaskSize;
        ulong cpus = 1;
        return p.Memory.Write(mask, (byte*)&cpus, retlen) ? (long)retlen : -Errno.EFAULT;
    }

    // getcpu: CPU 0 of node 0, as the affinity above says (the .NET thread pool asks).
    private static long Getcpu(LinuxProcess p, ulong cpu, ulong node)
    {
        uint zero = 0;
        if (cpu != 0 && !p.Memory.Write(cpu, (byte*)&zero, 4)) return -Errno.EFAULT;
        if (node != 0 && !p.Memory.Write(node, (byte*)&zero, 4)) return -Errno.EFAULT;
        return 0;
    }

    // flock: checked as Linux checks it (EBADF, EINVAL) and granted: the personality keeps no
    // advisory locks, so two processes that lock the same file both get it (the .NET runtime locks
    // files it opens for FileShare; nothing here relies on the exclusion).
    private const ulong LockSh = 1, LockEx = 2, LockNb = 4, LockUn = 8;

    private static long Flock(LinuxProcess p, ulong fd, ulong operation)
    {
        if (p.Files.Get(fd) == null) return -Errno.EBADF;
        ulong kind = operation & ~LockNb;
        return kind == LockSh || kind == LockEx || kind == LockUn ? 0 : -Errno.EINVAL;
    }

    private static long SchedSetaffinity(LinuxProcess p, ulong pid, ulong length, ulong mask)
    {
        uint len = (uint)length;
        ulong cpus = 0;
        ulong n = len < CpuMaskSize ? len : CpuMaskSize;
        if (!p.Memory.Read(mask, (byte*)&cpus, n)) return -Errno.EFAULT;
        if (Target(p, pid) == null) return -Errno.ESRCH;
        return (cpus & 1) != 0 ? 0 : -Errno.EINVAL;   // no CPU the process may run on
    }

    private static long Getrusage(LinuxProcess p, ulong who, ulong usage)
    {
        long w = (int)who;
        if (w != 0 && w != -1 && w != 1) return -Errno.EINVAL;   // RUSAGE_SELF, RUSAGE_CHILDREN, RUSAGE_THREAD
        return ZeroRusage(p, usage) ? 0 : -Errno.EFAULT;
    }

    private static long Times(LinuxProcess p, ulong buffer)
    {
        ulong* zero = stackalloc ulong[4];
        for (int i = 0; i < 4; i++) zero[i] = 0;
        if (buffer != 0 && !p.Memory.Write(buffer, (byte*)zero, 32)) return -Errno.EFAULT;
        return (long)(Sys.TimeNanos() / 10_000_000UL);
    }

    private static long Mknodat(LinuxProcess p, long dirFd, ulong path, ulong mode)
    {
        int type = (int)mode & SIfmt;
        if (type == SIfdir) return -Errno.EPERM;
        if (type != 0 && type != SIfreg && type != SIfchr && type != SIfblk && type != SIfifo && type != SIfsock) return -Errno.EINVAL;
        if (type == 0 || type == SIfreg)
        {
            long fd = Openat(p, dirFd, path, OCreat | OExcl | 1, mode & 0xFFF);
            if (fd < 0) return fd;
            Close(p, (ulong)fd);
            return 0;
        }
        long e = Resolve(p, dirFd, path, out byte[] linux);
        if (e != 0) return e;
        return StatPath(p, linux, true, out _) == 0 ? -Errno.EEXIST : -Errno.EPERM;
    }
}
