// The collector's algorithm on the host: allocation from size classes and large runs, marking
// through synthetic GC descriptors (plain series, arrays of references, the repeating series of
// struct arrays), conservative roots with interior pointers, mark-stack overflow, sweeping into
// zeroed free cells and free blocks, and the allocation-pressure trigger.
using Vireo.User.Runtime;
using Xunit;

namespace Vireo.Tests.Gc;

public unsafe class GcHeapTests
{
    [Fact]
    public void StateFitsItsPageAndTheSideTableEntryStaysSmall()
    {
        // The user runtime keeps GcHeap in the first page of the heap region (Collector.TakeOver).
        Assert.True(sizeof(GcHeap) <= 4096);
        Assert.Equal(80, sizeof(GcBlock));
        Assert.True(GcBlock.MarkWords * 64 >= GcBlock.Size / 16, "a mark bit for every 16-byte cell");
    }

    [Fact]
    public void SmallAllocationsAreZeroedDistinctAndInTheirClass()
    {
        using var w = new GcWorld();
        byte* node = w.ClassType(2, 1);
        byte* a = w.New(node), b = w.New(node);
        Assert.True(a != null && b != null && a != b);
        Assert.Equal(0UL, (ulong)a % 16);
        Assert.Equal(32u, w.Heap->ClassSize(w.Heap->ClassOf(32)));
        Assert.Equal(160u, w.Heap->ClassSize(w.Heap->ClassOf(129)));
        Assert.Equal(2048u, w.Heap->ClassSize(w.Heap->ClassOf(2048)));
        for (int i = 8; i < 32; i++) Assert.Equal(0, a[i]);
    }

    [Fact]
    public void UnreachableObjectsAreFreedAndTheirMemoryReused()
    {
        using var w = new GcWorld();
        byte* node = w.ClassType(1, 2);
        byte* first = w.New(node);
        for (int i = 0; i < 1000; i++) GcWorld.SetRef(w.New(node), 0, first);
        nuint heapBytes = w.Heap->BlockBytes;
        Assert.True(w.Heap->Collect());
        Assert.Equal(0u, (uint)w.Heap->LiveBytes);
        Assert.Equal(1u, (uint)w.Heap->Collections);
        Assert.False(w.IsLiveObject(first));
        for (int i = 0; i < 1000; i++) Assert.True(w.New(node) != null);
        Assert.Equal(heapBytes, w.Heap->BlockBytes);
    }

    [Fact]
    public void FreedCellsAreZeroedButForTheirLink()
    {
        using var w = new GcWorld();
        byte* node = w.ClassType(0, 3);
        byte* dead = w.New(node);
        for (int i = 8; i < 32; i++) dead[i] = 0xAB;
        w.Heap->Collect();
        for (int i = 8; i < 32; i++) Assert.Equal(0, dead[i]);
        Assert.True(*(byte**)dead == null || w.Heap->Contains(*(byte**)dead));
    }

    [Fact]
    public void ListReachableFromAPreciseRootSurvivesWithItsContents()
    {
        using var w = new GcWorld();
        byte* node = w.ClassType(1, 1);
        byte* head = null;
        for (int i = 0; i < 5000; i++)
        {
            byte* n = w.New(node);
            GcWorld.SetRef(n, 0, head);
            *(long*)(n + 16) = i;
            head = n;
            w.New(node);   // garbage in between
        }
        w.Roots.Add((nint)head);
        w.Heap->Collect();
        int count = 0;
        for (byte* n = head; n != null; n = GcWorld.GetRef(n, 0), count++)
        {
            Assert.True(w.IsLiveObject(n));
            Assert.Equal(4999 - count, *(long*)(n + 16));
        }
        Assert.Equal(5000, count);
        Assert.Equal(5000u * w.Heap->ClassSize(w.Heap->ClassOf(32)), (uint)w.Heap->LiveBytes);
    }

    [Fact]
    public void CyclesSurviveWhenReachedAndAreFreedWhenNot()
    {
        using var w = new GcWorld();
        byte* node = w.ClassType(1, 0);
        byte* a = w.New(node), b = w.New(node), c = w.New(node), d = w.New(node);
        GcWorld.SetRef(a, 0, b);
        GcWorld.SetRef(b, 0, a);
        GcWorld.SetRef(c, 0, d);
        GcWorld.SetRef(d, 0, c);
        w.Roots.Add((nint)a);
        w.Heap->Collect();
        Assert.True(w.IsLiveObject(a) && w.IsLiveObject(b));
        Assert.True(GcWorld.GetRef(a, 0) == b && GcWorld.GetRef(b, 0) == a);
        Assert.False(w.IsLiveObject(c) || w.IsLiveObject(d));
    }

    [Fact]
    public void ConservativeWordsKeepObjectsThroughInteriorPointersOnly()
    {
        using var w = new GcWorld();
        byte* node = w.ClassType(0, 6);   // 64 bytes
        byte* held = w.New(node), interior = w.New(node), dropped = w.New(node);
        w.Stack[0] = (nint)held;
        w.Stack[1] = (nint)(interior + 40);
        w.Stack[2] = 12345;
        w.Heap->Collect();
        Assert.True(w.IsLiveObject(held) && w.IsLiveObject(interior));
        Assert.False(w.IsLiveObject(dropped));
        // A word pointing at a free cell keeps nothing, and later allocation may reuse the cell.
        w.Stack[2] = (nint)dropped;
        w.Heap->Collect();
        Assert.False(w.IsLiveObject(dropped));
        Assert.Equal(2u * 64, (uint)w.Heap->LiveBytes);
    }

    [Fact]
    public void ArraysOfReferencesKeepTheirElements()
    {
        using var w = new GcWorld();
        byte* node = w.ClassType(0, 1);
        byte* array = w.NewArray(w.RefArrayType(), 100);
        for (int i = 0; i < 100; i++)
        {
            byte* n = w.New(node);
            *(long*)(n + 8) = i * 7;
            if (i % 2 == 0) GcWorld.SetElement(array, i, n);
        }
        w.Roots.Add((nint)array);
        w.Heap->Collect();
        for (int i = 0; i < 100; i += 2)
        {
            byte* n = GcWorld.GetElement(array, i);
            Assert.True(w.IsLiveObject(n));
            Assert.Equal(i * 7, *(long*)(n + 8));
        }
        Assert.Equal(50u * 32 + w.Heap->ClassSize(w.Heap->ClassOf(24 + 800)), (uint)w.Heap->LiveBytes);
    }

    [Fact]
    public void StructArraysAreTracedByTheRepeatingSeriesAndTheirPlainWordsIgnored()
    {
        using var w = new GcWorld();
        byte* node = w.ClassType(0, 1);
        byte* array = w.NewArray(w.StructArrayType(), 10);
        var kept = new nint[10];
        var notKept = new nint[10];
        for (int i = 0; i < 10; i++)
        {
            kept[i] = (nint)w.New(node);
            notKept[i] = (nint)w.New(node);
            *(nint*)(array + 16 + i * 16) = kept[i];
            *(nint*)(array + 24 + i * 16) = notKept[i];   // a long that looks like a reference
        }
        w.Roots.Add((nint)array);
        w.Heap->Collect();
        for (int i = 0; i < 10; i++)
        {
            Assert.True(w.IsLiveObject((byte*)kept[i]));
            Assert.False(w.IsLiveObject((byte*)notKept[i]));
        }
    }

    [Fact]
    public void ByteArraysAreNotScanned()
    {
        using var w = new GcWorld();
        byte* node = w.ClassType(0, 1);
        byte* bytes = w.NewArray(w.ByteArrayType(), 64);
        byte* n = w.New(node);
        *(nint*)(bytes + 16) = (nint)n;
        w.Roots.Add((nint)bytes);
        w.Heap->Collect();
        Assert.True(w.IsLiveObject(bytes));
        Assert.False(w.IsLiveObject(n));
    }

    [Fact]
    public void LargeObjectsGetBlockRunsFreedAndReused()
    {
        using var w = new GcWorld();
        byte* bytes = w.ByteArrayType();
        byte* big = w.NewArray(bytes, 20000);
        byte* other = w.NewArray(bytes, 20000);
        Assert.Equal(0u, (uint)((nuint)(big - w.Heap->BlocksStart) % GcBlock.Size));
        big[20000] = 1;
        w.Stack[0] = (nint)(big + 16 + 19000);   // an interior pointer into a tail block
        w.Heap->Collect();
        Assert.True(w.IsLiveObject(big));
        Assert.False(w.IsLiveObject(other));
        Assert.Equal(3u * GcBlock.Size, (uint)w.Heap->LiveBytes);
        for (int i = 0; i < 20024; i++) Assert.Equal(0, other[i]);
        nuint heapBytes = w.Heap->BlockBytes;
        Assert.True(w.NewArray(bytes, 20000) == other);
        Assert.Equal(heapBytes, w.Heap->BlockBytes);
    }

    [Fact]
    public void MarkStackOverflowStillMarksEverything()
    {
        using var w = new GcWorld();
        byte* node = w.ClassType(1, 0);
        const int n = 6000;   // more than the mark stack holds
        byte* array = w.NewArray(w.RefArrayType(), n);
        for (int i = 0; i < n; i++)
        {
            byte* a = w.New(node);
            GcWorld.SetRef(a, 0, w.New(node));
            GcWorld.SetElement(array, i, a);
        }
        w.Roots.Add((nint)array);
        w.Heap->Collect();
        for (int i = 0; i < n; i++)
        {
            byte* a = GcWorld.GetElement(array, i);
            Assert.True(w.IsLiveObject(a) && w.IsLiveObject(GcWorld.GetRef(a, 0)));
        }
    }

    [Fact]
    public void RootsOutsideTheHeapAreTracedButNotMarked()
    {
        using var w = new GcWorld();
        byte* node = w.ClassType(1, 0);
        byte* outside = stackalloc byte[32];
        *(byte**)outside = node;
        byte* inside = w.New(node);
        GcWorld.SetRef(outside, 0, inside);
        w.Roots.Add((nint)outside);
        w.Heap->Collect();
        Assert.True(w.IsLiveObject(inside));
        Assert.Equal(w.Heap->ClassSize(w.Heap->ClassOf(24)), (uint)w.Heap->LiveBytes);
    }

    [Fact]
    public void ObjectsOfTheFirstRegionAreWalkedAsRoots()
    {
        using var w = new GcWorld();
        byte* node = w.ClassType(1, 0);   // 24 bytes
        byte* bytes = w.ByteArrayType();
        byte* held = w.New(node), dropped = w.New(node);
        // Three objects back to back as the bump region holds them: a node, a 5-byte array
        // (rounded up to 32 bytes), a node; then unused zero memory.
        byte* region = stackalloc byte[256];
        new System.Span<byte>(region, 256).Clear();
        *(byte**)region = node;
        *(byte**)(region + 24) = bytes;
        *(int*)(region + 32) = 5;
        *(byte**)(region + 56) = node;
        GcWorld.SetRef(region + 56, 0, held);
        *(byte**)(region + 48) = dropped;   // inside the byte array: not a reference
        w.Heap->BeginCollection();
        w.Heap->MarkObjectsIn(region, region + 256);
        w.Heap->FinishCollection();
        Assert.True(w.IsLiveObject(held));
        Assert.False(w.IsLiveObject(dropped));
    }

    [Fact]
    public void AllocationPressureCollectsAndKeepsTheHeapBounded()
    {
        using var w = new GcWorld(minTrigger: 64 * 1024, commitLimit: 512 * 1024);
        byte* node = w.ClassType(1, 2);
        byte* keep = null;
        for (int i = 0; i < 200_000; i++)
        {
            byte* n = w.New(node);
            Assert.True(n != null);
            if (i % 1000 == 0)
            {
                GcWorld.SetRef(n, 0, keep);
                keep = n;
                w.Stack[0] = (nint)keep;
            }
        }
        Assert.True(w.Heap->Collections > 10);
        Assert.True(w.Heap->CommittedBytes <= 512 * 1024);
        int count = 0;
        for (byte* n = keep; n != null; n = GcWorld.GetRef(n, 0)) count++;
        Assert.Equal(200, count);
    }

    [Fact]
    public void FullHeapCollectsBeforeFailingAndFailsWhenAllIsLive()
    {
        using var w = new GcWorld(minTrigger: 1 << 30, commitLimit: 256 * 1024);
        byte* node = w.ClassType(0, 6);
        for (int i = 0; i < 20_000; i++) Assert.True(w.New(node) != null);
        Assert.True(w.Heap->Collections > 0);
        w.RefuseCollections = true;
        int made = 0;
        while (w.New(node) != null) made++;
        Assert.True(made < 20_000);
    }

    // Reserve: a daemon asks whether a request's allocations fit before it makes them. It counts free
    // blocks, commits what is missing up to the limit, collects when that is not enough, and allocates
    // nothing; once it says yes, that much can be allocated without failing.
    [Fact]
    public void ReserveCountsFreeBlocksCommitsAndCollects()
    {
        using var w = new GcWorld(minTrigger: 1 << 30, commitLimit: 256 * 1024);
        byte* bytes = w.ByteArrayType();
        // A small reserve commits a whole chunk (a few frames, so a few slots, per 64 KiB).
        Assert.True(w.Heap->Reserve(1));
        Assert.Equal((uint)GcHeap.ReserveChunkBlocks, (uint)w.Heap->FreeBlocks);
        Assert.True(w.Heap->Reserve(64 * 1024));
        Assert.True(w.Heap->FreeBlocks >= 8);
        nuint committed = w.Heap->CommittedBytes;
        Assert.True(w.Heap->Reserve(64 * 1024));
        Assert.Equal(committed, w.Heap->CommittedBytes);   // already there: nothing more committed
        // Fill the heap with live large arrays until Reserve says no; every one it said yes to was made.
        int made = 0;
        while (w.Heap->Reserve(3000))
        {
            byte* a = w.NewArray(bytes, 3000);
            Assert.True(a != null);
            w.Stack[made++] = (nint)a;
        }
        Assert.True(made > 10);
        Assert.True(w.Heap->CommittedBytes <= 256 * 1024);
        Assert.Equal(0u, (uint)w.Heap->FreeBlocks);
        // Let the arrays go: Reserve collects, and the blocks count as free again.
        for (int i = 0; i < made; i++) w.Stack[i] = 0;
        Assert.True(w.Heap->Reserve(64 * 1024));
        Assert.True(w.Heap->FreeBlocks >= (nuint)made);
    }

    [Fact]
    public void ARefusedCollectionLeavesNoMarks()
    {
        using var w = new GcWorld();
        byte* node = w.ClassType(0, 1);
        byte* a = w.New(node);
        w.Heap->BeginCollection();
        w.Heap->MarkRange((byte*)&a, (byte*)(&a + 1));
        w.Heap->AbortCollection();
        w.Heap->Collect();
        Assert.False(w.IsLiveObject(a));
    }
}
