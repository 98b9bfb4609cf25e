// The thread control block: the contents of a Thread object (ObjectSizes.ThreadBits = 2 KiB),
// retyped from untyped memory that user space holds. Layout matters to assembly: the FXSAVE
// area sits directly below the register frame, because the interrupt entry saves the FPU state
// at frame - 512 (Asm/interrupts.S), and both are 16-byte aligned. The ABI word follows the frame
// at a fixed offset, because syscall_entry tests it before any C# runs. A host test pins this.
using System.Runtime.InteropServices;
using Vireo.Abi;
using Vireo.Kernel.Arch.X64;
using Vireo.Kernel.Caps;
using Vireo.Kernel.Memory;
using Vireo.Kernel.Sched;

namespace Vireo.Kernel.Nucleus;

public enum ThreadState : byte
{
    Inactive,   // retyped, maybe configured, not started
    Runnable,   // in the scheduler's queues, or running
    Sleeping,   // waiting for a deadline
    Waiting,    // in ThreadWait for another thread
    Suspended,  // stopped by ThreadSuspend
    Dead,       // exited, faulted or killed: ExitKind/ExitCode say how
    BlockedOnSend,          // queued on an endpoint with a message (IpcObject)
    BlockedOnRecv,          // queued on an endpoint waiting for one
    BlockedOnReply,         // called and waits for the reply (ReplyServer owes it)
    BlockedOnNotification,  // in Wait on a notification
}

[StructLayout(LayoutKind.Sequential)]
public unsafe struct Tcb
{
    public const int FxOffset = 0;
    public const int FrameOffset = 512;
    /// <summary>Abi's offset: FrameOffset + sizeof(InterruptFrame); interrupts.S reads it at frame + 176.</summary>
    public const int AbiOffset = 688;
    public const int SchedOffset = 704;

    public fixed byte Fx[512];
    public InterruptFrame Frame;
    // ThreadAbi: not Vireo, its SYSCALLs go to its fault endpoint (ForeignSyscalls.cs). A word and
    // a pad, so that Sched keeps the 16-byte alignment it had.
    public ThreadAbi Abi;
    private ulong _abiPad;
    public SchedEntity Sched;

    // Copies of the capabilities the thread runs with (seL4's TCB slots): while they exist its
    // CNode and address space cannot be destroyed; when a revoke removes them the thread stops.
    public CapSlot CNodeCap;
    public CapSlot AddressSpaceCap;

    public ThreadState State;
    public bool Configured;
    public ThreadExitKind ExitKind;
    public ulong ExitCode;

    public PhysAddr CNode;       // its CNode
    public int CNodeSlotBits;
    public PhysAddr AddressSpace; // its AddressSpace object, whose first page is the PML4 (CR3)
    public ulong FsBase;

    public ulong WakeAt;         // Sleeping: deadline in ns since boot
    public Tcb* NextSleeper;
    public Tcb* Waiter;          // a thread blocked in ThreadWait on this one
    public Tcb* Waitee;          // Waiting: the thread this one waits for

    // IPC. A blocked sender's message stays in its own saved registers and IPC buffer.
    public Tcb* IpcNext;         // endpoint or notification queue
    public Tcb* IpcPrev;
    public PhysAddr IpcObject;   // the endpoint/notification it is queued on
    public ulong IpcBadge;       // BlockedOnSend: the badge of the capability it sent through
    public ulong IpcInfo;        // BlockedOnSend: its MessageInfo
    public bool IpcIsCall;       // BlockedOnSend: wants a reply
    public bool IpcIsFault;      // its pending message is a fault report built by the kernel
    public ulong FaultAddress;   // for that report: CR2 at the fault
    public bool ReplyLost;       // the caller this thread owed a reply to died
    public Tcb* ReplyTo;         // the caller whose reply this thread owes
    public Tcb* ReplyServer;     // BlockedOnReply: the thread that owes this one a reply
    public ReplyObject* ReplyHolder; // BlockedOnReply: the Reply object its answer was put aside in
    public ulong IpcBuffer;      // user address of its IPC buffer page, 0 if none
    public PhysAddr BufferPhys;  // where IpcBuffer was found mapped (Ipc.TryBuffer's cache), null = unknown
    public ulong BufferEpoch;    // Mappings.Epoch when it was found: any unmap since invalidates it
    public bool BufferWritable;
    public PhysAddr BoundNotification; // a notification bound to it, or null
    public CapSlot FaultEndpointCap;
    public CapSlot ExitNotificationCap; // signalled when the thread ends
    // I/O ports this thread may use directly (IoPortsBind): two ranges, applied to the TSS bitmap
    // while it runs.
    public uint IoFirst0, IoCount0, IoFirst1, IoCount1;
    // A call whose work is done but whose draining of the dying CNodes stopped: its status + 1, answered
    // by the restart (Syscalls.Finish); 0 = none.
    public ulong OwedStatus;
    // Several CPUs (Threads.Cpus.cs): the CPUs it may run on (bit i = CPU i, 0 = any: ThreadSetAffinity),
    // and the CPU it runs on, is queued on or last ran on (whether it runs there is that CPU's
    // PerCpuBlock.Thread: Threads.OnCpu).
    public ulong Affinity;
    public int Cpu;
    // Its last fast-path try under a share of the big kernel lock failed (ADR 0028): until a fast path
    // of its succeeds again, its Call and ReplyRecv take the lock exclusive at once (a server on another
    // CPU would fail every try, and the share costs its taking and giving back each time).
    public bool FastPathMissed;

    public static Tcb* FromSched(SchedEntity* e) => (Tcb*)((byte*)e - SchedOffset);
}
