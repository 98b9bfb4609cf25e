// The small calls about processes that nothing else owns: CPU affinity and getcpu (the kernel's CPUs
// and a thread's own affinity, ThreadSetAffinity; getcpu the CPU the caller made its call on; ADR 0031),
// flock (granted, not kept), resource usage and times (not measured: zeros, and times' tick count from the monotonic
// clock at 100 Hz, USER_HZ), and mknod:
// regular files are created; FIFOs, sockets and devices are EPERM, as Linux answers on a filesystem
// without mknod (vfs_mknod), since no Vireo scheme holds such nodes; a directory is EPERM and a link
// EINVAL (may_mknod).
using Vireo.Abi;
using Vireo.Linux.Abi;
using Vireo.User;

namespace Vireo.Linux.Syscalls;

public static unsafe partial class SyscallTable
{
    private const ulong CpuMaskSize = 8;   // cpumask_size() for up to 64 CPUs: one long
    private const int SIfmt = 0xF000, SIfreg = 0x8000, SIfdir = 0x4000, SIflnk = 0xA000;
    private const int SIfchr = 0x2000, SIfblk = 0x6000, SIfifo = 0x1000, SIfsock = 0xC000;

    // pid 0 is the caller; any other must exist (ESRCH).
    private static LinuxProcess Target(LinuxProcess p, ulong pid) => (int)pid == 0 ? p : (int)pid > 0 ? Processes.ByPid((ulong)(int)pid) : null;

    // sched_getaffinity: the thread's kernel affinity (0 there is "any": every online CPU), as
    // Linux's cpumask_size() bytes (one long for up to 64 CPUs). EINVAL for a length not a whole number
    // of longs or too short for the online CPUs.
    private static long SchedGetaffinity(LinuxProcess p, ulong pid, ulong length, ulong mask)
    {
        uint len = (uint)length;
        if (len * 8UL < (ulong)Cpus.Count(p) || (len & 7) != 0) return -Errno.EINVAL;
        LinuxProcess t = Target(p, pid);
        if (t == null) return -Errno.ESRCH;
        ulong retlen = len < CpuMaskSize ? len : CpuMaskSize;
        ulong cpus = AffinityOf(t) & Cpus.Online(p);
        return p.Memory.Write(mask, (byte*)&cpus, retlen) ? (long)retlen : -Errno.EFAULT;
    }

    // The kernel keeps no read-only query for a thread's affinity: ThreadSetAffinity returns the
    // previous mask, so setting "any" and putting back what was there reads it (the loop is the only
    // caller that changes a Linux thread's affinity, and a moment of "any" moves nothing that matters).
    private static ulong AffinityOf(LinuxProcess t)
    {
        if (t.Thread.Value == 0 || Sys.ThreadSetAffinity(t.Thread, 0, out ulong previous) != Status.Ok) return ulong.MaxValue;
        if (previous == 0) return ulong.MaxValue;
        _ = Sys.ThreadSetAffinity(t.Thread, previous);   // it held this mask a moment ago: only its end makes this fail
        return previous;
    }

    /// <summary>A new task (fork, clone, a thread) runs where its creator may (Linux copies the mask in
    /// dup_task_struct); the kernel gave it the loop's affinity.</summary>
    internal static void InheritAffinity(LinuxProcess parent, LinuxProcess child)
    {
        ulong mask = AffinityOf(parent);
        if (mask != ulong.MaxValue && child.Thread.Value != 0) _ = Sys.ThreadSetAffinity(child.Thread, mask);   // a child that ended already runs nowhere
    }

    // getcpu: the CPU the caller made this call on (it is stopped in it, so ThreadCpu's "last ran on"
    // is that CPU); node 0, the only one.
    private static long Getcpu(LinuxProcess p, ulong cpu, ulong node)
    {
        uint zero = 0, current = 0;
        if (p.Thread.Value != 0 && Sys.ThreadCpu(p.Thread, out int c, out _) == Status.Ok) current = (uint)c;
        if (cpu != 0 && !p.Memory.Write(cpu, (byte*)&current, 4)) return -Errno.EFAULT;
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

    // sched_setaffinity: the online CPUs of the mask become the thread's kernel affinity
    // (ThreadSetAffinity; a running target leaves a CPU it may no longer use at once). A shorter mask
    // counts as zeros beyond it (Linux's get_user_cpu_mask); none online is EINVAL.
    private static long SchedSetaffinity(LinuxProcess p, ulong pid, ulong length, ulong mask)
    {
        uint len = (uint)length;
        ulong cpus = 0;
        ulong n = len < CpuMaskSize ? len : CpuMaskSize;
        if (!p.Memory.Read(mask, (byte*)&cpus, n)) return -Errno.EFAULT;
        LinuxProcess t = Target(p, pid);
        if (t == null) return -Errno.ESRCH;
        cpus &= Cpus.Online(p);
        if (cpus == 0) return -Errno.EINVAL;   // no CPU the thread may run on
        if (t.Thread.Value == 0) return 0;      // ended, not yet reaped: nothing runs
        // Every online CPU is "any" to the kernel: the thread is then placed as freely as a new one.
        ulong kernelMask = cpus == Cpus.Online(p) ? 0 : cpus;
        return Sys.ThreadSetAffinity(t.Thread, kernelMask) == Status.Ok ? 0 : -Errno.ESRCH;
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
