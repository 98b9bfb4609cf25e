// The one entry from every interrupt stub. Exceptions in the kernel are panics (a kernel fault
// is a broken invariant); device interrupts go to the handler registered for the vector and are
// acknowledged at the local APIC afterwards. User-mode faults are routed by the Nucleus layer.
using System.Runtime;

namespace Vireo.Kernel.Arch.X64;

public static unsafe class Interrupts
{
    public const int TimerVector = 0x20;
    public const int SelfTestVector = 0x21;
    public const int PicSpuriousMaster = 0xE7, PicSpuriousSlave = 0xEF;
    public const int SpuriousVector = 0xFF;

    private struct HandlerTable { public fixed ulong Handlers[256]; }
    private static HandlerTable s_handlers;
    private static ulong s_count;

    // Called for exceptions raised in user mode; installed by the process layer.
    public static delegate*<InterruptFrame*, void> UserFaultHandler;
    // Called before returning to user mode, to choose the thread to return to.
    public static delegate*<void> UserExitHook;

    public static ulong Count => s_count;

    public static void Register(int vector, delegate*<InterruptFrame*, void> handler)
    {
        s_handlers.Handlers[vector] = (ulong)handler;
    }

    [RuntimeExport("InterruptDispatch")]
    private static void Dispatch(InterruptFrame* frame)
    {
        ulong vector = frame->Vector;
        // NMI and machine check arrive on their own stacks whatever was running: not a thread's fault.
        if (vector == Idt.Nmi)
        {
            Log.KernelLog.Warn("nmi: non-maskable interrupt received");
            return;
        }
        if (vector == Idt.MachineCheck) Panic.Exception(frame);
        bool fromUser = frame->FromUser;
        // A cross-CPU call runs without the big kernel lock: its sender holds it and waits for the
        // acknowledgement (ADR 0017). Spurious interrupts are not acknowledged: the APIC did not set
        // an in-service bit.
        if (vector == CrossCall.CallVector)
        {
            CrossCall.Poll();
            LocalApic.EndOfInterrupt();
        }
        else if (!fromUser && (vector == TimerVector || vector == CrossCall.RescheduleVector) && PerCpu.Index != 0)
        {
            // An AP halted in its idle loop: its tick and a reschedule IPI only end the halt; the loop
            // looks at the queues and takes the lock itself when there may be work (Threads.Reschedule).
            if (vector == TimerVector) PerCpu.Current->TimerTicks++;
            LocalApic.EndOfInterrupt();
        }
        else if (vector != SpuriousVector && vector != PicSpuriousMaster && vector != PicSpuriousSlave)
        {
            // An exception in kernel code is the kernel's own broken invariant: reported before the lock,
            // which this CPU may already hold (asking again would panic with the lock's message instead).
            if (vector < 32 && (!fromUser || UserFaultHandler == null)) Panic.Exception(frame);
            BigKernelLock.Acquire();
            s_count++;
            if (vector < 32)
            {
                UserFaultHandler(frame);
                UserExitHook();
                return;
            }
            var handler = (delegate*<InterruptFrame*, void>)s_handlers.Handlers[(int)vector];
            if (handler != null) handler(frame);
            LocalApic.EndOfInterrupt();
            if (fromUser && UserExitHook != null)
            {
                UserExitHook();
                return;
            }
            // Taken in the idle loop (or while the kernel waits at boot): the lock goes back at once.
            BigKernelLock.Release();
            return;
        }
        if (fromUser && UserExitHook != null)
        {
            BigKernelLock.Acquire();
            UserExitHook();
        }
    }
}
