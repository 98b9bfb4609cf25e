// The managed heap's one entry point (RhpNewFast, the array helpers and strings all come here).
// By default a bump allocator over a region its owner hands over, which never frees. The kernel
// gives it a boot-time arena and seals it when boot is done: every allocation after that is
// counted, because the kernel must allocate nothing of its own after boot (objects come from
// memory user space holds). In user programs the first region (in .bss) takes the static bases
// and the first allocations; when it runs out, the user runtime installs the collector's
// allocator (Allocator) from OnExhausted. The kernel never references the collector, so ilc
// leaves it out of the kernel image (the kernel build checks kernel.map for it).
namespace Internal.Runtime
{
    public static unsafe class Heap
    {
        private static byte* s_next;
        private static byte* s_end;
        private static ulong s_allocations;
        private static ulong s_allocationsAfterSeal;
        private static bool s_sealed;

        private static byte* s_start;

        // Called when the region is exhausted; may hand over a new region through Extend or install
        // an Allocator and return true, or return false and let the allocation fail fast.
        public static delegate*<nuint, bool> OnExhausted;

        // When set, serves every allocation (size rounded up to 8) with zeroed memory. It returns
        // null only while it has no memory at all, and then the bump region serves the request.
        public static delegate*<nuint, byte*> Allocator;

        /// <summary>The bump region's objects lie back to back in [RegionStart, RegionNext).</summary>
        public static byte* RegionStart => s_start;
        public static byte* RegionNext => s_next;

        public static void Init(byte* start, nuint size)
        {
            s_start = start;
            s_next = start;
            s_end = start + size;
        }

        public static void Extend(byte* start, nuint size) => Init(start, size);

        public static void Seal() => s_sealed = true;

        public static bool IsSealed => s_sealed;
        public static ulong Allocations => s_allocations;
        public static ulong AllocationsAfterSeal => s_allocationsAfterSeal;
        public static nuint BytesLeft => (nuint)(s_end - s_next);

        public static byte* Allocate(nuint size)
        {
            size = (size + 7) & ~(nuint)7;
            if (Allocator != null)
            {
                byte* q = Allocator(size);
                if (q != null) return q;
            }
            if ((nuint)(s_end - s_next) < size)
            {
                if (OnExhausted == null || !OnExhausted(size))
                    System.Environment.FailFast("managed heap exhausted");
                if (Allocator != null)
                {
                    byte* q = Allocator(size);
                    if (q != null) return q;
                }
                if ((nuint)(s_end - s_next) < size)
                    System.Environment.FailFast("managed heap exhausted");
            }
            byte* p = s_next;
            s_next += size;
            s_allocations++;
            if (s_sealed) s_allocationsAfterSeal++;
            // Memory handed to the heap is zeroed by its owner; objects rely on that.
            return p;
        }
    }
}
