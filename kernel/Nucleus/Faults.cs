// A fault in ring 3 concerns only the thread that took it. A thread configured with a fault endpoint
// reports it there as a call, and the handler's reply resumes it (ipc.md, fault endpoints). Any other
// is stopped: the kernel logs one line and marks the thread dead with kind Faulted and the vector as
// its code; whoever waits for the thread (ThreadWait, its exit notification) learns of it and reclaims
// the memory it gave, by revoking the untyped the process was built from.
using Vireo.Abi;
using Vireo.Kernel.Arch.X64;
using Vireo.Kernel.Log;

namespace Vireo.Kernel.Nucleus;

public static unsafe class Faults
{
    public static void OnUserFault(InterruptFrame* f)
    {
        Tcb* t = Threads.Current;
        // Stopped from another CPU while this one waited for the lock: it faults again when resumed.
        if (t == null) return;
        // A thread with a fault handler reports the fault to it as a call and waits for the reply.
        if (Ipc.SendFault(t, f->Vector == Idt.PageFault ? Cpu.ReadCr2() : 0)) return;
        KernelLog.Begin(LogLevel.Warn);
        KernelLog.Str("fault: thread ");
        KernelLog.Dec(t->Sched.Id);
        KernelLog.Str(": ");
        KernelLog.Str(Idt.VectorName(f->Vector));
        KernelLog.Str(" at rip ");
        KernelLog.Hex(f->Rip);
        if (f->Vector == Idt.PageFault)
        {
            KernelLog.Str(", address ");
            KernelLog.Hex(Cpu.ReadCr2());
            KernelLog.Str((f->ErrorCode & 1) != 0 ? " (protection" : " (not present");
            KernelLog.Str((f->ErrorCode & 2) != 0 ? ", write" : ", read");
            if ((f->ErrorCode & 16) != 0) KernelLog.Str(", instruction fetch");
            KernelLog.Str(")");
        }
        else if (f->ErrorCode != 0)
        {
            KernelLog.Str(", error code ");
            KernelLog.Hex(f->ErrorCode);
        }
        KernelLog.Str(", rsp ");
        KernelLog.Hex(f->Rsp);
        KernelLog.Str("; thread stopped");
        KernelLog.End();
        Threads.Kill(t, ThreadExitKind.Faulted, f->Vector);
    }
}
