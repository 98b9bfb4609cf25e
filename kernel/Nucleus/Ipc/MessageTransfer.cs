// Moving one message from a sender to a receiver: registers, IPC-buffer words and capabilities.
// Portable (the host tests run it over emulated memory): what it needs from the kernel (finding a
// thread's IPC buffer, looking up capabilities, copying one) comes through IMessageCaps, which ilc
// specialises for the kernel's implementation. All checks come before any change: a transfer that
// cannot complete leaves both threads and every slot as they were.
using Vireo.Abi;
using Vireo.Kernel.Caps;

namespace Vireo.Kernel.Nucleus;

public unsafe interface IMessageCaps
{
    /// <summary>The thread's IPC buffer, if it has one mapped (writable when asked).</summary>
    bool TryBuffer(Tcb* t, bool write, out IpcBuffer* buffer);

    /// <summary>A capability in the thread's CNode, any type or rights.</summary>
    Status Lookup(Tcb* t, ulong handle, out CapSlot* slot);

    /// <summary>A CNode capability with the Write right in the thread's CNode.</summary>
    Status LookupCNode(Tcb* t, ulong handle, out CapSlot* cnode);

    CapSlot* SlotAt(CapSlot* cnode, ulong index);

    /// <summary>Copies src into the (empty) slot and returns the new capability's handle.</summary>
    ulong Copy(CapSlot* src, CapSlot* cnode, ulong index);
}

public static unsafe class MessageTransfer
{
    public static Status Deliver<TCaps>(ref TCaps env, Tcb* sender, Tcb* receiver, ulong badge, MessageInfo info)
        where TCaps : struct, IMessageCaps
    {
        if (sender->IpcIsFault) return DeliverFault(ref env, sender, receiver, badge, info);
        int words = info.Words;
        int caps = info.Caps;
        IpcBuffer* src = null, dst = null;
        if (words > MessageInfo.RegisterWords || caps > 0)
        {
            if (!env.TryBuffer(sender, false, out src)) return Status.BadAddress;
            if (!env.TryBuffer(receiver, true, out dst))
            {
                // No buffer on the receiving side: registers only, no capabilities.
                if (caps > 0) return Status.BadAddress;
                words = MessageInfo.RegisterWords;
            }
        }
        if (caps > 0)
        {
            CapSlot** found = stackalloc CapSlot*[MessageInfo.MaxCaps];
            Status s = CheckCaps(ref env, sender, receiver, src, dst, caps, found, out CapSlot* cnode);
            if (s != Status.Ok) return s;
            for (int i = 0; i < caps; i++) dst->ReceivedHandles[i] = env.Copy(found[i], cnode, dst->ReceiveSlots[i]);
            dst->ReceivedCaps = (ulong)caps;
        }
        else if (dst != null)
        {
            dst->ReceivedCaps = 0;
        }
        if (dst != null) CopyWords(src, dst, words);
        SetRegisters(receiver, badge, new MessageInfo(words, caps, info.Label),
            sender->Frame.Rdx, sender->Frame.R10, sender->Frame.R8, sender->Frame.R9);
        return Status.Ok;
    }

    // A fault report or a foreign syscall (ADR 0014): the stopped thread's registers are its own and
    // it has no message of its own; the kernel makes the message from its frame. Words past the
    // registers need the receiver's IPC buffer; without one the message carries only the first four.
    private static Status DeliverFault<TCaps>(ref TCaps env, Tcb* sender, Tcb* receiver, ulong badge, MessageInfo info)
        where TCaps : struct, IMessageCaps
    {
        ref Vireo.Kernel.Arch.X64.InterruptFrame f = ref sender->Frame;
        if (info.Label != MessageInfo.ForeignSyscallLabel)
        {
            SetRegisters(receiver, badge, new MessageInfo(MessageInfo.RegisterWords, 0, info.Label), f.Vector, sender->FaultAddress, f.Rip, f.ErrorCode);
            return Status.Ok;
        }
        int words = MessageInfo.RegisterWords;
        if (env.TryBuffer(receiver, true, out IpcBuffer* dst))
        {
            PutForeignWords(dst, &sender->Frame);
            words = ForeignSyscallMessage.Words;
        }
        SetRegisters(receiver, badge, new MessageInfo(words, 0, info.Label), f.Rax, f.Rdi, f.Rsi, f.Rdx);
        return Status.Ok;
    }

    /// <summary>A foreign syscall's words past the registers (ForeignSyscallMessage 4-9), from the
    /// stopped thread's frame into the handler's buffer (the fast path too).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static void PutForeignWords(IpcBuffer* dst, Vireo.Kernel.Arch.X64.InterruptFrame* f)
    {
        dst->Words[ForeignSyscallMessage.R10] = f->R10;
        dst->Words[ForeignSyscallMessage.R8] = f->R8;
        dst->Words[ForeignSyscallMessage.R9] = f->R9;
        dst->Words[ForeignSyscallMessage.Rip] = f->Rip;
        dst->Words[ForeignSyscallMessage.Rsp] = f->Rsp;
        dst->Words[ForeignSyscallMessage.Rflags] = f->Rflags;
        dst->ReceivedCaps = 0;
    }

    /// <summary>Words past the registers, buffer to buffer (one block copy; the fast path too).</summary>
    public static void CopyWords(IpcBuffer* src, IpcBuffer* dst, int words)
    {
        int n = words - MessageInfo.RegisterWords;
        if (n > 0) System.Buffer.MemoryCopy(&src->Words[MessageInfo.RegisterWords], &dst->Words[MessageInfo.RegisterWords], n * 8, n * 8);
    }

    /// <summary>What a thread finds when its receive (or call) completes: Ok, the badge, the info
    /// and the four register words. The fast path delivers through this too.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static void SetRegisters(Tcb* receiver, ulong badge, MessageInfo info, ulong w0, ulong w1, ulong w2, ulong w3)
    {
        receiver->Frame.Rax = (ulong)Status.Ok;
        receiver->Frame.Rdi = badge;
        receiver->Frame.Rsi = info.Value;
        receiver->Frame.Rdx = w0;
        receiver->Frame.R10 = w1;
        receiver->Frame.R8 = w2;
        receiver->Frame.R9 = w3;
    }

    // Looks up every capability to send (into `found`) and the receiver's CNode, and checks each landing slot.
    private static Status CheckCaps<TCaps>(ref TCaps env, Tcb* sender, Tcb* receiver, IpcBuffer* src, IpcBuffer* dst, int caps,
        CapSlot** found, out CapSlot* cnode)
        where TCaps : struct, IMessageCaps
    {
        Status s = env.LookupCNode(receiver, dst->ReceiveCNode, out cnode);
        if (s != Status.Ok) return s;
        ulong slots = 1UL << cnode->SizeBits;
        for (int i = 0; i < caps; i++)
        {
            s = env.Lookup(sender, src->SendCaps[i], out CapSlot* c);
            if (s != Status.Ok) return s;
            found[i] = c;
            if (c->Type == ObjectType.Untyped) return Status.NotCopyable;
            if ((c->Flags & CapFlags.Emptying) != 0) return Status.BadState;
            ulong index = dst->ReceiveSlots[i];
            if (index == 0 || index >= slots) return Status.OutOfRange;
            if (!env.SlotAt(cnode, index)->IsEmpty) return Status.Occupied;
            for (int j = 0; j < i; j++)
                if (dst->ReceiveSlots[j] == index) return Status.InvalidArgument;
        }
        return Status.Ok;
    }
}
