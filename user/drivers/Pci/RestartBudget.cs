// How often the driver manager restarts a driver that dies: at most MaxRestarts times within Window of
// the first of them; one more death inside the window and the driver is left down (a driver that dies
// at once each time would otherwise be restarted for ever, costing the machine a process start each
// round). After a window without deaths the count starts again. Portable: the host tests drive it with
// made-up clocks (tests/Kernel.Tests/Pci/RestartBudgetTests.cs).
namespace Vireo.Pci;

public struct RestartBudget
{
    public const int MaxRestarts = 5;
    public const ulong WindowNanos = 10_000_000_000;   // 10 s

    private ulong _windowStart;
    private int _count;

    /// <summary>A death at `now` (nanoseconds, any monotonic clock): true if the driver is to be started
    /// again, false if it died too often within the window.</summary>
    public bool Take(ulong now)
    {
        if (_count == 0 || now - _windowStart >= WindowNanos)
        {
            _windowStart = now;
            _count = 0;
        }
        if (_count >= MaxRestarts) return false;
        _count++;
        return true;
    }
}
