// The state a file daemon keeps for mapped file data (docs/adr/0012-mapped-file-data.md), and the
// answers to FileMap, FilePages, Fmap and FileTransfer built on it, shared by every daemon that
// serves the mapped path (ramfs's file:, diskfs's disk:) so that they pin, count and answer alike.
// Per file (MappedFile): the header page readers map (size and sequence counter, made at the first
// FileMap, freed with the last mapping handle) and the number of handles that were given any of its
// pages; while that number is not 0 the daemon frees no page of the file (a shrinking truncate zeroes
// them and notes KeptPages). Per handle (MappedHandle): its open file description (the position,
// OpenDescriptions), whether it counts as mapping its file (once), and its transfer page for
// FileWrite. Where a file page's bytes come from is the daemon's (IFilePageSource): ramfs's own
// pages, diskfs's page cache filled from the disk. Pages are DataPages'.
using System.Runtime.CompilerServices;
using Vireo.Abi;

namespace Vireo.User.Schemes;

/// <summary>A daemon's per-file state for readers that map the file.</summary>
public struct MappedFile
{
    public uint Header;      // the header page (DataPages), 0 while nobody maps the file
    public uint Maps;        // handles that were given any of its pages
    public bool KeptPages;   // a pinned truncate kept pages past the end: free them with the last mapping handle
}

/// <summary>A daemon's per-handle state for mapping.</summary>
public struct MappedHandle
{
    public uint Desc;        // the open file description (OpenDescriptions): shared by Dups
    public byte Mapped;      // 1 once this handle was given pages of its file
    public uint Transfer;    // FileWrite's page (DataPages), 0 until asked for
}

/// <summary>Where a daemon's file pages come from: file page `index`'s DataPages page, or 0 for one
/// readers see as zeros (a hole, or past the end). `make`: Fmap asks, so a page inside the size must
/// have a page of its own (a program image mapped by pages is the file's).</summary>
public interface IFilePageSource
{
    Status PageAt(ulong index, bool make, out uint page);
}

public static unsafe class FileMapping
{
    /// <summary>The file's header page, or null while nobody maps it.</summary>
    public static FileMapHeader* Header(ref MappedFile f) =>
        f.Header == 0 ? null : (FileMapHeader*)DataPages.Address(f.Header);

    /// <summary>A handle made by Open (no description yet: a new one) or by Dup (its original's,
    /// held once more). What a handle maps is its own: a copy starts without. Opened and Closed
    /// are inlined: every Open and Close of a file daemon runs them (scheme_open_close).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Opened(ref MappedHandle h)
    {
        if (h.Desc == 0) h.Desc = OpenDescriptions.Take();
        else OpenDescriptions.Hold(h.Desc);
        h.Mapped = 0;
        h.Transfer = 0;
    }

    /// <summary>A handle closed: its transfer page and its hold on the description go. True if it
    /// counted as mapping its file: the daemon then calls Unpin on that file.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Closed(ref MappedHandle h)
    {
        OpenDescriptions.Drop(h.Desc);
        if (h.Mapped == 0 && h.Transfer == 0) return false;   // most handles never map: Close stays cheap
        DataPages.Free(h.Transfer);
        h.Transfer = 0;
        bool mapped = h.Mapped != 0;
        h.Mapped = 0;
        return mapped;
    }

    /// <summary>One mapping handle fewer; true with the last, whose header goes with it (the daemon
    /// then frees what it kept for readers: pages past the end, a page cache).</summary>
    public static bool Unpin(ref MappedFile f)
    {
        if (--f.Maps != 0) return false;
        DataPages.Free(f.Header);
        f.Header = 0;
        return true;
    }

    // The handle counts as mapping its file from now on (once).
    private static void Pin(ref MappedHandle h, ref MappedFile f)
    {
        if (h.Mapped != 0) return;
        h.Mapped = 1;
        f.Maps++;
    }

    /// <summary>FileMap on a regular file of `size` bytes: the header (made now if needed), the
    /// description's position page and, if asked for, the handle's transfer page.</summary>
    public static void Map(ref SchemeServer server, ref MappedHandle h, ref MappedFile f, OpenFlags flags, ulong size, bool transfer)
    {
        Status s = transfer ? MakeTransfer(ref h, flags) : Status.Ok;
        if (s != Status.Ok)
        {
            server.Answer(s);
            return;
        }
        if (f.Header == 0)
        {
            if (DataPages.Alloc(out uint header) != Status.Ok)
            {
                server.Answer(Status.NoSpace);
                return;
            }
            DataPages.Shared(header);
            ((FileMapHeader*)DataPages.Address(header))->Size = size;
            f.Header = header;
        }
        Pin(ref h, ref f);   // the header is freed with the last mapping handle, so this one counts from now on
        if (OpenDescriptions.SharedPage(h.Desc, out uint position) != Status.Ok)
        {
            server.Answer(Status.NoSpace);
            return;
        }
        FileMapServer.AnswerMap(ref server, DataPages.Frame(f.Header), DataPages.Frame(position),
            transfer ? DataPages.Frame(h.Transfer) : default);
    }

    /// <summary>FilePages (readers' window: pages without bytes of their own answered with the zero
    /// page) and Fmap (`fmap`: pages inside the size are made, past it OutOfRange) on a regular file
    /// of `size` bytes. Fmap's pages are writable when the handle may write and `fmapWritable`.</summary>
    public static void Give<TSource>(ref SchemeServer server, ref MappedHandle h, ref MappedFile f, OpenFlags flags,
        ulong first, ulong count, bool fmap, ulong size, bool fmapWritable, ref TSource source)
        where TSource : struct, IFilePageSource
    {
        Status s = Status.Ok;
        if ((flags & OpenFlags.Read) == 0) s = Status.InsufficientRights;
        else if (!FileMapServer.ValidRange(first, count)) s = Status.InvalidArgument;
        else if (fmap && (first + count) * DataPages.Size > size + DataPages.Size - 1) s = Status.OutOfRange;
        uint zero = s == Status.Ok ? DataPages.ZeroPage() : 0;
        if (s == Status.Ok && zero == 0) s = Status.NoSpace;
        if (s != Status.Ok)
        {
            server.Answer(s);
            return;
        }
        Pin(ref h, ref f);
        CapHandle* frames = stackalloc CapHandle[MessageInfo.MaxCaps];
        uint data = 0;
        for (int i = 0; i < (int)count; i++)
        {
            s = source.PageAt(first + (ulong)i, fmap, out uint page);
            if (s != Status.Ok)
            {
                server.Answer(s);
                return;
            }
            if (page != 0)
            {
                data |= 1u << i;
                DataPages.Shared(page);
            }
            frames[i] = DataPages.Frame(page != 0 ? page : zero);
        }
        FileMapServer.AnswerPages(ref server, frames, (int)count, data, fmap && fmapWritable && (flags & OpenFlags.Write) != 0);
    }

    /// <summary>FileRun: the window from file page `window` as one frame, the run whose first page
    /// is `run` (0: the daemon does not hold the window as one run: NotFound, ask FilePages). Every
    /// page of a run is the file's own (data).</summary>
    public static void GiveRun(ref SchemeServer server, ref MappedHandle h, ref MappedFile f, OpenFlags flags, ulong window, uint run)
    {
        Status s = Status.Ok;
        if ((flags & OpenFlags.Read) == 0) s = Status.InsufficientRights;
        else if (window % DataPages.RunPages != 0 || window >= (1UL << 40)) s = Status.InvalidArgument;
        else if (run == 0) s = Status.NotFound;
        if (s != Status.Ok)
        {
            server.Answer(s);
            return;
        }
        Pin(ref h, ref f);
        FileMapServer.AnswerRun(ref server, DataPages.RunHandout(run), (1u << DataPages.RunPages) - 1);
    }

    /// <summary>FileTransfer: the handle's transfer page (made now). Needs Write.</summary>
    public static void Transfer(ref SchemeServer server, ref MappedHandle h, OpenFlags flags)
    {
        Status s = MakeTransfer(ref h, flags);
        if (s != Status.Ok) server.Answer(s);
        else FileMapServer.AnswerTransfer(ref server, DataPages.Frame(h.Transfer));
    }

    /// <summary>FileWrite's bytes: the handle's transfer page, or null if it has none or `length`
    /// is more than a page (InvalidArgument).</summary>
    public static byte* TransferBytes(in MappedHandle h, ulong length) =>
        h.Transfer == 0 || length > DataPages.Size ? null : DataPages.Address(h.Transfer);

    private static Status MakeTransfer(ref MappedHandle h, OpenFlags flags)
    {
        if ((flags & OpenFlags.Write) == 0) return Status.InsufficientRights;
        if (h.Transfer != 0) return Status.Ok;
        if (DataPages.Alloc(out uint page) != Status.Ok) return Status.NoSpace;
        h.Transfer = page;
        DataPages.Shared(page);
        return Status.Ok;
    }
}
