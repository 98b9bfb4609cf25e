// The big kernel lock (ADR 0017): one ticket lock held from kernel entry to kernel exit once several
// CPUs run threads. The syscall and interrupt dispatchers take it (Acquire); return_to_user releases
// it in assembly after the next thread is chosen (Asm/interrupts.S), so its words live there. An idle
// CPU releases it before it halts and an interrupt taken in the idle loop takes it for the handler.
// While only one CPU runs threads it is off and costs each entry a test of one static.
// The IPC fast path holds it shared (ADR 0028): CPUs in the fast path run at once, each on its own
// endpoint (Endpoint.FastLock) and threads; everything else holds it exclusive, which waits until no CPU
// holds a share and keeps new shares out while it waits or holds it.
using System.Runtime;
using System.Runtime.CompilerServices;

namespace Vireo.Kernel.Arch.X64;

/// <summary>big_kernel_lock in interrupts.S: the ticket lock, then the word return_to_user tests.</summary>
public struct BigKernelLockWords
{
    public TicketLock Lock;
    public uint On;
    /// <summary>The holder's CPU index + 1, 0 while free (return_to_user clears it with the release).</summary>
    public uint Holder;
    /// <summary>CPUs holding the lock shared (return_to_user takes a share back, PERCPU_SHARED_HELD).</summary>
    public uint Readers;
}

public static unsafe class BigKernelLock
{
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "arch_big_kernel_lock")]
    private static extern BigKernelLockWords* Words();

    private static TicketLock* s_lock;   // null while off
    private static BigKernelLockWords* s_words;

    public static bool On => s_lock != null;

    /// <summary>Turns the lock on; the caller does not hold it yet. Once on it stays on.</summary>
    public static void Enable()
    {
        BigKernelLockWords* w = Words();
        Cpu.Store(&w->On, 1);
        s_words = w;
        s_lock = &w->Lock;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Acquire()
    {
        if (s_lock != null) AcquireOn();
    }

    // A CPU that asks for the lock it holds, or asks with interrupts on (an interrupt could then ask
    // again), would wait for itself for ever: both are broken invariants, reported as panics.
    /// <summary>Acquire for a caller that has tested <see cref="On"/> itself.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void AcquireOn()
    {
        uint self = PerCpu.Index + 1;
        if (Cpu.Load(&s_words->Holder) == self) Panic.Fail("big kernel lock: taken twice by one CPU");
        if ((Cpu.ReadFlags() & InterruptFlag) != 0) Panic.Fail("big kernel lock: taken with interrupts on");
        if (PerCpu.Current->SharedHeld != 0) Panic.Fail("big kernel lock: taken exclusive while held shared");
        Locks.Acquire(s_lock);
        // Holding the ticket keeps new shares out (AcquireShared); the ones taken before drain: their
        // holders are in the fast path, which waits for nothing. Waiting serves the mailbox, as the
        // ticket's wait does (ADR 0017).
        while (Cpu.Load(&s_words->Readers) != 0)
        {
            CrossCall.Poll();
            Cpu.Pause();
        }
        s_words->Holder = self;
    }

    /// <summary>Takes a share of the lock (the caller tested <see cref="On"/>): no CPU holds it
    /// exclusive or waits for it, and none will take it before <see cref="ReleaseShared"/> or
    /// return_to_user gives the share back. The count goes up before the second look, and an
    /// exclusive taker takes its ticket before it reads the count: both are locked operations, so
    /// either this CPU sees the ticket and backs off, or the taker sees the share and waits.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void AcquireShared(PerCpuBlock* me)
    {
        BigKernelLockWords* w = s_words;
        while (true)
        {
            if (Cpu.Load(&w->Lock.Next) == Cpu.Load(&w->Lock.Serving))
            {
                Cpu.FetchAdd(&w->Readers, 1);
                if (Cpu.Load(&w->Lock.Next) == Cpu.Load(&w->Lock.Serving)) break;
                Cpu.FetchAdd(&w->Readers, uint.MaxValue);
            }
            CrossCall.Poll();
            Cpu.Pause();
        }
        me->SharedHeld = 1;
    }

    /// <summary>Gives a share back before the kernel exit (the fast path could not finish and the
    /// general path needs the lock exclusive).</summary>
    public static void ReleaseShared(PerCpuBlock* me)
    {
        me->SharedHeld = 0;
        Cpu.FetchAdd(&s_words->Readers, uint.MaxValue);
    }

    private const ulong InterruptFlag = 1UL << 9;

    /// <summary>For the paths that do not leave through return_to_user: the idle loop and an interrupt
    /// taken in it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Release()
    {
        if (s_lock == null) return;
        s_words->Holder = 0;
        Locks.Release(s_lock);
    }

    /// <summary>True when some CPU holds it (tests and assertions).</summary>
    public static bool IsHeld => s_lock != null && Locks.IsHeld(s_lock);
}
