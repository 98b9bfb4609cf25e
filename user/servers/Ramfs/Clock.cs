// File times come from the wall clock (docs/design/time.md): WallClock.Now, read once at start-up
// from sys:/clock, gives the offset from the monotonic clock; after that a reading is one Time
// syscall and an add (no split into seconds and nanoseconds to join again, as WallClock.Now's
// answer would need). Without a wall clock (no RTC reading) the times count from the epoch at boot,
// so they still order events.
//
// A coarse clock, as Linux's file times are (current_time() reads the tick-granular coarse clock):
// a reading less than CoarseTicks of the time-stamp counter after the last syscall's is that one
// again, so back-to-back writes (a 4 KiB write is one request) do not each pay a syscall. The
// counter is the kernel's own time source (Tsc.NanosSinceBoot), read here with rdtsc, which user
// mode may use; at the 1 GHz and more it runs at, the times lag the clock by under 0.1 ms.
using Vireo.Abi;
using Vireo.User;

static class Clock
{
    private const ulong CoarseTicks = 100_000;
    private static ulong s_offset;   // wall-clock nanoseconds minus monotonic ones; 0 without a wall clock
    private static ulong s_readAt;   // the counter when s_last was read (0: never)
    private static long s_last;

    /// <summary>Reads the wall clock once (before serving: sys: is the process manager's, always up by then).</summary>
    public static void Init()
    {
        if (WallClock.Now(out long seconds, out uint nanoseconds) != Status.Ok) return;
        s_offset = (ulong)seconds * 1_000_000_000 + nanoseconds - Sys.TimeNanos();
    }

    /// <summary>Nanoseconds since the epoch (coarse: see above).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static long Now()
    {
        ulong tsc = Sys.ReadTsc();
        if (s_readAt != 0 && tsc - s_readAt < CoarseTicks) return s_last;
        s_last = (long)(s_offset + Sys.TimeNanos());
        s_readAt = tsc;
        return s_last;
    }
}
