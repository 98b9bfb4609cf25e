// Time: CLOCK_REALTIME (and time, gettimeofday) from Vireo's wall clock (sys:/clock, read once by
// WallClock), the monotonic and boot-time clocks from the kernel's monotonic time. Without a vDSO
// (no AT_SYSINFO_EHDR) glibc makes these calls as syscalls, so `date` works.
using Vireo.Abi;
using Vireo.Linux.Abi;
using Vireo.Linux.Loop;
using Vireo.User;

namespace Vireo.Linux.Syscalls;

public static unsafe partial class SyscallTable
{
    // Linux's clock ids (uapi/linux/time.h): 0 realtime, 1 monotonic, 2 and 3 CPU time (the monotonic
    // clock stands in), 4 monotonic raw, 5 realtime coarse, 6 monotonic coarse, 7 boot time.
    private const ulong ClockRealtime = 0, ClockRealtimeCoarse = 5, ClockBoottime = 7;

    // The clock's reading as seconds and nanoseconds; false for a clock Linux does not have (EINVAL).
    private static bool ReadClock(ulong clock, out long seconds, out long nanoseconds)
    {
        seconds = nanoseconds = 0;
        if (clock == ClockRealtime || clock == ClockRealtimeCoarse)
        {
            if (WallClock.Now(out seconds, out uint ns) != Status.Ok) seconds = 0;   // no wall clock: the epoch, as an unset RTC
            nanoseconds = ns;
            return true;
        }
        if (clock > ClockBoottime) return false;
        ulong now = Sys.TimeNanos();
        seconds = (long)(now / 1_000_000_000UL);
        nanoseconds = (long)(now % 1_000_000_000UL);
        return true;
    }

    private static long ClockGettime(LinuxProcess p, ulong clock, ulong timespec)
    {
        if (!ReadClock(clock, out long seconds, out long nanoseconds)) return -Errno.EINVAL;
        return p.Memory.WriteWord(timespec, (ulong)seconds) && p.Memory.WriteWord(timespec + 8, (ulong)nanoseconds) ? 0 : -Errno.EFAULT;
    }

    // nanosleep and clock_nanosleep (TIMER_ABSTIME: until the clock reads the time given). The one
    // Linux thread waits, so the personality simply sleeps; signals cannot interrupt it yet.
    private static long Sleep(LinuxProcess p, ulong clock, ulong flags, ulong request)
    {
        if (p.Resumed)
        {
            // The deadline passed, or the call was woken for something else: wait on.
            if (Sys.TimeNanos() >= p.Deadline) return 0;
            Timers.WakeAt(p, p.Deadline);
            return EventLoop.Parked;
        }
        if (!p.Memory.ReadWord(request, out ulong seconds) || !p.Memory.ReadWord(request + 8, out ulong nanoseconds)) return -Errno.EFAULT;
        if ((long)seconds < 0 || nanoseconds >= 1_000_000_000UL) return -Errno.EINVAL;
        if (!ReadClock(clock, out long nowSeconds, out long nowNanos)) return -Errno.EINVAL;
        ulong ns = seconds * 1_000_000_000UL + nanoseconds;
        if ((flags & 1) != 0)
        {
            ulong now = (ulong)nowSeconds * 1_000_000_000UL + (ulong)nowNanos;
            ns = ns > now ? ns - now : 0;
        }
        if (ns == 0) return 0;
        // The loop serves others meanwhile (Timers): the deadline is on the monotonic clock.
        p.Deadline = Sys.TimeNanos() + ns;
        Timers.WakeAt(p, p.Deadline);
        return EventLoop.Parked;
    }

    private static long Gettimeofday(LinuxProcess p, ulong timeval)
    {
        ReadClock(ClockRealtime, out long seconds, out long nanoseconds);
        if (timeval == 0) return 0;
        return p.Memory.WriteWord(timeval, (ulong)seconds) && p.Memory.WriteWord(timeval + 8, (ulong)(nanoseconds / 1000)) ? 0 : -Errno.EFAULT;
    }

    private static long Time(LinuxProcess p, ulong into)
    {
        ReadClock(ClockRealtime, out long seconds, out _);
        if (into != 0 && !p.Memory.WriteWord(into, (ulong)seconds)) return -Errno.EFAULT;
        return seconds;
    }
}
