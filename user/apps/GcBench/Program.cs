// The garbage collector's benchmarks. Each prints "BENCH <name> <value>", a TSC delta that under
// ./vireo bench's -icount counts guest instructions:
// - gc_alloc_32B: instructions per 32-byte object allocated in a loop that keeps 64 of them alive,
//   the collections the loop causes included (about one per 32 Ki objects);
// - gc_pause_1MiB_live: one full collection (GC.Collect) with 1 MiB of small objects live.
// A figure of 0 means the run went wrong (no collection happened, or the live data was damaged).
using System;
using System.Runtime;
using System.Runtime.CompilerServices;
using Vireo.User.Testing;

static class Program
{
    private sealed class Small   // 32 bytes: MethodTable, two fields, the header word
    {
        public Small Next;
        public long Value;
    }

    [RuntimeExport("vireo_main")]
    static int Main()
    {
        Bench.Report("gc_alloc_32B", Alloc32());
        Bench.Report("gc_pause_1MiB_live", Pause1MiB());
        return 0;
    }

    private static ulong Alloc32()
    {
        const int n = 1_000_000;
        var ring = new Small[64];
        Churn(ring, n);   // warm up: the heap reaches its steady size, so no mapping is measured
        int collections = GC.CollectionCount(0);
        ulong t0 = Vireo.User.Sys.ReadTsc();
        Churn(ring, n);
        ulong result = (Vireo.User.Sys.ReadTsc() - t0) / n;
        if (GC.CollectionCount(0) == collections) return 0;
        for (int i = 0; i < 64; i++) if (ring[i].Value != n - 64 + i) return 0;
        return result;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Churn(Small[] ring, int n)
    {
        for (int i = 0; i < n; i++) ring[i & 63] = new Small { Value = i };
    }

    private static ulong Pause1MiB()
    {
        // 32 Ki objects of 32 bytes in one list, held by a local.
        Small head = null;
        for (int i = 0; i < 32 * 1024; i++) head = new Small { Next = head, Value = i };
        GC.Collect();
        ulong t0 = Vireo.User.Sys.ReadTsc();
        GC.Collect();
        ulong result = Vireo.User.Sys.ReadTsc() - t0;
        long expected = 32 * 1024 - 1;
        for (Small s = head; s != null; s = s.Next, expected--) if (s.Value != expected) return 0;
        return expected == -1 && GC.GetTotalMemory(false) >= 1024 * 1024 ? result : 0;
    }
}
