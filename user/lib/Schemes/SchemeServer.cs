// The daemon side of the scheme protocol: an endpoint, a receive loop that answers the previous
// request and takes the next in one call, file capabilities minted from the endpoint (badge = the
// daemon's file id), and deferred answers through Reply objects for requests that must wait (a
// pipe read with nothing written yet), answered later in any order.
using Vireo.Abi;

namespace Vireo.User.Schemes;

/// <summary>A request as the daemon sees it. Data (the path, or bytes to write) is in this thread's
/// IPC buffer at SchemeCall.Data until the next receive or answer.</summary>
public unsafe struct Request
{
    public ulong Badge;
    public SchemeOp Op;
    public ulong W0, W1, W2;
    public int DataLength;
    public int Caps;
    public CapHandle Cap0, Cap1, Cap2;   // capabilities that came with it (landing slots the server set)

    public bool IsFile => SchemeBadge.IsFile(Badge);
    public ulong FileId => SchemeBadge.Id(Badge);
    /// <summary>The calling process (pid) for requests through a scheme capability.</summary>
    public ulong Client => SchemeBadge.Id(Badge);
    public byte* Data => SchemeCall.Data;

}

public unsafe struct SchemeServer
{
    public const int MaxDeferred = 64;
    public const int MaxFiles = 1024;

    public CapHandle Endpoint;
    private CapHandle _memory;
    private bool _owed;                  // the last request received is still to be answered
    private fixed ulong _replies[MaxDeferred];   // Reply objects, made as needed
    private fixed byte _replyBusy[MaxDeferred];
    // Minted file capabilities by file id (0 = none yet). A closed file's capability is revoked (every
    // copy handed out goes) but kept, and the next file with that id reuses it: Open and Close then
    // cost no Mint and no Delete.
    private fixed ulong _files[MaxFiles];
    private fixed byte _open[MaxFiles];          // 1 while file id is open
    private fixed uint _landing[MessageInfo.MaxCaps];

    /// <summary>An endpoint from `memory` (untyped); objects the server needs later come from it too.</summary>
    public static Status Create(CapHandle memory, out SchemeServer server)
    {
        server = default;
        server._memory = memory;
        Status s = CSpace.Make(memory, ObjectType.Endpoint, 0, out server.Endpoint);
        for (int i = 0; i < MessageInfo.MaxCaps && s == Status.Ok; i++)
            if (!CSpace.TryAlloc(out server._landing[i])) s = Status.NoSpace;
        return s;
    }

    /// <summary>Registers the endpoint under `name` with the root scheme.</summary>
    public Status Register(string name) => Namespace.Register(name, Endpoint);

    /// <summary>Keeps capability i of the request just received: the handler owns it from now on
    /// (CSpace.Release when done). Every capability not claimed is deleted when the next request is
    /// received, however the request was answered: a client cannot fill the daemon's slots.</summary>
    public CapHandle Claim(int i)
    {
        CapHandle cap = default;
        if (i == 0) { cap = _pending.Cap0; _pending.Cap0 = default; }
        else if (i == 1) { cap = _pending.Cap1; _pending.Cap1 = default; }
        else if (i == 2) { cap = _pending.Cap2; _pending.Cap2 = default; }
        return cap;
    }

    /// <summary>Answers the pending request (if any) with what Answer staged, and waits for the next.</summary>
    public void Receive(out Request r)
    {
        IpcBuffer* b = SchemeCall.Buffer;
        var m = new Message();
        Status s;
        do
        {
            ReleaseUnclaimed();
            PrepareLanding(b);
            if (_owed)
            {
                if (_stagedInfo.Caps > 0) SchemeCall.Buffer->SendCaps[0] = _files[_stagedFile];
                m = _staged;
                s = Ipc.ReplyReceive(Endpoint, _stagedInfo, ref m);
                _owed = false;
                if (s != Status.Ok) ReplyFailed(s);
            }
            else
            {
                s = Ipc.Receive(Endpoint, ref m);
            }
        } while (s != Status.Ok);
        r = default;
        r.Badge = m.Badge;
        r.Op = (SchemeOp)m.Info.Label;
        r.W0 = m.W0;
        r.W1 = m.W1;
        r.W2 = m.W2;
        r.Caps = m.Info.Caps;
        ulong length = m.W3;
        // Data the message did not carry is not data: a short message with a long claimed length.
        ulong carried = m.Info.Words > SchemeLimits.DataWord ? (ulong)(m.Info.Words - SchemeLimits.DataWord) * 8 : 0;
        r.DataLength = length <= carried && length <= SchemeLimits.MaxData ? (int)length : -1;
        if (r.Caps > 0) r.Cap0 = TakeLanding(0, b);
        if (r.Caps > 1) r.Cap1 = TakeLanding(1, b);
        if (r.Caps > 2) r.Cap2 = TakeLanding(2, b);
        _owed = true;
        _stagedFile = 0;
        _stagedInfo = new MessageInfo(SchemeLimits.DataWord, 0, (ulong)Status.NotSupported);
        _staged = default;
        _pending.Caps = r.Caps;   // what ReleaseUnclaimed and Claim look at
        _pending.Cap0 = r.Cap0;
        _pending.Cap1 = r.Cap1;
        _pending.Cap2 = r.Cap2;
    }

    private Message _staged;
    private MessageInfo _stagedInfo;
    private uint _stagedFile;                  // the file the staged answer hands over (AnswerNewFile), or 0
    private delegate*<uint, void> _lost;       // told when that file did not land

    // The staged answer did not reach its caller (ReplyRecv stopped before receiving). If the caller
    // is still owed an answer it gets BadReply; a file that did not land is closed and the scheme told.
    private void ReplyFailed(Status s)
    {
        var m = Message.Of();
        bool stillOwed = s != Status.PeerDied &&
            Ipc.Reply(new MessageInfo(SchemeLimits.DataWord, 0, (ulong)Status.BadReply), ref m) != Status.BadState;
        uint file = _stagedFile;
        _stagedFile = 0;
        // BadState: nothing was owed any more, so the answer went and the receive failed after it.
        if (file != 0 && (stillOwed || s == Status.PeerDied))
        {
            CloseFile(file);
            if (_lost != null) _lost(file);
        }
    }
    private Request _pending;   // the last request: its capabilities not claimed yet

    private void ReleaseUnclaimed()
    {
        if (_pending.Caps == 0) return;   // most requests bring none
        Release(_pending.Cap0);
        Release(_pending.Cap1);
        Release(_pending.Cap2);
        _pending = default;
    }

    // A capability whose slot is still a landing slot (no fresh one could be had) is deleted but its
    // slot kept: it will receive again.
    private void Release(CapHandle cap)
    {
        if (cap.Value == 0) return;
        for (int i = 0; i < MessageInfo.MaxCaps; i++)
            if (_landing[i] == cap.Index)
            {
                Sys.Delete(cap);
                return;
            }
        CSpace.Release(cap);
    }

    /// <summary>Stages the answer to the request just received (sent by the next Receive). Data, if
    /// any, must already be at SchemeCall.Data.</summary>
    public void Answer(Status status, ulong w0 = 0, ulong w1 = 0, ulong w2 = 0, int dataLength = 0)
    {
        _stagedFile = 0;
        _staged = Message.Of(w0, w1, w2, (ulong)dataLength);
        _stagedInfo = new MessageInfo(SchemeLimits.DataWord + (dataLength + 7) / 8, 0, (ulong)status);
    }

    /// <summary>Answers at once with capabilities (a file, a scheme, frames). If they cannot land in
    /// the caller (it named no slots), the caller gets BadReply without them: never a hang.</summary>
    public Status AnswerWithCaps(Status status, ulong w0, CapHandle* caps, int count, int dataLength = 0)
    {
        IpcBuffer* b = SchemeCall.Buffer;
        for (int i = 0; i < count; i++) b->SendCaps[i] = caps[i].Value;
        var m = Message.Of(w0, 0, 0, (ulong)dataLength);
        Status s = Ipc.Reply(new MessageInfo(SchemeLimits.DataWord + (dataLength + 7) / 8, count, (ulong)status), ref m);
        if (s != Status.Ok && s != Status.PeerDied)
        {
            m = Message.Of();
            Ipc.Reply(new MessageInfo(SchemeLimits.DataWord, 0, (ulong)Status.BadReply), ref m);
        }
        _owed = false;
        _stagedFile = 0;
        return s;
    }

    // --- files -----------------------------------------------------------------------------------

    /// <summary>The capability for file `id` (1..MaxFiles-1), minted from the endpoint the first time the
    /// id is used; the server keeps it until CloseFile, which makes every copy stop working.</summary>
    public Status MintFile(uint id, out CapHandle file)
    {
        file = default;
        if (id == 0 || id >= (uint)MaxFiles) return Status.OutOfRange;
        if (_open[id] != 0) return Status.Occupied;
        if (_files[id] == 0)
        {
            if (!CSpace.TryAlloc(out uint slot)) return Status.NoSpace;
            Status s = Sys.Mint(Endpoint, CSpace.Self, slot, Rights.Read | Rights.Write | Rights.Grant, SchemeBadge.File(id), out file);
            if (s != Status.Ok)
            {
                CSpace.Free(slot);
                return s;
            }
            _files[id] = file.Value;
        }
        file = new CapHandle(_files[id]);
        _open[id] = 1;
        return Status.Ok;
    }

    /// <summary>Answers an Open or Dup with a new file: mints file `id`'s capability (or reuses the one
    /// kept for the id) and stages an answer carrying it (w0 = the FileKind), sent by the next Receive
    /// in the same call as the receive. If it does not land (the caller named no slot, or died), the
    /// caller gets BadReply, the file is closed again and `lost(id)` tells the scheme to forget it;
    /// with no slot or capability to mint the caller gets NoSpace and `lost(id)` is called at once.</summary>
    public void AnswerNewFile(uint id, ulong w0, delegate*<uint, void> lost)
    {
        _lost = lost;
        if (MintFile(id, out _) != Status.Ok)
        {
            Answer(Status.NoSpace);
            if (lost != null) lost(id);
            return;
        }
        _staged = Message.Of(w0);
        _stagedInfo = new MessageInfo(SchemeLimits.DataWord, 1, (ulong)Status.Ok);
        _stagedFile = id;
    }

    /// <summary>Revokes every copy of file id's capability and forgets it.</summary>
    public void CloseFile(uint id)
    {
        if (id == 0 || id >= MaxFiles || _open[id] == 0) return;
        Sys.Revoke(new CapHandle(_files[id]));
        _open[id] = 0;
    }

    /// <summary>A free file id, or 0 when the table is full.</summary>
    public uint FreeFileId()
    {
        for (uint i = 1; i < (uint)MaxFiles; i++) if (_open[i] == 0) return i;
        return 0;
    }

    // --- deferred answers ----------------------------------------------------------------------

    /// <summary>Puts the request just received aside; answer it later with AnswerLater(token, ...).
    /// False when no Reply object is free (then answer now).</summary>
    public bool Defer(out int token)
    {
        token = -1;
        for (int i = 0; i < MaxDeferred; i++)
        {
            if (_replyBusy[i] != 0) continue;
            if (_replies[i] == 0)
            {
                if (CSpace.Make(_memory, ObjectType.Reply, 0, out CapHandle reply) != Status.Ok) return false;
                _replies[i] = reply.Value;
            }
            if (Ipc.SaveReply(new CapHandle(_replies[i])) != Status.Ok) return false;
            _replyBusy[i] = 1;
            _owed = false;
            token = i;
            return true;
        }
        return false;
    }

    /// <summary>Answers a deferred request; data, if any, must already be at SchemeCall.Data.
    /// PeerDied if that caller died meanwhile.</summary>
    public Status AnswerLater(int token, Status status, ulong w0 = 0, ulong w1 = 0, int dataLength = 0) =>
        AnswerLater(token, status, w0, w1, 0UL, dataLength);

    /// <summary>AnswerLater with a third result word.</summary>
    public Status AnswerLater(int token, Status status, ulong w0, ulong w1, ulong w2, int dataLength = 0)
    {
        if ((uint)token >= MaxDeferred || _replyBusy[token] == 0) return Status.InvalidArgument;
        var m = Message.Of(w0, w1, w2, (ulong)dataLength);
        Status s = Ipc.Reply(new CapHandle(_replies[token]), new MessageInfo(SchemeLimits.DataWord + (dataLength + 7) / 8, 0, (ulong)status), ref m);
        _replyBusy[token] = 0;
        return s;
    }

    /// <summary>Answers a deferred request with capabilities (a connection a waiting Accept gets).
    /// As AnswerWithCaps: if they cannot land in the caller, it gets BadReply without them.</summary>
    public Status AnswerLaterWithCaps(int token, Status status, ulong w0, CapHandle* caps, int count)
    {
        if ((uint)token >= MaxDeferred || _replyBusy[token] == 0 || (uint)count > MessageInfo.MaxCaps) return Status.InvalidArgument;
        IpcBuffer* b = SchemeCall.Buffer;
        for (int i = 0; i < count; i++) b->SendCaps[i] = caps[i].Value;
        var reply = new CapHandle(_replies[token]);
        var m = Message.Of(w0);
        Status s = Ipc.Reply(reply, new MessageInfo(SchemeLimits.DataWord, count, (ulong)status), ref m);
        if (s != Status.Ok && s != Status.PeerDied)
        {
            m = Message.Of();
            Ipc.Reply(reply, new MessageInfo(SchemeLimits.DataWord, 0, (ulong)Status.BadReply), ref m);
        }
        _replyBusy[token] = 0;
        return s;
    }

    // --- capabilities that come with requests --------------------------------------------------

    private void PrepareLanding(IpcBuffer* b)
    {
        b->ReceiveCNode = CSpace.Self.Value;
        for (int i = 0; i < MessageInfo.MaxCaps; i++) b->ReceiveSlots[i] = _landing[i];
    }

    // The capability now belongs to the request; its landing slot is replaced by a fresh one.
    private CapHandle TakeLanding(int i, IpcBuffer* b)
    {
        var cap = new CapHandle(b->ReceivedHandles[i]);
        if (CSpace.TryAlloc(out uint fresh)) _landing[i] = fresh;
        return cap;
    }
}
