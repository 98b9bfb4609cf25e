// The Linux process's memory, owned by the personality: its address space object, its areas
// (MemoryAreas: what is reserved, with which protection, backed by which file) and the 4 KiB frames
// made so far (by ObjectPool, which reuses the memory of frames gone: ADR 0022). Memory is
// demand-paged: a reservation costs nothing, and a page gets its frame at its first touch, when the
// Linux thread's page fault arrives here (Fault) or when a syscall's buffer reaches it: a zeroed frame for anonymous memory, the file daemon's own read-only frame for a
// read-only file page (shared, never copied), a private copy for a writable or partial one. The
// personality holds one capability per frame (its CNode is its budget); to read or write a frame it
// maps a copy of that capability at a scratch window in its own space (four windows, shared by all
// Linux memories; a copy lives only while it is shown). Addresses a program names are allegations:
// an access outside the areas, or against their protection, fails (EFAULT), and nothing else of the
// personality is reachable.
using System.Collections.Generic;
using Vireo.Abi;
using Vireo.Linux.Abi;
using Vireo.User;

namespace Vireo.Linux;

/// <summary>What a page fault was: served (resume the thread), or not the memory's to serve: no area
/// there (SEGV_MAPERR), against the area's protection (SEGV_ACCERR), or a file mapping's page wholly
/// past the end of its file (SIGBUS, BUS_ADRERR); si_addr is the fault's address.</summary>
public enum FaultResult { Served, MapError, AccessError, OutOfMemory, PastFile }

public sealed unsafe partial class LinuxMemory
{
    public const ulong PageSize = 4096;
    public const int AddressSpaceBits = 17;
    private const ulong ErrorWrite = 2, ErrorFetch = 16;   // page-fault error code bits

    private sealed class Page
    {
        public CapHandle Cap;     // the frame; mapped in the Linux address space when Mapped != 0; none
                                  // yet for a fork's page not touched since (taken from Cow.Source)
        public Rights Mapped;     // the rights it is mapped with (0: not mapped, e.g. PROT_NONE)
        public bool Shared;       // a file's frame (its cache's), never copied: read-only unless Writable
        public bool Writable;     // a writable MAP_SHARED mapping's frame
        public CowShare Cow;      // copy-on-write: the frame is also another memory's (fork)
        public ulong Block;       // the block it was made from (ObjectPool.Frames); 0 for a file's
                                  // frame; not used while Cow names the frame (the share has it)
        public BlockHolders Holders;   // MAP_SHARED anonymous memory a fork shares: how many pages hold it
    }

    // How many memories hold one copy-on-write frame (the last may write it without copying), and a
    // capability to it that a holder which has not taken the page yet copies: one holder's own (the
    // page's at the fork), or, once that holder has let go while others still hold the page, the
    // share's alone (Orphan).
    private sealed class CowShare
    {
        public int Count;
        public CapHandle Source;
        public bool Orphan;
        public ulong Block;       // the frame's block (ObjectPool.Frames), back to the pool with the last holder
    }

    public CapHandle AddressSpace;
    private ulong _spaceBlock;
    public MemoryAreas Areas = new MemoryAreas();
    public readonly List<BackingFile> Files = new List<BackingFile>();   // Area.File indexes it
    private readonly Dictionary<ulong, Page> _pages = new Dictionary<ulong, Page>();

    public Status Create(bool large = false)
    {
        Large = large;
        return (large ? ObjectPool.LargeAddressSpaces : ObjectPool.AddressSpaces).Make(out AddressSpace, out _spaceBlock);
    }

    /// <summary>Frames made so far (for tests and /proc).</summary>
    public int FrameCount => _pages.Count;

    /// <summary>The index areas use for `file`; the memory holds one use of it (BackingFile.Users)
    /// until it is released, however many areas map it.</summary>
    public int AddFile(BackingFile file)
    {
        int i = Files.IndexOf(file);
        if (i >= 0) return i;
        file.Users++;
        Files.Add(file);
        return Files.Count - 1;
    }

    /// <summary>Reserves `area` (page aligned), replacing whatever was there (MAP_FIXED).</summary>
    public void Reserve(Area area)
    {
        Unreserve(area.Start, area.End);
        Areas.Add(area);
    }

    /// <summary>munmap: the range's frames go and its areas shrink or split.</summary>
    public void Unreserve(ulong start, ulong end)
    {
        Discard(start, end);
        Areas.Remove(start, end);
    }

    /// <summary>Frees the frames in [start, end): the next touch finds zeros again (or the file's
    /// bytes): madvise(MADV_DONTNEED), munmap.</summary>
    public void Discard(ulong start, ulong end)
    {
        if (_pages.Count == 0 || end <= start) return;
        if ((end - start) / PageSize <= (ulong)_pages.Count)
        {
            for (ulong a = start; a < end; a += PageSize)
                if (_pages.TryGetValue(a, out Page p)) Drop(a, p);
            return;
        }
        var gone = new List<ulong>();
        foreach (KeyValuePair<ulong, Page> e in _pages)
            if (e.Key >= start && e.Key < end) gone.Add(e.Key);
        foreach (ulong a in gone) Drop(a, _pages[a]);
    }

    /// <summary>Discard over the private areas of [start, end) only (madvise: shared memory keeps its bytes).</summary>
    public void DiscardPrivate(ulong start, ulong end)
    {
        for (ulong a = start; a < end;)
        {
            Area area = Areas.Find(a);
            if (area == null) return;
            ulong stop = area.End < end ? area.End : end;
            if (!area.Shared) Discard(a, stop);
            a = stop;
        }
    }

    private void Drop(ulong address, Page p)
    {
        Forget(p);
        if (p.Cow != null) LeaveShare(p, unmap: true);
        else ObjectPool.Frames.Release(p.Cap, p.Block, p.Holders);   // deleting a mapped frame capability unmaps it
        _pages.Remove(address);
    }

    /// <summary>Makes every frame of [start, end) now (MAP_SHARED anonymous memory: its frames must
    /// exist before a fork shares them).</summary>
    public Status Commit(ulong start, ulong end)
    {
        for (ulong a = start; a < end; a += PageSize)
        {
            if (_pages.ContainsKey(a)) continue;
            Area area = Areas.Find(a);
            if (area == null) return Status.NotMapped;
            Status s = Populate(area, a, RightsFor(area.Prot, execute: false), out _);
            if (s != Status.Ok) return s;
        }
        return Status.Ok;
    }

    /// <summary>Whether every shared file mapping in [start, end) has writable frames (mprotect's
    /// PROT_WRITE: EACCES otherwise).</summary>
    public bool SharedWritable(ulong start, ulong end)
    {
        for (ulong a = start; a < end;)
        {
            Area area = Areas.Find(a);
            if (area == null) return true;
            if (area.Shared && !area.IsAnonymous && !Files[area.File].Writable) return false;
            a = area.End;
        }
        return true;
    }

    /// <summary>mprotect over a range the areas cover: the areas and the frames already made.</summary>
    public Status Protect(ulong start, ulong end, uint prot)
    {
        Areas.Protect(start, end, prot);
        for (ulong a = start; a < end; a += PageSize)
        {
            if (!_pages.TryGetValue(a, out Page p) || p.Cap.Value == 0) continue;   // not taken: mapped as the area says at its touch
            if (p.Shared && !p.Writable && (prot & Prot.Write) != 0)
            {
                Drop(a, p);   // the next touch makes a private copy of the file's page (a shared mapping's: its frame again, refused)
                continue;
            }
            Status s = Remap(a, p, RightsFor(prot, execute: false));
            if (s != Status.Ok) return s;
        }
        return Status.Ok;
    }

    /// <summary>Serves a page fault of the Linux thread at `address` with the CPU's error code.</summary>
    public FaultResult Fault(ulong address, ulong errorCode)
    {
        bool write = (errorCode & ErrorWrite) != 0, fetch = (errorCode & ErrorFetch) != 0;
        Area area = Areas.Find(address);
        if (area == null) return FaultResult.MapError;
        if (!Allows(area.Prot, write, fetch)) return FaultResult.AccessError;
        ulong page = address & ~(PageSize - 1);
        Rights want = RightsFor(area.Prot, fetch);
        if (_pages.TryGetValue(page, out Page p))
        {
            // Present: a fork's page not taken yet, shared copy-on-write, or mapped with other rights
            // (W+X memory is writable or executable at a time).
            if (p.Cap.Value == 0 && !write) return Take(page, p, want) == Status.Ok ? FaultResult.Served : FaultResult.OutOfMemory;
            if (write && p.Cow != null) return Unshare(page, p, want) == Status.Ok ? FaultResult.Served : FaultResult.OutOfMemory;
            // Mapped as wanted: another thread's fault made the page (or its copy) while this one's
            // message waited; the access now passes. Else the mapping cannot allow it.
            if (p.Mapped == want) return Permits(want, write, fetch) ? FaultResult.Served : FaultResult.AccessError;
            return Remap(page, p, want) == Status.Ok ? FaultResult.Served : FaultResult.OutOfMemory;
        }
        if (PastFile(area, page)) return FaultResult.PastFile;
        Status s = Populate(area, page, want, out _);
        if (s == Status.Ok && !area.IsAnonymous) FaultAround(area, page, want);
        else if (s == Status.Ok && !area.Shared && area.End - area.Start >= AheadArea && _pages.ContainsKey(page - PageSize) && _pages.ContainsKey(page - 2 * PageSize)) FaultAhead(area, page, want);
        return s == Status.Ok ? FaultResult.Served : FaultResult.OutOfMemory;
    }

    /// <summary>Anonymous pages made ahead of a first touch, in an area of AheadArea bytes or more, that
    /// follows its page's two predecessors (a large buffer filled in order; a small program's heap is
    /// left to its faults, where pages it never touches would cost more than they save): zeroed frames for the next pages of the area, a Retype and a
    /// Map each, instead of a fault each. Touches in any other order make one page at a time.</summary>
    public const int AheadPages = 7;
    public const ulong AheadArea = 256 * 1024;

    private void FaultAhead(Area area, ulong page, Rights want)
    {
        if (want == 0 || CSpace.Available < ForkReserve) return;   // the reserve is for pages really touched
        for (ulong at = page + PageSize; at < page + (AheadPages + 1) * PageSize && at < area.End; at += PageSize)
            if (_pages.ContainsKey(at) || Populate(area, at, want, out _) != Status.Ok) return;
    }

    private static bool Permits(Rights mapped, bool write, bool fetch) =>
        mapped != 0 && (!write || (mapped & Rights.Write) != 0) && (!fetch || (mapped & Rights.Execute) != 0);

    private static bool Allows(uint prot, bool write, bool fetch) =>
        prot != Prot.None && (!write || (prot & Prot.Write) != 0) && (!fetch || (prot & Prot.Exec) != 0);

    // x86 pages are readable whenever present; W^X holds per mapping, so W+X memory maps writable
    // until an instruction fetch asks for executable.
    private static Rights RightsFor(uint prot, bool execute)
    {
        if (prot == Prot.None) return 0;
        if ((prot & Prot.Exec) != 0 && (execute || (prot & Prot.Write) == 0)) return Rights.Read | Rights.Execute;
        return (prot & Prot.Write) != 0 ? Rights.Read | Rights.Write : Rights.Read;
    }

    private Status Remap(ulong address, Page p, Rights want)
    {
        if (p.Cow != null && (want & Rights.Write) != 0) want = Rights.Read;   // the first write copies
        if (want == p.Mapped) return Status.Ok;
        Status s = want == 0 ? Sys.Unmap(p.Cap) : p.Mapped == 0 ? Sys.Map(AddressSpace, p.Cap, address, want) : Sys.Protect(p.Cap, want);
        if (s == Status.Ok) p.Mapped = want;
        return s;
    }

    // Makes the frame of the untouched `page` of `area` and maps it with `want`.
    private Status Populate(Area area, ulong page, Rights want, out Page p)
    {
        p = null;
        BackingFile file = area.IsAnonymous || page >= area.FileEnd ? null : Files[area.File];
        ulong offset = area.FileOffset + (page - area.Start);
        Status s;
        CapHandle cap;
        if (file != null && (area.Shared || (area.Prot & Prot.Write) == 0) && Lendable(area, file, page))
        {
            // The file's own frame, from its cache: shared by every process mapping the page.
            s = file.CopyOf(offset, out cap);
            if (s != Status.Ok) return s;
            p = new Page { Cap = cap, Shared = true, Writable = file.Writable };
        }
        else
        {
            s = ObjectPool.Frames.Make(out cap, out ulong block);   // made zeroed
            if (s != Status.Ok) return s;
            p = new Page { Cap = cap, Block = block };
            if (file != null)
            {
                ulong end = area.FileEnd < page + PageSize ? area.FileEnd : page + PageSize;
                ulong count = end - page;
                if (offset >= file.Size) count = 0;
                else if (offset + count > file.Size) count = file.Size - offset;
                byte* to = count == 0 ? null : Show(0, p);
                s = count == 0 ? Status.Ok : to == null ? Status.NoSpace : file.CopyTo(offset, to, count);
                if (s != Status.Ok)
                {
                    Forget(p);
                    ObjectPool.Frames.Release(cap, p.Block, p.Holders);
                    return s;
                }
            }
        }
        s = want == 0 ? Status.Ok : Sys.Map(AddressSpace, cap, page, want);
        if (s != Status.Ok)
        {
            Forget(p);
            ObjectPool.Frames.Release(cap, p.Block, p.Holders);
            return s;
        }
        p.Mapped = want;
        _pages[page] = p;
        return Status.Ok;
    }

    // Whether the file's own frame backs `page` of `area`: the page lies wholly in the file (a shared
    // mapping's last page may end past it: the file's page is still the one written through).
    private static bool Lendable(Area area, BackingFile file, ulong page) =>
        page + PageSize <= area.End && (area.Shared ? InFile(area, file, page) :
            page + PageSize <= area.FileEnd && area.FileOffset + (page - area.Start) + PageSize <= file.Size);

    private static bool InFile(Area area, BackingFile file, ulong page) => area.FileOffset + (page - area.Start) < file.Size;

    /// <summary>Pages of the 64 KiB around a file page just made that the file's cache holds already
    /// are mapped too (a program's text is read in runs, and another process has asked for them):
    /// a Copy and a Map each instead of a fault.</summary>
    public const int AroundPages = 16;

    private void FaultAround(Area area, ulong page, Rights want)
    {
        BackingFile file = Files[area.File];
        if (!(area.Shared || (area.Prot & Prot.Write) == 0) || want == 0) return;
        ulong first = page & ~(AroundPages * PageSize - 1);
        for (ulong at = first; at < first + AroundPages * PageSize; at += PageSize)
        {
            if (at == page || at < area.Start || at >= area.FileEnd || !Lendable(area, file, at) || _pages.ContainsKey(at)) continue;
            ulong offset = area.FileOffset + (at - area.Start);
            if (!file.IsCached(offset) || file.CopyOf(offset, out CapHandle cap) != Status.Ok) continue;
            if (Sys.Map(AddressSpace, cap, at, want) != Status.Ok)
            {
                CSpace.Release(cap);
                continue;
            }
            _pages[at] = new Page { Cap = cap, Shared = true, Writable = file.Writable, Mapped = want };
        }
    }

    /// <summary>Whether every byte of [address, address + length) lies in accessible areas.</summary>
    public bool IsMapped(ulong address, ulong length) => Accessible(address, length, write: false);

    /// <summary>Whether every byte of [address, address + length) may be written (PROT_WRITE).</summary>
    public bool IsWritable(ulong address, ulong length) => Accessible(address, length, write: true);

    private bool Accessible(ulong address, ulong length, bool write)
    {
        if (length == 0) return true;
        ulong end = address + length;
        if (end < address) return false;
        while (address < end)
        {
            Area a = Areas.Find(address);
            if (a == null || a.Prot == Prot.None || write && (a.Prot & Prot.Write) == 0) return false;
            address = a.End;
        }
        return true;
    }

    /// <summary>A pointer through which the personality reads and writes the Linux process's byte at
    /// `address`, valid for `available` bytes (to the end of its page) and until the next call; null
    /// if no accessible area holds it. An untouched page gets its frame now.</summary>
    public byte* At(ulong address, out ulong available) => At(address, write: true, out available);

    /// <summary>At for reading only (`write` false) leaves a copy-on-write page shared.</summary>
    public byte* At(ulong address, bool write, out ulong available)
    {
        available = 0;
        ulong page = address & ~(PageSize - 1);
        _pages.TryGetValue(page, out Page p);
        if (p == null || p.Cap.Value == 0 || p.Cow != null && write)
        {
            // The caller may write through the pointer: a copy-on-write page of a writable area
            // becomes this memory's own first; a fork's page not taken yet is taken.
            Area area = Areas.Find(address);
            if (area == null || area.Prot == Prot.None) return null;
            if (p == null && PastFile(area, page)) return null;   // EFAULT, as Linux's copy from such a page
            Rights want = RightsFor(area.Prot, execute: false);
            if (p == null && Populate(area, page, want, out p) != Status.Ok) return null;
            bool own = write && (area.Prot & Prot.Write) != 0;
            if (p.Cow != null && own && Unshare(page, p, want) != Status.Ok) return null;
            if (p.Cap.Value == 0 && Take(page, p, want) != Status.Ok) return null;
        }
        byte* window = ShowForAt(p);
        if (window == null) return null;
        available = page + PageSize - address;
        return window + (address - page);
    }

    /// <summary>Copies from the Linux process into `to`; false (EFAULT) if any of it is not readable.</summary>
    public bool Read(ulong address, byte* to, ulong length) =>
        Accessible(address, length, write: false) && Copy(address, to, length, toLinux: false);

    /// <summary>Copies into the Linux process; false (EFAULT) if any of it is not writable.</summary>
    public bool Write(ulong address, byte* from, ulong length) =>
        Accessible(address, length, write: true) && Copy(address, from, length, toLinux: true);

    public bool WriteWord(ulong address, ulong value) => Write(address, (byte*)&value, 8);

    public bool ReadWord(ulong address, out ulong value)
    {
        ulong v = 0;
        bool ok = Read(address, (byte*)&v, 8);
        value = v;
        return ok;
    }

    private bool Copy(ulong address, byte* buffer, ulong length, bool toLinux)
    {
        while (length > 0)
        {
            byte* p = At(address, toLinux, out ulong available);
            if (p == null) return false;
            ulong n = available < length ? available : length;
            if (toLinux) System.Buffer.MemoryCopy(buffer, p, (long)n, (long)n);
            else System.Buffer.MemoryCopy(p, buffer, (long)n, (long)n);
            address += n;
            buffer += n;
            length -= n;
        }
        return true;
    }

    /// <summary>Gives everything back: frames, files, the address space (its thread is gone or
    /// going: it holds its own capability to the address space).</summary>
    public void Release()
    {
        for (int w = 0; w < Windows; w++) Hide(w);
        foreach (KeyValuePair<ulong, Page> e in _pages)
        {
            if (e.Value.Cow != null) LeaveShare(e.Value, unmap: false);   // the address space goes next
            else ObjectPool.Frames.Release(e.Value.Cap, e.Value.Block, e.Value.Holders);
        }
        _pages.Clear();
        foreach (BackingFile f in Files) f.Release();
        Files.Clear();
        Areas = new MemoryAreas();
        ReleaseSpace();
    }
}
