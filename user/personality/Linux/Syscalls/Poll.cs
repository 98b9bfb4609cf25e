// poll, ppoll, select and pselect6 over the personality's pipes, the console and other Vireo files.
// Each descriptor's readiness comes from where it lives: a pipe from its ring and its counts of
// readers and writers; a Vireo file that can make its reader wait (LinuxFile.MayBlock: the console,
// Vireo pipes) from its daemon's Watch, which stays armed to signal the loop (EventLoop.WatchBit);
// anything else (regular files, devices) is always ready, as on Linux. When nothing is ready the call
// parks on every pipe's Pollers queue, the loop's Watched queue and its deadline (Timers), and is
// served again from the start when one of them wakes it (ADR 0015): the deadline is kept in
// p.Deadline across those turns. Signals end the wait with EINTR through the loop.
using System;
using Vireo.Abi;
using Vireo.Linux.Abi;
using Vireo.Linux.Loop;
using Vireo.Linux.Pipes;
using Vireo.User;
using Vireo.User.Schemes;

namespace Vireo.Linux.Syscalls;

public static unsafe partial class SyscallTable
{
    private const int PollIn = 0x1, PollPri = 0x2, PollOut = 0x4, PollErr = 0x8, PollHup = 0x10, PollNval = 0x20,
        PollRdNorm = 0x40, PollWrNorm = 0x100;
    private const int PollFdLimit = 1024;   // RLIMIT_NOFILE's soft limit (prlimit64): poll's bound on nfds
    private const ulong Forever = ulong.MaxValue;
    private const int ReadableSet = PollIn | PollRdNorm | PollHup | PollErr, WritableSet = PollOut | PollWrNorm | PollErr;

    // The timeout of a first serving becomes p.Deadline (Forever: none); a resumed call keeps it.
    // False with `expired` when it has passed (a zero timeout has always passed).
    private static bool Expired(LinuxProcess p)
    {
        if (p.Deadline == Forever) return false;
        return Sys.TimeNanos() >= p.Deadline;
    }

    private static void StartTimeout(LinuxProcess p, long nanoseconds)
    {
        if (nanoseconds < 0) p.Deadline = Forever;
        else p.Deadline = Sys.TimeNanos() + (ulong)nanoseconds;
    }

    private static long Park(LinuxProcess p)
    {
        if (p.Deadline != Forever) Timers.WakeAt(p, p.Deadline);
        return EventLoop.Parked;
    }

    // What is ready on `f` now, as poll's mask (before it is narrowed to what was asked). With `arm`,
    // p is put where the change it waits for will wake it (a pipe's Pollers, the loop's Watched queue
    // with the daemon's watch armed).
    private static int PollMask(LinuxProcess p, LinuxFile f, int events, bool arm)
    {
        if (f.ReadEnd != null || f.WriteEnd != null)
        {
            int mask = 0;
            Pipe r = f.ReadEnd, w = f.WriteEnd;
            if (r != null)
            {
                if (r.Ring.Count > 0) mask |= PollIn | PollRdNorm;
                if (r.Writers == 0) mask |= PollHup;
                if (arm) r.Pollers.Add(p);
            }
            if (w != null)
            {
                if (w.Readers == 0) mask |= PollErr;
                else if (w.Ring.Room >= PipeBuffer.Atomic) mask |= PollOut | PollWrNorm;
                if (arm) w.Pollers.Add(p);
            }
            return mask;
        }
        if (f.Socket) return PollOut | PollWrNorm | PollHup;   // not connected: nothing will come
        if (!f.MayBlock || !f.Fd.IsValid) return PollIn | PollRdNorm | PollOut | PollWrNorm;
        Readiness wanted = ((events & (PollIn | PollRdNorm | PollPri)) != 0 ? Readiness.Readable : 0) |
                           ((events & (PollOut | PollWrNorm)) != 0 ? Readiness.Writable : 0);
        if (wanted == 0) return 0;
        // A daemon that cannot watch is taken as ready (its calls then block the loop, as reads do).
        if (Fs.Watch(f.Fd, wanted, EventLoop.WatchBit, EventLoop.Notification, out Readiness ready) != Status.Ok) ready = wanted;
        int got = ((ready & Readiness.Readable) != 0 ? PollIn | PollRdNorm : 0) |
                  ((ready & Readiness.Writable) != 0 ? PollOut | PollWrNorm : 0) |
                  ((ready & Readiness.Hangup) != 0 ? PollHup : 0);
        if (got == 0 && arm) EventLoop.Watched.Add(p);
        return got;
    }

    private static long Poll(LinuxProcess p, ulong fds, ulong count, long timeoutMs)
    {
        if (!p.Resumed) StartTimeout(p, timeoutMs < 0 ? -1 : timeoutMs * 1_000_000L);
        return PollFds(p, fds, count, 0);
    }

    // ppoll: the timeout is a timespec (none: for ever); the signal mask waits for signal delivery.
    private static long Ppoll(LinuxProcess p, ulong fds, ulong count, ulong timespec)
    {
        if (!p.Resumed)
        {
            if (!ReadTimeout(p, timespec, 1, out long ns)) return ns;
            StartTimeout(p, ns);
        }
        return PollFds(p, fds, count, timespec);
    }

    // A timespec (unit 1) or timeval (unit 1000) at `address` in nanoseconds, -1 when there is none;
    // false with -errno in `ns` for a bad one.
    private static bool ReadTimeout(LinuxProcess p, ulong address, long unit, out long ns)
    {
        ns = -1;
        if (address == 0) return true;
        if (!p.Memory.ReadWord(address, out ulong seconds) || !p.Memory.ReadWord(address + 8, out ulong fraction))
        {
            ns = -Errno.EFAULT;
            return false;
        }
        if ((long)seconds < 0 || fraction >= (ulong)(1_000_000_000L / unit))
        {
            ns = -Errno.EINVAL;
            return false;
        }
        ns = seconds > (ulong)(long.MaxValue / 2_000_000_000L) ? long.MaxValue / 2 : (long)seconds * 1_000_000_000L + (long)fraction * unit;
        return true;
    }

    // What is left of the timeout, written back as Linux does for select, pselect6 and ppoll.
    private static void WriteRemaining(LinuxProcess p, ulong address, long unit)
    {
        if (address == 0 || p.Deadline == Forever) return;
        ulong now = Sys.TimeNanos();
        ulong left = p.Deadline > now ? p.Deadline - now : 0;
        _ = p.Memory.WriteWord(address, left / 1_000_000_000UL) && p.Memory.WriteWord(address + 8, left % 1_000_000_000UL / (ulong)unit);
    }

    private static long PollFds(LinuxProcess p, ulong fds, ulong count, ulong timespec)
    {
        if (count > PollFdLimit) return -Errno.EINVAL;
        if (count > 0 && !p.Memory.IsMapped(fds, count * 8)) return -Errno.EFAULT;
        bool expired = Expired(p);
        var revents = new short[(int)count];
        int ready = 0;
        for (int i = 0; i < (int)count; i++)
        {
            p.Memory.ReadWord(fds + 8 * (ulong)i, out ulong entry);
            int fd = (int)(uint)entry;
            int events = (ushort)(entry >> 32);
            int got = 0;
            if (fd >= 0)
            {
                LinuxFile f = p.Files.Get((ulong)fd);
                got = f == null ? PollNval : PollMask(p, f, events, !expired) & (events | PollErr | PollHup);
            }
            revents[i] = (short)got;
            if (got != 0) ready++;
        }
        if (ready == 0 && !expired) return Park(p);
        for (int i = 0; i < (int)count; i++)
        {
            short r = revents[i];
            _ = p.Memory.Write(fds + 8 * (ulong)i + 6, (byte*)&r, 2);   // mapped: checked above
        }
        WriteRemaining(p, timespec, 1);
        return ready;
    }

    // select (a timeval: `unit` 1000) and pselect6 (a timespec: 1; its signal mask waits for signal delivery).
    private static long Select(LinuxProcess p, long count, ulong readSet, ulong writeSet, ulong exceptSet, ulong timeout, long unit)
    {
        if (!p.Resumed)
        {
            if (count < 0) return -Errno.EINVAL;
            if (!ReadTimeout(p, timeout, unit, out long ns)) return ns;
            StartTimeout(p, ns);
        }
        return SelectFds(p, count, readSet, writeSet, exceptSet, timeout, unit);
    }

    // The three fd_sets of select: a bit per fd below `count` (Linux cuts count to its table's size);
    // a set fd that is not open is EBADF; ready bits stay, the others are cleared.
    private static long SelectFds(LinuxProcess p, long count, ulong readSet, ulong writeSet, ulong exceptSet, ulong timeout, long unit)
    {
        if (count > LinuxFiles.Max) count = LinuxFiles.Max;
        int words = (int)((count + 63) / 64);
        ulong* sets = stackalloc ulong[3 * 4];
        ulong* results = stackalloc ulong[3 * 4];
        ulong* addresses = stackalloc ulong[] { readSet, writeSet, exceptSet };
        for (int s = 0; s < 3; s++)
            for (int w = 0; w < 4; w++)
            {
                sets[s * 4 + w] = results[s * 4 + w] = 0;
                if (addresses[s] != 0 && w < words && !p.Memory.ReadWord(addresses[s] + 8 * (ulong)w, out sets[s * 4 + w])) return -Errno.EFAULT;
            }
        for (int w = 0; w < words; w++)
        {
            // Bits at or above count are not looked at (Linux masks them off).
            ulong valid = w == words - 1 && count % 64 != 0 ? (1UL << (int)(count % 64)) - 1 : ulong.MaxValue;
            for (int s = 0; s < 3; s++) sets[s * 4 + w] &= valid;
        }
        bool expired = Expired(p);
        int ready = 0;
        for (int fd = 0; fd < count; fd++)
        {
            int w = fd / 64;
            ulong bit = 1UL << (fd % 64);
            bool r = (sets[w] & bit) != 0, wr = (sets[4 + w] & bit) != 0, ex = (sets[8 + w] & bit) != 0;
            if (!r && !wr && !ex) continue;
            LinuxFile f = p.Files.Get((ulong)fd);
            if (f == null) return -Errno.EBADF;
            int mask = PollMask(p, f, (r ? PollIn : 0) | (wr ? PollOut : 0) | (ex ? PollPri : 0), !expired);
            if (r && (mask & ReadableSet) != 0) { results[w] |= bit; ready++; }
            if (wr && (mask & WritableSet) != 0) { results[4 + w] |= bit; ready++; }
            if (ex && (mask & PollPri) != 0) { results[8 + w] |= bit; ready++; }
        }
        if (ready == 0 && !expired) return Park(p);
        for (int s = 0; s < 3; s++)
            for (int w = 0; w < words; w++)
                if (addresses[s] != 0 && !p.Memory.WriteWord(addresses[s] + 8 * (ulong)w, results[s * 4 + w])) return -Errno.EFAULT;
        WriteRemaining(p, timeout, unit);
        return ready;
    }
}
