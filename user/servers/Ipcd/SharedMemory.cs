// shm:NAME — named shared memory. Open("shm:NAME", Create) makes the object if missing; Ftruncate
// sets its size (bytes, backed by whole pages, at most MaxPages); Fmap answers with copies of its
// frame capabilities, which the client maps: every process that maps the same pages maps the same
// frames, so writes are seen without copying. Frames are retyped from ipcd's untyped memory the
// first time a page is mapped (so they start zeroed). When an object is gone (unlinked and its last
// file closed, or shrunk) ipcd deletes its own frame capabilities without revoking the copies: a
// client's existing mapping stays valid and the memory returns when the last copy goes.
//
// Access is decided here, not trusted to clients: the process that creates a name owns it and says
// at creation who else may open it (OpenFlags.Share*: its descendants, any process; read or
// read-write); the caller is known by the pid in the badge of its scheme capability. A file opened
// for reading gets frames without the Write right, so the kernel refuses a writable mapping and a
// write through a readable one faults (docs/design/ipcd.md, "Who may open").
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;

static unsafe class SharedMemory
{
    public const int MaxObjects = 16;
    public const int MaxPages = 256;         // 1 MiB per object
    public const int MaxTotalPages = 1024;   // 4 MiB for all objects together
    private const int PageSize = 4096;
    // The tag of a shm: file (its object: the memory object) is what it was opened for.
    private const byte ReadFile = 1, ReadWriteFile = 2;

    // What a caller may do with an object: nothing, map it readable, or also writable and resize it.
    private const byte NoAccess = 0, ReadAccess = 1, ReadWriteAccess = 2;
    // Share bits kept per object: OpenFlags.ShareFamilyRead.. shifted down to bits 0-3.
    private const int ShareShift = 8;
    private const byte FamilyRead = 1, FamilyWrite = 2, OthersRead = 4, OthersWrite = 8;
    private const int MaxAncestry = 64;   // a parent chain longer than this is not followed further

    private struct Table
    {
        public fixed byte Used[MaxObjects];
        public fixed int Refs[MaxObjects];                      // open files
        public fixed ulong Size[MaxObjects];                    // bytes
        public fixed ulong Owner[MaxObjects];                   // pid of the creator
        public fixed byte Share[MaxObjects];                    // FamilyRead.. bits
        public fixed byte Names[MaxObjects * Daemon.NameBytes]; // empty once unlinked
        public fixed ulong Frames[MaxObjects * MaxPages];       // frame capabilities (0: not made yet)
    }
    private static Table s_t;
    private static int s_totalPages;

    public static void OnPath(ref Request r)
    {
        switch (r.Op)
        {
            case SchemeOp.Open: Open(r.Data, r.DataLength, (OpenFlags)r.W0, r.Client); break;
            case SchemeOp.Unlink: Unlink(r.Data, r.DataLength, r.Client); break;
            case SchemeOp.Stat: Stat(r.Data, r.DataLength, r.Client); break;
        }
    }

    // Every shm: file names a memory object; its tag says whether it may write.
    public static void OnFile(ref Request r, byte tag, int o)
    {
        switch (r.Op)
        {
            case SchemeOp.Fmap: Fmap(o, r.W0, r.W1, tag == ReadWriteFile); break;
            case SchemeOp.Funmap:
                Daemon.Server.Answer(CheckRange(o, r.W0, r.W1));
                break;
            case SchemeOp.Ftruncate:
                Daemon.Server.Answer(tag == ReadWriteFile ? Resize(o, r.W0) : Status.InsufficientRights);
                break;
            case SchemeOp.Fsync:
                Daemon.Server.Answer(Status.Ok);
                break;
        }
    }

    public static FileKind Stat(int o, out ulong size)
    {
        size = s_t.Size[o];
        return FileKind.Memory;
    }

    public static void Opened(int o) => s_t.Refs[o]++;

    /// <summary>A file went: an object unlinked and without files is destroyed.</summary>
    public static void Closed(int o)
    {
        if (--s_t.Refs[o] == 0 && Name(o)[0] == 0) Destroy(o);
    }

    // --- names --------------------------------------------------------------------------------

    private static void Open(byte* name, int length, OpenFlags flags, ulong client)
    {
        if (!Daemon.CheckName(name, length)) return;
        int o = Find(name, length);
        bool created = false;
        if (o >= 0 && (flags & (OpenFlags.Create | OpenFlags.Exclusive)) == (OpenFlags.Create | OpenFlags.Exclusive))
        {
            Daemon.Server.Answer(Status.Exists);
            return;
        }
        if (o < 0)
        {
            if ((flags & OpenFlags.Create) == 0)
            {
                Daemon.Server.Answer(Status.NotFound);
                return;
            }
            for (int i = 0; i < MaxObjects && o < 0; i++) if (s_t.Used[i] == 0) o = i;
            if (o < 0)
            {
                Daemon.Server.Answer(Status.NoSpace);
                return;
            }
            created = true;
            s_t.Used[o] = 1;
            s_t.Refs[o] = 0;   // each file counts itself (Opened)
            s_t.Size[o] = 0;
            s_t.Owner[o] = client;
            s_t.Share[o] = (byte)(((ulong)flags >> ShareShift) & 0xF);
            Daemon.SetName(Name(o), name, length);
        }
        else
        {
            // The path in the IPC buffer is not needed past this point: Access may call the process manager.
            byte wanted = (flags & (OpenFlags.Write | OpenFlags.Truncate)) != 0 ? ReadWriteAccess : ReadAccess;
            if (Access(o, client) < wanted)
            {
                Daemon.Server.Answer(Status.InsufficientRights);
                return;
            }
        }
        byte tag = (flags & OpenFlags.Write) != 0 ? ReadWriteFile : ReadFile;
        uint id = Daemon.OpenFile(tag, o, out CapHandle file);
        if (id == 0)
        {
            if (created)
            {
                Name(o)[0] = 0;
                Destroy(o);
            }
            return;
        }
        // Shrinking to nothing cannot fail (only a size over the limit is refused).
        if (!created && (flags & OpenFlags.Truncate) != 0) _ = Resize(o, 0);
        Daemon.SendFile(id, file, FileKind.Memory);
    }

    // Only the creator removes a name.
    private static void Unlink(byte* name, int length, ulong client)
    {
        if (!Daemon.CheckName(name, length)) return;
        int o = Find(name, length);
        Status s = Status.NotFound;
        if (o >= 0 && s_t.Owner[o] != client) s = Status.InsufficientRights;
        else if (o >= 0)
        {
            Name(o)[0] = 0;
            if (s_t.Refs[o] == 0) Destroy(o);
            s = Status.Ok;
        }
        Daemon.Server.Answer(s);
    }

    // Stat needs what Open for reading needs.
    private static void Stat(byte* name, int length, ulong client)
    {
        if (!Daemon.CheckName(name, length)) return;
        int o = Find(name, length);
        if (o < 0) Daemon.Server.Answer(Status.NotFound);
        else if (Access(o, client) == NoAccess) Daemon.Server.Answer(Status.InsufficientRights);
        else FileStats.Answer(ref Daemon.Server, FileKind.Memory, s_t.Size[o]);
    }

    // --- who may open -------------------------------------------------------------------------

    /// <summary>What `client` may do with object o: everything if it created it; otherwise the
    /// Others share, and the Family share too if it descends from the creator (the process manager
    /// is asked only when that would give more).</summary>
    private static byte Access(int o, ulong client)
    {
        if (client == s_t.Owner[o]) return ReadWriteAccess;
        byte share = s_t.Share[o];
        byte others = Level(share & OthersRead, share & OthersWrite);
        byte family = Level(share & FamilyRead, share & FamilyWrite);
        if (family > others && DescendsFrom(client, s_t.Owner[o])) return family;
        return others;
    }

    private static byte Level(int read, int write) => write != 0 ? ReadWriteAccess : read != 0 ? ReadAccess : NoAccess;

    // Follows `pid`'s parents through the process manager's list. Pids are never reused, so a
    // creator that has exited has no descendants started after it, and its earlier children keep
    // their recorded parent only while the process manager lists them.
    private static bool DescendsFrom(ulong pid, ulong ancestor)
    {
        for (int depth = 0; depth < MaxAncestry && pid != 0; depth++)
        {
            pid = ParentOf(pid);
            if (pid == ancestor) return true;
        }
        return false;
    }

    // The parent of `pid` (0: not listed).
    private static ulong ParentOf(ulong pid)
    {
        ulong index = 0;
        while (SchemeCall.Call(Namespace.Root, SchemeOp.ProcList, index, 0, 0, 0, 0, 0, out SchemeReply r) == Status.Ok)
        {
            if (r.W0 == pid) return r.W1;
            if (r.W2 <= index) break;
            index = r.W2;
        }
        return 0;
    }

    // --- pages --------------------------------------------------------------------------------

    // Copies of the frames, with Write only for a file opened for writing.
    private static void Fmap(int o, ulong offset, ulong pages, bool writable)
    {
        Status s = CheckRange(o, offset, pages);
        if (s != Status.Ok)
        {
            Daemon.Server.Answer(s);
            return;
        }
        int first = (int)(offset / PageSize), n = (int)pages;
        CapHandle* copies = stackalloc CapHandle[MessageInfo.MaxCaps];
        int made = 0;
        for (; made < n && s == Status.Ok; made++)
        {
            s = MakeFrame(o, first + made);
            if (s != Status.Ok) break;
            if (!CSpace.TryAlloc(out uint slot))
            {
                s = Status.NoSpace;
                break;
            }
            var frame = new CapHandle(s_t.Frames[o * MaxPages + first + made]);
            Rights rights = writable ? Rights.Read | Rights.Write | Rights.Map : Rights.Read | Rights.Map;
            s = Sys.Copy(frame, CSpace.Self, slot, rights, out copies[made]);
            if (s != Status.Ok)
            {
                CSpace.Free(slot);
                break;
            }
        }
        // A client that died meanwhile needs no answer; ipcd's copies go below either way.
        if (s == Status.Ok) _ = Daemon.Server.AnswerWithCaps(Status.Ok, 0, copies, n);
        else Daemon.Server.Answer(s == Status.OutOfMemory ? Status.NoSpace : s);
        // The client holds its own copies now (children of ours): ours go.
        for (int i = 0; i < made; i++) CSpace.Release(copies[i]);
    }

    // Offset page-aligned, 1..MaxCaps pages, all inside the object's size.
    private static Status CheckRange(int o, ulong offset, ulong pages)
    {
        if ((offset & (PageSize - 1)) != 0 || pages < 1 || pages > MessageInfo.MaxCaps) return Status.InvalidArgument;
        if (offset / PageSize + pages > PagesOf(s_t.Size[o])) return Status.OutOfRange;
        return Status.Ok;
    }

    private static Status MakeFrame(int o, int page)
    {
        ulong* frame = &((ulong*)Frames())[o * MaxPages + page];
        if (*frame != 0) return Status.Ok;
        if (s_totalPages >= MaxTotalPages) return Status.NoSpace;
        if (CSpace.Make(ObjectType.Frame, 12, out CapHandle cap) != Status.Ok) return Status.NoSpace;
        *frame = cap.Value;
        s_totalPages++;
        return Status.Ok;
    }

    private static Status Resize(int o, ulong size)
    {
        if (size > (ulong)MaxPages * PageSize) return Status.OutOfRange;
        ulong keep = PagesOf(size);
        for (ulong p = keep; p < MaxPages; p++) DropFrame(o, (int)p);
        s_t.Size[o] = size;
        return Status.Ok;
    }

    private static void DropFrame(int o, int page)
    {
        ulong* frame = &((ulong*)Frames())[o * MaxPages + page];
        if (*frame == 0) return;
        CSpace.Release(new CapHandle(*frame));   // delete, not Revoke: mappings clients already hold keep working
        *frame = 0;
        s_totalPages--;
    }

    private static ulong PagesOf(ulong size) => (size + PageSize - 1) / PageSize;

    // --- files and objects --------------------------------------------------------------------

    private static void Destroy(int o)
    {
        // Shrinking to nothing cannot fail (only a size over the limit is refused).
        _ = Resize(o, 0);
        s_t.Used[o] = 0;
    }

    private static int Find(byte* name, int length) => Daemon.FindName(Name(0), MaxObjects, name, length);

    private static byte* Name(int o)
    {
        fixed (byte* n = s_t.Names) return n + o * Daemon.NameBytes;
    }

    private static ulong* Frames()
    {
        fixed (ulong* f = s_t.Frames) return f;
    }
}
