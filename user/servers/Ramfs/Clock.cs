// File times come from the wall clock (docs/design/time.md): WallClock.Now, read once at start-up
// from sys:/clock and then one Time syscall per reading. Without a wall clock (no RTC reading) the
// times count from the epoch at boot, so they still order events.
using Vireo.Abi;
using Vireo.User;

static class Clock
{
    private static bool s_wall;

    /// <summary>Reads the wall clock once (before serving: sys: is the process manager's, always up by then).</summary>
    public static void Init() => s_wall = WallClock.Now(out _, out _) == Status.Ok;

    /// <summary>Nanoseconds since the epoch.</summary>
    public static long Now()
    {
        if (s_wall && WallClock.Now(out long seconds, out uint nanoseconds) == Status.Ok)
            return seconds * 1_000_000_000 + nanoseconds;
        return (long)Sys.TimeNanos();
    }
}
