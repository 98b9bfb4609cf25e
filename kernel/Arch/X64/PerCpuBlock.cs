// One CPU's block of per-CPU data, reached through GS in the kernel (PerCpu.cs). The entry stubs in
// Asm/interrupts.S use the fields up to Tss, and ActiveRoot, by the offsets of its PERCPU_* symbols; a
// host test pins them.
using System.Runtime.InteropServices;

namespace Vireo.Kernel.Arch.X64;

[StructLayout(LayoutKind.Sequential)]
public unsafe struct PerCpuBlock
{
    /// <summary>PERCPU_SIZE and PERCPU_MAX of interrupts.S: each block's slot, and how many there are.</summary>
    public const int SlotSize = 256, MaxCpus = 16;

    public PerCpuBlock* Self;
    public ulong CurrentFrame, CurrentFrameTop, KernelStackTop, UserRspScratch;
    public TaskStateSegment* Tss;
    /// <summary>The CPU's index: 0 for the bootstrap processor, then the APs in MADT order.</summary>
    public uint Index;
    public uint ApicId;
    /// <summary>Set by the CPU itself once it runs its idle loop with its timer on.</summary>
    public uint Online;
    public uint Reserved;
    /// <summary>Local APIC timer interrupts taken by this CPU (the tests see an AP's timer run).</summary>
    public ulong TimerTicks;
    /// <summary>The cross-CPU call mailbox (CrossCall.cs): the function and argument of request
    /// CallSeq; CallTaken, the last request this CPU began (so a request that waits and polls is not
    /// begun again inside itself), and CallAck, the last it finished.</summary>
    public ulong CallFn, CallArg;
    public uint CallSeq, CallAck, CallTaken, CallReserved;
    /// <summary>The root this CPU's CR3 holds (arch_write_cr3 records it): who needs a TLB shootdown.</summary>
    public ulong ActiveRoot;

    // The thread layer's state for this CPU (Nucleus/Threads.Cpus.cs), read and written under the big
    // kernel lock (ADR 0017); no assembly reads it.
    /// <summary>The thread this CPU runs (a Tcb*), 0 when it has none (idle, or stopped from another CPU).</summary>
    public ulong Thread;
    /// <summary>The thread whose I/O ports are open in this CPU's TSS bitmap (a Tcb*), 0 if none.</summary>
    public ulong PortsOwner;
    /// <summary>When the running thread was last charged for its time (ns since boot).</summary>
    public ulong LastCharge;
    /// <summary>The FS base last written on this CPU (0 at boot).</summary>
    public ulong FsBase;
    /// <summary>Pick again at the next exit (a wake-up outranked the running thread, a slice ended).</summary>
    public byte Reschedule;
    /// <summary>LastCharge is this exit's time: the switch may reuse it.</summary>
    public byte Charged;
    /// <summary>Set while this CPU waits for the lock with a SYSCALL not yet dispatched: a thread stopped
    /// from another CPU meanwhile has it issued again when resumed (Threads.StopRemote).</summary>
    public byte SyscallPending;
    /// <summary>This CPU holds the big kernel lock shared (the IPC fast path, ADR 0028): return_to_user
    /// (PERCPU_SHARED_HELD) then drops its share instead of the ticket.</summary>
    public byte SharedHeld;
    public uint Reserved3;
}
