// One request of the scheme protocol (abi/Scheme.cs) from the client side: arguments in registers,
// data in the calling thread's IPC buffer from word 4 on, capabilities both ways. The IPC buffer is
// the main thread's (ProcessSlots.IpcBuffer): the scheme library is for single-threaded callers.
using Vireo.Abi;

namespace Vireo.User.Schemes;

/// <summary>What a daemon answered: its status, three result words, the length of the data (now at
/// SchemeCall.Data) and the capabilities it sent (handles in Cap0..Cap2).</summary>
public unsafe struct SchemeReply
{
    public Status Status;
    public ulong W0, W1, W2;
    public int DataLength;
    public int Caps;
    public CapHandle Cap0, Cap1, Cap2;
}

public static unsafe class SchemeCall
{
    /// <summary>The highest status a daemon may answer with (abi/Status.cs); anything above is BadReply.</summary>
    public const Status LastStatus = Status.IoError;

    public static IpcBuffer* Buffer => (IpcBuffer*)ProcessSlots.IpcBuffer;

    /// <summary>The data area of this thread's IPC buffer (SchemeLimits.MaxData bytes).</summary>
    public static byte* Data => (byte*)&((IpcBuffer*)ProcessSlots.IpcBuffer)->Words[SchemeLimits.DataWord];

    /// <summary>Calls `target` with `length` bytes already at Data and `sendCaps` handles in the buffer's
    /// SendCaps; takes up to `receiveCaps` capabilities into fresh slots. Returns the IPC failure
    /// (BadDescriptor for a capability that no longer works, PeerDied for a daemon that died while
    /// holding the call) or else the daemon's status; r holds the whole answer.</summary>
    public static Status Call(CapHandle target, SchemeOp op, ulong w0, ulong w1, ulong w2, int length,
        int sendCaps, int receiveCaps, out SchemeReply r)
    {
        r = default;
        if ((uint)length > SchemeLimits.MaxData) return Status.InvalidArgument;
        return Send(target, op, w0, w1, w2, length, SchemeLimits.DataWord + (length + 7) / 8, sendCaps, receiveCaps, out r);
    }

    /// <summary>Call with the message's size given: `words` words (the data at Data, or none when
    /// `length` bytes travel in a frame sent as the first capability: LongPaths).</summary>
    [System.Runtime.CompilerServices.SkipLocalsInit]   // `slots` is written before it is read
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]   // into Call: every request
    internal static Status Send(CapHandle target, SchemeOp op, ulong w0, ulong w1, ulong w2, int length, int words,
        int sendCaps, int receiveCaps, out SchemeReply r)
    {
        r = default;
        if ((uint)receiveCaps > MessageInfo.MaxCaps) return Status.InvalidArgument;
        IpcBuffer* b = Buffer;
        uint* slots = stackalloc uint[MessageInfo.MaxCaps];
        for (int i = 0; i < receiveCaps; i++)
        {
            if (!CSpace.TryAlloc(out slots[i]))
            {
                for (int j = 0; j < i; j++) CSpace.Free(slots[j]);
                return Status.NoSpace;
            }
            b->ReceiveSlots[i] = slots[i];
        }
        // No landing place named: a reply carrying capabilities fails in the daemon, not here.
        b->ReceiveCNode = receiveCaps > 0 ? CSpace.Self.Value : 0;
        var m = Message.Of(w0, w1, w2, (ulong)length);
        Status s = Ipc.Call(target, new MessageInfo(words, sendCaps, (ulong)op), ref m);
        int got = 0;
        if (s == Status.Ok)
        {
            r.Status = (Status)(long)m.Info.Label;
            r.W0 = m.W0;
            r.W1 = m.W1;
            r.W2 = m.W2;
            r.DataLength = (int)m.W3;
            got = m.Info.Caps;
            // Capabilities come with Ok only, exactly as many as asked for: a caller never has to
            // count them, and none is left behind in a slot by an error or a short answer.
            bool capsWrong = r.Status == Status.Ok ? got != receiveCaps : got != 0;
            if (m.W3 > SchemeLimits.MaxData || SchemeLimits.DataWord + ((int)m.W3 + 7) / 8 > m.Info.Words && m.W3 != 0 ||
                capsWrong || m.Info.Label > (ulong)LastStatus)
            {
                r.Status = Status.BadReply;
                r.DataLength = 0;
            }
            r.Caps = r.Status == Status.BadReply ? 0 : got;
            if (r.Caps > 0) r.Cap0 = new CapHandle(b->ReceivedHandles[0]);
            if (r.Caps > 1) r.Cap1 = new CapHandle(b->ReceivedHandles[1]);
            if (r.Caps > 2) r.Cap2 = new CapHandle(b->ReceivedHandles[2]);
            s = r.Status;
        }
        else if (s == Status.InvalidCapability || s == Status.WrongType)
        {
            s = Status.BadDescriptor;
        }
        // Capabilities that arrived with a garbage answer are dropped; unused slots go back.
        for (int i = 0; i < receiveCaps; i++)
        {
            // The kernel just filled the slot: deleting it cannot fail.
            if (i < got && r.Caps == 0) _ = Sys.Delete(new CapHandle(b->ReceivedHandles[i]));
            if (i >= r.Caps) CSpace.Free(slots[i]);
        }
        return s;
    }

    /// <summary>A request of words only answered by one word (FileWrite: the bytes are in the
    /// transfer page): Call without the data area, landing slots or the general answer's checks, for
    /// the data path. No slot is named, so no capability can come; an answer with data or an unknown
    /// status is BadReply.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]   // into FileMaps.Write's loop
    public static Status CallWords(CapHandle target, SchemeOp op, ulong w0, out ulong r0)
    {
        r0 = 0;
        Buffer->ReceiveCNode = 0;
        var m = Message.Of(w0);
        Status s = Ipc.Call(target, new MessageInfo(SchemeLimits.DataWord, 0, (ulong)op), ref m);
        if (s != Status.Ok) return s == Status.InvalidCapability || s == Status.WrongType ? Status.BadDescriptor : s;
        if (m.W3 != 0 || m.Info.Caps != 0 || m.Info.Label > (ulong)LastStatus) return Status.BadReply;
        r0 = m.W0;
        return (Status)(long)m.Info.Label;
    }

    /// <summary>Copies bytes into the data area; false if they do not fit.</summary>
    public static bool Put(byte* bytes, int length, int offset = 0)
    {
        if (length < 0 || offset < 0 || offset + length > SchemeLimits.MaxData) return false;
        Buffer_MemoryCopy(Data + offset, bytes, length);
        return true;
    }

    /// <summary>Copies an ASCII string into the data area; false if it does not fit.</summary>
    public static bool Put(string text, int offset = 0)
    {
        if (offset < 0 || offset + text.Length > SchemeLimits.MaxData) return false;
        Ascii.Copy(text, new System.Span<byte>(Data + offset, text.Length));
        return true;
    }

    internal static void Buffer_MemoryCopy(byte* dst, byte* src, int n)
    {
        if (n > 0) System.Buffer.MemoryCopy(src, dst, n, n);
    }
}
