// One file's page cache for readers that map it (docs/adr/0012-mapped-file-data.md; diskfs, the disk:
// daemon, keeps one per mapped file): 4 KiB pages holding the file's bytes, assembled from the volume
// when a reader first asks for them (with 1 KiB blocks, up to four blocks a page; holes read as
// zeros), and kept coherent with the volume by the daemon, which reports every write and truncate
// it made there (Written, Truncated) so the pages change under the file's sequence counter too.
// Invariants, as in ramfs: bytes past the size inside a page are zero, so growing the file shows no
// old data; and no page is freed while the cache lives (its file is mapped): a shrink zeroes the
// pages past the end instead. The pages come from a store (the daemon's DataPages; the host tests'
// own memory), so this part is portable and host-tested (tests/Kernel.Tests/FileSystems).
//
// Runs: a window of RunPages pages (a reader's window, FileMap.WindowPages) that is read while none
// of it is cached, and that holds at least half a run of the file, is read into a run from the store (one frame), so a reader maps the window with one
// capability (FileRun) instead of a request per three pages and a Map per page. A run's pages are
// the file's pages as any others (written, truncated and freed one by one); a run stays a run while
// all its pages are the cache's, and its pages past the end of the file are kept (zeros) while any
// of its pages is inside the size.
using System;
using System.Collections.Generic;
using Vireo.Abi;
using Vireo.User.Schemes;

namespace Vireo.User.FileSystems;

/// <summary>Where a page cache's pages come from: 4 KiB pages by number (0 = none).</summary>
public unsafe interface IPageStore
{
    /// <summary>A page whose bytes may be anything (the cache writes every byte of it).</summary>
    Status Alloc(out uint page);
    byte* Address(uint page);
    void Free(uint page);
    /// <summary>Takes back every copy of the page handed to readers (the page stays the store's).</summary>
    void Withdraw(uint page);
    /// <summary>RunPages pages numbered first..first+RunPages-1 that a reader can map as one (a run:
    /// one 64 KiB frame), bytes anything; NoSpace if the store has none (pages are used instead).
    /// Each page is freed by Free like any other.</summary>
    Status AllocRun(out uint first);
}

/// <summary>Reads a file's bytes from its volume: `read` is short at the end of the file.</summary>
public unsafe interface IFileReader
{
    Status Read(ulong offset, Span<byte> into, out int read);

    /// <summary>Whole pages from `offset` (a page boundary): pages[i] gets the file's bytes from
    /// offset + i * PageSize, short at the end of the file (the rest of a page is left as it is).</summary>
    Status ReadPages(ulong offset, byte** pages, int count);
}

public sealed unsafe class FilePageCache<TStore> where TStore : struct, IPageStore
{
    public const int PageSize = FileMap.PageSize;
    /// <summary>Pages a miss reads at once (the page after the missing one on, up to the next cached
    /// page or the end of the file): 64 KiB, one device request when the file lies in order.</summary>
    public const int Batch = 16;

    /// <summary>Pages in a run: a reader's window.</summary>
    public const int RunPages = FileMap.WindowPages;

    private readonly Dictionary<ulong, uint> _pages = new Dictionary<ulong, uint>();
    private readonly HashSet<ulong> _runs = new HashSet<ulong>();   // windows (first file page) held as runs
    private TStore _store;

    /// <summary>The file's size as readers see it (set at creation, then by Written and Truncated).</summary>
    public ulong Size { get; private set; }

    /// <summary>Pages held now.</summary>
    public int Count => _pages.Count;

    /// <summary>Windows held as runs now.</summary>
    public int Runs => _runs.Count;

    public FilePageCache(TStore store, ulong size)
    {
        _store = store;
        Size = size;
    }

    /// <summary>The cached page of file page `index`, or 0.</summary>
    public uint Cached(ulong index) => _pages.TryGetValue(index, out uint page) ? page : 0;

    /// <summary>File page `index`'s page, read from the volume now if it is not cached (with the
    /// pages after it that are not, up to Batch: read-ahead); 0 for a page at or past the end (it
    /// reads as zeros and is not kept: a write may reach it). When the store runs out, the pages it
    /// gave are read and kept, so the page asked for comes first.</summary>
    public Status Load<TReader>(ulong index, ref TReader reader, out uint page) where TReader : struct, IFileReader
    {
        if (_pages.TryGetValue(index, out page)) return Status.Ok;
        ulong inFile = (Size + PageSize - 1) / PageSize;
        if (index >= inFile) return Status.Ok;
        ulong window = index & ~(ulong)(RunPages - 1);
        if (RunFits(window, inFile))
        {
            Status r = LoadRun(window, inFile, ref reader, out uint first);
            if (r == Status.Ok)
            {
                page = first + (uint)(index - window);
                return Status.Ok;
            }
            if (r != Status.NoSpace) return r;
        }
        int want = 1;
        while (want < Batch && index + (ulong)want < inFile && !_pages.ContainsKey(index + (ulong)want)) want++;
        uint* got = stackalloc uint[Batch];
        byte** at = stackalloc byte*[Batch];
        int have = 0;
        Status s = Status.Ok;
        for (; have < want; have++)
        {
            s = _store.Alloc(out got[have]);
            if (s != Status.Ok) break;
            at[have] = _store.Address(got[have]);
        }
        if (have == 0) return s;
        s = reader.ReadPages(index * PageSize, at, have);
        if (s != Status.Ok)
        {
            for (int k = 0; k < have; k++) _store.Free(got[k]);
            return s;
        }
        for (int k = 0; k < have; k++) _pages[index + (ulong)k] = got[k];
        // The pages are not zeroed by the store: ReadPages wrote everything up to the end of the
        // file (holes as zeros), and past it, in the last page, is cleared here.
        ulong last = index + (ulong)have - 1;
        if (last == inFile - 1 && Size % PageSize != 0)
            new Span<byte>(at[have - 1] + Size % PageSize, PageSize - (int)(Size % PageSize)).Clear();
        page = got[0];
        return Status.Ok;
    }

    /// <summary>The first page of the run that holds window `window` (a multiple of RunPages) whole,
    /// or 0 if the window is not one run.</summary>
    public uint Run(ulong window) => _runs.Contains(window) ? _pages[window] : 0;

    /// <summary>Window `window` (a multiple of RunPages) as one run: the run's first page, read now
    /// if none of the window is cached and it holds at least half a run of the file; 0 (Ok) when
    /// the window is not one run and cannot be made one (the reader asks for pages). NoSpace when
    /// the store has no run (a caller may free some and ask again). Reads no single pages.</summary>
    public Status LoadWindow<TReader>(ulong window, ref TReader reader, out uint first) where TReader : struct, IFileReader
    {
        first = Run(window);
        ulong inFile = (Size + PageSize - 1) / PageSize;
        if (first != 0 || window % RunPages != 0 || window >= inFile || !RunFits(window, inFile))
            return Status.Ok;
        Status s = LoadRun(window, inFile, ref reader, out first);
        if (s != Status.Ok) first = 0;
        return s;
    }

    // Whether window `window` (below `inFile`, the file's pages) is read into a run: none of it is
    // cached, and it holds half a run of the file or more (less would waste most of a run: a small
    // file, a file's tail).
    private bool RunFits(ulong window, ulong inFile) => inFile - window >= RunPages / 2 && !AnyCached(window);

    private bool AnyCached(ulong window)
    {
        for (int k = 0; k < RunPages; k++)
            if (_pages.ContainsKey(window + (ulong)k)) return true;
        return false;
    }

    // The window read into a run: every page of it the file's from now on, those past the end zeros.
    private Status LoadRun<TReader>(ulong window, ulong inFile, ref TReader reader, out uint first) where TReader : struct, IFileReader
    {
        Status s = _store.AllocRun(out first);
        if (s != Status.Ok) return s;
        byte** at = stackalloc byte*[RunPages];
        for (int k = 0; k < RunPages; k++) at[k] = _store.Address(first + (uint)k);
        int have = inFile - window < RunPages ? (int)(inFile - window) : RunPages;
        s = reader.ReadPages(window * PageSize, at, have);
        if (s != Status.Ok)
        {
            for (int k = 0; k < RunPages; k++) _store.Free(first + (uint)k);
            return s;
        }
        ulong end = (window + RunPages) * PageSize;
        for (ulong from = Size > window * PageSize ? Size : window * PageSize; from < end;)
        {
            int k = (int)(from / PageSize - window);
            int offset = (int)(from % PageSize);
            new Span<byte>(at[k] + offset, PageSize - offset).Clear();
            from += (ulong)(PageSize - offset);
        }
        for (int k = 0; k < RunPages; k++) _pages[window + (ulong)k] = first + (uint)k;
        _runs.Add(window);
        return Status.Ok;
    }

    /// <summary>The volume took `data` at `offset` (what it took: a short write passes only that):
    /// the cached pages it covers take the same bytes, and the size grows to cover it.</summary>
    public void Written(FileMapHeader* header, ulong offset, ReadOnlySpan<byte> data)
    {
        if (data.Length == 0) return;
        FileMap.BeginChange(header);
        ulong end = offset + (ulong)data.Length;
        for (ulong index = offset / PageSize; index * PageSize < end; index++)
        {
            if (!_pages.TryGetValue(index, out uint page)) continue;
            ulong from = index * PageSize > offset ? index * PageSize : offset;
            ulong to = (index + 1) * PageSize < end ? (index + 1) * PageSize : end;
            data.Slice((int)(from - offset), (int)(to - from)).CopyTo(
                new Span<byte>(_store.Address(page) + (from - index * PageSize), (int)(to - from)));
        }
        if (end > Size) Size = end;
        FileMap.EndChange(header, Size);
    }

    /// <summary>The volume's file is now `size` bytes: pages past it are zeroed (kept: a reader may
    /// map them) and the last one's tail cleared; growing needs nothing (tails are zero).</summary>
    public void Truncated(FileMapHeader* header, ulong size)
    {
        FileMap.BeginChange(header);
        if (size < Size)
            foreach (KeyValuePair<ulong, uint> pair in _pages)
            {
                ulong start = pair.Key * PageSize;
                if (start + PageSize <= size) continue;
                int keep = size > start ? (int)(size - start) : 0;
                new Span<byte>(_store.Address(pair.Value) + keep, PageSize - keep).Clear();
            }
        Size = size;
        FileMap.EndChange(header, size);
    }

    /// <summary>Frees the pages wholly past `size` (a shrunk file nobody maps: no reader can see them
    /// any more); returns how many went.</summary>
    public int FreePast(ulong size)
    {
        ulong keep = (size + PageSize - 1) / PageSize;
        // A run with a page inside the size keeps its pages past it (zeros), so it stays one run.
        ulong runKeep = (keep + RunPages - 1) & ~(ulong)(RunPages - 1);
        int freed = 0;
        List<ulong> gone = null;
        foreach (KeyValuePair<ulong, uint> pair in _pages)
            if (pair.Key >= keep && (pair.Key >= runKeep || !_runs.Contains(pair.Key & ~(ulong)(RunPages - 1))))
                (gone ??= new List<ulong>()).Add(pair.Key);
        if (gone == null) return 0;
        foreach (ulong index in gone)
        {
            _store.Free(_pages[index]);
            _pages.Remove(index);
            _runs.Remove(index & ~(ulong)(RunPages - 1));
            freed++;
        }
        return freed;
    }

    /// <summary>Reads every cached page from the volume again (after a change that failed half-way,
    /// whose effect on the volume is not known here), and the size with it.</summary>
    public void Reload<TReader>(FileMapHeader* header, ulong size, ref TReader reader) where TReader : struct, IFileReader
    {
        FileMap.BeginChange(header);
        Size = size;
        foreach (KeyValuePair<ulong, uint> pair in _pages)
        {
            var bytes = new Span<byte>(_store.Address(pair.Value), PageSize);
            bytes.Clear();
            ulong at = pair.Key * PageSize;
            // A page the volume cannot read now stays zero: Reload follows a failure already, and
            // the reader's next read through messages meets the volume's status itself.
            if (at < size) _ = reader.Read(at, bytes.Slice(0, size - at < PageSize ? (int)(size - at) : PageSize), out _);
        }
        FileMap.EndChange(header, size);
    }

    /// <summary>Starts the cache again for another file of `size` bytes, every page given back (Clear):
    /// a daemon may keep a cache to reuse rather than make one per mapped file.</summary>
    public void Reuse(ulong size)
    {
        Clear();
        Size = size;
    }

    /// <summary>Takes every page back from the readers it was handed to (the file's last mapping
    /// handle closed; the pages stay cached).</summary>
    public void Withdraw()
    {
        foreach (KeyValuePair<ulong, uint> pair in _pages) _store.Withdraw(pair.Value);
    }

    /// <summary>Gives every page back to the store (the cache of a file is dropped).</summary>
    public void Clear()
    {
        foreach (KeyValuePair<ulong, uint> pair in _pages) _store.Free(pair.Value);
        _pages.Clear();
        _runs.Clear();
    }
}
