// Mapped file data for disk: (docs/adr/0012-mapped-file-data.md, docs/design/diskfs.md "The file data
// path"). Readers map pages of a per-file page cache (the library's FilePageCache over DataPages),
// not the block cache: a block is 1 KiB on the usual image, a page 4 KiB, and a block's slot is
// reused as the cache turns over, where a page a reader maps must keep its identity. A file's cache
// is made at its first FileMap, FilePages or Fmap and lives while any handle that was given its
// pages is open (the library's FileMapping pins it); with the last such handle its pages go back to
// the pool, their handed-out copies revoked (DataPages.Free). Every write and truncate of a file's
// bytes goes through Write and Truncate here, which change the volume (so the block cache, fsync
// and e2fsck see the bytes) and then the cached pages under the file's sequence counter.
using System;
using System.Collections.Generic;
using Vireo.Abi;
using Vireo.User.FileSystems;
using Vireo.User.FileSystems.Ext2;
using Vireo.User.Schemes;

static unsafe class Mapping
{
    /// <summary>A mapped file: the library's per-file state and its pages.</summary>
    private sealed class MappedInode
    {
        public MappedFile Map;
        public FilePageCache<PoolStore> Pages;
    }

    private static readonly Dictionary<uint, MappedInode> s_files = new Dictionary<uint, MappedInode>();
    // The last forgotten file's state, reused for the next file mapped: each program run maps its
    // file and drops it at its end, and a new cache each time would be garbage the heap grows by
    // (frames a leak check sees).
    private static MappedInode s_spare;

    /// <summary>Writes through the volume, then into the file's cached pages (what the volume took).</summary>
    public static Status Write(uint ino, ulong offset, ReadOnlySpan<byte> data, out int written)
    {
        Status s = Program.Volume.Write(ino, offset, data, out written);
        if (written > 0 && s_files.TryGetValue(ino, out MappedInode f))
            f.Pages.Written(FileMapping.Header(ref f.Map), offset, data.Slice(0, written));
        return s;
    }

    /// <summary>Truncates through the volume, then the file's cached pages; a truncate that failed
    /// half-way (blocks freed, size kept) reads the pages again from the volume.</summary>
    public static Status Truncate(uint ino, ulong size)
    {
        Status s = Program.Volume.Truncate(ino, size);
        if (!s_files.TryGetValue(ino, out MappedInode f)) return s;
        if (s == Status.Ok) f.Pages.Truncated(FileMapping.Header(ref f.Map), size);
        else if (Program.Volume.Stat(ino, out Ext2Stat st) == Status.Ok)
        {
            var reader = new InodeReader { Inode = ino };
            f.Pages.Reload(FileMapping.Header(ref f.Map), st.Size, ref reader);
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
        Status s = Find(h.Inode, out MappedInode f);
        if (s != Status.Ok)
        {
            Program.Server.Answer(s);
            return;
        }
        FileMapping.Map(ref Program.Server, ref h.Map, ref f.Map, h.Flags, f.Pages.Size, transfer);
        if (f.Map.Maps == 0) Forget(h.Inode, f);   // refused before it pinned: nothing keeps the cache
    }

    /// <summary>FilePages (`fmap` false) or Fmap. Fmap's pages are read-only: a store into them would
    /// reach neither the volume nor the sequence counter.</summary>
    public static void Give(ref Handle h, ulong first, ulong count, bool fmap)
    {
        Status s = Find(h.Inode, out MappedInode f);
        if (s != Status.Ok)
        {
            Program.Server.Answer(s);
            return;
        }
        var source = new CachedPages { File = f, Reader = new InodeReader { Inode = h.Inode } };
        FileMapping.Give(ref Program.Server, ref h.Map, ref f.Map, h.Flags, first, count, fmap, f.Pages.Size, false, ref source);
        if (f.Map.Maps == 0) Forget(h.Inode, f);   // refused before it pinned: nothing keeps the cache
    }

    public static void Transfer(ref Handle h)
    {
        Status s = Regular(h.Inode, out _);
        if (s != Status.Ok) Program.Server.Answer(s);
        else FileMapping.Transfer(ref Program.Server, ref h.Map, h.Flags);
    }

    /// <summary>A handle closed: with the last one that mapped its file, the file's pages go.</summary>
    public static void Closed(ref Handle h)
    {
        if (!FileMapping.Closed(ref h.Map) || !s_files.TryGetValue(h.Inode, out MappedInode f)) return;
        if (FileMapping.Unpin(ref f.Map)) Forget(h.Inode, f);
    }

    private static void Forget(uint ino, MappedInode f)
    {
        f.Pages.Clear();
        f.Map = default;
        s_files.Remove(ino);
        s_spare = f;
    }

    // The file's cache, made now (with its size) if it has none; only regular files have one.
    private static Status Find(uint ino, out MappedInode f)
    {
        if (s_files.TryGetValue(ino, out f)) return Status.Ok;
        Status s = Regular(ino, out ulong size);
        if (s != Status.Ok) return s;
        f = s_spare ?? new MappedInode { Pages = new FilePageCache<PoolStore>(default, size) };
        s_spare = null;
        f.Pages.Reuse(size);
        s_files[ino] = f;
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
        public Status Alloc(out uint page) => DataPages.Alloc(out page);
        public byte* Address(uint page) => DataPages.Address(page);
        public void Free(uint page) => DataPages.Free(page);
    }

    private struct InodeReader : IFileReader
    {
        public uint Inode;
        public Status Read(ulong offset, Span<byte> into, out int read) => Program.Volume.Read(Inode, offset, into, out read);
    }

    // Every page inside the size is the cache's (a hole's is a page of zeros, so Fmap's need is met
    // too); past the size the zero page.
    private struct CachedPages : IFilePageSource
    {
        public MappedInode File;
        public InodeReader Reader;

        public Status PageAt(ulong index, bool make, out uint page) => File.Pages.Load(index, ref Reader, out page);
    }
}
