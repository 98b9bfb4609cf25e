// Waiting for pcid's drivers to end, as init waits for its daemons: a second thread of pcid sits in the
// process manager's WaitChild (the main thread cannot: it waits for scheme requests) and hands each end
// to the main thread through a notification bound to it, which Serve receives as a message like a
// request. The main thread does the rest (DriverManager.Ended: configuration space, whose ports are
// bound to the main thread only, and the restart's Spawn, from the main thread's IPC buffer) and then
// signals Done, so the watcher waits for the next end only when this one has been dealt with: one
// end in hand at a time, no queue. The watcher makes raw calls from an IPC buffer of its own.
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;

static unsafe class DriverWatch
{
    private const ulong Stack = 0x0000_5B00_0000_0000, Buffer = 0x0000_5B00_0001_0000;

    private static CapHandle s_ended, s_done;
    private static LocalThread s_watcher;
    // The end in hand: written by the watcher before it signals, read by the main thread after.
    private static volatile uint s_kind;
    private static ulong s_pid, s_code;

    /// <summary>Starts the watcher; `ended` (bound to the main thread by the caller) is signalled
    /// at each end. False if it cannot start (then drivers that die stay down).</summary>
    public static bool Start(CapHandle ended)
    {
        s_ended = ended;
        return CSpace.Make(ObjectType.Notification, 0, out s_done) == Status.Ok &&
            CSpace.Make(ObjectType.Frame, 12, out CapHandle frame) == Status.Ok &&
            Sys.Map(CSpace.SelfAddressSpace, frame, Buffer, Rights.Read | Rights.Write) == Status.Ok &&
            ThreadBuilder.Create(new CapHandle(BootstrapSlots.Memory, 0), &Watch, 0, Stack, Buffer, default, out s_watcher) == Status.Ok &&
            Sys.ThreadStart(s_watcher.Thread) == Status.Ok;
    }

    /// <summary>On the main thread, when `ended` was signalled: the end in hand; then Done.</summary>
    public static void Take(out ulong pid, out ThreadExitKind kind, out ulong code)
    {
        kind = (ThreadExitKind)s_kind;
        pid = s_pid;
        code = s_code;
    }

    /// <summary>The end in hand is dealt with: the watcher may wait for the next.</summary>
    public static void Done() => _ = Ipc.Signal(s_done, 1);   // pcid's own notification: cannot fail

    private static ulong Watch(ulong unused)
    {
        while (true)
        {
            var m = Message.Of(0, 0, 0, 0);
            Status s = Ipc.Call(Namespace.Root, new MessageInfo(SchemeLimits.DataWord, 0, (ulong)SchemeOp.WaitChild), ref m);
            if (s == Status.Ok) s = (Status)(long)m.Info.Label;
            if (s == Status.NotFound) return 0;   // no child left: nothing restarts one now
            if (s != Status.Ok)
            {
                _ = Sys.Sleep(100_000_000);   // the process manager busy: try again later
                continue;
            }
            s_pid = m.W0;
            s_code = m.W2;
            s_kind = (uint)m.W1;
            _ = Ipc.Signal(s_ended, 1);   // pcid's own notification: cannot fail
            _ = Ipc.Wait(s_done, out _);   // likewise; it returns once the main thread said Done
        }
    }
}
