// The daemon side of the scheme protocol: an endpoint, a receive loop that answers the previous
// request and takes the next in one call, file capabilities minted from the endpoint (badge = the
// daemon's file id), and deferred answers through Reply objects for requests that must wait (a
// pipe read with nothing written yet), answered later in any order. Which file ids are in use and
// what each holds is the daemon's FileTable; this struct only mints and revokes by id.
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
    /// <summary>Where data that came in a frame (a long path: LongPaths) was copied; null when the
    /// data is in the IPC buffer.</summary>
    public byte* LongData;

    public bool IsFile => SchemeBadge.IsFile(Badge);
    public ulong FileId => SchemeBadge.Id(Badge);
    /// <summary>The calling process (pid) for requests through a scheme capability.</summary>
    public ulong Client => SchemeBadge.Id(Badge);
    /// <summary>The request's data: in the IPC buffer, or a copy of a long path's frame. Answers
    /// are written at SchemeCall.Data, whichever it is.</summary>
    public byte* Data => LongData != null ? LongData : SchemeCall.Data;

}

public unsafe struct SchemeServer
{
    public const int MaxDeferred = 64;
    /// <summary>File ids the server has room for from the start; a FileTable that grows (ramfs) takes
    /// the server past it (MintFile grows its arrays), others stay below it.</summary>
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
    // Ids from MaxFiles on (a FileTable that grows: ramfs), made when first needed; every other
    // daemon allocates nothing for them (initfsd's heap is small).
    private ulong[] _moreFiles;
    private byte[] _moreOpen;
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

    /// <summary>Answers the pending request (if any) with what Answer staged, and waits for the next.
    /// A request whose capabilities cannot all be kept (no free slot to replace their landing slots)
    /// is answered NoSpace here, its capabilities deleted: the handler never sees it.</summary>
    public void Receive(out Request r)
    {
        IpcBuffer* b = SchemeCall.Buffer;
        var m = new Message();
        while (true)
        {
            Status s;
            ReleaseUnclaimed();
            PrepareLanding(b);
            if (_owed)
            {
                if (_stagedInfo.Caps > 0) SchemeCall.Buffer->SendCaps[0] = FileCap(_stagedFile);
                m = _staged;
                s = Ipc.ReplyReceive(Endpoint, _stagedInfo, ref m);
                _owed = false;
                if (s != Status.Ok) ReplyFailed(s);
            }
            else
            {
                s = Ipc.Receive(Endpoint, ref m);
            }
            if (s != Status.Ok) continue;
            _owed = true;
            _stagedFile = 0;
            _stagedInfo = new MessageInfo(SchemeLimits.DataWord, 0, (ulong)Status.NotSupported);
            _staged = default;
            if (m.Info.Caps == 0 || TakeLanding(m.Info.Caps, b)) break;
            Answer(Status.NoSpace);
        }
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
        r.Cap0 = _pending.Cap0;
        r.Cap1 = _pending.Cap1;
        r.Cap2 = _pending.Cap2;
        // A path request whose data is longer than a message carries it in a frame, its only capability.
        if (r.DataLength < 0 && r.Caps == 1 && !r.IsFile && length <= SchemeLimits.LongData)
        {
            r.DataLength = LongPaths.Receive(Claim(0), (int)length, out r.LongData);
            r.Caps = 0;
            r.Cap0 = default;
        }
    }

    private Message _staged;
    private MessageInfo _stagedInfo;
    private uint _stagedFile;                  // the file the staged answer hands over (AnswerNewFile), or 0
    private uint _lostFile;                    // a file whose hand-over failed, until TakeLostFile

    /// <summary>A file whose hand-over (AnswerNewFile) failed at the last Receive, closed already:
    /// the scheme forgets its own record of it (FileTable does). 0 when there is none; taking it
    /// clears it.</summary>
    /// <summary>True if TakeLostFile has a file to name (a request loop's fast path leaves it to
    /// FileTable.Dispatch).</summary>
    public bool HasLostFile => _lostFile != 0;

    public uint TakeLostFile()
    {
        uint id = _lostFile;
        if (id != 0) _lostFile = 0;   // most receives lose nothing: no store then
        return id;
    }

    // The staged answer did not reach its caller (ReplyRecv stopped before receiving). If the caller
    // is still owed an answer it gets BadReply; a file that did not land is closed and kept for
    // TakeLostFile.
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
            _lostFile = file;
        }
    }
    private Request _pending;   // the last request: its capabilities not claimed yet

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]   // once per request: no call when none came
    private void ReleaseUnclaimed()
    {
        if (_pending.Caps != 0) ReleasePending();   // most requests bring none
    }

    private void ReleasePending()
    {
        Release(_pending.Cap0);
        Release(_pending.Cap1);
        Release(_pending.Cap2);
        _pending = default;
    }

    private static void Release(CapHandle cap)
    {
        if (cap.Value != 0) CSpace.Release(cap);
    }

    /// <summary>Stages the answer to the request just received (sent by the next Receive). Data, if
    /// any, must already be at SchemeCall.Data.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]   // a few stores, made by every request
    public void Answer(Status status, ulong w0 = 0, ulong w1 = 0, ulong w2 = 0, int dataLength = 0)
    {
        _stagedFile = 0;
        _staged = Message.Of(w0, w1, w2, (ulong)dataLength);
        _stagedInfo = new MessageInfo(SchemeLimits.DataWord + (dataLength + 7) / 8, 0, (ulong)status);
    }

    /// <summary>Answers at once with capabilities (a file, a scheme, frames). If they cannot land in
    /// the caller (it named no slots), the caller gets BadReply without them: never a hang.</summary>
    public Status AnswerWithCaps(Status status, ulong w0, CapHandle* caps, int count, int dataLength = 0) =>
        AnswerWithCaps(status, w0, 0, caps, count, dataLength);

    /// <summary>AnswerWithCaps with a second word.</summary>
    public Status AnswerWithCaps(Status status, ulong w0, ulong w1, CapHandle* caps, int count, int dataLength = 0)
    {
        IpcBuffer* b = SchemeCall.Buffer;
        for (int i = 0; i < count; i++) b->SendCaps[i] = caps[i].Value;
        var m = Message.Of(w0, w1, 0, (ulong)dataLength);
        Status s = Ipc.Reply(new MessageInfo(SchemeLimits.DataWord + (dataLength + 7) / 8, count, (ulong)status), ref m);
        if (s != Status.Ok && s != Status.PeerDied)
        {
            m = Message.Of();
            // The client is told what it can be: the first reply's failure is what counts.
            _ = Ipc.Reply(new MessageInfo(SchemeLimits.DataWord, 0, (ulong)Status.BadReply), ref m);
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
        if (id == 0 || id > int.MaxValue / 2) return Status.OutOfRange;
        if (id >= MaxFiles && (_moreFiles == null || id - MaxFiles >= (uint)_moreFiles.Length)) Grow((int)(id - MaxFiles) + 1);
        if (IsOpen(id)) return Status.Occupied;
        if (FileCap(id) == 0)
        {
            if (!CSpace.TryAlloc(out uint slot)) return Status.NoSpace;
            Status s = Sys.Mint(Endpoint, CSpace.Self, slot, Rights.Write | Rights.Grant, SchemeBadge.File(id), out file);
            if (s != Status.Ok)
            {
                CSpace.Free(slot);
                return s;
            }
            SetFile(id, file.Value, false);
        }
        file = new CapHandle(FileCap(id));
        SetFile(id, file.Value, true);
        return Status.Ok;
    }

    /// <summary>Answers an Open or Dup with a new file: mints file `id`'s capability (or reuses the one
    /// kept for the id) and stages an answer carrying it (w0 = the FileKind), sent by the next Receive
    /// in the same call as the receive. If it does not land (the caller named no slot, or died), the
    /// caller gets BadReply, the file is closed again and TakeLostFile names it after that Receive.
    /// With no slot or capability to mint it answers NoSpace and returns that status: the caller
    /// forgets the file at once.</summary>
    public Status AnswerNewFile(uint id, ulong w0)
    {
        Status s = MintFile(id, out _);
        if (s != Status.Ok)
        {
            Answer(Status.NoSpace);
            return Status.NoSpace;
        }
        _staged = Message.Of(w0);
        _stagedInfo = new MessageInfo(SchemeLimits.DataWord, 1, (ulong)Status.Ok);
        _stagedFile = id;
        return Status.Ok;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private ulong FileCap(uint id) =>
        id < MaxFiles ? _files[id] : _moreFiles != null && id - MaxFiles < (uint)_moreFiles.Length ? _moreFiles[id - MaxFiles] : 0;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private bool IsOpen(uint id) =>
        id < MaxFiles ? _open[id] != 0 : _moreOpen != null && id - MaxFiles < (uint)_moreOpen.Length && _moreOpen[id - MaxFiles] != 0;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private void SetFile(uint id, ulong cap, bool open)
    {
        if (id < MaxFiles)
        {
            _files[id] = cap;
            _open[id] = open ? (byte)1 : (byte)0;
            return;
        }
        _moreFiles[id - MaxFiles] = cap;
        _moreOpen[id - MaxFiles] = open ? (byte)1 : (byte)0;
    }

    // Room past MaxFiles for `needed` more ids, doubling (FileTable hands ids out from the bottom).
    private void Grow(int needed)
    {
        int old = _moreFiles == null ? 0 : _moreFiles.Length;
        int size = old == 0 ? MaxFiles : old * 2;
        while (size < needed) size *= 2;
        var files = new ulong[size];
        var open = new byte[size];
        for (int i = 0; i < old; i++)
        {
            files[i] = _moreFiles[i];
            open[i] = _moreOpen[i];
        }
        _moreFiles = files;
        _moreOpen = open;
    }

    /// <summary>Revokes every copy of file id's capability and forgets it.</summary>
    public void CloseFile(uint id)
    {
        if (id == 0 || !IsOpen(id)) return;
        ulong cap = FileCap(id);
        // The slot holds the server's own minted capability: revoking it fails only if it is empty.
        _ = Sys.Revoke(new CapHandle(cap));
        SetFile(id, cap, false);
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

    /// <summary>Defer into a Reply object the caller of this method keeps itself (the process manager:
    /// one pool for every answer it puts aside, Services/Waiting.cs); answer it with AnswerTo or
    /// AnswerToWithCaps. False if the request has no caller to save.</summary>
    public bool DeferTo(CapHandle reply)
    {
        if (Ipc.SaveReply(reply) != Status.Ok) return false;
        _owed = false;
        return true;
    }

    /// <summary>Answers a request put aside with DeferTo. PeerDied if that caller died meanwhile.</summary>
    public Status AnswerTo(CapHandle reply, Status status, ulong w0 = 0, ulong w1 = 0, ulong w2 = 0)
    {
        var m = Message.Of(w0, w1, w2, 0);
        return Ipc.Reply(reply, new MessageInfo(SchemeLimits.DataWord, 0, (ulong)status), ref m);
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
        Status s = AnswerToWithCaps(new CapHandle(_replies[token]), status, w0, caps, count);
        _replyBusy[token] = 0;
        return s;
    }

    /// <summary>AnswerLaterWithCaps for a request put aside with DeferTo.</summary>
    public Status AnswerToWithCaps(CapHandle reply, Status status, ulong w0, CapHandle* caps, int count)
    {
        if ((uint)count > MessageInfo.MaxCaps) return Status.InvalidArgument;
        IpcBuffer* b = SchemeCall.Buffer;
        for (int i = 0; i < count; i++) b->SendCaps[i] = caps[i].Value;
        var m = Message.Of(w0);
        Status s = Ipc.Reply(reply, new MessageInfo(SchemeLimits.DataWord, count, (ulong)status), ref m);
        if (s != Status.Ok && s != Status.PeerDied)
        {
            m = Message.Of();
            // The client is told what it can be: the first reply's failure (returned) is what counts.
            _ = Ipc.Reply(reply, new MessageInfo(SchemeLimits.DataWord, 0, (ulong)Status.BadReply), ref m);
        }
        return s;
    }

    // --- capabilities that come with requests --------------------------------------------------

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private void PrepareLanding(IpcBuffer* b)
    {
        b->ReceiveCNode = CSpace.Self.Value;
        for (int i = 0; i < MessageInfo.MaxCaps; i++) b->ReceiveSlots[i] = _landing[i];
    }

    // The `count` capabilities that came now belong to the request (in _pending, for Claim and
    // ReleaseUnclaimed); their landing slots are replaced by fresh ones. If not all can be replaced,
    // none is: what came is deleted and the landing slots stay as they were (false).
    private bool TakeLanding(int count, IpcBuffer* b)
    {
        uint* fresh = stackalloc uint[MessageInfo.MaxCaps];
        int got = 0;
        while (got < count && CSpace.TryAlloc(out fresh[got])) got++;
        if (got < count)
        {
            for (int i = 0; i < got; i++) CSpace.Free(fresh[i]);
            // The kernel just filled the slots: deleting them cannot fail.
            for (int i = 0; i < count; i++) _ = Sys.Delete(new CapHandle(b->ReceivedHandles[i]));
            return false;
        }
        _pending.Caps = count;
        _pending.Cap0 = new CapHandle(b->ReceivedHandles[0]);
        if (count > 1) _pending.Cap1 = new CapHandle(b->ReceivedHandles[1]);
        if (count > 2) _pending.Cap2 = new CapHandle(b->ReceivedHandles[2]);
        for (int i = 0; i < count; i++) _landing[i] = fresh[i];
        return true;
    }
}
