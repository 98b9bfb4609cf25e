// The page caches of a file daemon's files (diskfs keeps one FilePageCache per file whose pages a
// reader asked for): a file's cache outlives the handles that mapped it, so running a program from
// the disk again, or reading a closed file again, finds its pages, as Linux's page cache does. A
// file is in use while a handle maps it (its pages must stay: readers map them); unused files' pages
// are kept under a budget (pages), and the least recently used unused file is dropped whole when the
// budget is passed, or when the store runs out of pages (the store asks Reclaim for any page it is
// asked for; a run is worth dropping only a file that holds one). Cached pages are
// never dirty: every write goes through the volume (its block cache writes it back) and then into
// the pages, so dropping a cache loses nothing. A file whose inode is freed (or taken anew) is dropped
// (Forget), so a later file with the same inode number never finds its pages. Portable: host-tested
// (tests/Kernel.Tests/FileSystems/FileCachesTests.cs); `TState` is the daemon's per-file state.
using System.Collections.Generic;
using Vireo.Abi;

namespace Vireo.User.FileSystems;

public sealed class FileCaches<TStore, TState> where TStore : struct, IPageStore where TState : struct
{
    public sealed class Entry
    {
        public uint Inode;
        public FilePageCache<TStore> Pages;
        public TState State;
        public bool InUse;
        internal Entry Older, Newer;   // the unused files, oldest first
    }

    private const int Spares = 8;
    private readonly Dictionary<uint, Entry> _files = new Dictionary<uint, Entry>();
    private readonly Stack<Entry> _spare = new Stack<Entry>();
    private readonly TStore _store;
    private Entry _oldest, _newest;

    /// <summary>Pages unused files may keep.</summary>
    public int Budget { get; set; }

    /// <summary>Pages held by unused files now.</summary>
    public int UnusedPages { get; private set; }

    /// <summary>Files cached (in use or not).</summary>
    public int Count => _files.Count;

    public FileCaches(TStore store, int budget)
    {
        _store = store;
        Budget = budget;
    }

    /// <summary>The cache of `ino`, or null.</summary>
    public Entry Find(uint ino) => _files.TryGetValue(ino, out Entry e) ? e : null;

    /// <summary>The cache of `ino` (a file of `size` bytes if it is new), in use from now on.</summary>
    public Entry Use(uint ino, ulong size)
    {
        if (_files.TryGetValue(ino, out Entry e))
        {
            if (!e.InUse)
            {
                Unlink(e);
                UnusedPages -= e.Pages.Count;
                e.InUse = true;
            }
            return e;
        }
        // Entries are reused: each program run maps its file, and a new cache per file would be
        // garbage the heap grows by (frames a leak check sees).
        if (_spare.Count > 0)
        {
            e = _spare.Pop();
            e.Pages.Reuse(size);
        }
        else e = new Entry { Pages = new FilePageCache<TStore>(_store, size) };
        e.Inode = ino;
        e.State = default;
        e.InUse = true;
        _files[ino] = e;
        return e;
    }

    /// <summary>Nobody maps the file any more: its pages are taken back from readers and kept, the
    /// newest of the unused; the oldest unused files go while the budget is passed.</summary>
    public void Unuse(Entry e)
    {
        if (!e.InUse) return;
        e.InUse = false;
        e.Pages.Withdraw();
        e.Pages.FreePast(e.Pages.Size);   // pages a shrink kept for readers that mapped them
        e.Older = _newest;
        e.Newer = null;
        if (_newest != null) _newest.Newer = e;
        else _oldest = e;
        _newest = e;
        UnusedPages += e.Pages.Count;
        while (UnusedPages > Budget && _oldest != null) Drop(_oldest);
    }

    /// <summary>File page `index` of a file in use, as FilePageCache.Load (a store out of pages has
    /// asked Reclaim already).</summary>
    public Status Load<TReader>(Entry e, ulong index, ref TReader reader, out uint page) where TReader : struct, IFileReader =>
        e.Pages.Load(index, ref reader, out page);

    /// <summary>Window `window` of a file in use as one run, as FilePageCache.LoadWindow; a store with
    /// no run even after Reclaim gives 0 (the reader asks for pages).</summary>
    public Status LoadWindow<TReader>(Entry e, ulong window, ref TReader reader, out uint first) where TReader : struct, IFileReader
    {
        Status s = e.Pages.LoadWindow(window, ref reader, out first);
        return s == Status.NoSpace ? Status.Ok : s;
    }

    /// <summary>The store is out of pages (`run` false) or runs (true): drops the least recently used
    /// unused file (for a run, the least recently used that holds one); false if there is none. The
    /// store asks (DataPages.Reclaim), for any page it is asked for, before it answers NoSpace: files
    /// of pages only stay for a run, since their pages become a run only if a whole run's worth
    /// comes back.</summary>
    public bool Reclaim(bool run)
    {
        Entry e = _oldest;
        while (run && e != null && e.Pages.Runs == 0) e = e.Newer;
        if (e == null) return false;
        Drop(e);
        return true;
    }

    /// <summary>The file shrank to `size` (FilePageCache.Truncated has run): an unused file's pages
    /// past the end go (no reader can map them).</summary>
    public void Shrunk(Entry e, ulong size)
    {
        int freed = e.Pages.FreePast(size);
        if (!e.InUse) UnusedPages -= freed;
    }

    /// <summary>The inode was freed or allocated anew: its cache, if unused, is dropped (one in use
    /// cannot be: its handles hold the inode).</summary>
    public void Forget(uint ino)
    {
        if (_files.TryGetValue(ino, out Entry e) && !e.InUse) Drop(e);
    }

    /// <summary>Drops every unused file's pages; returns how many pages went.</summary>
    public int DropUnused()
    {
        int pages = UnusedPages;
        while (_oldest != null) Drop(_oldest);
        return pages;
    }

    private void Drop(Entry e)
    {
        if (!e.InUse)
        {
            Unlink(e);
            UnusedPages -= e.Pages.Count;
        }
        e.Pages.Clear();
        _files.Remove(e.Inode);
        e.InUse = false;
        if (_spare.Count < Spares) _spare.Push(e);
    }

    private void Unlink(Entry e)
    {
        if (e.Older != null) e.Older.Newer = e.Newer;
        else _oldest = e.Newer;
        if (e.Newer != null) e.Newer.Older = e.Older;
        else _newest = e.Older;
        e.Older = e.Newer = null;
    }
}
