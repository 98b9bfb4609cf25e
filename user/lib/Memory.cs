// Mapping memory for the managed heap: frames retyped from the untyped memory in the process's
// Memory slot (and from blocks asked of the parent once it is used up: MemoryRequest), mapped read-write at the address asked for. The collector (Runtime/Collector.cs)
// commits its region at HeapBase upwards through Map; a process whose collector is off (no Memory
// capability) keeps the bump heap, which grows through Grow. Either fails with "managed heap
// exhausted" when the frames run out.
using Vireo.Abi;

namespace Vireo.User;

public static unsafe class Memory
{
    /// <summary>1 GiB: the same page directory pointer table as the program image, so the first
    /// 2 MiB of heap costs two page tables.</summary>
    public const ulong HeapBase = 0x0000_0000_4000_0000;
    /// <summary>Address space kept for the collected heap (its side table, mark stack and blocks).
    /// Ramfs maps its pages 512 MiB above HeapBase.</summary>
    public const ulong HeapRegionBytes = 256UL << 20;
    private const ulong Chunk = 64 * 1024;
    private const ulong Page = 4096;
    private static ulong s_next = HeapBase;
    private static ulong s_pages;

    public static ulong PagesMapped => s_pages;

    /// <summary>Maps `bytes` (whole pages) of fresh zeroed memory at `address`. On failure the pages
    /// already mapped stay mapped (the caller may ask again from where it stopped).</summary>
    public static bool Map(ulong address, ulong bytes)
    {
        // Frames as large as the alignment allows (2 MiB at most): one capability slot per 2 MiB.
        Status s = MemoryRequest.MapNew(address, bytes, out ulong mapped);
        s_pages += mapped / Page;
        return s == Status.Ok;
    }

    // The bump heap's growth (Heap.OnExhausted), used only while the collector is off.
    internal static bool Grow(nuint needed)
    {
        ulong bytes = ((ulong)needed + Chunk - 1) & ~(Chunk - 1);
        ulong start = s_next;
        if (!Map(start, bytes)) return false;
        s_next = start + bytes;
        Internal.Runtime.Heap.Extend((byte*)start, (nuint)bytes);
        return true;
    }
}
