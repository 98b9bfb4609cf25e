// A ticket lock for kernel data shared between CPUs (ADR 0017): CPUs get it in the order they asked,
// so none starves. The kernel runs with interrupts off, so a CPU waiting here could never take the
// IPI of a holder that waits for it (a TLB shootdown, CrossCall.cs) and both would wait for ever; the
// waiter therefore serves its cross-CPU call mailbox while it spins, as seL4's lock does.
namespace Vireo.Kernel.Arch.X64;

public struct TicketLock
{
    public uint Next, Serving;
}

public static unsafe class Locks
{
    public static void Acquire(TicketLock* l)
    {
        uint ticket = Cpu.FetchAdd(&l->Next, 1);
        while (Cpu.Load(&l->Serving) != ticket)
        {
            CrossCall.Poll();
            Cpu.Pause();
        }
    }

    /// <summary>Only the holder calls it: nobody else writes Serving, so the increment needs no lock prefix.</summary>
    public static void Release(TicketLock* l) => Cpu.Store(&l->Serving, l->Serving + 1);

    public static bool IsHeld(TicketLock* l) => Cpu.Load(&l->Next) != Cpu.Load(&l->Serving);
}
