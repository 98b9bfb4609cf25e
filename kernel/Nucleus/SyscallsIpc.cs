// IPC syscalls: look up the endpoint or notification with the right it needs, then the engine.
// Results land in the caller's frame directly (badge in rdi, info in rsi, words in rdx, r10,
// r8, r9), so the dispatcher writes only the status for these calls.
using Vireo.Abi;
using Vireo.Kernel.Arch.X64;
using Vireo.Kernel.Caps;
using System.Runtime.CompilerServices;

namespace Vireo.Kernel.Nucleus;

public static unsafe partial class Syscalls
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsIpc(Syscall n) => n >= Syscall.Send && n <= Syscall.ReplyRecv;

    private static Status CheckInfo(MessageInfo info)
    {
        if (info.Words > MessageInfo.MaxWords || info.Caps > MessageInfo.MaxCaps) return Status.InvalidArgument;
        return Status.Ok;
    }

    private static Status IpcSend(Tcb* t, InterruptFrame* f, bool blocking, bool isCall)
    {
        var info = new MessageInfo(f->Rsi);
        Status s = CheckInfo(info);
        if (s != Status.Ok) return s;
        s = Lookup(t, f->Rdi, ObjectType.Endpoint, Rights.Write, out CapSlot* ep);
        if (s != Status.Ok) return s;
        return Ipc.Send(t, ep, info, blocking, isCall);
    }

    private static Status IpcRecv(Tcb* t, InterruptFrame* f, bool blocking)
    {
        Status s = Lookup(t, f->Rdi, ObjectType.Endpoint, Rights.Read, out CapSlot* ep);
        if (s != Status.Ok) return s;
        return Ipc.Recv(t, ep, blocking);
    }

    private static Status IpcReply(Tcb* t, InterruptFrame* f)
    {
        var info = new MessageInfo(f->Rsi);
        Status s = CheckInfo(info);
        if (s != Status.Ok) return s;
        if (f->Rdi == 0) return Ipc.Reply(t, info);
        s = Lookup(t, f->Rdi, ObjectType.Reply, Rights.Write, out CapSlot* r);
        return s != Status.Ok ? s : Ipc.ReplyVia(t, Ipc.ReplyAt(Ipc.ObjectOf(r)), info);
    }

    private static Status ReplySave(Tcb* t, ulong handle)
    {
        Status s = Lookup(t, handle, ObjectType.Reply, Rights.Write, out CapSlot* r);
        return s != Status.Ok ? s : Ipc.Save(t, Ipc.ReplyAt(Ipc.ObjectOf(r)));
    }

    private static Status IpcReplyRecv(Tcb* t, InterruptFrame* f)
    {
        var info = new MessageInfo(f->Rsi);
        Status s = CheckInfo(info);
        if (s != Status.Ok) return s;
        s = Lookup(t, f->Rdi, ObjectType.Endpoint, Rights.Read, out CapSlot* ep);
        if (s != Status.Ok) return s;
        // Nothing owed (BadState) is a plain receive. A reply that failed stops here, so the server
        // learns of it: after PeerDied nothing is owed, after any other failure (the capabilities it
        // carried could not land, no IPC buffer) the reply still is.
        s = Ipc.Reply(t, info);
        if (s != Status.Ok && s != Status.BadState) return s;
        return Ipc.Recv(t, ep, blocking: true);
    }

    private static Status Signal(Tcb* t, ulong handle, ulong bits)
    {
        Status s = Lookup(t, handle, ObjectType.Notification, Rights.Write, out CapSlot* n);
        if (s != Status.Ok) return s;
        Ipc.Signal(n, bits);
        return Status.Ok;
    }

    private static Status Wait(Tcb* t, ulong handle, bool blocking, out ulong bits)
    {
        bits = 0;
        Status s = Lookup(t, handle, ObjectType.Notification, Rights.Read, out CapSlot* n);
        return s != Status.Ok ? s : Ipc.Wait(t, n, blocking, out bits);
    }

    private static Status NotificationBind(Tcb* caller, ulong thread, ulong notification)
    {
        Status s = TargetThread(caller, thread, out Tcb* t);
        if (s != Status.Ok) return s;
        s = Lookup(caller, notification, ObjectType.Notification, Rights.Read, out CapSlot* cap);
        if (s != Status.Ok) return s;
        return Ipc.Bind(t, Ipc.ObjectOf(cap));
    }
}
