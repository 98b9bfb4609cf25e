// The test bootstrap's body of the process manager's InjectFault (SchemeOp.InjectFault): a test can
// make a process fault as a bug would, to see what its death leaves behind (the shell session
// console-fault makes ttyd fault and expects the console back). The production bootstrap declares the
// partial method without a body, so its manager answers NotSupported and carries none of this.
// The same authority as Kill: the process itself, an ancestor, or a holder of KillAny.
using Vireo.Abi;
using Vireo.User;

static unsafe partial class ProcessManager
{
    static partial void InjectFault(ulong caller, ulong pid)
    {
        Proc* e = Find(pid);
        if (e == null || e->Exited) { s_server.Answer(Status.NotFound); return; }
        if (!MayKill(caller, e)) { s_server.Answer(Status.InsufficientRights); return; }
        // Stopped, its rip set to 0 and let go, the thread faults on its next instruction in user
        // mode (page 0 is never mapped): the kernel reports it and the manager reaps it as any
        // fault. A thread blocked in IPC or waiting is stopped already (ThreadSuspend answers
        // BadState) and faults when its call returns; a runnable one is suspended and resumed.
        ThreadRegisterState* state = stackalloc ThreadRegisterState[1];
        CapHandle thread = e->P.Thread;
        Status suspended = Sys.ThreadSuspend(thread);
        Status s = Sys.ThreadRegisters(thread, ThreadRegistersOp.Read, state);
        if (s == Status.Ok)
        {
            state->Rip = 0;
            s = Sys.ThreadRegisters(thread, ThreadRegistersOp.Write, state);
        }
        if (suspended == Status.Ok)
        {
            Status resumed = Sys.ThreadResume(thread);
            if (s == Status.Ok) s = resumed;
        }
        s_server.Answer(s);
    }
}
