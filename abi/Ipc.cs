// Message layout. A message is up to MaxWords words: the first RegisterWords travel in
// registers (rdx, r10, r8, r9 on entry and exit), the rest in the sender's and receiver's IPC
// buffers (one page each, ThreadConfig.IpcBuffer). Up to MaxCaps capabilities travel with it:
// the sender lists handles in its buffer, the receiver names empty destination slots in its own.
// The receiver also learns the badge of the capability the message came through (rdi on exit).
namespace Vireo.Abi;

public readonly struct MessageInfo
{
    public const int RegisterWords = 4;
    public const int MaxWords = 64;
    public const int MaxCaps = 3;

    public readonly ulong Value;

    public MessageInfo(ulong value) => Value = value;
    public MessageInfo(int words, int caps, ulong label = 0) => Value = (ulong)(uint)words | ((ulong)(uint)caps << 8) | (label << 16);

    public int Words => (int)(Value & 0xFF);
    public int Caps => (int)((Value >> 8) & 0xFF);
    /// <summary>The sender's word about what the message is (a method number); the kernel uses
    /// FaultLabel and NotificationLabel for messages it makes itself.</summary>
    public ulong Label => Value >> 16;

    public const ulong FaultLabel = 0xFFFF_FFFF_FFF0;
    public const ulong NotificationLabel = 0xFFFF_FFFF_FFF1;
    /// <summary>A SYSCALL of a thread running a foreign ABI (ThreadAbi.Foreign; ForeignSyscallMessage).</summary>
    public const ulong ForeignSyscallLabel = 0xFFFF_FFFF_FFF2;
}

/// <summary>The IPC buffer page: message words past the registers, capabilities to send, and the
/// slots where received capabilities go.</summary>
public unsafe struct IpcBuffer
{
    public fixed ulong Words[MessageInfo.MaxWords];
    public fixed ulong SendCaps[MessageInfo.MaxCaps];        // handles in the sender's CNode
    public ulong ReceiveCNode;                               // handle of a CNode the receiver holds
    public fixed ulong ReceiveSlots[MessageInfo.MaxCaps];    // indices in that CNode, one per capability
    public ulong ReceivedCaps;                               // set by the kernel when it uses the buffer; MessageInfo.Caps is authoritative
    public fixed ulong ReceivedHandles[MessageInfo.MaxCaps]; // set by the kernel: their handles
}

/// <summary>Words of a fault message (label FaultLabel): the handler may fix the fault and reply
/// to resume the thread, which retries the faulting instruction.</summary>
public static class FaultMessage
{
    public const int Vector = 0, Address = 1, InstructionPointer = 2, ErrorCode = 3;
}

/// <summary>Words of a foreign syscall message (label ForeignSyscallLabel, ADR 0014): the stopped
/// thread's registers as the SYSCALL left them. The first four travel in registers; the rest land in
/// the handler's IPC buffer (without one, the message has only the first four). A reply with at least
/// one word puts its first word into the thread's rax and resumes it after the SYSCALL; a reply with
/// none resumes it with rax unchanged. Anything else (rip, rsp, FS base, signal frames) the handler
/// writes with ThreadRegisters before replying: the thread is stopped until then.</summary>
public static class ForeignSyscallMessage
{
    public const int Rax = 0, Rdi = 1, Rsi = 2, Rdx = 3, R10 = 4, R8 = 5, R9 = 6, Rip = 7, Rsp = 8, Rflags = 9;
    public const int Words = 10;
}
