// Waiting for children: WaitChild, and the Reply object each parent holds for it. A parent gets one
// with its first child (Spawn refuses the child if none can be made, so a wait never fails midway for
// want of one) and gives it back when it ends; objects are reused, not deleted, because the manager's
// memory is not returned object by object.
using System.Collections.Generic;
using Vireo.Abi;
using Vireo.User;

static unsafe partial class ProcessManager
{
    private static readonly Stack<ulong> s_freeReplies = new();   // Reply objects of ended processes

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

    // A Reply object for a process's WaitChild: one an ended process gave back, or a new one from the
    // manager's own memory. False (nothing taken) when neither is possible.
    private static bool TakeReply(out ulong reply)
    {
        if (s_freeReplies.TryPop(out reply)) return true;
        if (CSpace.Make(s_memory, ObjectType.Reply, 0, out CapHandle made) != Status.Ok) return false;
        reply = made.Value;
        return true;
    }

    // An ended process's Reply object goes back for the next parent (the manager's memory is not
    // returned object by object, so objects are reused rather than deleted).
    private static void GiveReply(ref ulong reply)
    {
        if (reply == 0) return;
        s_freeReplies.Push(reply);
        reply = 0;
    }
}
