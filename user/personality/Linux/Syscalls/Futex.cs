// futex(2) (kernel/futex): WAIT, WAKE, WAIT_BITSET and WAKE_BITSET, which is what glibc's mutexes,
// condition variables, pthread_join and the .NET runtime's locks use. A waiter is a parked call
// (ADR 0015) on a list per word address; the key is the address and the memory (LinuxMemory) it is
// in, so private futexes of different processes at the same address do not meet (a shared futex
// across processes is served as a private one: each process's memory is its own key). FUTEX_WAIT's
// timeout is relative on CLOCK_MONOTONIC, WAIT_BITSET's absolute on CLOCK_MONOTONIC or, with
// FUTEX_CLOCK_REALTIME, CLOCK_REALTIME; a word that differs from the expected value is EAGAIN, a
// timeout ETIMEDOUT, a signal ERESTARTSYS (EINTR for a handler without SA_RESTART), as Linux gives.
// A waiter's entry carries the number of its wait: an entry left by a wait a signal or a timeout
// ended is stale and is dropped by the next wake without counting. The requeue and PI operations
// are ENOSYS (glibc since 2.25 does not use them for condition variables).
using System.Collections.Generic;
using Vireo.Abi;
using Vireo.Linux.Abi;
using Vireo.Linux.Loop;
using Vireo.User;

namespace Vireo.Linux.Syscalls;

public static unsafe partial class SyscallTable
{
    private const ulong FutexWaitOp = 0, FutexWakeOp = 1, FutexWaitBitset = 9, FutexWakeBitset = 10;
    private const ulong FutexCommandMask = 0x7F;   // without FUTEX_PRIVATE_FLAG (128) and FUTEX_CLOCK_REALTIME
    private const ulong FutexClockRealtime = 256;
    private const ulong ClockMonotonic = 1;

    private struct FutexWaiter
    {
        public LinuxProcess Thread;
        public ulong Wait;   // the thread's FutexWait when it was put here
    }

    private static readonly Dictionary<ulong, List<FutexWaiter>> s_futexes = new Dictionary<ulong, List<FutexWaiter>>();
    private static ulong s_futexWaits;

    private static long Futex(LinuxProcess p, ulong word, ulong op, uint value, ulong timeout, uint bitset)
    {
        ulong command = op & FutexCommandMask;
        bool realtime = (op & FutexClockRealtime) != 0;
        if (realtime && command != FutexWaitOp && command != FutexWaitBitset) return -Errno.ENOSYS;
        switch (command)
        {
            case FutexWaitOp: return FutexWaitFor(p, word, value, timeout, uint.MaxValue, absolute: false, realtime);
            case FutexWaitBitset:
                if (bitset == 0) return -Errno.EINVAL;
                return FutexWaitFor(p, word, value, timeout, bitset, absolute: true, realtime);
            case FutexWakeOp:
            case FutexWakeBitset:
                if (command == FutexWakeBitset && bitset == 0) return -Errno.EINVAL;
                if ((word & 3) != 0) return -Errno.EINVAL;
                return FutexWake(p.Memory, word, (int)value, command == FutexWakeOp ? uint.MaxValue : bitset);
            default:
                return NotImplemented(p, (ulong)SyscallNumber.Futex);
        }
    }

    private static long FutexWaitFor(LinuxProcess p, ulong word, uint value, ulong timeout, uint bitset, bool absolute, bool realtime)
    {
        if (p.Resumed)
        {
            // Woken, timed out, or served again for a signal (which ends the call if it is still parked).
            if (p.FutexWoken)
            {
                p.FutexWoken = false;
                return 0;
            }
            if (p.Deadline != 0 && Sys.TimeNanos() >= p.Deadline)
            {
                p.FutexWait = 0;
                return -Errno.ETIMEDOUT;
            }
            if (p.Deadline != 0) Timers.WakeAt(p, p.Deadline);
            return EventLoop.Parked;
        }
        if ((word & 3) != 0) return -Errno.EINVAL;
        ulong deadline = 0;
        if (timeout != 0)
        {
            if (!p.Memory.ReadWord(timeout, out ulong seconds) || !p.Memory.ReadWord(timeout + 8, out ulong nanoseconds)) return -Errno.EFAULT;
            if ((long)seconds < 0 || nanoseconds >= NanosPerSecond) return -Errno.EINVAL;
            ulong ns = seconds > 1UL << 33 ? 1UL << 62 : seconds * NanosPerSecond + nanoseconds;   // past 2^33 s: never
            if (absolute)
            {
                ReadClock(realtime ? 0 : ClockMonotonic, out long nowSeconds, out long nowNanos);
                ulong now = (ulong)nowSeconds * NanosPerSecond + (ulong)nowNanos;
                ns = ns > now ? ns - now : 0;
            }
            deadline = Sys.TimeNanos() + ns;
            if (deadline == 0) deadline = 1;
        }
        uint current = 0;
        if (!p.Memory.Read(word, (byte*)&current, 4)) return -Errno.EFAULT;
        if (current != value) return -Errno.EAGAIN;
        if (deadline != 0 && Sys.TimeNanos() >= deadline) return -Errno.ETIMEDOUT;
        p.FutexWord = word;
        p.FutexBitset = bitset;
        p.FutexWoken = false;
        p.FutexWait = ++s_futexWaits;
        if (!s_futexes.TryGetValue(word, out List<FutexWaiter> waiters))
        {
            waiters = new List<FutexWaiter>();
            s_futexes[word] = waiters;
        }
        waiters.Add(new FutexWaiter { Thread = p, Wait = p.FutexWait });
        p.Deadline = deadline;
        if (deadline != 0) Timers.WakeAt(p, deadline);
        return EventLoop.Parked;
    }

    /// <summary>Wakes up to `count` waiters on `word` of `memory` whose bitset meets `bitset`, oldest
    /// first; returns how many. Stale entries (waits already ended) are dropped on the way.</summary>
    public static long FutexWake(LinuxMemory memory, ulong word, int count, uint bitset)
    {
        if (count <= 0 || !s_futexes.TryGetValue(word, out List<FutexWaiter> waiters)) return 0;
        long woken = 0;
        for (int i = 0; i < waiters.Count && woken < count; i++)
        {
            LinuxProcess t = waiters[i].Thread;
            bool live = !t.Ended && t.IsParked && t.FutexWait == waiters[i].Wait && t.FutexWord == word;
            if (live && (t.Memory != memory || (t.FutexBitset & bitset) == 0)) continue;
            waiters.RemoveAt(i--);
            if (!live) continue;
            t.FutexWait = 0;
            t.FutexWoken = true;
            EventLoop.MakeRunnable(t);
            woken++;
        }
        if (waiters.Count == 0) s_futexes.Remove(word);
        return woken;
    }

    // membarrier(2): the commands the .NET runtime uses (FlushProcessWriteBuffers). Every thread of the
    // process is stopped and resumed: a thread that was running user code on another CPU has then left
    // it and come back, with its stores drained, which is the barrier's promise.
    private const ulong MembarrierQuery = 0, MembarrierPrivateExpedited = 8, MembarrierRegisterPrivateExpedited = 16;

    private static long Membarrier(LinuxProcess p, ulong command, ulong flags)
    {
        if (flags != 0) return -Errno.EINVAL;
        switch (command)
        {
            case MembarrierQuery: return (long)(MembarrierPrivateExpedited | MembarrierRegisterPrivateExpedited);
            case MembarrierRegisterPrivateExpedited: return 0;
            case MembarrierPrivateExpedited:
                LinuxProcess leader = p.Leader;
                if (leader.Threads == null) return 0;
                if (leader != p) Bounce(leader);
                foreach (LinuxProcess t in leader.Threads)
                    if (t != p) Bounce(t);
                return 0;
            default: return -Errno.EINVAL;
        }
    }

    // BadState: the thread is not running user code (it waits for this loop): nothing to drain.
    private static void Bounce(LinuxProcess t)
    {
        if (t.Thread.Value != 0 && Sys.ThreadSuspend(t.Thread) == Status.Ok) _ = Sys.ThreadResume(t.Thread);   // we suspended it: only its end makes this fail
    }
}
