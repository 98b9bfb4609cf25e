// Mapped file data for disk: (docs/adr/0012-mapped-file-data.md, docs/design/diskfs.md "The file data
// path"). Readers map pages of a per-file page cache (the library's FilePageCache over DataPages,
// kept by the library's FileCaches), not the block cache: a block is 1 KiB on the usual image, a page
// 4 KiB, and a block's slot is reused as the cache turns over, where a page a reader maps must keep
// its identity. A file's cache is made at its first FileMap, FilePages or Fmap and is in use while any
// handle that was given its pages is open (the library's FileMapping pins it); with the last such
// handle the readers' copies of its pages are revoked and the pages stay cached, under a budget
// (--cache), for the next reader or the next run of the program (FileCaches: the least recently used
// unused file goes first). Every write and truncate of a file's bytes goes through Write and
// Truncate here, which change the volume (so the block cache, fsync and e2fsck see the bytes) and
// then the cached pages under the file's sequence counter; a freed inode's pages are dropped.
// Fmap by a handle that may write gives writable pages (a shared writable mapping): a store into one
// reaches the page cache (every reader mapping the file sees it) but not the volume, so the pages
// given writable are written to the volume at Fsync, Funmap and each close (WriteBack).
using System;
using System.Collections.Generic;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.FileSystems;
using Vireo.User.FileSystems.Ext2;
using Vireo.User.Schemes;

static unsafe class Mapping
{
    private static FileCaches<PoolStore, MappedFile> s_files;
    // Per file (inode), the file pages Fmap gave writable: written back until the last mapping
    // handle closes (the readers' copies are revoked then, so nothing can store into them after).
    private static readonly Dictionary<uint, HashSet<ulong>> s_writable = new Dictionary<uint, HashSet<ulong>>();

    /// <summary>Pages the files nobody maps keep by default: half the pool.</summary>
    public static int DefaultBudget => (int)(DataPages.Limit / 2);

    /// <summary>Made once the page pool is sized; `budget` pages for the caches of unmapped files.</summary>
    public static void Init(int budget)
    {
        s_files = new FileCaches<PoolStore, MappedFile>(default, budget);
        Program.Volume.InodeReused = s_files.Forget;
        // Any page the pool is asked for (a file's, a header, a position, a transfer page) may take
        // the pages of unused files when the pool is out: memory stays bounded and nothing in use fails first.
        DataPages.Reclaim = s_files.Reclaim;
        // The reserve: frames made now, at start, rather than one by one (a retype and a map, about
        // 2,000 instructions a page) while a reader waits for a file's first read.
        uint* made = stackalloc uint[Reserve];
        int n = 0;
        while (n < Reserve && n < (int)DataPages.Limit / 2 && DataPages.Alloc(out made[n]) == Status.Ok) n++;
        for (int i = 0; i < n; i++) DataPages.Free(made[i]);
        // Runs likewise (a file read in order is read into runs; DataPages), within half the pool.
        int runs = ((int)DataPages.Limit / 2 - n) / 2;   // two capability slots a run
        DataPages.ReserveRuns(runs < ReserveRuns ? runs : ReserveRuns);
    }

    /// <summary>Pages made at start for the page caches (512 KiB; at most half the pool): pages a
    /// file gets one by one (a window partly cached, or no run to be had).</summary>
    private const int Reserve = 128;
    /// <summary>Runs made at start (2 MiB).</summary>
    private const int ReserveRuns = 32;

    /// <summary>Writes through the volume, then into the file's cached pages (what the volume took).</summary>
    public static Status Write(uint ino, ulong offset, ReadOnlySpan<byte> data, out int written)
    {
        Status s = Program.Volume.Write(ino, offset, data, out written);
        FileCaches<PoolStore, MappedFile>.Entry f = s_files.Find(ino);
        if (written > 0 && f != null)
            f.Pages.Written(FileMapping.Header(ref f.State), offset, data.Slice(0, written));
        return s;
    }

    /// <summary>Truncates through the volume, then the file's cached pages; a truncate that failed
    /// half-way (blocks freed, size kept) reads the pages again from the volume.</summary>
    public static Status Truncate(uint ino, ulong size)
    {
        Status s = Program.Volume.Truncate(ino, size);
        FileCaches<PoolStore, MappedFile>.Entry f = s_files.Find(ino);
        if (f == null) return s;
        if (s == Status.Ok)
        {
            f.Pages.Truncated(FileMapping.Header(ref f.State), size);
            // Pages past the end are kept while a reader may map them (FileMapping); else they go.
            if (f.State.Maps == 0) s_files.Shrunk(f, size);
        }
        else if (Program.Volume.Stat(ino, out Ext2Stat st) == Status.Ok)
        {
            var reader = new InodeReader { Inode = ino };
            f.Pages.Reload(FileMapping.Header(ref f.State), st.Size, ref reader);
        }
        return s;
    }

    /// <summary>Fmap to run a program: the handle counts as running its inode until it closes, unless
    /// the inode is open for writing (false: Occupied, Linux's ETXTBSY). While it runs nobody may open
    /// the inode for writing (PathOps), so its pages, the program's text, do not change (ADR 0013).</summary>
    public static bool Runs(ref Handle h)
    {
        if (h.Runs) return true;
        h.Runs = Program.Volume.Run(h.Inode);
        return h.Runs;
    }

    public static void Map(ref Handle h, bool transfer)
    {
        Status s = Find(h.Inode, out FileCaches<PoolStore, MappedFile>.Entry f);
        if (s != Status.Ok)
        {
            Program.Server.Answer(s);
            return;
        }
        FileMapping.Map(ref Program.Server, ref h.Map, ref f.State, h.Flags, f.Pages.Size, transfer);
        if (f.State.Maps == 0) s_files.Unuse(f);   // refused before it pinned: nothing maps the cache
    }

    /// <summary>FilePages (`fmap` false) or Fmap. Fmap's pages are writable when the handle may write
    /// (noted for WriteBack); a store into them does not move the sequence counter (ADR 0012).</summary>
    public static void Give(ref Handle h, ulong first, ulong count, bool fmap)
    {
        Status s = Find(h.Inode, out FileCaches<PoolStore, MappedFile>.Entry f);
        if (s != Status.Ok)
        {
            Program.Server.Answer(s);
            return;
        }
        var source = new CachedPages { File = f, Reader = new InodeReader { Inode = h.Inode } };
        bool writable = fmap && (h.Flags & OpenFlags.Write) != 0;
        FileMapping.Give(ref Program.Server, ref h.Map, ref f.State, h.Flags, first, count, fmap, f.Pages.Size, writable, ref source);
        if (writable) NoteWritable(h.Inode, first, count);
        if (f.State.Maps == 0) s_files.Unuse(f);   // refused before it pinned: nothing maps the cache
    }

    /// <summary>FileRun: the window from file page `window` as one frame, read into a run if none of
    /// it is cached yet (a cold read's usual case); NotFound if the window's pages are not one run
    /// (the reader asks FilePages, which reads single pages: FileRun reads none).</summary>
    public static void GiveRun(ref Handle h, ulong window)
    {
        Status s = Find(h.Inode, out FileCaches<PoolStore, MappedFile>.Entry f);
        if (s != Status.Ok)
        {
            Program.Server.Answer(s);
            return;
        }
        uint run = 0;
        if ((h.Flags & OpenFlags.Read) != 0)
        {
            var reader = new InodeReader { Inode = h.Inode };
            s = s_files.LoadWindow(f, window, ref reader, out run);
        }
        if (s != Status.Ok) Program.Server.Answer(s);
        else FileMapping.GiveRun(ref Program.Server, ref h.Map, ref f.State, h.Flags, window, run);
        if (f.State.Maps == 0) s_files.Unuse(f);   // refused before it pinned: nothing maps the cache
    }

    public static void Transfer(ref Handle h)
    {
        Status s = Regular(h.Inode, out _);
        if (s != Status.Ok) Program.Server.Answer(s);
        else FileMapping.Transfer(ref Program.Server, ref h.Map, h.Flags);
    }

    /// <summary>A handle closed: with the last one that mapped its file, the file's pages are no
    /// longer mapped (they stay cached).</summary>
    public static void Closed(ref Handle h)
    {
        // No caller hears a failure here (as with the close's sync): the bytes stay in the pages.
        if (s_writable.Count != 0) _ = WriteBack(h.Inode);
        if (!FileMapping.Closed(ref h.Map)) return;
        FileCaches<PoolStore, MappedFile>.Entry f = s_files.Find(h.Inode);
        if (f == null || !FileMapping.Unpin(ref f.State)) return;
        s_writable.Remove(h.Inode);
        s_files.Unuse(f);
    }

    /// <summary>Fsync: the pages given writable go to the volume, then every dirty block to the disk.</summary>
    public static Status Fsync(uint ino)
    {
        Status s = WriteBack(ino);
        Status synced = Program.Volume.Fsync(ino);
        return s != Status.Ok ? s : synced;
    }

    /// <summary>Writes the file's pages that Fmap gave writable to the volume (inside the size: a
    /// mapping cannot grow the file); the first failure, after trying them all.</summary>
    public static Status WriteBack(uint ino)
    {
        if (!s_writable.TryGetValue(ino, out HashSet<ulong> pages)) return Status.Ok;
        FileCaches<PoolStore, MappedFile>.Entry f = s_files.Find(ino);
        if (f == null)
        {
            s_writable.Remove(ino);
            return Status.Ok;
        }
        Status result = Status.Ok;
        ulong size = f.Pages.Size;
        foreach (ulong index in pages)
        {
            uint page = f.Pages.Cached(index);
            ulong at = index * DataPages.Size;
            if (page == 0 || at >= size) continue;
            int n = size - at < DataPages.Size ? (int)(size - at) : DataPages.Size;
            Status s = Program.Volume.Write(ino, at, new ReadOnlySpan<byte>(DataPages.Address(page), n), out _);
            if (s != Status.Ok && result == Status.Ok) result = s;
        }
        return result;
    }

    private static void NoteWritable(uint ino, ulong first, ulong count)
    {
        if (!s_writable.TryGetValue(ino, out HashSet<ulong> pages)) s_writable[ino] = pages = new HashSet<ulong>();
        for (ulong index = first; index < first + count; index++)
            pages.Add(index);
    }

    /// <summary>Drops the pages of every file nobody maps (a test's way to a cold cache); how many went.</summary>
    public static int DropUnused() => s_files.DropUnused();

    // The file's cache, in use from now on (made, with its size, if it has none; the size of one
    // kept from before is the volume's, which every change went through); only regular files have one.
    private static Status Find(uint ino, out FileCaches<PoolStore, MappedFile>.Entry f)
    {
        f = s_files.Find(ino);
        if (f != null && f.InUse) return Status.Ok;
        Status s = Regular(ino, out ulong size);
        if (s != Status.Ok) return s;
        f = s_files.Use(ino, size);
        return Status.Ok;
    }

    private static Status Regular(uint ino, out ulong size)
    {
        size = 0;
        Status s = Program.Volume.Stat(ino, out Ext2Stat st);
        if (s != Status.Ok) return s;
        size = st.Size;
        FileKind kind = Kinds.Of(st.Mode);
        return kind == FileKind.File ? Status.Ok : kind == FileKind.Directory ? Status.IsDirectory : Status.InvalidArgument;
    }

    private struct PoolStore : IPageStore
    {
        public Status Alloc(out uint page) => DataPages.Alloc(out page, zeroed: false);
        public byte* Address(uint page) => DataPages.Address(page);
        public void Free(uint page) => DataPages.Free(page);
        // The copies readers were given; the daemon's own capability and mapping stay.
        public void Withdraw(uint page) => DataPages.Withdraw(page);
        public Status AllocRun(out uint first) => DataPages.AllocRun(out first);
    }

    private struct InodeReader : IFileReader
    {
        public uint Inode;
        public Status Read(ulong offset, Span<byte> into, out int read) => Program.Volume.Read(Inode, offset, into, out read);
        public Status ReadPages(ulong offset, byte** pages, int count) =>
            Program.Volume.ReadPages(Inode, offset, FilePageCache<PoolStore>.PageSize, pages, count);
    }

    // Every page inside the size is the cache's (a hole's is a page of zeros, so Fmap's need is met
    // too); past the size the zero page.
    private struct CachedPages : IFilePageSource
    {
        public FileCaches<PoolStore, MappedFile>.Entry File;
        public InodeReader Reader;

        public Status PageAt(ulong index, bool make, out uint page) => s_files.Load(File, index, ref Reader, out page);
    }
}
