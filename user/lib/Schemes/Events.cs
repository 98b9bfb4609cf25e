// Waiting on many descriptors at once (docs/design/schemes.md, "Waiting on many descriptors").
// Readiness is known only by the daemon that serves a descriptor, so each daemon is asked to
// signal one bit of a notification this process owns (SchemeOp.Watch, one-shot), and the process
// waits on that notification: one kernel object, any number of daemons, no thread per descriptor.
using Vireo.Abi;

namespace Vireo.User.Schemes;

public static unsafe class Events
{
    /// <summary>Descriptors one WaitAny watches at most: one notification bit each.</summary>
    public const int Max = 64;

    private static CapHandle s_notification;   // ours, with every right: we Wait on it
    private static CapHandle s_signal;         // a copy with Write only: what the daemons get

    /// <summary>Waits until one of `count` descriptors is ready for what `wanted` says for it (Hangup
    /// always counts) and returns the lowest such index with what is ready. Returns at once when a
    /// descriptor is ready already. A descriptor whose daemon cannot watch (NotSupported) or that is
    /// not open fails the call with that status, index naming it. Watches armed on the others may
    /// stay armed: a later signal from them is absorbed by the next WaitAny, which asks again
    /// before it believes a bit.</summary>
    public static Status WaitAny(Fd* fds, Readiness* wanted, int count, out int index, out Readiness ready)
    {
        index = -1;
        ready = Readiness.None;
        if (count < 1 || count > Max || fds == null || wanted == null) return Status.InvalidArgument;
        Status s = EnsureNotification();
        if (s != Status.Ok) return s;
        _ = Ipc.Poll(s_notification, out _);   // bits from earlier watches mean nothing now
        for (int i = 0; i < count; i++)
            if (Arm(fds, wanted, i, out index, out ready, out s)) return s;
        while (true)
        {
            s = Ipc.Wait(s_notification, out ulong bits);
            if (s != Status.Ok) return s;
            // A bit says the file became ready; ask again (which re-arms it if another reader took
            // what was there, or if the bit came from a watch a previous call left behind).
            for (int i = 0; i < count; i++)
                if ((bits & (1UL << i)) != 0 && Arm(fds, wanted, i, out index, out ready, out s)) return s;
        }
    }

    // Watches descriptor i (bit i); true when the caller is done: i is ready, or the Watch failed.
    private static bool Arm(Fd* fds, Readiness* wanted, int i, out int index, out Readiness ready, out Status s)
    {
        index = i;
        s = Fs.Watch(fds[i], wanted[i], 1UL << i, s_signal, out ready);
        return s != Status.Ok || ready != Readiness.None;
    }

    // The notification, made once from this process's memory, and its Write-only copy.
    private static Status EnsureNotification()
    {
        if (s_signal.Value != 0) return Status.Ok;
        if (s_notification.Value == 0)
        {
            Status s = CSpace.Make(ObjectType.Notification, 0, out s_notification);
            if (s != Status.Ok) return s;
        }
        return CSpace.Copy(s_notification, Rights.Write, out s_signal);
    }
}
