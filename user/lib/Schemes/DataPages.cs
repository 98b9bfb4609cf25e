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
// pieces. A run goes back to the free runs when its last page is freed.
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

    private static uint s_limit;     // capability slots the pool may take (and pages it may hold): a page is one, a run two
    private static uint s_memory;    // pages of memory the pool may hold (--pages): a run is 16
    private static uint s_runSlots;  // slots runs hold: their frames, handout copies and carved pieces
    private static uint s_mapped;    // pages 1..s_mapped are mapped
    private static uint s_free;      // first page of the free list (0 = empty)
    private static uint s_freeCount; // pages on the free list

    /// <summary>Pages the pool may hold, and those not holding data now (Statfs).</summary>
    public static uint Limit => s_limit;
    public static uint Available => s_limit - s_mapped - s_runSlots + s_freeCount + FreeRunPages();

    private static uint FreeRunPages()
    {
        uint n = 0;
        for (uint r = s_freeRun; r != 0; r = s_runs.Next[r / RunPages]) n += RunPages;
        return n;
    }
    private static uint s_zero;      // a page that stays zero, handed out for holes (0 until asked for)

    /// <summary>Pages in a run: one 64 KiB frame (a reader's window, FileMap.WindowPages).</summary>
    public const int RunPages = 16;
    private const int RunBits = 16;
    private const int MaxRuns = (int)MaxPages / RunPages;
    private static uint s_runLow = MaxPages;   // runs hold pages [s_runLow, MaxPages)
    private static uint s_freeRun;             // a free run's first page (0 = none), listed through Next
    private static bool s_noRuns;              // memory or page tables ran out for a run: pages only

    private struct Runs
    {
        public fixed ulong Frame[MaxRuns];     // the run's 64 KiB frame (the daemon's, mapped)
        public fixed ulong Handout[MaxRuns];   // a copy of it that readers get copies of
        public fixed ushort Used[MaxRuns];     // pages of it not freed
        public fixed uint Next[MaxRuns];       // the free runs' list
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
        uint free = CountFreeSlots();
        uint keep = free / 4;
        if (keep < 16) keep = 16;
        if (keep > handles + 8) keep = handles + 8;
        keep += HeapSlots;
        uint room = free > keep ? free - keep : 0;
        s_memory = limit > MaxPages ? MaxPages : limit;
        if (limit > room) limit = room;
        s_limit = limit > MaxPages ? MaxPages : limit;
    }

    /// <summary>A zeroed page, or NoSpace. `zeroed` false: a reused page keeps old bytes (for a
    /// caller that writes every byte of it, as a page cache filling it from the disk does).</summary>
    public static Status Alloc(out uint page, bool zeroed = true)
    {
        page = s_free;
        if (page != 0)
        {
            s_free = *(uint*)Address(page);
            s_freeCount--;
            if (zeroed) Zero(Address(page), Size);
            return Status.Ok;
        }
        if (s_mapped + s_runSlots >= s_limit || s_mapped + (MaxPages - s_runLow) >= s_memory || s_mapped + 1 >= s_runLow) return Status.NoSpace;
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
            s_limit = s_mapped;   // the untyped or the page-table pool is exhausted: do not try again
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
        if (s_mapped + s_runSlots >= s_limit) return;
        if (DeviceCaps.Carve(run, (ulong)(page % RunPages) * Size, 12, out CapHandle piece) != Status.Ok) return;
        s_frames.Cap[page] = piece.Value;
        s_runSlots++;
    }

    /// <summary>16 pages in one frame, unzeroed (a page cache fills every byte), first page
    /// `first` (a multiple of RunPages); NoSpace when the pool cannot make one (use pages then).</summary>
    public static Status AllocRun(out uint first)
    {
        first = s_freeRun;
        if (first != 0)
        {
            s_freeRun = s_runs.Next[first / RunPages];
            s_runs.Used[first / RunPages] = RunPages;
            return Status.Ok;
        }
        uint low = s_runLow - RunPages;
        if (s_noRuns || low <= s_mapped || s_mapped + s_runSlots + 2 > s_limit || s_mapped + (MaxPages - low) > s_memory)
            return Status.NoSpace;
        if (CSpace.Make(ObjectType.Frame, RunBits, out CapHandle frame) != Status.Ok) return Status.NoSpace;
        CapHandle handout = default;
        Status s = Sys.Map(CSpace.SelfAddressSpace, frame, (ulong)Address(low), Rights.Read | Rights.Write);
        if (s == Status.Ok) s = CopyOf(frame, out handout);
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
        s_runs.Used[r] = RunPages;
        first = low;
        return Status.Ok;
    }

    /// <summary>Makes up to `runs` runs now and keeps them free (a reserve: a reader's first read then
    /// takes made runs, not a retype that zeroes 64 KiB, a map and a copy each); how many were made.</summary>
    public static int ReserveRuns(int runs)
    {
        // All made first, then freed: a run freed at once would be the next one taken.
        uint held = 0;   // the runs made, listed through Next
        int made = 0;
        while (made < runs && s_freeRun == 0 && AllocRun(out uint first) == Status.Ok)
        {
            s_runs.Next[first / RunPages] = held;
            held = first;
            made++;
        }
        while (held != 0)
        {
            uint next = s_runs.Next[held / RunPages];
            s_runs.Used[held / RunPages] = 1;
            FreeInRun(held);
            held = next;
        }
        return made;
    }

    private static Status CopyOf(CapHandle frame, out CapHandle copy)
    {
        copy = default;
        if (!CSpace.TryAlloc(out uint slot)) return Status.NoSpace;
        Status s = Sys.Copy(frame, CSpace.Self, slot, Rights.Read | Rights.Write | Rights.Execute | Rights.Map, out copy);
        if (s != Status.Ok) CSpace.Free(slot);
        return s;
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
            int r = (int)(page / RunPages);
            if (s_runs.HandedOut[r] != 0)
            {
                RevokeCopies(new CapHandle(s_runs.Handout[r]));
                s_runs.HandedOut[r] = 0;
            }
            if (s_frames.Cap[page] == 0) return;
        }
        RevokeCopies(Frame(page));
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
            _ = Sys.Revoke(Frame(page));
            s_frames.Shared[page >> 6] &= ~bit;
        }
        if (InRun(page))
        {
            FreeInRun(page);
            return;
        }
        *(uint*)Address(page) = s_free;
        s_free = page;
        s_freeCount++;
    }

    // A run's page freed: with its last one the run is free (whole-run copies readers kept taken back).
    private static void FreeInRun(uint page)
    {
        int r = (int)(page / RunPages);
        if (--s_runs.Used[r] != 0) return;
        if (s_runs.HandedOut[r] != 0)
        {
            RevokeCopies(new CapHandle(s_runs.Handout[r]));
            s_runs.HandedOut[r] = 0;
        }
        s_runs.Next[r] = s_freeRun;
        s_freeRun = (uint)r * RunPages;
    }

    // rep stosq: a page is 512 stores, where a loop of byte stores ran about 20,000 instructions.
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "vireo_memzero")]
    private static extern void MemZero(byte* destination, nuint length);

    public static void Zero(byte* p, int n) => MemZero(p, (nuint)n);

    // The CNode's size is not passed on by the runtime: take every free slot once (noting which in
    // a bitmap), then give them all back.
    private struct Taken { public fixed ulong Words[CSpace.MaxSlots / 64]; }
    private static Taken s_taken;

    private static uint CountFreeSlots()
    {
        uint n = 0;
        while (CSpace.TryAlloc(out uint slot))
        {
            s_taken.Words[slot >> 6] |= 1UL << (int)(slot & 63);
            n++;
        }
        for (uint i = 0; i < CSpace.MaxSlots; i++)
            if ((s_taken.Words[i >> 6] & (1UL << (int)(i & 63))) != 0) CSpace.Free(i);
        return n;
    }
}
