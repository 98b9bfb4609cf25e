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
        s_count++;
        ulong vector = frame->Vector;
        // NMI and machine check arrive on their own stacks whatever was running: not a thread's fault.
        if (vector == Idt.Nmi)
        {
            Log.KernelLog.Warn("nmi: non-maskable interrupt received");
            return;
        }
        if (vector == Idt.MachineCheck) Panic.Exception(frame);
        if (vector < 32)
        {
            if (frame->FromUser && UserFaultHandler != null)
            {
                UserFaultHandler(frame);
                UserExitHook();
                return;
            }
            Panic.Exception(frame);
            return;
        }
        // Spurious interrupts are not acknowledged: the APIC did not set an in-service bit.
        if (vector == SpuriousVector || vector == PicSpuriousMaster || vector == PicSpuriousSlave) return;

        var handler = (delegate*<InterruptFrame*, void>)s_handlers.Handlers[(int)vector];
        if (handler != null) handler(frame);
        LocalApic.EndOfInterrupt();
        if (frame->FromUser && UserExitHook != null) UserExitHook();
    }
}
