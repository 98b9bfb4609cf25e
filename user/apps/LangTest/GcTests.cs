// The garbage collector in a running process: garbage is reclaimed in bounded memory, and what is
// reachable (from statics, from the stack, from registers, through arrays and object graphs)
// survives collections with its contents. Objects are made to escape (stored in a field, an array
// or returned from a method that is not inlined) so that .NET's stack allocation cannot turn a
// test of the heap into a test of the stack.
using System;
using System.Runtime.CompilerServices;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Runtime;
using T = Vireo.User.Testing.TestRunner;

static unsafe class GcTests
{
    private sealed class Node
    {
        public Node Next;
        public Node Other;
        public long Value;
    }

    private sealed class Tree
    {
        public Tree Left, Right;
        public int Value;
    }

    private static Node s_static;
    private static object[] s_graph;

    public static void Run()
    {
        T.Run("gc.churn_10M_small_objects_bounded", &Churn10M);
        T.Run("gc.linked_list_survives", &LinkedList);
        T.Run("gc.tree_survives", &TreeSurvives);
        T.Run("gc.arrays_of_references", &ArraysOfReferences);
        T.Run("gc.large_object_churn", &LargeObjectChurn);
        T.Run("gc.statics_survive", &StaticsSurvive);
        T.Run("gc.register_roots", &RegisterRoots);
        T.Run("gc.stack_roots", &StackRoots);
        T.Run("gc.collect_reclaims_1MiB_graph", &CollectReclaims1MiB);
        T.Run("gc.stats", &Stats);
        T.Run("gc.other_thread_roots", &OtherThreadRoots);
    }

    private static nuint HeapBytes => Collector.Heap == null ? 0 : Collector.Heap->CommittedBytes;

    private static void Churn10M()
    {
        var ring = new Node[64];
        var anchor = new Node();
        int before = GC.CollectionCount(0);
        nuint maxHeap = 0;
        for (int i = 0; i < 10_000_000; i++)
        {
            ring[i & 63] = new Node { Value = i, Next = anchor };
            if ((i & 0xFFFF) == 0 && HeapBytes > maxHeap) maxHeap = HeapBytes;
        }
        T.True(GC.CollectionCount(0) - before > 100, "collections ran");
        T.True(maxHeap <= 3 * 1024 * 1024, "the heap stayed under 3 MiB");
        for (int i = 0; i < 64; i++)
            if (!T.True(ring[i].Value % 64 == i && ring[i].Value >= 10_000_000 - 64, "the live set is intact")) return;
    }

    private static void LinkedList()
    {
        Node head = null;
        for (int i = 0; i < 20_000; i++)
        {
            head = new Node { Next = head, Value = i };
            Garbage(2);
        }
        GC.Collect();
        Garbage(50_000);
        GC.Collect();
        long expected = 19_999;
        for (Node n = head; n != null; n = n.Next, expected--)
            if (!T.Equal(expected, n.Value, "node value")) return;
        T.Equal(-1, expected, "every node is there");
    }

    private static void TreeSurvives()
    {
        int counter = 0;
        Tree root = Build(14, ref counter);
        GC.Collect();
        Garbage(100_000);
        GC.Collect();
        int seen = 0;
        T.True(Check(root, ref seen), "tree values in order");
        T.Equal(counter, seen, "every tree node is there");
    }

    private static Tree Build(int depth, ref int counter)
    {
        if (depth == 0) return null;
        var t = new Tree();
        t.Left = Build(depth - 1, ref counter);
        t.Value = counter++;
        Garbage(1);
        t.Right = Build(depth - 1, ref counter);
        return t;
    }

    private static bool Check(Tree t, ref int seen)
    {
        if (t == null) return true;
        if (!Check(t.Left, ref seen) || t.Value != seen) return false;
        seen++;
        return Check(t.Right, ref seen);
    }

    private static void ArraysOfReferences()
    {
        var outer = new Node[][] { new Node[100], new Node[1000], new Node[5000] };
        for (int a = 0; a < outer.Length; a++)
            for (int i = 0; i < outer[a].Length; i++)
            {
                outer[a][i] = new Node { Value = a * 100_000 + i };
                Garbage(1);
            }
        GC.Collect();
        Garbage(50_000);
        for (int a = 0; a < outer.Length; a++)
            for (int i = 0; i < outer[a].Length; i++)
                if (!T.Equal(a * 100_000 + i, outer[a][i].Value, "element value")) return;
    }

    private static void LargeObjectChurn()
    {
        byte[] keep = null;
        nuint maxHeap = 0;
        for (int i = 0; i < 2000; i++)
        {
            var big = new byte[40_000 + (i % 7) * 5000];
            big[0] = (byte)i;
            big[big.Length - 1] = (byte)(i + 1);
            for (int k = 1; k < big.Length - 1; k += 4093)
                if (!T.Equal(0, big[k], "large objects come zeroed")) return;
            big[5000] = 0xEE;
            if (i % 100 == 0) keep = big;
            if (HeapBytes > maxHeap) maxHeap = HeapBytes;
        }
        T.True(maxHeap <= 3 * 1024 * 1024, "the heap stayed under 3 MiB");
        T.Equal(1900 & 0xFF, keep[0], "the kept array is intact");
    }

    private static void StaticsSurvive()
    {
        for (int i = 0; i < 1000; i++) s_static = new Node { Next = s_static, Value = i };
        GC.Collect();
        Garbage(100_000);
        GC.Collect();
        long expected = 999;
        for (Node n = s_static; n != null; n = n.Next, expected--)
            if (!T.Equal(expected, n.Value, "node value")) return;
        T.Equal(-1, expected, "every node is there");
        s_static = null;
    }

    // Five references live across a call fit in the callee-saved registers (rbx, r12-r15).
    private static void RegisterRoots()
    {
        Node a = Make(1), b = Make(2), c = Make(3), d = Make(4), e = Make(5);
        Overwrite();
        T.True(a.Value == 1 && b.Value == 2 && c.Value == 3 && d.Value == 4 && e.Value == 5, "objects held in registers");
    }

    // Twelve do not: most sit in stack slots.
    private static void StackRoots()
    {
        Node a = Make(1), b = Make(2), c = Make(3), d = Make(4), e = Make(5), f = Make(6);
        Node g = Make(7), h = Make(8), i = Make(9), j = Make(10), k = Make(11), l = Make(12);
        Overwrite();
        long sum = a.Value + b.Value + c.Value + d.Value + e.Value + f.Value + g.Value + h.Value + i.Value + j.Value + k.Value + l.Value;
        T.Equal(78, sum, "objects held on the stack");
        T.True(a.Value == 1 && l.Value == 12, "first and last");
    }

    private static void CollectReclaims1MiB()
    {
        GC.Collect();
        long before = GC.GetTotalMemory(true);
        var graph = new object[12 * 1024];
        for (int i = 0; i < graph.Length; i++) graph[i] = new Node { Value = i, Other = new Node() };
        s_graph = graph;   // 12 Ki * 2 * 48 bytes + 96 KiB: over 1 MiB
        long with = GC.GetTotalMemory(true);
        T.True(with - before >= 1024 * 1024, "the graph holds 1 MiB");
        s_graph = null;
        graph = null;
        long after = GC.GetTotalMemory(true);
        T.True(with - after >= 1024 * 1024, "dropping it gives 1 MiB back");
    }

    private static void Stats()
    {
        int before = GC.CollectionCount(0);
        GC.Collect();
        T.Equal(before + 1, GC.CollectionCount(0), "GC.Collect counts one collection");
        long total = GC.GetTotalMemory(false);
        Garbage(1000);
        T.True(GC.GetTotalMemory(false) >= total + 1000 * 32, "allocation shows in GetTotalMemory");
    }

    // A second thread holds objects in its registers and stack while the main thread collects. If
    // the kernel can read a stopped thread's registers (syscall 37), the collections run with the
    // thread stopped and must keep its objects; if not, they are refused while it runs.
    private const ulong WorkerStack = 0x0000_5A00_0000_0000;
    private static int s_workerState;   // 1: holding its objects, 2: told to check them

    private static void OtherThreadRoots()
    {
        bool readable = Sys.ThreadRegisters(default, ThreadRegistersOp.Read, null) != Status.UnknownSyscall;
        s_workerState = 0;
        if (!T.Status(Status.Ok, ThreadBuilder.Create(new CapHandle(BootstrapSlots.Memory, 0), &Worker, 0, WorkerStack, out LocalThread t), "a worker thread"))
            return;
        T.Status(Status.Ok, Sys.ThreadStart(t.Thread), "start it");
        while (s_workerState != 1) Sys.Yield();   // the call keeps the load in the loop
        int before = GC.CollectionCount(0);
        for (int i = 0; i < 5; i++) Overwrite();
        int collections = GC.CollectionCount(0) - before;
        s_workerState = 2;
        T.Status(Status.Ok, Sys.ThreadWait(t.Thread, out ThreadExitKind kind, out ulong code), "wait for the worker");
        T.Equal((long)ThreadExitKind.Exited, (long)kind, "the worker ended by returning");
        T.Equal(1, (long)code, "the worker's objects survived");
        if (readable) T.True(collections >= 5, "collections ran with the worker stopped");
        else T.Equal(0, collections, "without register access, collections wait for the worker");
        ThreadBuilder.Destroy(ref t);
        GC.Collect();
        T.True(GC.CollectionCount(0) > before, "with the worker gone, collections run again");
    }

    private static ulong Worker(ulong arg)
    {
        Node a = Make(1), b = Make(2), c = Make(3), d = Make(4), e = Make(5), f = Make(6), g = Make(7);
        s_workerState = 1;
        while (s_workerState != 2) Sys.Yield();
        long sum = a.Value + b.Value + c.Value + d.Value + e.Value + f.Value + g.Value;
        return sum == 28 && a.Value == 1 && g.Value == 7 ? 1UL : 0UL;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Node Make(long value) => new Node { Value = value };

    // Collects, then allocates Nodes that would reuse the memory of any object wrongly freed.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Overwrite()
    {
        GC.Collect();
        for (int i = 0; i < 10_000; i++) s_static = new Node { Value = -1, Next = s_static };
        s_static = null;
    }

    // Unreachable objects that escape (stored into a static), so they are really on the heap.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Garbage(int count)
    {
        for (int i = 0; i < count; i++) s_sink = new Node { Value = -2 };
        s_sink = null;
    }

    private static Node s_sink;
}
