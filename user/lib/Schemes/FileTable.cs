// The open files of a scheme daemon: per-file state (TFile) by file id, the id being the badge of the
// capability SchemeServer mints. Made at start-up with a stack of free ids so that taking and giving
// back one costs O(1); a table made to grow (ramfs) doubles when full, others stay at their size.
//
// Dispatch is the daemon's whole request handling: it forgets files whose hand-over failed, answers
// a request whose data was malformed, sends path requests to the scheme with the path normalised
// (SchemePath.NormalizeInPlace: a daemon does not trust its clients to have done it), answers
// BadDescriptor for a file that is not open, and does Dup (a new id holding a copy of the state: its own position, as in
// ramfs), Close and Fstat itself; every other file request goes to the scheme's OnFile. What files
// share (a node, a pipe end, a channel queue) is counted by the scheme's Opened and Closed hooks,
// which FileTable calls for every file made and every file gone, however it came or went.
using Vireo.Abi;

namespace Vireo.User.Schemes;

public struct FileTable<TFile, TScheme> where TFile : struct where TScheme : struct, IScheme<TFile>
{
    private TFile[] _files;     // by id; 0 is no file id
    private byte[] _open;       // 1 while the id is open
    private uint[] _free;       // free ids, the next to use on top
    private int _freeCount;
    private bool _grows;        // past the first capacity: as far as memory goes (Init's `grow`)

    /// <summary>Makes room for ids 1..capacity-1 (capacity at most SchemeServer.MaxFiles). Once. With
    /// `grow`, the table doubles whenever it is full instead of answering NoSpace: open files are then
    /// bounded by memory (and the daemon's capability slots, one per open file) only.</summary>
    public Status Init(int capacity, bool grow = false)
    {
        if (capacity < 2 || capacity > SchemeServer.MaxFiles) return Status.InvalidArgument;
        _files = new TFile[capacity];
        _open = new byte[capacity];
        _free = new uint[capacity];
        _freeCount = 0;
        _grows = grow;
        for (int id = capacity - 1; id >= 1; id--) _free[_freeCount++] = (uint)id;   // 1 on top
        return Status.Ok;
    }

    /// <summary>True while a file can still be opened.</summary>
    public bool HasRoom => _freeCount > 0 || _grows;

    /// <summary>Ids the table has room for now (a growing table doubles past it: a daemon that checks
    /// its heap first counts that growth).</summary>
    public int Capacity => _files == null ? 0 : _files.Length;

    // Full and growing: ids from the old capacity to twice it become free (the lowest on top).
    private bool Grow()
    {
        if (!_grows || _files.Length > int.MaxValue / 4) return false;
        int old = _files.Length, size = old * 2;
        var files = new TFile[size];
        var open = new byte[size];
        for (int i = 0; i < old; i++)
        {
            files[i] = _files[i];
            open[i] = _open[i];
        }
        _files = files;
        _open = open;
        _free = new uint[size];   // empty: every id below `old` is in use
        for (int id = size - 1; id >= old; id--) _free[_freeCount++] = (uint)id;
        return true;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]   // every file request's check
    public bool IsOpen(ulong id) => _open != null && id < (ulong)_open.Length && _open[(int)id] != 0;   // int: a ulong index would need an overflow-checked conversion

    /// <summary>The state of open file `id` (check IsOpen first).</summary>
    public ref TFile this[uint id] => ref _files[id];

    /// <summary>Handles one request (see the file's header).</summary>
    public unsafe void Dispatch(ref SchemeServer server, ref Request r)
    {
        uint lost = server.TakeLostFile();
        if (lost != 0) Forget(lost);
        if (r.DataLength < 0)
        {
            server.Answer(Status.InvalidArgument);
            return;
        }
        if (!r.IsFile)
        {
            // Every daemon sees its paths normalised the same way, whatever the client sent.
            byte* data = r.Data;
            if (r.Op == SchemeOp.Symlink)
                r.DataLength = NormalizeSymlink(data, r.DataLength);
            else if (r.Op == SchemeOp.Rename || r.Op == SchemeOp.Link || !SchemePath.IsNormal(data, r.DataLength))
                r.DataLength = SchemePath.NormalizeInPlace(data, r.DataLength, r.Op == SchemeOp.Rename || r.Op == SchemeOp.Link);
            default(TScheme).OnPath(ref r);
            return;
        }
        if (!IsOpen(r.FileId))
        {
            server.Answer(Status.BadDescriptor);
            return;
        }
        uint id = (uint)r.FileId;
        ref TFile file = ref _files[id];
        switch (r.Op)
        {
            case SchemeOp.Dup:
                Open(ref server, file);
                return;
            case SchemeOp.Close:
                ForgetOpen(id, ref file);   // open: checked above
                server.CloseFile(id);
                server.Answer(Status.Ok);
                return;
            case SchemeOp.Fstat:
                default(TScheme).Stat(ref file, out FileStat st);
                if (r.W0 == FileStats.WordsOnly) server.Answer(Status.Ok, st.Size, st.Kind);
                else FileStats.Answer(ref server, st);
                return;
            default:
                default(TScheme).OnFile(ref r, id, ref file);
                return;
        }
    }

    // Symlink's data is "target NUL path": the target is the link's content, kept byte for byte (a
    // relative target means something only where the link is); only the path is normalised.
    private static unsafe int NormalizeSymlink(byte* data, int length)
    {
        int split = 0;
        while (split < length && data[split] != 0) split++;
        if (split == length) return length;   // no NUL: the scheme answers InvalidArgument
        int rest = SchemePath.NormalizeInPlace(data + split + 1, length - split - 1, false);
        return split + 1 + rest;
    }

    /// <summary>Answers the current request with a new file holding `state` (w0 = its kind), sent
    /// with the next receive; NoSpace when the table or the daemon's slots are full. A file that does
    /// not reach its caller is forgotten again (Closed is called).</summary>
    public void Open(ref SchemeServer server, in TFile state)
    {
        uint id = Add(state);
        if (id == 0)
        {
            server.Answer(Status.NoSpace);
            return;
        }
        default(TScheme).Stat(ref _files[id], out FileStat st);
        if (server.AnswerNewFile(id, st.Kind) != Status.Ok) Forget(id);
    }

    /// <summary>Open for a scheme that knows the file's kind already (ramfs): no Stat to make.</summary>
    public void Open(ref SchemeServer server, in TFile state, FileKind kind)
    {
        uint id = Add(state);
        if (id == 0) server.Answer(Status.NoSpace);
        else if (server.AnswerNewFile(id, (ulong)kind) != Status.Ok) Forget(id);
    }

    /// <summary>A new file holding `state` with its capability minted, for a scheme that answers
    /// itself (two files in one answer, a deferred Accept); 0 when none can be made, and then nothing
    /// happened (Opened was not called). If the answer fails, Close the file.</summary>
    public uint NewFile(ref SchemeServer server, in TFile state, out CapHandle file)
    {
        file = default;
        if (_freeCount == 0 && !Grow()) return 0;
        if (server.MintFile(_free[_freeCount - 1], out file) != Status.Ok) return 0;
        return Add(state);
    }

    /// <summary>Closes file `id`: Closed is called, the id freed and every copy of its capability
    /// revoked. Nothing if it is not open.</summary>
    public void Close(ref SchemeServer server, uint id)
    {
        if (!IsOpen(id)) return;
        Forget(id);
        server.CloseFile(id);
    }

    private uint Add(in TFile state)
    {
        TFile copy = state;   // `state` may be an entry of the array Grow replaces (a Dup)
        if (_freeCount == 0 && !Grow()) return 0;
        uint id = _free[--_freeCount];
        ref TFile slot = ref _files[id];
        slot = copy;
        _open[id] = 1;
        default(TScheme).Opened(id, ref slot);
        return id;
    }

    private void Forget(uint id)
    {
        if (IsOpen(id)) ForgetOpen(id, ref _files[id]);
    }

    // Forget for an id known to be open, its state at hand. Inlined into Dispatch's Close (scheme_open_close).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private void ForgetOpen(uint id, ref TFile file)
    {
        default(TScheme).Closed(id, ref file);
        _open[id] = 0;
        _free[_freeCount++] = id;
    }
}
