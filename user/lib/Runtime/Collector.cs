// The user runtime's garbage collector: takes over allocation from the core library's bump heap
// when its first region (16 KiB in .bss, which holds the static bases) runs out, so that a small
// program never maps heap memory, and finds the roots of a collection. Roots are (1) the objects
// of that first region, which are never freed and traced precisely, and the static bases, through
// the GC static regions start-up recorded; (2) the running thread's stack from its rsp to its top
// and its callee-saved registers, conservatively (any word that points into a live cell keeps that
// object); (3) every other running thread's registers and stack, stopped meanwhile (GcThreads).
// Objects are traced precisely from their GC descriptors (GcLayout). docs/design/gc.md argues it.
using System.Runtime;
using System.Runtime.CompilerServices;
using Internal.Runtime;

namespace Vireo.User.Runtime;

public static unsafe class Collector
{
    // The heap's state lives in the first page of the heap region, mapped when the collector
    // takes over: a program that never outgrows the .bss region pays for none of it.
    private static GcHeap* s_h;
    private static ulong s_mainStackTop;
    private static bool s_off;

    /// <summary>The collected heap (statistics; tests).</summary>
    public static GcHeap* Heap => s_h;

    /// <summary>Takes over allocation when the bump region runs out. mainStackTop: the end of the
    /// main thread's stack.</summary>
    public static void Install(ulong mainStackTop)
    {
        s_mainStackTop = mainStackTop;
        Internal.Runtime.Heap.OnExhausted = &TakeOver;
    }

    /// <summary>True once the collector serves allocations.</summary>
    public static bool Active => Internal.Runtime.Heap.Allocator != null;

    private static bool TakeOver(nuint size)
    {
        if (!s_off && s_h == null)
        {
            if ((ulong)sizeof(GcHeap) <= StatePage && Memory.Map(Memory.HeapBase, StatePage))
            {
                var h = (GcHeap*)Memory.HeapBase;
                h->Init((byte*)Memory.HeapBase + StatePage, (nuint)(Memory.HeapRegionBytes - StatePage), &Commit, &Collect, null);
                s_h = h;
            }
            else s_off = true;   // no memory: the bump heap goes on (and fails when it must)
        }
        if (s_off) return Memory.Grow(size);
        Internal.Runtime.Heap.Allocator = &Allocate;
        return true;
    }

    private const ulong StatePage = 4096;

    private static bool Commit(byte* at, nuint bytes) => Memory.Map((ulong)at, bytes);

    private static byte* Allocate(nuint size)
    {
        if (GcThreads.Count != 0) return AllocateLocked(size);
        byte* p = s_h->Allocate(size);
        return p != null ? p : Exhausted();
    }

    private static byte* AllocateLocked(nuint size)
    {
        GcThreads.Lock();
        byte* p = s_h->Allocate(size);
        GcThreads.Unlock();
        return p != null ? p : Exhausted();
    }

    // A process that never got memory for the collected heap (no Memory capability) goes back to
    // the bump heap, for good; one whose heap is full and all live ends.
    private static byte* Exhausted()
    {
        if (s_h->CommittedBytes != 0)
        {
            System.Console.Write("gc: ");
            System.Console.Write((ulong)s_h->LiveBytes);
            System.Console.Write(" bytes live after ");
            System.Console.Write(s_h->Collections);
            System.Console.Write(" collections, ");
            System.Console.Write((ulong)s_h->CommittedBytes);
            System.Console.WriteLine(" bytes mapped, no more memory");
            System.Environment.FailFast("managed heap exhausted");
        }
        s_off = true;
        Internal.Runtime.Heap.Allocator = null;
        return null;
    }

    /// <summary>Whether `bytes` more can be allocated now without the process ending for want of memory
    /// (GcHeap.Reserve: free blocks, committed now if need be, or a collection). A daemon asks before a
    /// request that allocates and answers NoSpace when not. True before the collected heap takes over
    /// (the small bump region: a process that far from its limit).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]   // before every Open: a few loads and a compare
    public static bool Reserve(nuint bytes)
    {
        if (!Active) return true;
        if (GcThreads.Count == 0) return s_h->Reserve(bytes);
        return ReserveLocked(bytes);
    }

    private static bool ReserveLocked(nuint bytes)
    {
        GcThreads.Lock();
        bool room = s_h->Reserve(bytes);
        GcThreads.Unlock();
        return room;
    }

    /// <summary>A full collection now; false if it could not run (another thread could not be stopped).</summary>
    public static bool CollectNow()
    {
        if (!Active) return false;
        if (GcThreads.Count == 0) return s_h->Collect();
        GcThreads.Lock();
        bool done = s_h->Collect();
        GcThreads.Unlock();
        return done;
    }

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "vireo_gc_spill")]
    private static extern ulong SpillRegisters(ulong* six);

    // The heap's collector function: called from an allocation or CollectNow, on the allocating thread.
    private static bool Collect(GcHeap* heap, void* context)
    {
        ulong* registers = stackalloc ulong[6];
        ulong rsp = SpillRegisters(registers);
        ulong top = GcThreads.StackTopOf(rsp);
        // A collection on another thread would need the main thread stopped, and there is no
        // capability to it.
        if (top != 0 || !heap->BeginCollection()) return false;
        if (!GcThreads.StopAndMarkOthers(heap, rsp))
        {
            heap->AbortCollection();
            return false;
        }
        heap->MarkRange((byte*)registers, (byte*)(registers + 6));
        heap->MarkRange((byte*)rsp, (byte*)s_mainStackTop);
        MarkStatics(heap);
        heap->MarkObjectsIn(Internal.Runtime.Heap.RegionStart, Internal.Runtime.Heap.RegionNext);
        heap->FinishCollection();
        GcThreads.ResumeOthers();
        return true;
    }

    private static void MarkStatics(GcHeap* heap)
    {
        for (int r = 0; r < StartupCodeHelpers.GCStaticRegionCount; r++)
        {
            void** slot;
            for (int i = 0; (slot = StartupCodeHelpers.GCStaticSlot(r, i)) != null; i++)
            {
                // Still tagged (low bit): the static base was never made.
                if (((nuint)(*slot) & 1) == 0) heap->MarkRoot((byte*)*slot);
            }
        }
    }
}
