// The files this process reads through mapped pages (docs/adr/0012-mapped-file-data.md): Fs.Read,
// Fs.Seek and Fs.Write of such a descriptor copy bytes between the caller's buffer and the daemon's
// own pages, with no request per call once the pages are mapped. A descriptor the daemon opened as
// a file (Open or Dup answered FileKind.File) is a candidate; its first Read or Seek asks the daemon
// for FileMap, and a daemon that answers NotSupported (initfs:, sys:) is read through messages as
// before.
//
// Per entry, at Base + entry * EntryPages pages: the file's header (read-only: size and sequence
// counter), the open file's position page (shared with every Dup of the Open, here and elsewhere),
// the transfer page for writes (asked for at the first write), and a window of WindowPages pages of
// the file: mapped whole, one 64 KiB frame, when the daemon holds the window as one run (FileRun:
// diskfs), else page by page as reads reach them (FilePages: up to three per request); dropped when
// a read leaves the window. Holes are never kept: a write may fill them, so a read of a hole
// asks again. Everything mapped is released when the descriptor is closed or forgotten.
//
// The daemon never frees a page while this descriptor is open, and bumps the header's sequence
// counter around every change, so a read that raced a write or a truncate is copied again
// (FileMapBytes.cs); a read never sees freed memory or a torn page. A daemon that dies takes its
// frames with it: a read after that faults, as a pipe's ring does (known gap, ADR 0012). A daemon out
// of pages (NoSpace to FilePages) leaves the descriptor to messages.
using System.Runtime;
using System.Runtime.CompilerServices;
using Vireo.Abi;

namespace Vireo.User.Schemes;

public static unsafe class FileMaps
{
    public const int Max = 8;
    private const int EntryPages = 32;
    private const int WindowAt = 16;        // the window's first page inside an entry
    /// <summary>Where entries are mapped: after the pipe pages, in the same page table.</summary>
    public const ulong Base = PipeEnds.Base + 0x2_0000;
    private const int Candidates = 16;

    private struct Table
    {
        public fixed ulong Fd[Max];          // 0 = free entry
        public fixed ulong Header[Max];
        public fixed ulong Position[Max];
        public fixed ulong Transfer[Max];    // 0 = not asked yet; 1 = refused (no Write)
        public fixed ulong Window[Max];      // the window's first file page
        public fixed uint Mapped[Max];       // bit i: window page i is mapped (data)
        public fixed ulong Run[Max];         // the window's frame when it is mapped as one run (FileRun), else 0
        public fixed byte NoRuns[Max];       // the daemon answered FileRun NotSupported: FilePages only
        public fixed ulong Frames[Max * FileMap.WindowPages];
        public fixed ulong Candidate[Candidates];
    }
    private static Table s_t;
    private static int s_count;
    // The descriptor Find found last and its entry: a loop of Seek, Read or Write on one file finds
    // it in two compares (0 = none; Detach clears it).
    private static ulong s_lastFd;
    private static int s_lastEntry;

    /// <summary>The entry of descriptor `fd`, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Find(Fd fd)
    {
        if (fd.Cap.Value == s_lastFd && s_lastFd != 0) return s_lastEntry;
        return Search(fd);
    }

    private static int Search(Fd fd)
    {
        if (s_count == 0) return -1;
        for (int e = 0; e < Max; e++)
        {
            if (s_t.Fd[e] != fd.Cap.Value) continue;
            s_lastFd = fd.Cap.Value;
            s_lastEntry = e;
            return e;
        }
        return -1;
    }

    /// <summary>Notes a descriptor a daemon opened as a file: its first Read or Seek tries FileMap.
    /// One place per slot index modulo Candidates (O(1) at every open and close): a later file in
    /// the same place takes it, and the earlier one is then used through messages.</summary>
    public static void Note(Fd fd) => s_t.Candidate[CandidateOf(fd)] = fd.Cap.Value;

    private static int CandidateOf(Fd fd) => (int)(fd.Cap.Index % Candidates);

    /// <summary>The entry of `fd`, mapping it now if it is a candidate; -1 if it is read through messages.
    /// `forWrite`: the first use is a long write, so the transfer page comes with the map.</summary>
    public static int Lookup(Fd fd, bool forWrite = false)
    {
        int e = Find(fd);
        return e >= 0 ? e : MapCandidate(fd, forWrite);
    }

    /// <summary>Lookup for a caller whose Find found nothing already (it inlines Find for the mapped
    /// case): maps `fd` now if it is a candidate; -1 if it is read through messages.</summary>
    public static int MapCandidate(Fd fd, bool forWrite = false)
    {
        int c = CandidateOf(fd);
        if (s_t.Candidate[c] != fd.Cap.Value) return -1;
        s_t.Candidate[c] = 0;   // tried once, whatever the answer
        return Map(fd, forWrite);
    }

    /// <summary>Where descriptor fd's window is mapped (file page Window(fd) first), or null if fd is
    /// not mapped: for tests that look at the mapped bytes themselves.</summary>
    public static byte* WindowOf(Fd fd, out ulong firstPage)
    {
        int e = Find(fd);
        firstPage = e >= 0 ? s_t.Window[e] : 0;
        return e >= 0 ? Page(e, WindowAt) : null;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte* Page(int e, int page) => (byte*)(Base + ((ulong)e * EntryPages + (ulong)page) * FileMap.PageSize);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static FileMapHeader* Header(int e) => (FileMapHeader*)Page(e, 0);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static FileMapPosition* Position(int e) => (FileMapPosition*)Page(e, 1);

    // The block copy (rep movsq) itself: the transfer page never overlaps the caller's buffer.
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "vireo_memcopy_forward")]
    private static extern void CopyForward(byte* destination, byte* source, nuint length);

    // FileMap: the header and position pages (and the transfer page) mapped; -1 if the daemon
    // cannot (the descriptor is then used through messages).
    private static int Map(Fd fd, bool withTransfer)
    {
        int e = 0;
        while (e < Max && s_t.Fd[e] != 0) e++;
        if (e == Max) return -1;
        int caps = withTransfer ? 3 : 2;
        if (SchemeCall.Call(fd.Cap, SchemeOp.FileMap, withTransfer ? 1UL : 0, 0, 0, 0, 0, caps, out SchemeReply r) != Status.Ok) return -1;
        if (Sys.Map(CSpace.SelfAddressSpace, r.Cap0, (ulong)Page(e, 0), Rights.Read) != Status.Ok ||
            Sys.Map(CSpace.SelfAddressSpace, r.Cap1, (ulong)Page(e, 1), Rights.Read | Rights.Write) != Status.Ok ||
            withTransfer && Sys.Map(CSpace.SelfAddressSpace, r.Cap2, (ulong)Page(e, 2), Rights.Read | Rights.Write) != Status.Ok)
        {
            CSpace.Release(r.Cap0);
            CSpace.Release(r.Cap1);
            if (withTransfer) CSpace.Release(r.Cap2);
            return -1;
        }
        s_t.Fd[e] = fd.Cap.Value;
        s_t.Header[e] = r.Cap0.Value;
        s_t.Position[e] = r.Cap1.Value;
        s_t.Transfer[e] = withTransfer ? r.Cap2.Value : 0;
        s_t.Window[e] = 0;
        s_t.Mapped[e] = 0;
        s_t.Run[e] = 0;
        s_t.NoRuns[e] = 0;
        s_count++;
        return e;
    }

    // A candidate place left behind is harmless: a slot's generation moves on when it is emptied, so
    // no later capability has the same value.
    /// <summary>Forgets descriptor fd's pages (it is being closed or handed away), if mapped.</summary>
    public static void Detach(Fd fd)
    {
        int e = Find(fd);
        if (e < 0) return;
        s_lastFd = 0;
        Slide(e, 0);
        CSpace.Release(new CapHandle(s_t.Header[e]));   // deleting a capability unmaps its page
        CSpace.Release(new CapHandle(s_t.Position[e]));
        if (s_t.Transfer[e] > 1) CSpace.Release(new CapHandle(s_t.Transfer[e]));
        s_t.Fd[e] = 0;
        s_count--;
    }

    // Drops the window's pages and moves it to file page `window`.
    private static void Slide(int e, ulong window)
    {
        if (s_t.Run[e] != 0)
        {
            CSpace.Release(new CapHandle(s_t.Run[e]));
            s_t.Run[e] = 0;
            s_t.Mapped[e] = 0;
        }
        uint mapped = s_t.Mapped[e];
        for (int i = 0; mapped != 0; i++, mapped >>= 1)
            if ((mapped & 1) != 0) CSpace.Release(new CapHandle(s_t.Frames[e * FileMap.WindowPages + i]));
        s_t.Mapped[e] = 0;
        s_t.Window[e] = window;
    }

    private const ulong Shared = ulong.MaxValue;

    /// <summary>Reads up to `count` bytes at the shared position and moves it; 0 = end of file.</summary>
    public static Status Read(int e, Fd fd, byte* buffer, int count, out int read) => ReadAt(e, fd, buffer, count, Shared, out read);

    /// <summary>Reads up to `count` bytes at offset `at` (pread: the shared position stays; Shared:
    /// at the shared position, which moves); 0 = end of file. Inlined into Read, where `at` is
    /// Shared and its tests fold away (file_read_4KiB_cached).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Status ReadAt(int e, Fd fd, byte* buffer, int count, ulong at, out int read)
    {
        read = 0;
        FileMapHeader* h = Header(e);
        while (true)
        {
            if (!FileMap.Begin(h, out uint seq, out ulong size))
            {
                Sys.Yield();   // the daemon was preempted inside a change: let it finish
                continue;
            }
            ulong position = at == Shared ? Position(e)->Position : at;
            int n = FileMap.Available(position, count, size);
            if (n > 0)
            {
                ulong window = FileMap.WindowOf(position / FileMap.PageSize);
                if (window != s_t.Window[e]) Slide(e, window);
                n = FileMap.InWindow(window, position, n);
                int offset = (int)(position - window * FileMap.PageSize);
                int first = offset / FileMap.PageSize;
                int pages = (offset + n - 1) / FileMap.PageSize - first + 1;
                uint data = s_t.Mapped[e];
                uint missing = FileMap.Missing(data, first, pages);
                if (missing != 0)
                {
                    Status s = Fill(e, fd, missing, out uint holes);
                    if (s == Status.NoSpace)
                    {
                        // The daemon is out of pages for its cache (disk:'s pool is bounded): this
                        // descriptor is read through messages from now on, at the same shared position.
                        Detach(fd);
                        return at == Shared ? Fs.Request(SchemeOp.Read, fd, buffer, count, out read) : Fs.Pread(fd, buffer, count, at, out read);
                    }
                    if (s != Status.Ok) return s;
                    data = s_t.Mapped[e] & ~holes;
                }
                FileMap.CopyOut(Page(e, WindowAt), data, offset, buffer, n);
            }
            if (!FileMap.Still(h, seq)) continue;   // a change raced the copy: copy again
            if (at == Shared) Position(e)->Position = position + (ulong)n;
            read = n;
            return Status.Ok;
        }
    }

    // Asks for the window pages in `missing`, three at a time, and maps those with data; the holes
    // it met are in `holes` (not kept: asked again next time).
    private static Status Fill(int e, Fd fd, uint missing, out uint holes)
    {
        holes = 0;
        ulong window = s_t.Window[e];
        if (s_t.Mapped[e] == 0 && s_t.NoRuns[e] == 0)
        {
            Status r = FillRun(e, fd, window, out holes);
            if (r != Status.NotFound) return r;
        }
        while (missing != 0)
        {
            int i = 0;
            while ((missing & (1u << i)) == 0) i++;
            int n = FileMap.WindowPages - i < MessageInfo.MaxCaps ? FileMap.WindowPages - i : MessageInfo.MaxCaps;
            Status s = SchemeCall.Call(fd.Cap, SchemeOp.FilePages, window + (ulong)i, (ulong)n, 0, 0, 0, n, out SchemeReply r);
            if (s != Status.Ok) return s;
            for (int k = 0; k < n; k++)
            {
                CapHandle frame = k == 0 ? r.Cap0 : k == 1 ? r.Cap1 : r.Cap2;
                int page = i + k;
                bool hasData = (r.W0 & (1u << k)) != 0;
                // A page already mapped (asked again with its neighbours) keeps its first frame.
                if (!hasData || (s_t.Mapped[e] & (1u << page)) != 0 ||
                    Sys.Map(CSpace.SelfAddressSpace, frame, (ulong)Page(e, WindowAt + page), Rights.Read) != Status.Ok)
                {
                    CSpace.Release(frame);
                    if (!hasData) holes |= 1u << page;
                    else if ((s_t.Mapped[e] & (1u << page)) == 0) return Status.BadReply;
                    continue;
                }
                s_t.Frames[e * FileMap.WindowPages + page] = frame.Value;
                s_t.Mapped[e] |= 1u << page;
            }
            missing &= ~FileMap.Mask(i, n);
        }
        return Status.Ok;
    }

    // The whole window as one frame (FileRun); NotFound: ask FilePages (the daemon does not hold this
    // window as one run, or never does: NotSupported, noted).
    private static Status FillRun(int e, Fd fd, ulong window, out uint holes)
    {
        holes = 0;
        Status s = SchemeCall.Call(fd.Cap, SchemeOp.FileRun, window, 0, 0, 0, 0, 1, out SchemeReply r);
        if (s == Status.NotSupported) s_t.NoRuns[e] = 1;
        if (s != Status.Ok) return s == Status.NotSupported || s == Status.NotFound ? Status.NotFound : s;
        if (Sys.Map(CSpace.SelfAddressSpace, r.Cap0, (ulong)Page(e, WindowAt), Rights.Read) != Status.Ok)
        {
            CSpace.Release(r.Cap0);
            return Status.BadReply;
        }
        s_t.Run[e] = r.Cap0.Value;
        s_t.Mapped[e] = FileMap.Mask(0, FileMap.WindowPages);
        holes = ~(uint)r.W0 & s_t.Mapped[e];
        return Status.Ok;
    }

    /// <summary>Seek without the daemon: the position is in the shared page, the size in the header.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]   // into Fs.Seek: a seek is a few loads and a store
    public static Status Seek(int e, long offset, SeekFrom from, out ulong position)
    {
        position = 0;
        long origin;
        if (from == SeekFrom.Start) origin = 0;
        else if (from == SeekFrom.Current) origin = (long)Position(e)->Position;
        else if (from == SeekFrom.End) origin = (long)Size(e);
        else return Status.InvalidArgument;
        long to = origin + offset;
        if (to < 0 || offset > 0 && to < origin) return Status.InvalidArgument;
        Position(e)->Position = (ulong)to;
        position = (ulong)to;
        return Status.Ok;
    }

    /// <summary>The file's size, read under the sequence protocol.</summary>
    public static ulong Size(int e)
    {
        FileMapHeader* h = Header(e);
        while (true)
        {
            if (FileMap.Begin(h, out uint seq, out ulong size) && FileMap.Still(h, seq)) return size;
            Sys.Yield();
        }
    }

    /// <summary>Writes all `count` bytes through the transfer page, a page per request; NotSupported
    /// when the daemon gives no transfer page (the caller writes through messages then).</summary>
    public static Status Write(int e, Fd fd, byte* buffer, int count, out int written)
    {
        written = 0;
        if (s_t.Transfer[e] <= 1)
        {
            if (s_t.Transfer[e] == 0) AskTransfer(e, fd);
            if (s_t.Transfer[e] == 1) return Status.NotSupported;
        }
        byte* page = Page(e, 2);
        while (written < count)
        {
            int chunk = count - written > FileMap.PageSize ? FileMap.PageSize : count - written;
            CopyForward(page, buffer + written, (nuint)chunk);
            // The data path's own request: words only (SchemeCall.CallWords), one per page.
            Status s = SchemeCall.CallWords(fd.Cap, SchemeOp.FileWrite, (ulong)chunk, out ulong taken);
            if (s != Status.Ok) return s;
            if (taken > (ulong)chunk) return Status.BadReply;
            if (taken == 0) return Status.NoSpace;
            written += (int)taken;
        }
        return Status.Ok;
    }

    private static void AskTransfer(int e, Fd fd)
    {
        s_t.Transfer[e] = 1;
        if (SchemeCall.Call(fd.Cap, SchemeOp.FileTransfer, 0, 0, 0, 0, 0, 1, out SchemeReply r) != Status.Ok) return;
        if (Sys.Map(CSpace.SelfAddressSpace, r.Cap0, (ulong)Page(e, 2), Rights.Read | Rights.Write) != Status.Ok)
        {
            CSpace.Release(r.Cap0);
            return;
        }
        s_t.Transfer[e] = r.Cap0.Value;
    }
}
