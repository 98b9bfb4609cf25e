// Syscall numbers. Entry: SYSCALL with the number in rax and arguments in rdi, rsi, rdx, r10,
// r8, r9 (the Linux x86_64 register convention). Exit: the Status in rax, results in rdx, r8.
// docs/design/syscalls.md documents each call and every status it can return.
namespace Vireo.Abi;

public enum Syscall : ulong
{
    DebugWrite = 0,       // (ioPorts, ptr, len): Write on an IoPorts capability covering COM1 (ProcessSlots.KernelLog)
    Yield = 1,            // ()
    Exit = 2,             // (code): ends the calling thread
    Sleep = 3,            // (nanoseconds)
    Time = 4,             // () -> nanoseconds since boot
    CapIdentify = 5,      // (cap) -> type | rights << 8 | sizeBits << 16, badge
    CapCopy = 6,          // (cap, dstCNode, dstIndex, rights) -> handle of the copy
    CapMint = 7,          // (cap, dstCNode, dstIndex, rights, badge) -> handle
    CapMove = 8,          // (cap, dstCNode, dstIndex) -> handle at the destination
    CapDelete = 9,        // (cap)
    CapRevoke = 10,       // (cap)
    Retype = 11,          // (untyped, type, sizeBits, dstCNode, dstIndex, count) -> handle of the first
    Map = 12,             // (addressSpace, frame, vaddr, rights): tables come from the address space's own pool
    Unmap = 13,           // (frame)
    Protect = 14,         // (frame, rights)
    ThreadConfigure = 15, // (thread, ThreadConfig*)
    ThreadStart = 16,     // (thread)
    ThreadSuspend = 17,   // (thread)
    ThreadResume = 18,    // (thread)
    ThreadWait = 19,      // (thread, flags) -> exit code or fault, ThreadExitKind; flags 1 = WouldBlock instead of waiting
    ThreadSetPriority = 20, // (thread, SchedClass, priority)
    // IPC (see MessageInfo for the register layout of a message).
    Send = 21,            // (endpoint, info, mr0..mr3)
    NBSend = 22,          // as Send, WouldBlock instead of waiting
    Recv = 23,            // (endpoint) -> badge, info, mr0..mr3
    NBRecv = 24,          // as Recv, WouldBlock instead of waiting
    Call = 25,            // (endpoint, info, mr0..mr3) -> the reply, as Recv
    Reply = 26,           // (reply or 0, info, mr0..mr3): to the caller held in a Reply object, or (0) the call this thread received
    ReplyRecv = 27,       // (endpoint, info, mr0..mr3): Reply, then Recv
    Signal = 28,          // (notification, bits)
    Wait = 29,            // (notification) -> bits
    Poll = 30,            // (notification) -> bits, WouldBlock if none
    NotificationBind = 31,  // (thread, notification): Recv on any endpoint also returns its signals
    IrqHandlerGet = 32,   // (irqControl, line, dstCNode, dstIndex) -> handler
    IrqHandlerBind = 33,  // (handler, notification, bits)
    IrqAck = 34,          // (handler): unmask the line after handling -> TSC when the kernel took it
    IoPortsBind = 35,     // (ioPorts, thread, first, count): let the thread use in/out on those ports
    ReplySave = 36,       // (reply): move the reply this thread owes into a Reply object, to answer later
    ThreadRegisters = 37, // (thread, ThreadRegistersOp, ThreadRegisterState*): read or write a stopped thread's registers
    CapTake = 38,         // (cnode, from, badgeMask, dstCNode, dstIndex) -> handle at the destination (0: none), next index
    KernelCounters = 39,  // (irqControl, KernelCounter) -> count: what the kernel holds, for leak checks
    // Devices for drivers (ADR 0011; docs/design/syscalls.md, "Devices").
    FramePhysical = 40,   // (frame) -> physical address of its first byte: needs Rights.Physical
    MsiHandlerGet = 41,   // (irqControl, dstCNode, dstIndex) -> handler, MSI data | MSI address << 32
    CapCarve = 42,        // (cap, base, sizeBits, dstCNode, dstIndex) -> handle: an I/O-port or device-memory subrange
    ThreadSetAbi = 43,    // (thread, ThreadAbi): Foreign sends its SYSCALLs to its fault endpoint (ADR 0014)
    // Several CPUs (ADR 0020; docs/design/syscalls.md).
    ThreadSetAffinity = 44, // (thread, cpuMask) -> the previous mask: the CPUs it may run on, 0 = any
    ThreadCpu = 45,       // (thread) -> the CPU it runs on or last ran on, the CPUs that run threads
    Count = 46,
}

/// <summary>What KernelCounters reads (docs/design/syscalls.md). Indices below 16 are ObjectType values:
/// the objects of that type alive that were made since boot (retyped, or an interrupt line claimed);
/// the objects the kernel made at boot for the bootstrap are not counted.</summary>
public static class KernelCounterInfo
{
    /// <summary>Whether `i` counts something user space made, which must come back after it is gone.</summary>
    public static bool IsLeakCounter(int i) => i != (int)KernelCounter.IdleTsc;
}

public enum KernelCounter : ulong
{
    /// <summary>Page-table pages taken from address spaces' pools (the kernel's own tables not counted).</summary>
    PageTables = 16,
    /// <summary>Address-space identifiers held by live address spaces.</summary>
    Asids = 17,
    /// <summary>TSC ticks the boot CPU's idle loop has spent halted since boot: not a count of objects
    /// (leak checks skip it, IsLeakCounter); benchmarks under -icount subtract it, since QEMU's
    /// instruction counter jumps to the next deadline while the guest halts (waiting for a disk).</summary>
    IdleTsc = 18,
    Count = 19,
}

/// <summary>Which system-call convention a thread's SYSCALL instruction follows (ThreadSetAbi, ADR 0014).</summary>
public enum ThreadAbi : ulong
{
    /// <summary>Vireo's own calls (this file).</summary>
    Vireo = 0,
    /// <summary>Another operating system's: each SYSCALL stops the thread and becomes a ForeignSyscall
    /// message to its fault endpoint (ForeignSyscallMessage); the handler's reply resumes it.</summary>
    Foreign = 1,
}

/// <summary>How a thread ended, as ThreadWait reports it.</summary>
public enum ThreadExitKind : ulong
{
    Exited = 0,
    Faulted = 1,
    Killed = 2,
}

public enum SchedClass : byte
{
    TimeSharing = 0,
    RealTimeFifo = 1,
    RealTimeRoundRobin = 2,
}

/// <summary>Argument block of ThreadConfigure, read from the caller's memory.</summary>
public struct ThreadConfig
{
    public ulong CNode;         // capability handle: the thread's capability space
    public ulong AddressSpace;  // capability handle: the thread's address space
    public ulong Entry;         // user instruction pointer
    public ulong Stack;         // user stack pointer (16-byte aligned)
    public ulong Argument0;     // rdi at entry
    public ulong Argument1;     // rsi at entry
    public ulong FsBase;        // thread-local storage base
    public ulong IpcBuffer;     // page-aligned address of the thread's IPC buffer, or 0
    public ulong FaultEndpoint; // capability handle: faults are sent here as messages, or 0
    public ulong ExitNotification; // capability handle: signalled when the thread ends (its badge, else bit 0), or 0
}

public static class ThreadWaitFlags
{
    public const ulong NoBlock = 1;
}

/// <summary>Well-known capability slots: every process finds its own CNode, address space and
/// thread here; the bootstrap also gets the I/O ports; processes built by the process builder
/// get untyped memory for their own heap in Memory.</summary>
public static class BootstrapSlots
{
    public const uint CNode = 1;
    public const uint AddressSpace = 2;
    public const uint Thread = 3;
    public const uint IoPorts = 4;
    public const uint Memory = 5;
    public const uint FirstGrant = 6;   // capabilities the creator hands over (ProcessOptions.Grant*)
    public const uint IrqControl = 6;   // the bootstrap only: the right to claim interrupt lines
    public const uint GrantCount = 4;
}
