// CollectionTests, continued: List<T>.
using System.Collections;
using System.Collections.Generic;
using System.Text;
using T = Vireo.User.Testing.TestRunner;

static unsafe partial class CollectionTests
{
    // --- List<T> -------------------------------------------------------------------------------

    private static void ListAddIndexCapacity()
    {
        var list = new List<int>();
        T.Equal(0, list.Capacity, "empty list has no storage");
        list.Add(10);
        T.Equal(4, list.Capacity, "first growth to 4");
        for (int i = 1; i < 5; i++) list.Add(10 + i);
        T.Equal(8, list.Capacity, "then doubles");
        for (int i = 5; i < 1000; i++) list.Add(10 + i);
        T.Equal(1000, list.Count, "count");
        long sum = 0;
        for (int i = 0; i < list.Count; i++) sum += list[i];
        T.Equal(999 * 1000 / 2 + 10 * 1000, sum, "sum through the indexer");
        list[500] = -1;
        T.Equal(-1, list[500], "indexer set");
        var sized = new List<long>(100);
        T.Equal(100, sized.Capacity, "initial capacity");
        sized.Capacity = 3;
        T.Equal(3, sized.Capacity, "capacity shrinks when empty");
        T.Equal(9, sized.EnsureCapacity(9), "EnsureCapacity: the request when doubling is not enough");
        T.Equal(18, sized.EnsureCapacity(10), "EnsureCapacity: else double");
    }

    private static void ListInsertRemove()
    {
        var list = new List<int>();
        for (int i = 0; i < 10; i++) list.Add(i);
        list.Insert(0, 100);
        list.Insert(5, 200);
        list.Insert(list.Count, 300);
        T.Equal(13, list.Count, "count after inserts");
        T.Equal(100, list[0], "insert at 0");
        T.Equal(200, list[5], "insert in the middle");
        T.Equal(4, list[6], "items after it moved up");
        T.Equal(300, list[12], "insert at the end");
        T.True(list.Remove(200), "Remove finds the item");
        T.True(!list.Remove(200), "Remove of a missing item");
        list.RemoveAt(0);
        T.Equal(0, list[0], "RemoveAt(0) moves the rest down");
        list.RemoveRange(2, 3);
        // 0 1 [2 3 4] 5 6 7 8 9 300
        T.Equal(8, list.Count, "RemoveRange count");
        T.Equal(5, list[2], "RemoveRange closes the gap");
        T.Equal(300, list[7], "last item kept");
        list.Clear();
        T.Equal(0, list.Count, "Clear");
        list.Add(1);
        T.Equal(1, list[0], "usable after Clear");
    }

    private static void ListSortRandom()
    {
        s_seed = 12345;
        var list = new List<int>();
        for (int i = 0; i < 3000; i++) list.Add(NextRandom(100000) - 50000);
        long before = Fingerprint(list);
        list.Sort();
        T.True(IsSorted(list), "sorted ascending");
        T.Equal(before, Fingerprint(list), "same multiset after sorting");
        T.Equal(3000, list.Count, "same count");
    }

    private static void ListSortAdversarial()
    {
        var ascending = new List<int>();
        var descending = new List<int>();
        var few = new List<int>();
        s_seed = 777;
        for (int i = 0; i < 2000; i++)
        {
            ascending.Add(i);
            descending.Add(2000 - i);
            few.Add(NextRandom(3));
        }
        long fewBefore = Fingerprint(few);
        ascending.Sort();
        descending.Sort();
        few.Sort();
        T.True(IsSorted(ascending) && ascending[0] == 0 && ascending[1999] == 1999, "already sorted input");
        T.True(IsSorted(descending) && descending[0] == 1 && descending[1999] == 2000, "reversed input");
        T.True(IsSorted(few), "many duplicates sorted");
        T.Equal(fewBefore, Fingerprint(few), "duplicates kept");
        few.Sort(new Descending());
        for (int i = 1; i < few.Count; i++)
            if (!T.True(few[i - 1] >= few[i], "custom IComparer<int> sorts descending")) break;
        var versions = new List<Version>();
        versions.Add(new Version(2, 1));
        versions.Add(new Version(1, 5));
        versions.Add(new Version(2, 0));
        versions.Add(new Version(1, 0));
        versions.Sort();
        T.True(versions[0].Major == 1 && versions[0].Minor == 0 && versions[3].Major == 2 && versions[3].Minor == 1, "struct with IComparable<T>");
        var part = new List<int>();
        for (int i = 0; i < 10; i++) part.Add(10 - i);
        part.Sort(2, 5, null);
        // 10 9 [8 7 6 5 4] 3 2 1 -> 10 9 4 5 6 7 8 3 2 1
        T.True(part[0] == 10 && part[2] == 4 && part[6] == 8 && part[7] == 3, "Sort of a range leaves the rest");
    }

    private static void ListSearchReverseCopy()
    {
        var list = new List<int>();
        for (int i = 0; i < 10; i++) list.Add(i * 2);
        list.Add(4);
        T.Equal(2, list.IndexOf(4), "IndexOf first match");
        T.Equal(10, list.LastIndexOf(4), "LastIndexOf");
        T.Equal(10, list.IndexOf(4, 3), "IndexOf from an index");
        T.Equal(-1, list.IndexOf(5), "IndexOf missing");
        T.True(list.Contains(18) && !list.Contains(19), "Contains");
        list.Reverse();
        T.True(list[0] == 4 && list[1] == 18 && list[10] == 0, "Reverse");
        int[] array = list.ToArray();
        T.True(array.Length == 11 && array[1] == 18 && array[10] == 0, "ToArray");
        var target = new int[14];
        list.CopyTo(target, 3);
        T.True(target[2] == 0 && target[3] == 4 && target[13] == 0 && target[4] == 18, "CopyTo with an offset");
        List<int> range = list.GetRange(1, 3);
        T.True(range.Count == 3 && range[0] == 18 && range[2] == 14, "GetRange");
        var copy = new List<int>(list);
        T.True(copy.Count == 11 && copy[1] == 18, "copy constructor (through ICollection<T>)");
        copy.AddRange(range);
        T.True(copy.Count == 14 && copy[13] == 14, "AddRange");
    }

    private static int SumThroughInterface(IEnumerable<int> items)
    {
        int sum = 0;
        foreach (int x in items) sum += x;
        return sum;
    }

    private static void ListForeachAndInterfaces()
    {
        var list = new List<int>();
        for (int i = 1; i <= 100; i++) list.Add(i);
        int sum = 0;
        foreach (int x in list) sum += x;
        T.Equal(5050, sum, "foreach (struct enumerator)");
        T.Equal(5050, SumThroughInterface(list), "foreach over IEnumerable<int>");
        IList<int> asList = list;
        asList[0] = 1000;
        asList.Insert(1, 7);
        T.Equal(1000, list[0], "IList<int> indexer set");
        T.Equal(1, asList.IndexOf(7), "IList<int>.IndexOf");
        ICollection<int> asCollection = list;
        T.Equal(101, asCollection.Count, "ICollection<int>.Count");
        T.True(asCollection.Remove(7), "ICollection<int>.Remove");
        IReadOnlyList<int> readOnly = list;
        T.Equal(100, readOnly[99], "IReadOnlyList<int> indexer");
        IEnumerator e = ((IEnumerable)list).GetEnumerator();
        T.True(e.MoveNext(), "non-generic enumerator moves");
        var words = new List<Node>();
        for (int i = 0; i < 5; i++) words.Add(new Node { Id = i });
        int ids = 0;
        foreach (Node n in (IEnumerable<Node>)words) ids += n.Id;
        T.Equal(10, ids, "foreach over IEnumerable<Node>");
        var queue = new Queue<int>();
        var stack = new Stack<int>();
        var set = new HashSet<int>();
        for (int i = 1; i <= 4; i++) { queue.Enqueue(i); stack.Push(i); set.Add(i); }
        T.Equal(30, SumThroughInterface(queue) + SumThroughInterface(stack) + SumThroughInterface(set), "Queue, Stack and HashSet as IEnumerable<int>");
    }

    private static void ListOfClassesAndStructs()
    {
        var nodes = new List<Node>();
        var keep = new Node { Id = 3 };
        for (int i = 0; i < 6; i++) nodes.Add(i == 3 ? keep : new Node { Id = i });
        T.Equal(3, nodes.IndexOf(keep), "IndexOf by reference");
        T.Equal(-1, nodes.IndexOf(new Node { Id = 3 }), "an equal-looking node is another object");
        T.True(nodes.Remove(keep) && nodes.Count == 5 && nodes[3].Id == 4, "Remove by reference");
        nodes.Add(null);
        T.Equal(5, nodes.IndexOf(null), "IndexOf(null)");
        var points = new List<Point>();
        for (int i = 0; i < 20; i++) points.Add(new Point(i, -i));
        T.Equal(7, points.IndexOf(new Point(7, -7)), "IndexOf with IEquatable<Point>");
        T.True(!points.Contains(new Point(7, 7)), "Contains with IEquatable<Point>");
    }
}
