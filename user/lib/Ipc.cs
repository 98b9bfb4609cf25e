// Message passing for user programs: endpoints (send, receive, call, reply) and notifications.
// A Message holds the four register words and, after a receive, the badge and the MessageInfo;
// longer messages and capabilities go through the thread's IPC buffer (Vireo.Abi.IpcBuffer).
using System.Runtime;
using System.Runtime.CompilerServices;
using Vireo.Abi;

namespace Vireo.User;

[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
public unsafe struct Message
{
    public ulong W0, W1, W2, W3;
    public ulong Badge;
    public MessageInfo Info;

    public static Message Of(ulong w0 = 0, ulong w1 = 0, ulong w2 = 0, ulong w3 = 0) =>
        new Message { W0 = w0, W1 = w1, W2 = w2, W3 = w3 };
}

public static unsafe class Ipc
{
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "vireo_ipc")]
    private static extern Status Raw(ulong number, ulong cap, ulong info, ulong* words, ulong* badgeAndInfo);

    // Badge and Info follow W3 in Message (a MessageInfo is one word), so the stub writes the
    // returned rdi and rsi straight into them: no scratch words to clear and copy on every IPC.
    private static Status Do(Syscall n, CapHandle cap, MessageInfo info, ref Message m)
    {
        fixed (Message* p = &m) return Raw((ulong)n, cap.Value, info.Value, &p->W0, &p->Badge);
    }

    public static Status Send(CapHandle endpoint, MessageInfo info, ref Message m) => Do(Syscall.Send, endpoint, info, ref m);
    public static Status TrySend(CapHandle endpoint, MessageInfo info, ref Message m) => Do(Syscall.NBSend, endpoint, info, ref m);
    public static Status Receive(CapHandle endpoint, ref Message m) => Do(Syscall.Recv, endpoint, default, ref m);
    public static Status TryReceive(CapHandle endpoint, ref Message m) => Do(Syscall.NBRecv, endpoint, default, ref m);
    public static Status Call(CapHandle endpoint, MessageInfo info, ref Message m) => Do(Syscall.Call, endpoint, info, ref m);
    public static Status Reply(MessageInfo info, ref Message m) => Do(Syscall.Reply, default, info, ref m);
    /// <summary>Answers the caller put aside in a Reply object by SaveReply.</summary>
    public static Status Reply(CapHandle reply, MessageInfo info, ref Message m) => Do(Syscall.Reply, reply, info, ref m);
    /// <summary>Puts the reply this thread owes aside in a (empty) Reply object, to answer later.</summary>
    public static Status SaveReply(CapHandle reply) => Sys.Call(Syscall.ReplySave, reply.Value);
    public static Status ReplyReceive(CapHandle endpoint, MessageInfo info, ref Message m) => Do(Syscall.ReplyRecv, endpoint, info, ref m);

    public static Status Signal(CapHandle notification, ulong bits) => Sys.Raw2((ulong)Syscall.Signal, notification.Value, bits);
    public static Status Wait(CapHandle notification, out ulong bits) => WaitOrPoll(Syscall.Wait, notification, out bits);
    public static Status Poll(CapHandle notification, out ulong bits) => WaitOrPoll(Syscall.Poll, notification, out bits);

    private static Status WaitOrPoll(Syscall n, CapHandle notification, out ulong bits)
    {
        ulong r;
        Status s = Sys.Raw1R((ulong)n, notification.Value, &r);
        bits = r;
        return s;
    }
    public static Status Bind(CapHandle thread, CapHandle notification) => Sys.Call(Syscall.NotificationBind, thread.Value, notification.Value);
}
