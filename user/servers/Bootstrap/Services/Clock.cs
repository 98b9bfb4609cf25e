// The process manager's clock: a wait with a bound (AwaitName's w1) must end at its deadline even when
// no request or exit wakes the manager then. A second thread of the bootstrap sleeps until the earliest
// deadline and then signals the manager's exit notification (bit ClockBit, a table index's bit too:
// Reap finds no exit there), so the deadline arrives through the receive loop as an exit does, and
// the manager answers what expired (ExpireWaits in Waiting.cs).
// The protocol, without a lock:
//   1. The clock runs at a real-time priority, above the manager's time-sharing thread. On this one
//      processor the manager therefore runs only while the clock is blocked: asleep (Sleep), or
//      suspended by itself because there is no deadline.
//   2. The manager writes the deadline, then suspends and resumes the clock: a suspend ends a sleep
//      (ThreadSuspend of a sleeping thread), a resume ends the clock's own suspension. Either way the
//      clock reads the deadline again before it blocks again.
//   3. The clock clears the deadline before it signals; the manager sets the next one when it has
//      answered what expired.
// Why a thread and not a kernel timer object: the kernel has none; sleeping is its only clock.
using Vireo.Abi;
using Vireo.User;

static unsafe class Clock
{
    private const ulong ClockStack = 0x0000_5D00_0000_0000;
    /// <summary>The exit notification's bit the clock signals.</summary>
    public const ulong ClockBit = 1UL << 63;
    private const int Priority = 1;

    private static volatile bool s_started;
    private static ulong s_deadline;    // written by the manager while the clock is blocked (step 1)
    private static CapHandle s_wake;
    private static LocalThread s_thread;

    /// <summary>Starts the clock thread; it signals `wake` (the manager's bound notification).</summary>
    public static bool Start(CapHandle memory, CapHandle wake)
    {
        s_wake = wake;
        if (ThreadBuilder.Create(memory, &Tick, 0, ClockStack, out s_thread) != Status.Ok ||
            Sys.ThreadSetPriority(s_thread.Thread, SchedClass.RealTimeFifo, Priority) != Status.Ok ||
            Sys.ThreadStart(s_thread.Thread) != Status.Ok)
            return false;
        s_started = true;
        return true;
    }

    /// <summary>The next deadline (TimeNanos; 0: none): the clock signals once it has passed.</summary>
    public static void Set(ulong deadline)
    {
        s_deadline = deadline;
        if (!s_started) return;
        // Step 2. One of the two is refused (BadState): a sleeping clock is not suspended, a suspended
        // one not sleeping; the other wakes it.
        _ = Sys.ThreadSuspend(s_thread.Thread);
        _ = Sys.ThreadResume(s_thread.Thread);
    }

    private static ulong Tick(ulong unused)
    {
        while (true)
        {
            ulong deadline = s_deadline;
            if (deadline == 0)
            {
                // Nothing to wait for: until Set resumes it. Suspending itself cannot fail.
                _ = Sys.ThreadSuspend(s_thread.Thread);
                continue;
            }
            ulong now = Sys.TimeNanos();
            if (now < deadline)
            {
                Sys.Sleep(deadline - now);   // ended early by Set's suspend: the loop reads again
                continue;
            }
            s_deadline = 0;
            // The manager's own notification, held for good: signalling it cannot fail.
            _ = Ipc.Signal(s_wake, ClockBit);
        }
    }
}
