// The time of day for native programs: Unix seconds and nanoseconds (UTC). The process manager keeps
// the wall clock's base (the kernel's CMOS reading at boot, paired with the monotonic clock) and
// serves it as sys:/clock; the first call here reads that file once and keeps the difference to the
// monotonic clock, so later calls cost one Time syscall and no IPC (docs/design/time.md).
using Vireo.Abi;
using Vireo.Time;
using Vireo.User.Schemes;

namespace Vireo.User;

public static unsafe class WallClock
{
    private static ulong s_offset;    // wall clock minus monotonic clock, in nanoseconds; 0 = not read
    private const ulong NanosPerSecond = 1_000_000_000UL;

    /// <summary>The wall clock now. NotFound (or the open's status) when sys:/clock cannot be read.</summary>
    public static Status Now(out long seconds, out uint nanoseconds)
    {
        seconds = 0;
        nanoseconds = 0;
        if (s_offset == 0)
        {
            Status s = Fs.Open("sys:/clock", OpenFlags.Read, out Fd fd);
            if (s != Status.Ok) return s;
            byte* text = stackalloc byte[64];
            s = File.ReadAll(fd, new System.Span<byte>(text, 64), out int length);
            ulong monotonic = Sys.TimeNanos();
            _ = Fs.Close(fd);   // a read-only file: nothing is lost if the close fails
            if (s != Status.Ok) return s;
            if (!CivilTime.TryParseUnix(new System.ReadOnlySpan<byte>(text, length), out long wallSeconds, out uint wallNanos) || wallSeconds <= 0)
                return Status.NotFound;
            s_offset = (ulong)wallSeconds * NanosPerSecond + wallNanos - monotonic;
        }
        ulong now = s_offset + Sys.TimeNanos();
        seconds = (long)(now / NanosPerSecond);
        nanoseconds = (uint)(now % NanosPerSecond);
        return Status.Ok;
    }
}
