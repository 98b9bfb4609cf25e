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

    private static uint s_limit;     // pages that may be mapped
    private static uint s_mapped;    // pages 1..s_mapped are mapped
    private static uint s_free;      // first page of the free list (0 = empty)
    private static uint s_freeCount; // pages on the free list

    /// <summary>Pages the pool may hold, and those not holding data now (Statfs).</summary>
    public static uint Limit => s_limit;
    public static uint Available => s_limit - s_mapped + s_freeCount;
    private static uint s_zero;      // a page that stays zero, handed out for holes (0 until asked for)

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
        if (s_mapped >= s_limit) return Status.NoSpace;
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

    /// <summary>Page `page`'s frame capability, to hand out copies of (mark it Shared).</summary>
    public static CapHandle Frame(uint page) => new CapHandle(s_frames.Cap[page]);

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
        *(uint*)Address(page) = s_free;
        s_free = page;
        s_freeCount++;
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
