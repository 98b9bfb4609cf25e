// The client of a block device's fast path (blk:/vda; docs/design/virtio-blk.md, "The fast path"): it
// maps the file's buffer area (Fmap: the driver's DMA pages, so the device reads and writes them
// directly) and asks for whole sectors with BlockRead/BlockWrite, each call answered when the device
// is done. As an IBlockDevice (what the file systems take: the disk daemon plugs it in) each Read and
// Write goes through the area in chunks of its size, one copy between the area and the caller's span;
// a client that works in the area itself (ReadAt/WriteAt) has no copy at all. Threads that share one
// client each use their own part of the area: several requests are then in flight at the driver.
//
// A driver that dies is started again by pcid's driver manager, which registers blk: anew. A client
// told to reconnect (Reconnects: the disk daemon's) handles that once, in Request, for every Read,
// ReadPieces, Write and Flush: a request that finds the driver gone (its capability deleted, or the
// peer dead) reopens the path, waiting up to the time given for the name, maps the new driver's area
// where the old one was and is made once more (a write's bytes copied into the new area again); if
// that fails too the request answers IoError, and the next one tries again.
using System;
using Vireo.Abi;
using Vireo.User.FileSystems;
using Vireo.User.Schemes;

namespace Vireo.User;

public unsafe struct BlockClient : IBlockDevice
{
    public const int Sector = 512;
    private Fd _fd;
    private byte* _area;
    private int _areaBytes;
    private ulong _sectors;
    private CapHandle _firstFrame;   // the area's first page, as Fmap gave it
    private byte[] _path;            // reopened when the driver is found gone (Reconnects); null: never
    private ulong _waitMs;

    /// <summary>Opens `path` (blk:/vda) and maps its buffer area at `mapAt` (page-aligned; the area's
    /// size, AreaBytes, is at most 64 KiB: keep that much address space free there).</summary>
    public static Status Open(string path, bool writable, ulong mapAt, out BlockClient client)
    {
        client = default;
        Status s = Fs.Open(path, writable ? OpenFlags.Read | OpenFlags.Write : OpenFlags.Read, out Fd fd);
        if (s != Status.Ok) return s;
        s = Over(fd, mapAt, out client);
        if (s != Status.Ok) _ = Fs.Close(fd);   // the driver revokes the frames it gave: the mappings go too
        return s;
    }

    /// <summary>A client over the open block file `fd`, its area mapped at `mapAt` as Open does. On
    /// failure the file stays open (the caller closes it): NotSupported when `fd` is no block device.</summary>
    public static Status Over(Fd fd, ulong mapAt, out BlockClient client)
    {
        client = default;
        Status s = SchemeCall.Call(fd.Cap, SchemeOp.BlockInfo, 0, 0, 0, 0, 0, 0, out SchemeReply r);
        if (s == Status.Ok && (r.W1 != Sector || r.W2 == 0 || r.W2 % 4096 != 0 || r.W2 > 1 << 20)) s = Status.BadReply;
        CapHandle* frames = stackalloc CapHandle[MessageInfo.MaxCaps];
        for (ulong offset = 0; s == Status.Ok && offset < r.W2; offset += MessageInfo.MaxCaps * 4096UL)
        {
            int pages = (int)((r.W2 - offset) / 4096 < MessageInfo.MaxCaps ? (r.W2 - offset) / 4096 : MessageInfo.MaxCaps);
            s = Fs.Fmap(fd, offset, pages, mapAt + offset, Rights.Read | Rights.Write, frames);
            if (offset == 0) client._firstFrame = frames[0];
        }
        if (s != Status.Ok) return s;
        client._fd = fd;
        client._area = (byte*)mapAt;
        client._areaBytes = (int)r.W2;
        client._sectors = r.W0;
        return Status.Ok;
    }

    /// <summary>From now on a request that finds the driver gone reopens `path` (the file this client
    /// is over), waiting up to `waitMs` for its scheme to be registered again, and is made once more.</summary>
    public void Reconnects(ReadOnlySpan<byte> path, ulong waitMs)
    {
        _path = path.ToArray();
        _waitMs = waitMs;
    }

    /// <summary>Whether the area is still mapped: the driver's frames go when it dies (the capability
    /// with them), and a copy into the area would then fault. One syscall, no request.</summary>
    public bool AreaMapped => Sys.Identify(_firstFrame, out ObjectType type, out _, out _, out _) == Status.Ok && type == ObjectType.Frame;

    public int SectorSize => Sector;
    public ulong SectorCount => _sectors;
    public int AreaBytes => _areaBytes;
    /// <summary>The buffer area, where ReadAt puts sectors and WriteAt takes them from.</summary>
    public byte* Area => _area;
    public Fd File => _fd;

    /// <summary>`sectors` sectors from `sector` into the area at `offset` (a multiple of 512); returns
    /// when they are there.</summary>
    public Status ReadAt(ulong sector, int sectors, int offset) =>
        SchemeCall.Call(_fd.Cap, SchemeOp.BlockRead, sector, (ulong)sectors, (ulong)offset, 0, 0, 0, out _);

    /// <summary>`sectors` sectors from the area at `offset` to the disk from `sector`.</summary>
    public Status WriteAt(ulong sector, int sectors, int offset) =>
        SchemeCall.Call(_fd.Cap, SchemeOp.BlockWrite, sector, (ulong)sectors, (ulong)offset, 0, 0, 0, out _);

    public Status Read(ulong sector, Span<byte> into)
    {
        if (into.Length % Sector != 0) return Status.InvalidArgument;
        for (int done = 0; done < into.Length;)
        {
            int bytes = into.Length - done < _areaBytes ? into.Length - done : _areaBytes;
            Status s = Request(SchemeOp.BlockRead, sector + (ulong)(done / Sector), bytes, null);
            if (s != Status.Ok) return s;
            new ReadOnlySpan<byte>(_area, bytes).CopyTo(into.Slice(done, bytes));
            done += bytes;
        }
        return Status.Ok;
    }

    /// <summary>As many pieces as the area holds per request, each copied from the area to its page.</summary>
    public Status ReadPieces(ulong sector, int pieceBytes, byte** pieces, int count)
    {
        if (pieceBytes % Sector != 0 || pieceBytes > _areaBytes) return Status.InvalidArgument;
        int perRequest = _areaBytes / pieceBytes;
        for (int done = 0; done < count;)
        {
            int n = count - done < perRequest ? count - done : perRequest;
            Status s = Request(SchemeOp.BlockRead, sector + (ulong)(done * pieceBytes / Sector), n * pieceBytes, null);
            if (s != Status.Ok) return s;
            for (int i = 0; i < n; i++) new ReadOnlySpan<byte>(_area + i * pieceBytes, pieceBytes).CopyTo(new Span<byte>(pieces[done + i], pieceBytes));
            done += n;
        }
        return Status.Ok;
    }

    public Status Write(ulong sector, ReadOnlySpan<byte> from)
    {
        if (from.Length % Sector != 0) return Status.InvalidArgument;
        for (int done = 0; done < from.Length;)
        {
            int bytes = from.Length - done < _areaBytes ? from.Length - done : _areaBytes;
            Status s;
            fixed (byte* chunk = from.Slice(done, bytes))
                s = Request(SchemeOp.BlockWrite, sector + (ulong)(done / Sector), bytes, chunk);
            if (s != Status.Ok) return s;
            done += bytes;
        }
        return Status.Ok;
    }

    public Status Flush() => Request(SchemeOp.BlockFlush, 0, 0, null);

    // One request through the start of the area, `bytes` from `sector`; a write's bytes (`from`) are
    // copied into the area first. A driver found gone is reconnected once and the request made again.
    private Status Request(SchemeOp op, ulong sector, int bytes, byte* from)
    {
        bool again = false;
        while (true)
        {
            Status s = Status.Ok;
            // With the driver gone (its frames with it) the copy would fault, so a client that
            // reconnects looks first. A driver that dies between the look and the copy still takes
            // the caller down.
            if (from != null && _path != null && !AreaMapped) s = Status.InvalidCapability;
            if (s == Status.Ok)
            {
                if (from != null) new ReadOnlySpan<byte>(from, bytes).CopyTo(new Span<byte>(_area, bytes));
                s = SchemeCall.Call(_fd.Cap, op, sector, (ulong)(bytes / Sector), 0, 0, 0, 0, out _);
            }
            if (_path == null || !Lost(s)) return s;
            if (again || !Reconnect()) return Status.IoError;
            again = true;
        }
    }

    // The driver is gone: its capability was deleted with it, or it died while answering.
    private static bool Lost(Status s) => s == Status.InvalidCapability || s == Status.PeerDied;

    // Opens the path again (the restarted driver's) and maps its area where the old one was (the old
    // driver's frames went with it). False if it cannot be had now: the next request tries again.
    private bool Reconnect()
    {
        _ = Close();   // the old driver is gone: nothing to close there
        Status s = Namespace.AwaitPath(_path, _waitMs);
        if (s != Status.Ok) return false;
        s = Vireo.User.File.Open(_path, OpenFlags.Read | OpenFlags.Write, out Fd fd);
        if (s != Status.Ok) return false;
        s = Over(fd, (ulong)_area, out BlockClient fresh);
        if (s != Status.Ok)
        {
            _ = Fs.Close(fd);   // nothing was written through it
            return false;
        }
        fresh._path = _path;
        fresh._waitMs = _waitMs;
        this = fresh;
        return true;
    }

    /// <summary>Closes the file; the area's mappings go with it.</summary>
    public Status Close() => Fs.Close(_fd);
}
