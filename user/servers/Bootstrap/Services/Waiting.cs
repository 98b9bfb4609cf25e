// Waiting: WaitChild, and the manager's one pool of Reply objects, in which every answer it puts aside
// waits (DeferTo): a parent's WaitChild and each AwaitName. A parent takes one with its first child
// (Spawn refuses the child if none can be made, so a wait never fails midway for want of one) and
// gives it back when it ends; an AwaitName takes one when it must wait (or is refused NoSpace then)
// and gives it back with its answer. The pool grows as needed; objects are reused, not deleted,
// because the manager's memory is not returned object by object. PreparedReplies are made at start:
// the kernel's count of Reply objects then stays put while no more are in use at once (the fuzzer
// compares the counts before and after a run, its controller waiting for its workers meanwhile).
// Before one pool, the scheme server made 64 at start for AwaitName and parents made their own.
using System.Collections.Generic;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;

static unsafe partial class ProcessManager
{
    /// <summary>Reply objects made at start (the server's 64 deferred answers before one pool).</summary>
    public const int PreparedReplies = 64;
    private static readonly Stack<ulong> s_freeReplies = new();   // Reply objects nobody holds now

    // Makes the first PreparedReplies objects of the pool; false if the manager's memory ran out.
    private static bool PrepareReplies()
    {
        for (int i = 0; i < PreparedReplies; i++)
        {
            if (CSpace.Make(s_memory, ObjectType.Reply, 0, out CapHandle made) != Status.Ok) return false;
            s_freeReplies.Push(made.Value);
        }
        return true;
    }

    // The caller's Reply object (made with its first child) holds the request from the start: a
    // request sent without a caller (a send, not a call) is refused before it can reap a child whose
    // exit nobody would then learn. One WaitChild at a time per process (another thread's: BadState).
    private static void WaitChild(ulong caller, ulong pid)
    {
        Proc* self = Find(caller);
        if (self == null || self->Reply == 0)
        {
            s_server.Answer(Status.NotFound);   // it never had a child
            return;
        }
        var reply = new CapHandle(self->Reply);
        if (self->Waiting || !s_server.DeferTo(reply))
        {
            s_server.Answer(Status.BadState);
            return;
        }
        bool any = false;
        for (int i = 0; i < s_capacity; i++)
        {
            Proc* c = &s_procs[i];
            if (c->Pid == 0 || c->Parent != caller || (pid != 0 && c->Pid != pid)) continue;
            any = true;
            if (!c->Exited) continue;
            // A parent that died meanwhile needs no answer.
            _ = s_server.AnswerTo(reply, Status.Ok, c->Pid, c->Kind, c->Code);
            *c = default;
            return;
        }
        if (!any)
        {
            // A parent that died meanwhile needs no answer.
            _ = s_server.AnswerTo(reply, Status.NotFound);
            return;
        }
        self->Waiting = true;
        self->WaitFor = pid;
    }

    // AwaitName: answered now if the name is registered; otherwise put aside until Register (Registered),
    // the end of the process meant to register it (Release: PeerDied), or the bound the caller gave
    // (w1, milliseconds; ExpireWaits: WouldBlock). w0 = 0 lets any process register it (a shell waiting
    // for a restarted console does not know the new daemon's pid), and then a bound is required: no
    // wait may be one that nothing ends.
    private static void AwaitName(ulong caller, ref Request r)
    {
        Status s = RootScheme.CheckName(r.Data, r.DataLength);
        if (s == Status.Ok && (r.W0 == 0 && r.W1 == 0 || r.W1 > MaxBoundMilliseconds)) s = Status.InvalidArgument;
        if (s != Status.Ok)
        {
            s_server.Answer(s);
            return;
        }
        if (RootScheme.Lookup(r.Data, r.DataLength, out _) == Status.Ok)
        {
            Lookup(caller, ref r);
            return;
        }
        if (r.W0 != 0)
        {
            Proc* daemon = Find(r.W0);
            if (daemon == null || daemon->Exited)
            {
                s_server.Answer(daemon == null ? Status.NotFound : Status.PeerDied);
                return;
            }
        }
        if (!TakeReply(out ulong reply))
        {
            s_server.Answer(Status.NoSpace);
            return;
        }
        if (!s_server.DeferTo(new CapHandle(reply)))
        {
            // Sent without a caller (a send, not a call): nobody to answer later.
            GiveReply(ref reply);
            s_server.Answer(Status.BadState);
            return;
        }
        ulong deadline = r.W1 == 0 ? 0 : Sys.TimeNanos() + r.W1 * 1_000_000;
        RootScheme.AddWaiter(reply, caller, r.W0, deadline, r.Data, r.DataLength);
        if (deadline != 0) Clock.Set(RootScheme.NextDeadline());
    }

    /// <summary>The longest bound an AwaitName may give: a day (longer is a wait without one).</summary>
    public const ulong MaxBoundMilliseconds = 24UL * 3600 * 1000;

    // A name was registered: everyone waiting for it gets its scheme capability.
    private static void Registered(byte* data, int length, CapHandle endpoint)
    {
        // The answers below use the IPC buffer the name arrived in.
        byte* name = stackalloc byte[SchemeLimits.MaxName];
        for (int i = 0; i < length; i++) name[i] = data[i];
        while (RootScheme.TakeWaiter(name, length, 0, out ulong reply, out ulong caller))
        {
            if (MintFor(caller, endpoint, out CapHandle minted) != Status.Ok)
            {
                AnswerWaiter(ref reply, Status.NoSpace);
                continue;
            }
            // A client that died meanwhile needs no answer; the minted copy goes with it.
            _ = s_server.AnswerToWithCaps(new CapHandle(reply), Status.Ok, 0, &minted, 1);
            GiveReply(ref reply);
            CSpace.Release(minted);
        }
    }

    // After every notification (the clock's, Clock.cs, or an exit): waits whose bound passed are
    // answered WouldBlock, and the clock is set for the next.
    private static void ExpireWaits()
    {
        ulong next = RootScheme.NextDeadline();
        if (next == 0) return;
        ulong now = Sys.TimeNanos();
        if (next <= now)
        {
            while (RootScheme.TakeExpired(now, out ulong reply)) AnswerWaiter(ref reply, Status.WouldBlock);
            next = RootScheme.NextDeadline();
        }
        // The clock may have been set for a wait that ended otherwise since (its name registered).
        Clock.Set(next);
    }

    // An AwaitName's answer without a capability; its Reply object goes back to the pool.
    private static void AnswerWaiter(ref ulong reply, Status status)
    {
        // A waiter that died meanwhile needs no answer.
        _ = s_server.AnswerTo(new CapHandle(reply), status);
        GiveReply(ref reply);
    }

    // A Reply object from the pool (a parent's for its WaitChild, or one AwaitName): a free one, or a
    // new one from the manager's own memory. False (nothing taken) when neither is possible.
    private static bool TakeReply(out ulong reply)
    {
        if (s_freeReplies.TryPop(out reply)) return true;
        if (CSpace.Make(s_memory, ObjectType.Reply, 0, out CapHandle made) != Status.Ok) return false;
        reply = made.Value;
        return true;
    }

    // A Reply object goes back to the pool: an ended process's, or an answered AwaitName's (empty:
    // answered, or its caller died). The manager's memory is not returned object by object, so
    // objects are reused rather than deleted.
    private static void GiveReply(ref ulong reply)
    {
        if (reply == 0) return;
        s_freeReplies.Push(reply);
        reply = 0;
    }
}
