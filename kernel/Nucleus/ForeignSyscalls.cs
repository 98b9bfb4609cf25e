// Threads that run another operating system's code (ADR 0014). The kernel knows no foreign
// semantics, only the mechanism: a thread marked ThreadAbi.Foreign (ThreadSetAbi) that executes
// SYSCALL stops, and the call becomes a message to its fault endpoint carrying the registers the
// call was made with (ForeignSyscallMessage), exactly as a fault does (Faults.cs; both through Ipc.SendFault).
// The handler in user space (the Linux personality) serves it and replies; the reply's first word
// becomes rax and the thread resumes after the SYSCALL, leaving by SYSRET like any other call.
// syscall_entry (Asm/interrupts.S) tests Tcb.Abi and comes here with the FPU state already saved, so
// a Vireo thread pays one compare per call and no C# code of the native dispatcher is shared.
using System.Runtime;
using Vireo.Abi;
using Vireo.Kernel.Arch.X64;
using Vireo.Kernel.Log;

namespace Vireo.Kernel.Nucleus;

public static unsafe class ForeignSyscalls
{
    // No zeroing of locals (the inlined fast path's out pointer): each is written before it is read.
    [RuntimeExport("ForeignSyscallDispatch"), System.Runtime.CompilerServices.SkipLocalsInit]
    private static void Dispatch(InterruptFrame* f, PerCpuBlock* cpu)
    {
        if (BigKernelLock.On ? Threads.EnterSeveral(cpu, f, &FastPath.TryForeignCallSeveral) : FastPath.TryForeignCall(cpu, (Tcb*)cpu->Thread)) return;
        var t = (Tcb*)cpu->Thread;
        if (!Ipc.SendFault(t, 0, MessageInfo.ForeignSyscallLabel)) NoHandler(t, f);
        Threads.PrepareExit(cpu);
    }

    // No handler: nobody can give the call a meaning. The thread stops as a fault would stop it. Out of
    // line, so that the dispatcher's fast path saves fewer registers.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void NoHandler(Tcb* t, InterruptFrame* f)
    {
        KernelLog.Begin(LogLevel.Warn);
        KernelLog.Str("fault: thread ");
        KernelLog.Dec(t->Sched.Id);
        KernelLog.Str(": foreign syscall ");
        KernelLog.Dec(f->Rax);
        KernelLog.Str(" at rip ");
        KernelLog.Hex(f->Rip);
        KernelLog.Str(" with no fault endpoint; thread stopped");
        KernelLog.End();
        Threads.Kill(t, ThreadExitKind.Faulted, UserMode.SyscallVector);
    }
}

public static unsafe partial class Syscalls
{
    // ThreadSetAbi: Control on the thread. InvalidArgument for an ABI that does not exist, BadState
    // for a dead thread. It takes effect at the thread's next SYSCALL; a thread may mark itself.
    private static Status ThreadSetAbi(Tcb* caller, ulong handle, ulong abi)
    {
        Status s = TargetThread(caller, handle, out Tcb* t);
        if (s != Status.Ok) return s;
        if (abi > (ulong)ThreadAbi.Foreign) return Status.InvalidArgument;
        if (t->State == ThreadState.Dead) return Status.BadState;
        t->Abi = (ThreadAbi)abi;
        return Status.Ok;
    }
}
