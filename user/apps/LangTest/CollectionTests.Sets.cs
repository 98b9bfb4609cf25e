// CollectionTests, continued: HashSet<T>, Array.Sort, Queue<T> and Stack<T>.
using System.Collections;
using System.Collections.Generic;
using System.Text;
using T = Vireo.User.Testing.TestRunner;

static unsafe partial class CollectionTests
{
    // --- HashSet<T>, Queue<T>, Stack<T> ----------------------------------------------------------

    private static void HashSetOperations()
    {
        var set = new HashSet<int>();
        T.True(set.Add(1) && set.Add(2) && !set.Add(1), "Add reports duplicates");
        for (int i = 0; i < 1000; i++) set.Add(i * 3);
        T.Equal(1002, set.Count, "count: 1, 2 and the 1,000 multiples of 3");
        T.True(set.Contains(2997) && !set.Contains(2998), "Contains");
        T.True(set.Remove(3) && !set.Remove(3), "Remove");
        long sum = 0;
        foreach (int x in set) sum += x;
        T.Equal(3L * 999 * 1000 / 2 + 1 + 2 - 3, sum, "foreach sum");
        var other = new List<int>();
        for (int i = 0; i < 10; i++) other.Add(i);
        var small = new HashSet<int>(other);
        small.ExceptWith(set);
        // 0..9 minus {0,1,2,6,9}: 3 was removed from the big set, so it stays.
        T.True(small.Count == 5 && small.Contains(3) && small.Contains(4) && !small.Contains(6), "ExceptWith");
        small.UnionWith(other);
        T.Equal(10, small.Count, "UnionWith");
        small.IntersectWith(set);
        T.True(small.Count == 5 && small.Contains(6) && !small.Contains(3), "IntersectWith");
        T.True(small.Overlaps(other) && !small.Overlaps(new List<int>()), "Overlaps");
        var points = new HashSet<Point>();
        points.Add(new Point(1, 1));
        T.True(!points.Add(new Point(1, 1)) && points.Contains(new Point(1, 1)), "struct elements");
    }

    private static HashSet<int> Range(int from, int to)
    {
        var set = new HashSet<int>();
        for (int i = from; i < to; i++) set.Add(i);
        return set;
    }

    private static void HashSetRelations()
    {
        HashSet<int> small = Range(0, 5), big = Range(0, 10);
        var repeated = new List<int>();
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 5; j++) repeated.Add(j);
        T.True(small.IsSubsetOf(big) && !big.IsSubsetOf(small) && small.IsSubsetOf(repeated), "IsSubsetOf");
        T.True(big.IsSupersetOf(small) && big.IsSupersetOf(repeated) && !small.IsSupersetOf(big), "IsSupersetOf");
        T.True(small.IsProperSubsetOf(big) && !small.IsProperSubsetOf(repeated), "IsProperSubsetOf (repeats count once)");
        T.True(big.IsProperSupersetOf(small) && !small.IsProperSupersetOf(repeated), "IsProperSupersetOf");
        T.True(small.SetEquals(repeated) && !small.SetEquals(big), "SetEquals");
        HashSet<int> sym = Range(0, 6);
        sym.SymmetricExceptWith(Range(4, 9));
        // {0..5} ^ {4..8} = {0,1,2,3,6,7,8}
        T.True(sym.Count == 7 && sym.Contains(0) && !sym.Contains(4) && !sym.Contains(5) && sym.Contains(8), "SymmetricExceptWith");
        ISet<int> asSet = small;
        T.True(!asSet.Add(3) && asSet.Add(70) && asSet.Overlaps(big), "through ISet<int>");
    }

    private static void ArraySortAndSearch()
    {
        s_seed = 4242;
        var array = new int[500];
        long sum = 0;
        for (int i = 0; i < array.Length; i++) { array[i] = NextRandom(1000); sum += array[i]; }
        System.Array.Sort(array);
        bool sorted = true;
        long after = 0;
        for (int i = 0; i < array.Length; i++)
        {
            if (i > 0 && array[i - 1] > array[i]) sorted = false;
            after += array[i];
        }
        T.True(sorted && after == sum, "Array.Sort");
        var evens = new List<int>();
        for (int i = 0; i < 50; i++) evens.Add(i * 2);
        T.Equal(21, evens.BinarySearch(42), "BinarySearch finds");
        T.Equal(~22, evens.BinarySearch(43), "BinarySearch miss: complement of the insertion point");
        T.Equal(~0, evens.BinarySearch(-5), "BinarySearch before the start");
        T.Equal(~50, evens.BinarySearch(1000), "BinarySearch past the end");
        T.Equal(~12, System.Array.BinarySearch(evens.ToArray(), 10, 20, 23, null), "Array.BinarySearch in a range");
        var names = new Node[4];
        for (int i = 0; i < 4; i++) names[i] = new Node { Id = 3 - i };
        System.Array.Sort(names, new ById());
        T.True(names[0].Id == 0 && names[3].Id == 3, "Array.Sort of classes with an IComparer");
        evens.TrimExcess();
        T.Equal(50, evens.Capacity, "TrimExcess");
    }

    private sealed class ById : IComparer<Node> { public int Compare(Node x, Node y) => x.Id.CompareTo(y.Id); }

    private static void QueueWraparound()
    {
        var queue = new Queue<int>(4);
        int next = 0, expect = 0, wrong = 0;
        s_seed = 99;
        // Keep 0-3 items so the four slots wrap around many times without growing.
        for (int round = 0; round < 1000; round++)
        {
            if (queue.Count < 3 && (queue.Count == 0 || NextRandom(2) == 0)) queue.Enqueue(next++);
            else if (queue.Dequeue() != expect++) wrong++;
        }
        T.Equal(0, wrong, "first in, first out across wraparounds");
        // Grow while the contents wrap: head in the middle of the array.
        while (queue.Count > 0) if (queue.Dequeue() != expect++) wrong++;
        for (int i = 0; i < 3; i++) queue.Enqueue(next++);
        queue.Dequeue(); expect++;
        queue.Dequeue(); expect++;
        for (int i = 0; i < 20; i++) queue.Enqueue(next++);
        T.Equal(21, queue.Count, "count after growing while wrapped");
        T.Equal(expect, queue.Peek(), "Peek");
        int[] array = queue.ToArray();
        T.True(array[0] == expect && array[20] == next - 1, "ToArray in order");
        int order = 0;
        foreach (int x in queue) if (x != expect + order++) wrong++;
        T.Equal(0, wrong, "foreach in order");
        while (queue.TryDequeue(out int x)) if (x != expect++) wrong++;
        T.True(wrong == 0 && queue.Count == 0 && !queue.TryPeek(out _), "drained");
        T.True(!queue.TryDequeue(out int none) && none == 0, "TryDequeue on empty");
    }

    private static void StackOrder()
    {
        var stack = new Stack<int>();
        for (int i = 0; i < 100; i++) stack.Push(i);
        T.Equal(99, stack.Peek(), "Peek is the last pushed");
        int first = -1;
        foreach (int x in stack) { first = x; break; }
        T.Equal(99, first, "foreach starts at the top");
        int[] array = stack.ToArray();
        T.True(array[0] == 99 && array[99] == 0, "ToArray from the top");
        int wrong = 0;
        for (int i = 99; i >= 0; i--) if (stack.Pop() != i) wrong++;
        T.Equal(0, wrong, "last in, first out");
        T.True(!stack.TryPop(out _) && !stack.TryPeek(out _), "empty");
        stack.Push(5);
        T.True(stack.Contains(5) && !stack.Contains(6), "Contains");
    }
}
