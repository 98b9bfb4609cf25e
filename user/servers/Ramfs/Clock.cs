// File times come from the wall clock (docs/design/time.md): WallClock.Now, read once at start-up
// from sys:/clock, gives the offset from the monotonic clock; after that a reading is one Time
// syscall and an add (no split into seconds and nanoseconds to join again, as WallClock.Now's
// answer would need). Without a wall clock (no RTC reading) the times count from the epoch at boot,
// so they still order events.
using Vireo.Abi;
using Vireo.User;

static class Clock
{
    private static ulong s_offset;   // wall-clock nanoseconds minus monotonic ones; 0 without a wall clock

    /// <summary>Reads the wall clock once (before serving: sys: is the process manager's, always up by then).</summary>
    public static void Init()
    {
        if (WallClock.Now(out long seconds, out uint nanoseconds) != Status.Ok) return;
        s_offset = (ulong)seconds * 1_000_000_000 + nanoseconds - Sys.TimeNanos();
    }

    /// <summary>Nanoseconds since the epoch.</summary>
    public static long Now() => (long)(s_offset + Sys.TimeNanos());
}
