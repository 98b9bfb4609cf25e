// The wall clock in the booted system: the kernel's CMOS reading, kept against the monotonic clock by
// the process manager (sys:/clock) and read through the library (WallClock). QEMU sets the RTC from
// the host's clock, so the time must be a real date, and it must advance as the monotonic clock does.
using System;
using Vireo.Abi;
using Vireo.Time;
using Vireo.User;
using Vireo.User.Schemes;
using T = Vireo.User.Testing.TestRunner;

static unsafe class ClockTests
{
    private const long January2024 = 1_704_067_200;   // 2024-01-01T00:00:00Z
    private const ulong Pause = 50_000_000;            // 50 ms

    public static void Run()
    {
        T.Run("clock.wall_time_is_after_2024", &AfterJanuary2024);
        T.Run("clock.wall_advances_with_monotonic", &Advances);
        T.Run("clock.sys_clock_file", &SysClockFile);
    }

    private static void AfterJanuary2024()
    {
        T.Status(Status.Ok, WallClock.Now(out long seconds, out uint nanos), "WallClock.Now");
        T.True(seconds > January2024, "after 2024-01-01");
        T.True(nanos < 1_000_000_000, "nanoseconds below a second");
        CivilDateTime t = CivilTime.FromUnixSeconds(seconds);
        T.True(t.Year >= 2024 && CivilTime.IsValid(t), "a valid civil date");
    }

    private static ulong Nanos(long seconds, uint nanos) => (ulong)seconds * 1_000_000_000UL + nanos;

    private static void Advances()
    {
        T.Status(Status.Ok, WallClock.Now(out long s0, out uint n0), "first reading");
        ulong m0 = Sys.TimeNanos();
        Sys.Sleep(Pause);
        T.Status(Status.Ok, WallClock.Now(out long s1, out uint n1), "second reading");
        ulong m1 = Sys.TimeNanos();
        ulong wall = Nanos(s1, n1) - Nanos(s0, n0);
        T.True(wall >= Pause, "the wall clock advanced at least the pause");
        T.True(wall <= m1 - m0 + 1_000_000, "by no more than the monotonic clock did (1 ms slack)");
    }

    // The file itself, read twice (not the library's cached offset): the process manager's arithmetic.
    private static void SysClockFile()
    {
        // The upper bound is what the monotonic clock saw around both reads (1 ms slack), not a multiple
        // of the pause: on a loaded host with several emulated CPUs the reads themselves can take longer.
        ulong m0 = Sys.TimeNanos();
        T.True(ReadClock(out long s0, out uint n0), "sys:/clock reads as SECONDS.NANOSECONDS");
        Sys.Sleep(Pause);
        T.True(ReadClock(out long s1, out uint n1), "again");
        ulong m1 = Sys.TimeNanos();
        T.True(s0 > January2024, "after 2024-01-01");
        ulong delta = Nanos(s1, n1) - Nanos(s0, n0);
        T.True(delta >= Pause && delta <= m1 - m0 + 1_000_000, "advanced by about the pause");
    }

    private static bool ReadClock(out long seconds, out uint nanos)
    {
        seconds = 0;
        nanos = 0;
        byte* text = stackalloc byte[64];
        if (Fs.Open("sys:/clock", OpenFlags.Read, out Fd fd) != Status.Ok) return false;
        Status s = File.ReadAll(fd, new Span<byte>(text, 64), out int length);
        T.Status(Status.Ok, Fs.Close(fd), "close sys:/clock");
        return s == Status.Ok && CivilTime.TryParseUnix(new ReadOnlySpan<byte>(text, length), out seconds, out nanos);
    }
}
