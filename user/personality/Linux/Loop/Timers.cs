// Deadlines of parked calls (nanosleep, poll's timeout) and alarms (alarm, setitimer's ITIMER_REAL): a list by time, and a second
// thread of the personality that sleeps until the earliest and then signals the loop's notification
// (EventLoop.TimerBit). The kernel has no timed receive, and the loop's own thread must not sleep, so
// the waiting is this thread's. It only reads s_earliest (written by the loop, one aligned word) and
// allocates nothing; it sleeps at most Quantum at a time so that an earlier deadline set while it
// sleeps is seen within that bound, and otherwise waits on its own notification, which the loop
// signals whenever the earliest deadline changes.
using System.Collections.Generic;
using Vireo.Abi;
using Vireo.User;

namespace Vireo.Linux.Loop;

public static unsafe class Timers
{
    private const ulong Quantum = 10_000_000;   // 10 ms

    private struct Entry
    {
        public ulong Deadline;
        public LinuxProcess Process;
        public bool Alarm;   // ITIMER_REAL's SIGALRM, apart from the process's parked call
    }

    private static readonly List<Entry> s_entries = new List<Entry>();
    private static volatile nuint s_earliest;   // 0: none (nuint: a volatile 64-bit word)
    private static CapHandle s_changed;          // signalled when s_earliest changes
    private static LocalThread s_thread;

    public static Status Start()
    {
        Status s = CSpace.Make(ObjectType.Notification, 0, out s_changed);
        if (s == Status.Ok) s = ThreadBuilder.Create(new CapHandle(BootstrapSlots.Memory, 0), &Main, 0, LinuxMemory.BesideWindow, out s_thread);
        if (s == Status.Ok) s = Sys.ThreadStart(s_thread.Thread);
        return s;
    }

    /// <summary>`p`'s parked call is served again at `deadline` (Sys.TimeNanos) or after.</summary>
    public static void WakeAt(LinuxProcess p, ulong deadline) => Add(p, deadline, alarm: false);

    /// <summary>SIGALRM for `p` at `deadline` (Signals.Alarm then re-arms a periodic timer).</summary>
    public static void AlarmAt(LinuxProcess p, ulong deadline) => Add(p, deadline, alarm: true);

    /// <summary>Drops `p`'s deadline, if any.</summary>
    public static void Cancel(LinuxProcess p) => Remove(p, alarm: false);

    /// <summary>Drops `p`'s alarm, if any.</summary>
    public static void CancelAlarm(LinuxProcess p) => Remove(p, alarm: true);

    private static void Add(LinuxProcess p, ulong deadline, bool alarm)
    {
        Remove(p, alarm);
        int at = s_entries.Count;
        while (at > 0 && s_entries[at - 1].Deadline > deadline) at--;
        s_entries.Insert(at, new Entry { Deadline = deadline, Process = p, Alarm = alarm });
        Publish();
    }

    private static void Remove(LinuxProcess p, bool alarm)
    {
        for (int i = 0; i < s_entries.Count; i++)
        {
            if (s_entries[i].Process != p || s_entries[i].Alarm != alarm) continue;
            s_entries.RemoveAt(i);
            Publish();
            return;
        }
    }

    /// <summary>On TimerBit: every process whose deadline has passed becomes runnable.</summary>
    public static void Expire()
    {
        ulong now = Sys.TimeNanos();
        while (s_entries.Count > 0 && s_entries[0].Deadline <= now)
        {
            Entry e = s_entries[0];
            s_entries.RemoveAt(0);
            if (e.Alarm) Signals.Alarm(e.Process);
            else EventLoop.MakeRunnable(e.Process);
        }
        Publish();
    }

    private static void Publish()
    {
        ulong earliest = s_entries.Count > 0 ? s_entries[0].Deadline : 0;
        if (earliest == s_earliest) return;
        s_earliest = (nuint)earliest;
        _ = Ipc.Signal(s_changed, 1);   // our own notification: cannot fail
    }

    private static ulong Main(ulong unused)
    {
        ulong signalled = 0;
        while (true)
        {
            ulong due = s_earliest;
            if (due == 0 || due == signalled)
            {
                _ = Ipc.Wait(s_changed, out _);   // a failed wait only means looking at the deadline again
                continue;
            }
            ulong now = Sys.TimeNanos();
            if (now < due)
            {
                _ = Sys.Sleep(due - now < Quantum ? due - now : Quantum);
                continue;
            }
            signalled = due;
            _ = Ipc.Signal(EventLoop.Notification, EventLoop.TimerBit);   // the loop's own notification: nothing to do if it is gone
        }
    }
}
