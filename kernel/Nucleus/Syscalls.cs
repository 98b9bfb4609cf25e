// The syscall dispatcher: one entry, one epilogue. Arguments come from the caller's saved frame
// (rdi, rsi, rdx, r10, r8, r9); the status goes back in rax and results in rdx and r8. Each
// handler decodes and validates everything before it changes any state; a thread that blocks
// gets its registers written when it is woken, and PrepareExit picks who runs next.
using System.Runtime;
using Vireo.Abi;
using Vireo.Kernel.Arch.X64;
using Vireo.Kernel.Log;

namespace Vireo.Kernel.Nucleus;

public static unsafe partial class Syscalls
{
    public const ulong MaxDebugWrite = 4096;

    /// <summary>SYSCALL's encoding (0F 05): a restarted call's rip moves back over it.</summary>
    private const ulong SyscallInstructionLength = 2;

    /// <summary>Syscalls restarted at a preemption point since boot (tests read it).</summary>
    public static ulong Restarts;


    // `cpu` is this CPU's block, passed by syscall_entry (one load there, a call here).
    [RuntimeExport("SyscallDispatch")]
    private static void Dispatch(InterruptFrame* f, PerCpuBlock* cpu)
    {
        var number = (Syscall)f->Rax;
        Tcb* t;
        if (BigKernelLock.On)
        {
            if (Threads.EnterSeveral(cpu, f, number == Syscall.Call ? &FastPath.TryCall : number == Syscall.ReplyRecv ? &FastPath.TryReplyRecv : null)) return;
            t = (Tcb*)cpu->Thread;
        }
        else
        {
            t = (Tcb*)cpu->Thread;
            if (number == Syscall.Call ? FastPath.TryCall(cpu, t, f) : number == Syscall.ReplyRecv && FastPath.TryReplyRecv(cpu, t, f)) return;
        }
        ulong r0 = 0, r1 = 0;
        Status s = number switch
        {
            Syscall.DebugWrite => DebugWrite(t, f->Rdi, f->Rsi, f->Rdx),
            Syscall.Yield => Yield(),
            Syscall.Exit => Exit(t, f->Rdi),
            Syscall.Sleep => Sleep(t, f->Rdi),
            Syscall.Time => Time(out r0),
            Syscall.CapIdentify => CapIdentify(t, f->Rdi, out r0, out r1),
            Syscall.CapCopy => CapCopy(t, f->Rdi, f->Rsi, f->Rdx, f->R10, out r0),
            Syscall.CapMint => CapMint(t, f->Rdi, f->Rsi, f->Rdx, f->R10, f->R8, out r0),
            Syscall.CapMove => CapMove(t, f->Rdi, f->Rsi, f->Rdx, out r0),
            Syscall.CapTake => CapTake(t, f->Rdi, f->Rsi, f->Rdx, f->R10, f->R8, out r0, out r1),
            Syscall.CapDelete => Restartable(f, t->OwedStatus != 0 ? PayOwed(t) : Finish(t, CapDelete(t, f->Rdi))),
            Syscall.CapRevoke => Restartable(f, t->OwedStatus != 0 ? PayOwed(t) : Finish(t, CapRevoke(t, f->Rdi))),
            Syscall.Retype => Retype(t, f, out r0, out r1),
            Syscall.Map => Map(t, f->Rdi, f->Rsi, f->Rdx, f->R10),
            Syscall.Unmap => Unmap(t, f->Rdi),
            Syscall.Protect => Protect(t, f->Rdi, f->Rsi),
            Syscall.ThreadConfigure => Restartable(f, t->OwedStatus != 0 ? PayOwed(t) : Finish(t, ThreadConfigure(t, f->Rdi, f->Rsi))),
            Syscall.ThreadStart => ThreadStart(t, f->Rdi),
            Syscall.ThreadSuspend => ThreadSuspend(t, f->Rdi),
            Syscall.ThreadResume => ThreadResume(t, f->Rdi),
            Syscall.ThreadWait => ThreadWait(t, f->Rdi, f->Rsi, out r0, out r1),
            Syscall.ThreadSetPriority => ThreadSetPriority(t, f->Rdi, f->Rsi, f->Rdx),
            Syscall.ThreadRegisters => ThreadRegisters(t, f->Rdi, f->Rsi, f->Rdx),
            Syscall.ThreadSetAbi => ThreadSetAbi(t, f->Rdi, f->Rsi),
            Syscall.ThreadSetAffinity => ThreadSetAffinity(t, f->Rdi, f->Rsi, out r0),
            Syscall.ThreadCpu => ThreadCpu(t, f->Rdi, out r0, out r1),
            Syscall.KernelCounters => Restartable(f, Settled() ? KernelCounters(t, f->Rdi, f->Rsi, out r0) : Caps.Preemption.Restart),
            Syscall.FramePhysical => FramePhysical(t, f->Rdi, out r0),
            Syscall.CapCarve => CapCarve(t, f, out r0),
            Syscall.Send => IpcSend(t, f, blocking: true, isCall: false),
            Syscall.NBSend => IpcSend(t, f, blocking: false, isCall: false),
            Syscall.Recv => IpcRecv(t, f, blocking: true),
            Syscall.NBRecv => IpcRecv(t, f, blocking: false),
            Syscall.Call => IpcSend(t, f, blocking: true, isCall: true),
            Syscall.Reply => IpcReply(t, f),
            Syscall.ReplyRecv => IpcReplyRecv(t, f),
            Syscall.Signal => Signal(t, f->Rdi, f->Rsi),
            Syscall.Wait => Wait(t, f->Rdi, blocking: true, out r0),
            Syscall.Poll => Wait(t, f->Rdi, blocking: false, out r0),
            Syscall.NotificationBind => NotificationBind(t, f->Rdi, f->Rsi),
            Syscall.ReplySave => ReplySave(t, f->Rdi),
            Syscall.IrqHandlerGet or Syscall.IrqHandlerBind or Syscall.IrqAck or Syscall.IoPortsBind or Syscall.MsiHandlerGet =>
                Devices.Dispatch(number, t, f, out r0, out r1),
            _ => Status.UnknownSyscall,
        };
        // A thread that blocked (or died) gets its registers when it is woken. IPC calls that
        // completed at once already hold their results in the frame.
        if (t->State == ThreadState.Runnable)
        {
            f->Rax = (ulong)s;
            if (!IsIpc(number))
            {
                f->Rdx = r0;
                f->R8 = r1;
            }
        }
        Threads.PrepareExit(cpu);
    }

    // A long operation that stopped at a preemption point (ADR 0003) is issued again: rip goes back over
    // the 2-byte SYSCALL, and the status written into rax is the call's own number, so rax is as the
    // caller left it. The pending interrupt is taken on the way out. Only the calls that can stop pass
    // through here, so every other call pays nothing.
    private static Status Restartable(InterruptFrame* f, Status s)
    {
        if (s != Caps.Preemption.Restart) return s;
        f->Rip -= SyscallInstructionLength;
        Restarts++;
        return (Status)f->Rax;
    }

    // Writing the kernel's log (COM1) needs the authority to write COM1 itself: the Write right on an
    // I/O-ports capability that covers the port. The bootstrap holds one with every right; a copy with
    // only Write lets a process log and nothing more (binding ports needs Control).
    private static Status DebugWrite(Tcb* t, ulong ports, ulong ptr, ulong length)
    {
        Status s = Lookup(t, ports, ObjectType.IoPorts, Rights.Write, out Caps.CapSlot* cap);
        if (s != Status.Ok) return s;
        if (Serial.Com1 < cap->Object || Serial.Com1 >= cap->Object + (1UL << cap->SizeBits)) return Status.InsufficientRights;
        if (length > MaxDebugWrite) return Status.OutOfRange;
        if (!UserMemory.TryCheck(t, ptr, length, write: false)) return Status.BadAddress;
        var text = (byte*)ptr;
        for (ulong i = 0; i < length; i++) Serial.Write(text[i]);
        return Status.Ok;
    }

    private static Status Yield()
    {
        Threads.Yield();
        return Status.Ok;
    }

    private static Status Exit(Tcb* t, ulong code)
    {
        Threads.Kill(t, ThreadExitKind.Exited, code);
        return Status.Ok;
    }

    private static Status Sleep(Tcb* t, ulong nanos)
    {
        if (nanos == 0) return Yield();
        ulong now = Tsc.NanosSinceBoot();
        Threads.Sleep(t, nanos > ulong.MaxValue - now ? ulong.MaxValue : now + nanos);
        return Status.Ok;
    }

    private static Status Time(out ulong now)
    {
        now = Tsc.NanosSinceBoot();
        return Status.Ok;
    }
}
