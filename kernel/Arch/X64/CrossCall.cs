// Running a function on another CPU and knowing it has run: the mechanism under TLB shootdown and
// the remote half of thread operations (ADR 0017). The caller writes the function and argument into
// the target's per-CPU mailbox, bumps its sequence number and sends an IPI on CallVector; the target
// runs the request in the interrupt (or, if it is spinning on a ticket lock with interrupts off, in
// Poll) and stores the sequence number as its acknowledgement. One request per target is in flight:
// a caller waits for the previous acknowledgement before posting the next. Requests run with
// interrupts off and must not take locks (they may run inside a lock's wait loop); a request's own
// waits poll the mailbox too, which CallTaken keeps from starting the same request inside itself.
using System.Runtime.CompilerServices;

namespace Vireo.Kernel.Arch.X64;

public static unsafe class CrossCall
{
    public const int CallVector = 0xF0;
    /// <summary>Wakes a halted CPU to look at its run queue; the handler does nothing else (ADR 0017).</summary>
    public const int RescheduleVector = 0xF1;

    public static void Init()
    {
        Interrupts.Register(CallVector, &OnCall);
        Interrupts.Register(RescheduleVector, &OnReschedule);
    }

    /// <summary>Posts fn(arg) to CPU <paramref name="cpu"/> (not the caller's) and returns at once;
    /// the result is the sequence number <see cref="Wait"/> takes.</summary>
    public static uint Post(int cpu, delegate*<ulong, void> fn, ulong arg)
    {
        PerCpuBlock* b = PerCpu.Block(cpu);
        // The previous request to this CPU must be done before its mailbox is reused.
        while (Cpu.Load(&b->CallAck) != b->CallSeq) Spin();
        b->CallFn = (ulong)fn;
        b->CallArg = arg;
        uint seq = b->CallSeq + 1;
        Cpu.Store(&b->CallSeq, seq);
        LocalApic.SendFixed(b->ApicId, CallVector);
        return seq;
    }

    /// <summary>Sends CPU <paramref name="cpu"/> a reschedule IPI: it leaves user mode or its halt and
    /// picks again on its way out (the remote wake-up of ADR 0017).</summary>
    public static void Reschedule(int cpu) => LocalApic.SendFixed(PerCpu.Block(cpu)->ApicId, RescheduleVector);

    /// <summary>Waits until CPU <paramref name="cpu"/> has finished request <paramref name="seq"/>.</summary>
    public static void Wait(int cpu, uint seq)
    {
        PerCpuBlock* b = PerCpu.Block(cpu);
        while (Cpu.Load(&b->CallAck) != seq) Spin();
    }

    /// <summary>Runs fn(arg) on CPU <paramref name="cpu"/> and returns once it has run there.</summary>
    public static void Run(int cpu, delegate*<ulong, void> fn, ulong arg) => Wait(cpu, Post(cpu, fn, arg));

    /// <summary>Runs fn(arg) on CPU <paramref name="cpu"/>, which may be the caller's own (then directly).</summary>
    public static void RunAt(int cpu, delegate*<ulong, void> fn, ulong arg)
    {
        if (cpu == (int)PerCpu.Index) fn(arg);
        else Run(cpu, fn, arg);
    }

    /// <summary>Runs fn(arg) on every online CPU in <paramref name="cpuMask"/> but the caller's, at
    /// once, and returns when all have run it.</summary>
    public static void RunOnMask(ulong cpuMask, delegate*<ulong, void> fn, ulong arg)
    {
        uint self = PerCpu.Index;
        uint* seqs = stackalloc uint[PerCpu.MaxCpus];
        for (int i = 0; i < PerCpu.Count; i++)
            if ((cpuMask & (1UL << i)) != 0 && i != self && PerCpu.Block(i)->Online != 0) seqs[i] = Post(i, fn, arg);
        for (int i = 0; i < PerCpu.Count; i++)
            if ((cpuMask & (1UL << i)) != 0 && i != self && PerCpu.Block(i)->Online != 0) Wait(i, seqs[i]);
    }

    /// <summary>Runs this CPU's pending request, if any. Called with interrupts off.</summary>
    public static void Poll()
    {
        PerCpuBlock* me = PerCpu.Current;
        uint seq = Cpu.Load(&me->CallSeq);
        if (seq == me->CallTaken) return;
        me->CallTaken = seq;
        ((delegate*<ulong, void>)me->CallFn)(me->CallArg);
        Cpu.Store(&me->CallAck, seq);
    }

    // Waiting for another CPU: serve our own mailbox meanwhile, so two CPUs posting to each other
    // cannot wait for each other.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Spin()
    {
        Poll();
        Cpu.Pause();
    }

    private static void OnCall(InterruptFrame* frame) => Poll();

    private static void OnReschedule(InterruptFrame* frame) { }
}
