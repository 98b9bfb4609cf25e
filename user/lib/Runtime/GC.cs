// .NET's GC class over the user runtime's collector, plus the figures tests and benchmarks read.
// Lives in the user runtime, not the core library, so the kernel cannot call it.
using Vireo.User.Runtime;

namespace System;

public static unsafe class GC
{
    /// <summary>A full collection (a no-op if the collector is off or cannot stop a thread).</summary>
    public static void Collect() => Collector.CollectNow();

    /// <summary>Bytes in use: the first (bump) region's objects, what survived the last collection
    /// and what was allocated since.</summary>
    public static long GetTotalMemory(bool forceFullCollection)
    {
        if (forceFullCollection) Collect();
        GcHeap* h = Collector.Heap;
        long first = (long)(Internal.Runtime.Heap.RegionNext - Internal.Runtime.Heap.RegionStart);
        return h == null ? first : first + (long)(h->LiveBytes + h->AllocatedSinceCollection);
    }

    /// <summary>Collections so far (there is one generation).</summary>
    public static int CollectionCount(int generation)
    {
        GcHeap* h = Collector.Heap;
        return h == null || generation != 0 ? 0 : (int)h->Collections;
    }
}
