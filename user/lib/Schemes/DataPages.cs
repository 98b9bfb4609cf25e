// The page pool a file daemon keeps file data in (ramfs's files, diskfs's page cache): 4 KiB frames
// retyped from the daemon's untyped memory (BootstrapSlots.Memory) and mapped once at Base upwards. A page freed by a file goes on a free
// list threaded through its first word and is reused before any new frame is made. Every frame
// costs a capability slot in the daemon's CNode, so the pool stops short of the slots open files
// need (each handle is a minted capability): running out of memory, slots or the page limit is
// NoSpace, never a crash.
//
// Readers map these pages (mapped file data, ADR 0012): a page whose frame was ever handed out is
// marked shared, and freeing it revokes every copy of its frame before the page can hold another
// file's bytes. The daemon frees no page a reader still maps while its file is open (FileMapping.cs),
// so the revoke only takes pages from clients that kept frames past their file's close.
//
// Runs (diskfs's page cache; docs/design/diskfs.md, "Runs"): 16 pages in one 64 KiB frame, made from
// the top of the pool's addresses down (pages from the bottom up), so a reader maps a whole window of
// a file with one capability and one Map. A run's pages are pages like any other here (Address, Free,
// Shared); a page of a run that a reader asks for alone (Fmap, FilePages) is a 4 KiB piece carved
// from the run's frame (CapCarve) when first asked for. Readers get copies of the run's *handout*
// capability (a copy of its frame), so withdrawing them (Revoke) leaves the daemon's frame, mapping and
// pieces. Memory moves between runs and single pages (RunTable): a page wanted when none is free is
// taken from a split run or a free run split for it, before a new frame is made; a run whose pages
// all came back is free again. When neither a free page nor memory for a new one is left, the pool
// asks its daemon to give some back (Reclaim: diskfs drops the page cache of the least recently
// used file nobody maps) before it answers NoSpace.
using System;
using System.Runtime;
using System.Runtime.CompilerServices;
using Vireo.Abi;
using Vireo.User;

namespace Vireo.User.Schemes;

public static unsafe class DataPages
{
    public const int Size = 4096;
    /// <summary>Page n lives at Base + n * Size (n from 1; 0 means "no page"). In the same page
    /// directory as the heap (Memory.HeapBase, 1 GiB) but 512 MiB above it, so no new upper-level
    /// page tables are needed and the heap never grows into it.</summary>
    public const ulong Base = 0x0000_0000_6000_0000;
    /// <summary>Address space set aside: 16 MiB.</summary>
    public const uint MaxPages = 4096;

    private static uint s_slots;     // capability slots the pool may take: a page is one, a run two, a carved piece one
    private static uint s_memory;    // pages of memory the pool may hold (--pages, and no more than its slots allow): a run is 16
    private static uint s_runSlots;  // slots runs hold: their frames, handout copies and carved pieces
    private static uint s_mapped;    // pages 1..s_mapped are mapped
    private static uint s_free;      // first page of the free list (0 = empty)
    private static uint s_freeCount; // pages on the free list

    /// <summary>Pages the pool may hold, and those not holding data now (Statfs).</summary>
    public static uint Limit => s_memory;
    public static uint Available => s_memory - s_mapped - (MaxPages - s_runLow) + s_freeCount + (uint)s_table.FreePages;

    /// <summary>Asked when the pool has neither a free page (or run: `run` true) nor memory or slots
    /// for a new one: gives some back and answers true, or false if it has nothing to give (then the
    /// allocation answers NoSpace). Null: nothing is given back (ramfs: its pages are its files).</summary>
    public static Func<bool, bool> Reclaim;

    private static uint s_zero;      // a page that stays zero, handed out for holes (0 until asked for)

    /// <summary>Pages in a run: one 64 KiB frame (a reader's window, FileMap.WindowPages).</summary>
    public const int RunPages = 16;
    private const int RunBits = 16;
    private const int MaxRuns = (int)MaxPages / RunPages;
    private static uint s_runLow = MaxPages;   // runs hold pages [s_runLow, MaxPages)
    private static bool s_noRuns;              // memory or page tables ran out for a run: pages only
    private static RunTable s_table;           // which runs are free, whole or split

    private struct Runs
    {
        public fixed ulong Frame[MaxRuns];     // the run's 64 KiB frame (the daemon's, mapped)
        public fixed ulong Handout[MaxRuns];   // a copy of it that readers get copies of
        public fixed byte HandedOut[MaxRuns];  // readers were given Handout copies since the last withdraw
    }
    private static Runs s_runs;

    private struct Frames
    {
        public fixed ulong Cap[(int)MaxPages + 1];                 // page n's frame capability
        public fixed ulong Shared[((int)MaxPages + 1 + 63) / 64];   // bit n: page n's frame was handed out
    }
    private static Frames s_frames;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]   // on every data request's way
    public static byte* Address(uint page) => (byte*)(Base + (ulong)page * Size);

    /// <summary>Slots kept for the heap's frames: a daemon's tables (ramfs's nodes and names) live in
    /// the collected heap, which maps more frames (one slot each, up to 2 MiB) as they grow.</summary>
    private const uint HeapSlots = 64;

    /// <summary>Sets the pool's size: at most `limit` pages, and no more than the free capability
    /// slots minus those kept back for file handles (a quarter of them, 16 to `handles`) and the heap.</summary>
    public static void Init(uint limit, uint handles)
    {
        uint free = CSpace.Available;
        uint keep = free / 4;
        if (keep < 16) keep = 16;
        if (keep > handles + 8) keep = handles + 8;
        keep += HeapSlots;
        uint room = free > keep ? free - keep : 0;
        s_slots = room;
        if (limit > room) limit = room;
        s_memory = limit > MaxPages ? MaxPages : limit;
    }

    /// <summary>A zeroed page, or NoSpace. `zeroed` false: a reused page keeps old bytes (for a
    /// caller that writes every byte of it, as a page cache filling it from the disk does).</summary>
    public static Status Alloc(out uint page, bool zeroed = true)
    {
        while (true)
        {
            page = s_free;
            if (page != 0)
            {
                s_free = *(uint*)Address(page);
                s_freeCount--;
            }
            else if (s_table.TakePage(out int r, out int k)) page = (uint)(r * RunPages + k);
            else if (NewPage(out page) != Status.Ok)
            {
                if (Reclaim != null && Reclaim(false)) continue;
                return Status.NoSpace;
            }
            else return Status.Ok;   // fresh frames come zeroed from Retype
            if (zeroed) Zero(Address(page), Size);
            return Status.Ok;
        }
    }

    // A new 4 KiB frame, mapped as the next page up; NoSpace when memory, slots or the address space
    // set aside run out.
    private static Status NewPage(out uint page)
    {
        page = 0;
        if (s_mapped + s_runSlots >= s_slots || s_mapped + (MaxPages - s_runLow) >= s_memory || s_mapped + 1 >= s_runLow) return Status.NoSpace;
        // Fresh frames come zeroed from Retype.
        Status s = CSpace.Make(ObjectType.Frame, 12, out CapHandle frame);
        // NoSpace is Make's own "no free slot" (the kernel never answers NoSpace): slots come back
        // when handles close, so the limit stays.
        if (s == Status.NoSpace) return Status.NoSpace;
        if (s == Status.Ok)
        {
            s = Sys.Map(CSpace.SelfAddressSpace, frame, (ulong)Address(s_mapped + 1), Rights.Read | Rights.Write);
            if (s != Status.Ok) CSpace.Release(frame);
        }
        if (s != Status.Ok)
        {
            s_memory = s_mapped + (MaxPages - s_runLow);   // the untyped or the page-table pool is exhausted: do not try again
            return Status.NoSpace;
        }
        page = ++s_mapped;
        s_frames.Cap[page] = frame.Value;
        return Status.Ok;
    }

    /// <summary>Page `page`'s frame capability, to hand out copies of (mark it Shared); a run's page
    /// is carved from the run's frame the first time (an empty handle if that cannot be done now).</summary>
    public static CapHandle Frame(uint page)
    {
        if (s_frames.Cap[page] == 0 && InRun(page)) CarvePiece(page);
        return new CapHandle(s_frames.Cap[page]);
    }

    /// <summary>Whether page `page` belongs to a run.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool InRun(uint page) => page >= s_runLow && page < MaxPages;

    private static void CarvePiece(uint page)
    {
        CapHandle run = new CapHandle(s_runs.Frame[page / RunPages]);
        if (s_mapped + s_runSlots >= s_slots) return;
        if (DeviceCaps.Carve(run, (ulong)(page % RunPages) * Size, 12, out CapHandle piece) != Status.Ok) return;
        s_frames.Cap[page] = piece.Value;
        s_runSlots++;
    }

    /// <summary>16 pages in one frame, unzeroed (a page cache fills every byte), first page
    /// `first` (a multiple of RunPages); NoSpace when the pool cannot make one even after Reclaim
    /// (use pages then).</summary>
    public static Status AllocRun(out uint first)
    {
        while (true)
        {
            if (s_table.TakeRun(out int r))
            {
                first = (uint)r * RunPages;
                return Status.Ok;
            }
            if (NewRun(out first) == Status.Ok) return Status.Ok;
            if (Reclaim == null || !Reclaim(true)) return Status.NoSpace;
        }
    }

    // A new run, made and mapped as the next one down, held whole.
    private static Status NewRun(out uint first)
    {
        first = 0;
        uint low = s_runLow - RunPages;
        if (s_noRuns || low <= s_mapped || s_mapped + s_runSlots + 2 > s_slots || s_mapped + (MaxPages - low) > s_memory)
            return Status.NoSpace;
        if (CSpace.Make(ObjectType.Frame, RunBits, out CapHandle frame) != Status.Ok) return Status.NoSpace;
        CapHandle handout = default;
        Status s = Sys.Map(CSpace.SelfAddressSpace, frame, (ulong)Address(low), Rights.Read | Rights.Write);
        if (s == Status.Ok) s = CSpace.Copy(frame, Rights.Read | Rights.Write | Rights.Execute | Rights.Map, out handout);
        if (s != Status.Ok)
        {
            CSpace.Release(frame);   // deleting it unmaps it
            s_noRuns = true;         // the untyped or the page-table pool is exhausted: do not try again
            return Status.NoSpace;
        }
        s_runLow = low;
        s_runSlots += 2;
        int r = (int)(low / RunPages);
        s_runs.Frame[r] = frame.Value;
        s_runs.Handout[r] = handout.Value;
        s_table.Added(r);
        first = low;
        return Status.Ok;
    }

    /// <summary>Makes up to `runs` runs now and keeps them free (a reserve: a reader's first read then
    /// takes made runs, not a retype that zeroes 64 KiB, a map and a copy each); how many were made.</summary>
    public static int ReserveRuns(int runs)
    {
        // Every run readers map may be carved into pieces (a slot each): memory is kept to what the
        // slots can carve, so a piece is never refused for want of a slot while memory is left.
        uint carvable = s_slots / (RunPages + 2) * RunPages;
        if (s_memory > carvable) s_memory = carvable;
        int made = 0;
        while (made < runs && NewRun(out _) == Status.Ok) made++;
        // Made from the top down: the lowest first, s_runLow on.
        for (int i = 0; i < made; i++) s_table.ReleaseRun((int)(s_runLow / RunPages) + i);
        return made;
    }

    /// <summary>The run whose first page is `first`: the capability to hand out copies of (readers'
    /// whole-window mappings), noted as handed out so the withdraw or the free revokes them.</summary>
    public static CapHandle RunHandout(uint first)
    {
        s_runs.HandedOut[first / RunPages] = 1;
        return new CapHandle(s_runs.Handout[first / RunPages]);
    }

    /// <summary>Takes back every copy readers were given of page `page` (its file's last mapping
    /// handle closed): the page's own frame's, and for a run's page the whole-run copies too. The
    /// daemon's capabilities and mappings stay.</summary>
    public static void Withdraw(uint page)
    {
        if (InRun(page))
        {
            WithdrawRun((int)(page / RunPages));
            if (s_frames.Cap[page] == 0) return;
        }
        RevokeCopies(Frame(page));
    }

    // Takes back the whole-run copies readers were given of run `r`, if any since the last time.
    private static void WithdrawRun(int r)
    {
        if (s_runs.HandedOut[r] == 0) return;
        RevokeCopies(new CapHandle(s_runs.Handout[r]));
        s_runs.HandedOut[r] = 0;
    }

    // Takes back every copy made from `cap` (readers' frames); the capability and the daemon's own
    // mapping stay. A revoke fails only for a capability that is gone, and with it its copies.
    private static void RevokeCopies(CapHandle cap) => _ = Sys.Revoke(cap);

    /// <summary>Notes that copies of page `page`'s frame went to a client: Free revokes them.</summary>
    public static void Shared(uint page) => s_frames.Shared[page >> 6] |= 1UL << (int)(page & 63);

    /// <summary>A page that is never written (a hole's frame for readers); 0 if none can be made.</summary>
    public static uint ZeroPage()
    {
        if (s_zero == 0 && Alloc(out uint page) == Status.Ok) s_zero = page;
        return s_zero;
    }

    public static void Free(uint page)
    {
        if (page == 0) return;
        ulong bit = 1UL << (int)(page & 63);
        if ((s_frames.Shared[page >> 6] & bit) != 0)
        {
            // Copies left with clients that kept a frame past their file's close: taken back, so the
            // page never shows them another file's bytes. Revoking leaves the daemon's own mapping.
            RevokeCopies(Frame(page));
            s_frames.Shared[page >> 6] &= ~bit;
        }
        if (InRun(page))
        {
            // A whole run's first page back: its other pages may go to other files from now on, so
            // whole-run copies readers kept are taken back.
            int r = (int)(page / RunPages);
            if (s_table.FreePage(r, (int)(page % RunPages))) WithdrawRun(r);
            return;
        }
        *(uint*)Address(page) = s_free;
        s_free = page;
        s_freeCount++;
    }

    // rep stosq: a page is 512 stores, where a loop of byte stores ran about 20,000 instructions.
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "vireo_memzero")]
    private static extern void MemZero(byte* destination, nuint length);

    public static void Zero(byte* p, int n) => MemZero(p, (nuint)n);
}
