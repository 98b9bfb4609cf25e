// virtio-blk: the driver of a virtio 1.x block device, serving it as the scheme blk:
// (docs/design/virtio-blk.md). pcid's driver manager starts it as `virtio-blk BB:DD.F` with DMA
// memory; it claims the function from pcid, brings the device up (Device) and registers blk:.
//   blk:/      a directory with one name, vda
//   blk:/vda   the disk as a file: Fstat gives its size; Read, Write and Seek at any byte offset through
//              messages (at most 480 bytes each: the slow path, for cat and early clients; a write that
//              covers part of a sector reads it first), Fsync = a flush; and the fast path: Fmap maps
//              the file's 64 KiB buffer area, BlockRead/BlockWrite move whole sectors between the disk
//              and that area, answered when the device is done, many in flight (BlockClient).
// One thread: the interrupt's notification is bound to it, so the scheme receive wakes for it too.
// Fast-path requests are deferred (Reply objects) and answered from the completion; slow-path ones
// wait for their own completion in place (serving nothing else meanwhile, but completing others).
using System;
using System.Runtime;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;
using Vireo.Virtio;

static unsafe class Program
{
    private const int MaxFiles = 64;
    private const int Sector = VirtioBlk.SectorSize;
    private const ulong SyncTag = 1UL << 40;
    private static readonly byte[] DiskName = { (byte)'v', (byte)'d', (byte)'a' };

    private struct OpenFile
    {
        public bool Disk;
        public bool Writable;
        public ulong Position;
        public int Entry;       // Getdents of the directory: names given so far
        public int Area;        // the fast path's buffer area, -1 until asked for
    }

    private static SchemeServer s_server;
    private static FileTable<OpenFile, Scheme> s_files;
    private static CapHandle s_notification;
    private static int[] s_bounce;   // one DMA page for the slow path
    private static byte[] s_incoming;
    private static bool s_syncDone;
    private static Status s_syncStatus;

    private static ulong Size => Device.Sectors * Sector;

    [RuntimeExport("vireo_main")]
    static int Main()
    {
        Dma.Init();
        s_incoming = new byte[SchemeLimits.MaxData];
        Status s = CSpace.Make(ObjectType.Notification, 0, out s_notification);
        if (s == Status.Ok) s = Ipc.Bind(new CapHandle(BootstrapSlots.Thread, 0), s_notification);
        if (s != Status.Ok) return 1;
        int started = Device.Start(Args.Positional(0), s_notification);
        if (started != 0) return started;
        s_bounce = new int[1];
        if (Dma.Page(out _, out s_bounce[0]) != Status.Ok) return 10;
        FileStats.UseBootTime();   // the disk's node shows the system's start
        if (s_files.Init(MaxFiles) != Status.Ok || SchemeDaemon.Start("blk", out s_server) != Status.Ok) return 11;
        while (true)
        {
            s_server.Receive(out Request r);
            if ((ulong)r.Op == MessageInfo.NotificationLabel) Device.Interrupt(&Completed);
            else s_files.Dispatch(ref s_server, ref r);
        }
    }

    // A request finished: the slow path's own, or a deferred fast-path one (tag = token | area + 1 << 16).
    private static void Completed(ulong tag, Status status)
    {
        if (tag == SyncTag)
        {
            s_syncDone = true;
            s_syncStatus = status;
            return;
        }
        int area = (int)(tag >> 16) - 1;
        if (area >= 0) Areas.Finished(area);
        _ = s_server.AnswerLater((int)(tag & 0xFFFF), status);   // PeerDied: the client is gone, nobody to tell
    }

    // The slow path: one request through the bounce page, waited for here.
    private static Status Sync(uint type, ulong sector, int sectors)
    {
        s_syncDone = false;
        var job = new Device.Job { Type = type, Sector = sector, Tag = SyncTag, Pages = s_bounce, Offset = 0, Bytes = sectors * Sector };
        if (!Device.Submit(job)) return Status.NoSpace;
        while (!s_syncDone)
        {
            if (Ipc.Wait(s_notification, out _) != Status.Ok) return Status.BadState;
            Device.Interrupt(&Completed);
        }
        return s_syncStatus;
    }

    // Paths come normalised ("/vda", "/" or ""): the root, or the one disk.
    private static bool IsRoot(byte* path, int length) => length == 0 || length == 1 && path[0] == (byte)'/';

    private static bool IsDisk(byte* path, int length)
    {
        if (length > 0 && path[0] == (byte)'/') { path++; length--; }
        return length == DiskName.Length && path[0] == DiskName[0] && path[1] == DiskName[1] && path[2] == DiskName[2];
    }

    private struct Scheme : IScheme<OpenFile>
    {
        public void OnPath(ref Request r)
        {
            bool root = IsRoot(r.Data, r.DataLength), disk = IsDisk(r.Data, r.DataLength);
            if (r.Op == SchemeOp.Open)
            {
                var flags = (OpenFlags)r.W0;
                bool write = (flags & OpenFlags.Write) != 0;
                if (!root && !disk) s_server.Answer(Status.NotFound);
                else if ((flags & (OpenFlags.Create | OpenFlags.Truncate)) != 0 || write && (root || Device.ReadOnly)) s_server.Answer(Status.InsufficientRights);
                else if ((flags & OpenFlags.Directory) != 0 && disk) s_server.Answer(Status.NotDirectory);
                else s_files.Open(ref s_server, new OpenFile { Disk = disk, Writable = write, Area = -1 });
            }
            else if (r.Op == SchemeOp.Stat)
            {
                if (!root && !disk) s_server.Answer(Status.NotFound);
                else
                {
                    var f = new OpenFile { Disk = disk };
                    Stat(ref f, out FileStat st);
                    FileStats.Answer(ref s_server, st);
                }
            }
            else if (r.Op == SchemeOp.Unlink || r.Op == SchemeOp.Mkdir || r.Op == SchemeOp.Rmdir || r.Op == SchemeOp.Rename)
                s_server.Answer(Status.InsufficientRights);
        }

        public void OnFile(ref Request r, uint id, ref OpenFile f)
        {
            if (!f.Disk)
            {
                if (r.Op == SchemeOp.Getdents) Getdents(ref r, ref f);
                else if (r.Op == SchemeOp.Read || r.Op == SchemeOp.Write) s_server.Answer(Status.IsDirectory);
                return;
            }
            switch (r.Op)
            {
                case SchemeOp.Read: Read(ref r, ref f); return;
                case SchemeOp.Write: Write(ref r, ref f); return;
                case SchemeOp.Seek: Seek(ref r, ref f); return;
                case SchemeOp.Fsync: s_server.Answer(Device.CanFlush ? Sync(VirtioBlk.TypeFlush, 0, 0) : Status.Ok); return;
                case SchemeOp.Getdents: s_server.Answer(Status.NotDirectory); return;
                case SchemeOp.Fmap: Fmap(ref r, ref f); return;
                case SchemeOp.Funmap: s_server.Answer(Status.Ok); return;
                case SchemeOp.BlockInfo:
                    if (r.W0 == 1) { s_server.Answer(Status.Ok, (ulong)Device.MostInFlight); return; }   // for the tests
                    if (!HasArea(ref f)) { s_server.Answer(Status.OutOfMemory); return; }
                    s_server.Answer(Status.Ok, Device.Sectors, Sector, Areas.Bytes);
                    return;
                case SchemeOp.BlockRead:
                case SchemeOp.BlockWrite:
                case SchemeOp.BlockFlush:
                    Block(ref r, ref f);
                    return;
            }
        }

        // A dup has its own position and no area of its own yet (areas are per file, not shared).
        public void Opened(uint id, ref OpenFile f) => f.Area = -1;

        public void Closed(uint id, ref OpenFile f)
        {
            Areas.Give(f.Area);
            f.Area = -1;
        }

        // The disk is a block device to its owner only (0600, as /dev/vda is 0660 root:disk on Linux).
        public void Stat(ref OpenFile f, out FileStat st) => st = f.Disk
            ? FileStats.Of(FileKind.Device, Size, 0x180)
            : FileStats.Of(FileKind.Directory, 1, FileStats.DefaultPermissions(FileKind.Directory));
    }

    private static void Getdents(ref Request r, ref OpenFile f)
    {
        int need = 2 + DiskName.Length;
        if (f.Entry > 0 || (int)r.W0 < need) { s_server.Answer(f.Entry > 0 ? Status.Ok : Status.InvalidArgument); return; }
        SchemeCall.Data[0] = (byte)FileKind.Device;
        SchemeCall.Data[1] = (byte)DiskName.Length;
        for (int i = 0; i < DiskName.Length; i++) SchemeCall.Data[2 + i] = DiskName[i];
        f.Entry = 1;
        s_server.Answer(Status.Ok, 0, 0, 0, need);
    }

    // The sectors holding [position, position + bytes) into the bounce page (at most two: bytes <= 480).
    private static Status Fetch(ulong position, int bytes, out ulong first, out int sectors)
    {
        first = position / Sector;
        sectors = (int)((position + (ulong)bytes - 1) / Sector - first) + 1;
        return Sync(VirtioBlk.TypeIn, first, sectors);
    }

    private static void Read(ref Request r, ref OpenFile f)
    {
        ulong size = Size;
        if (f.Position >= size || r.W0 == 0) { s_server.Answer(Status.Ok); return; }
        int n = r.W0 < SchemeLimits.MaxData ? (int)r.W0 : SchemeLimits.MaxData;
        if ((ulong)n > size - f.Position) n = (int)(size - f.Position);
        Status s = Fetch(f.Position, n, out ulong first, out _);
        if (s != Status.Ok) { s_server.Answer(s); return; }
        byte* from = Dma.Address(s_bounce[0]) + (f.Position - first * Sector);
        for (int i = 0; i < n; i++) SchemeCall.Data[i] = from[i];
        f.Position += (ulong)n;
        s_server.Answer(Status.Ok, 0, 0, 0, n);
    }

    // Read, modify, write the sectors the bytes fall in (the data is copied out of the IPC buffer first:
    // completions answered while this waits use it).
    private static void Write(ref Request r, ref OpenFile f)
    {
        if (!f.Writable) { s_server.Answer(Status.InsufficientRights); return; }
        int n = r.DataLength;
        if (n == 0) { s_server.Answer(Status.Ok, 0); return; }
        ulong size = Size;
        if (f.Position >= size) { s_server.Answer(Status.NoSpace); return; }
        if ((ulong)n > size - f.Position) n = (int)(size - f.Position);
        for (int i = 0; i < n; i++) s_incoming[i] = SchemeCall.Data[i];
        Status s = Fetch(f.Position, n, out ulong first, out int sectors);
        if (s == Status.Ok)
        {
            byte* to = Dma.Address(s_bounce[0]) + (f.Position - first * Sector);
            for (int i = 0; i < n; i++) to[i] = s_incoming[i];
            s = Sync(VirtioBlk.TypeOut, first, sectors);
        }
        if (s != Status.Ok) { s_server.Answer(s); return; }
        f.Position += (ulong)n;
        s_server.Answer(Status.Ok, (ulong)n);
    }

    private static void Seek(ref Request r, ref OpenFile f)
    {
        long offset = (long)r.W0;
        long from = (SeekFrom)r.W1 switch { SeekFrom.Start => 0, SeekFrom.Current => (long)f.Position, SeekFrom.End => (long)Size, _ => -1 };
        long to = from + offset;
        if (from < 0 || to < 0 || (ulong)to > Size) { s_server.Answer(Status.InvalidArgument); return; }
        f.Position = (ulong)to;
        s_server.Answer(Status.Ok, (ulong)to);
    }

    private static bool HasArea(ref OpenFile f)
    {
        if (f.Area < 0) f.Area = Areas.Take();
        return f.Area >= 0;
    }

    private static void Fmap(ref Request r, ref OpenFile f)
    {
        ulong offset = r.W0, pages = r.W1;
        if ((offset & 0xFFF) != 0 || pages == 0 || pages > MessageInfo.MaxCaps || offset / 4096 + pages > Areas.Pages)
        {
            s_server.Answer(Status.InvalidArgument);
            return;
        }
        if (!HasArea(ref f)) { s_server.Answer(Status.OutOfMemory); return; }
        CapHandle* caps = stackalloc CapHandle[MessageInfo.MaxCaps];
        for (int i = 0; i < (int)pages; i++) caps[i] = Areas.Shared(f.Area, (int)(offset / 4096) + i);
        _ = s_server.AnswerWithCaps(Status.Ok, 0, caps, (int)pages);   // a caller that cannot take them got BadReply
    }

    // BlockRead/BlockWrite (w0 sector, w1 sectors, w2 area offset) and BlockFlush, answered on completion.
    private static void Block(ref Request r, ref OpenFile f)
    {
        var job = new Device.Job { Type = VirtioBlk.TypeFlush };
        int area = -1;
        if (r.Op != SchemeOp.BlockFlush)
        {
            ulong sector = r.W0, sectors = r.W1, offset = r.W2;
            if (r.Op == SchemeOp.BlockWrite && !f.Writable) { s_server.Answer(Status.InsufficientRights); return; }
            if (!HasArea(ref f)) { s_server.Answer(Status.OutOfMemory); return; }
            if (sectors == 0 || offset % Sector != 0 || offset > Areas.Bytes || sectors > (Areas.Bytes - offset) / Sector)
            {
                s_server.Answer(Status.InvalidArgument);
                return;
            }
            if (sector >= Device.Sectors || sectors > Device.Sectors - sector) { s_server.Answer(Status.OutOfRange); return; }
            area = f.Area;
            job = new Device.Job
            {
                Type = r.Op == SchemeOp.BlockRead ? VirtioBlk.TypeIn : VirtioBlk.TypeOut, Sector = sector,
                Pages = Areas.PagesOf(area), Offset = (int)offset, Bytes = (int)sectors * Sector,
            };
        }
        else if (!Device.CanFlush)
        {
            s_server.Answer(Status.Ok);   // no volatile cache: every completed write is durable already
            return;
        }
        if (!s_server.Defer(out int token)) { s_server.Answer(Status.NoSpace); return; }
        job.Tag = (ulong)token | (ulong)(area + 1) << 16;
        if (area >= 0) Areas.Started(area);
        if (!Device.Submit(job)) Completed(job.Tag, Status.NoSpace);
    }
}
