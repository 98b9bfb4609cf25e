// Collections, comparers, interface dispatch and StringBuilder (the table in
// docs/guide/writing-programs.md lists which test backs which row). Values are checked against sums,
// counts and orders computed independently of the collection under test; pseudo-random inputs come
// from a fixed LCG, so a failure repeats.
using System.Collections;
using System.Collections.Generic;
using System.Text;
using T = Vireo.User.Testing.TestRunner;

static unsafe class CollectionTests
{
    public static void Run()
    {
        T.Run("coll.interface_dispatch_classes", &InterfaceDispatchClasses);
        T.Run("coll.interface_dispatch_generic_and_inherited", &InterfaceDispatchGeneric);
        T.Run("coll.primitive_equality_and_hash", &PrimitiveEquality);
        T.Run("coll.default_comparers", &DefaultComparers);
        T.Run("coll.list_add_index_capacity", &ListAddIndexCapacity);
        T.Run("coll.list_insert_remove", &ListInsertRemove);
        T.Run("coll.list_sort_random", &ListSortRandom);
        T.Run("coll.list_sort_adversarial_and_comparer", &ListSortAdversarial);
        T.Run("coll.list_search_reverse_copy", &ListSearchReverseCopy);
        T.Run("coll.list_foreach_and_interfaces", &ListForeachAndInterfaces);
        T.Run("coll.list_of_classes_and_structs", &ListOfClassesAndStructs);
        T.Run("coll.dictionary_10000_int_keys", &Dictionary10000);
        T.Run("coll.dictionary_growth_remove_reinsert", &DictionaryRemoveReinsert);
        T.Run("coll.dictionary_collisions", &DictionaryCollisions);
        T.Run("coll.dictionary_indexer_tryadd_clear", &DictionaryIndexerTryAddClear);
        T.Run("coll.dictionary_key_kinds_and_comparer", &DictionaryKeyKinds);
        T.Run("coll.dictionary_through_interfaces", &DictionaryInterfaces);
        T.Run("coll.dictionary_literal_string_keys", &DictionaryLiteralStringKeys);
        T.Run("coll.dictionary_built_string_keys_with_comparer", &DictionaryBuiltStringKeys);
        T.Run("coll.collections_marshal", &CollectionsMarshalAccess);
        T.Run("coll.hashset_operations", &HashSetOperations);
        T.Run("coll.hashset_relations", &HashSetRelations);
        T.Run("coll.array_sort_and_binary_search", &ArraySortAndSearch);
        T.Run("coll.queue_wraparound", &QueueWraparound);
        T.Run("coll.stack_order", &StackOrder);
        T.Run("coll.stringbuilder_append", &StringBuilderAppend);
        T.Run("coll.stringbuilder_edit", &StringBuilderEdit);
        T.Run("coll.string_default_comparers", &StringDefaultComparers);
        T.Run("coll.dictionary_built_string_keys_default_comparer", &DictionaryBuiltStringKeysDefault);
        T.Run("coll.boxed_primitive_equals", &BoxedPrimitiveEquals);
        T.Run("coll.struct_through_interface", &StructThroughInterface);
        T.Run("coll.struct_default_comparers_without_iequatable", &StructWithoutIEquatable);
        T.Run("coll.list_delegate_methods", &ListDelegateMethods);
        T.Run("coll.list_sort_comparison_and_as_read_only", &ListSortComparisonAndReadOnly);
        T.Run("coll.hashset_remove_where", &HashSetRemoveWhere);
        T.Run("coll.stringbuilder_numbers_and_format", &StringBuilderNumbersAndFormat);
    }

    // --- helpers -------------------------------------------------------------------------------

    private static uint s_seed;

    private static int NextRandom(int bound)
    {
        s_seed = s_seed * 1664525 + 1013904223;
        return (int)((s_seed >> 8) % (uint)bound);
    }

    private static bool IsSorted(List<int> list)
    {
        for (int i = 1; i < list.Count; i++)
            if (list[i - 1] > list[i]) return false;
        return true;
    }

    // Order-independent fingerprint of a multiset of ints.
    private static long Fingerprint(List<int> list)
    {
        long sum = 0, squares = 0;
        for (int i = 0; i < list.Count; i++)
        {
            sum += list[i];
            squares += (long)list[i] * list[i];
        }
        return sum * 1000003 + squares;
    }

    // --- types under test ----------------------------------------------------------------------

    private interface IShape { int Area(); int Scale(int factor); }
    private class Square : IShape { public int Side; public int Area() => Side * Side; public int Scale(int f) => Side * f; }
    private class Rect : IShape { public int W, H; public int Area() => W * H; public int Scale(int f) => (W + H) * f; }
    private class Circle : IShape { public int R; public int Area() => 3 * R * R; public virtual int Scale(int f) => R * f; }
    private class BigCircle : Circle { public override int Scale(int f) => 1000 * R * f; }
    private sealed class Tiny : IShape { public int Area() => 1; public int Scale(int f) => f; }

    private interface IBox<TItem> { TItem Get(); void Set(TItem item); }
    private class Box<TItem> : IBox<TItem> { private TItem _item; public TItem Get() => _item; public void Set(TItem item) { _item = item; } }
    private class LoggingBox<TItem> : Box<TItem> { public int Sets; }

    private interface IGreeter { int Greet() => 42; int Plain(); }
    private class DefaultGreeter : IGreeter { public int Plain() => 1; }
    private class OwnGreeter : IGreeter { public int Greet() => 7; public int Plain() => 2; }

    private sealed class Node { public int Id; }

    // A class key with value equality through the virtual Equals(object).
    private sealed class NameKey
    {
        public readonly int Code;
        public NameKey(int code) { Code = code; }
        public override bool Equals(object obj) => obj is NameKey other && other.Code == Code;
        public override int GetHashCode() => Code * 31;
    }

    private struct Point : System.IEquatable<Point>
    {
        public int X, Y;
        public Point(int x, int y) { X = x; Y = y; }
        public bool Equals(Point other) => X == other.X && Y == other.Y;
        public override int GetHashCode() => X * 397 ^ Y;
    }

    // Every hash lands in one of four chains.
    private struct BadHash : System.IEquatable<BadHash>
    {
        public int Value;
        public BadHash(int value) { Value = value; }
        public bool Equals(BadHash other) => Value == other.Value;
        public override int GetHashCode() => Value & 3;
    }

    private struct Version : System.IComparable<Version>
    {
        public int Major, Minor;
        public Version(int major, int minor) { Major = major; Minor = minor; }
        public int CompareTo(Version other) => Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);
    }

    private enum Color : byte { Red = 1, Green = 2, Blue = 200 }
    private enum Big : long { Low = 1, High = 1L << 40 }

    // Ordinal string equality written here, so that keys built at run time work before string.Equals does.
    private sealed class Ordinal : IEqualityComparer<string>
    {
        public bool Equals(string x, string y)
        {
            if (x == null || y == null) return (object)x == (object)y;
            if (x.Length != y.Length) return false;
            for (int i = 0; i < x.Length; i++)
                if (x[i] != y[i]) return false;
            return true;
        }

        public int GetHashCode(string obj)
        {
            int hash = 17;
            for (int i = 0; i < obj.Length; i++) hash = hash * 31 + obj[i];
            return hash;
        }
    }

    private sealed class Descending : IComparer<int> { public int Compare(int x, int y) => y.CompareTo(x); }

    // Keys equal when equal modulo 100.
    private sealed class Mod100 : IEqualityComparer<int>
    {
        public bool Equals(int x, int y) => x % 100 == y % 100;
        public int GetHashCode(int obj) => obj % 100;
    }

    // --- interface dispatch --------------------------------------------------------------------

    private static int TotalArea(List<IShape> shapes, int factor)
    {
        int total = 0;
        for (int i = 0; i < shapes.Count; i++) total += shapes[i].Area() + shapes[i].Scale(factor);
        return total;
    }

    private static void InterfaceDispatchClasses()
    {
        var shapes = new List<IShape>();
        shapes.Add(new Square { Side = 3 });
        shapes.Add(new Rect { W = 2, H = 5 });
        shapes.Add(new Circle { R = 2 });
        shapes.Add(new BigCircle { R = 1 });
        shapes.Add(new Tiny());
        // Twice: the second round goes through the cells' caches (one type per site each time).
        int expected = (9 + 6) + (10 + 14) + (12 + 4) + (3 + 2000) + (1 + 2);
        T.Equal(expected, TotalArea(shapes, 2), "areas and scales, first round");
        T.Equal(expected, TotalArea(shapes, 2), "areas and scales, cached round");
        var squares = new List<IShape>();
        for (int i = 1; i <= 50; i++) squares.Add(new Square { Side = i });
        int sum = 0;
        for (int i = 1; i <= 50; i++) sum += i * i + i;
        T.Equal(sum, TotalArea(squares, 1), "one type through a cached site");
        T.Equal(3, Kinds(new BigCircle()), "is: base class and inherited interface");
        T.Equal(6, Kinds(new Square()), "is: own class and interface");
        T.Equal(8, Kinds(new LoggingBox<int>()), "is: generic interface of a base class");
        T.Equal(0, Kinds(new Node()), "is: unrelated class");
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static int Kinds(object o) => (o is Circle ? 1 : 0) + (o is IShape ? 2 : 0) + (o is Square ? 4 : 0) + (o is IBox<int> ? 8 : 0);

    private static int ThroughBox(IBox<int> box, int value) { box.Set(value); return box.Get(); }
    private static Node ThroughBox(IBox<Node> box, Node value) { box.Set(value); return box.Get(); }

    // One call site that sees both greeters, so ilc cannot devirtualise it.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static int GreetThrough(IGreeter greeter) => greeter.Greet();

    private static void InterfaceDispatchGeneric()
    {
        T.Equal(17, ThroughBox(new Box<int>(), 17), "IBox<int> on Box<int>");
        T.Equal(-4, ThroughBox(new LoggingBox<int>(), -4), "IBox<int> inherited by LoggingBox<int>");
        var node = new Node { Id = 9 };
        T.True(ThroughBox(new Box<Node>(), node) == node, "IBox<Node> (shared generic code)");
        T.True(ThroughBox(new LoggingBox<Node>(), node) == node, "IBox<Node> inherited");
        IGreeter a = new DefaultGreeter(), b = new OwnGreeter();
        T.Equal(42, a.Greet(), "default interface method");
        T.Equal(7, b.Greet(), "default interface method overridden");
        T.Equal(42 * 100 + 7, GreetThrough(a) * 100 + GreetThrough(b), "one call site, a default and an own implementation");
        T.Equal(3, a.Plain() + b.Plain(), "plain interface methods");
    }

    // --- equality and comparers ----------------------------------------------------------------

    private static void PrimitiveEquality()
    {
        T.True(5.Equals(5) && !5.Equals(6), "int.Equals(int)");
        T.Equal(123456, 123456.GetHashCode(), "int hash is the value");
        long big = 0x1234_5678_9ABC_DEF0;
        T.Equal(unchecked((int)0x9ABCDEF0 ^ 0x12345678), big.GetHashCode(), "long hash folds the halves (.NET's)");
        T.Equal(-1, 3L.CompareTo(4L), "long.CompareTo less");
        T.Equal(1, 4u.CompareTo(3u), "uint.CompareTo greater");
        T.Equal(0, ((byte)7).CompareTo((byte)7), "byte.CompareTo equal");
        T.Equal(-1, int.MinValue.CompareTo(int.MaxValue), "CompareTo does not overflow");
        T.Equal((int)'A' | ((int)'A' << 16), 'A'.GetHashCode(), "char hash (.NET's)");
        T.True(true.Equals(true) && !true.Equals(false), "bool.Equals");
        T.Equal(1, true.CompareTo(false), "true sorts after false");
        T.True(((nint)5).Equals((nint)5), "nint.Equals");
    }

    private static void DefaultComparers()
    {
        T.True(EqualityComparer<int>.Default.Equals(4, 4) && !EqualityComparer<int>.Default.Equals(4, 5), "int equality");
        T.Equal(77, EqualityComparer<int>.Default.GetHashCode(77), "int comparer hash");
        T.True(EqualityComparer<Point>.Default.Equals(new Point(1, 2), new Point(1, 2)), "IEquatable struct equal");
        T.True(!EqualityComparer<Point>.Default.Equals(new Point(1, 2), new Point(2, 1)), "IEquatable struct differs");
        var n1 = new Node { Id = 1 };
        var n2 = new Node { Id = 1 };
        T.True(EqualityComparer<Node>.Default.Equals(n1, n1) && !EqualityComparer<Node>.Default.Equals(n1, n2), "class: reference equality");
        T.True(EqualityComparer<Node>.Default.Equals(null, null) && !EqualityComparer<Node>.Default.Equals(n1, null), "class: nulls");
        T.Equal(0, EqualityComparer<Node>.Default.GetHashCode(null), "hash of null is 0");
        T.True(EqualityComparer<NameKey>.Default.Equals(new NameKey(3), new NameKey(3)), "class: overridden Equals(object)");
        T.True(EqualityComparer<Color>.Default.Equals(Color.Blue, Color.Blue) && !EqualityComparer<Color>.Default.Equals(Color.Red, Color.Green), "enum equality");
        T.Equal(200, EqualityComparer<Color>.Default.GetHashCode(Color.Blue), "enum hash is the value");
        T.True(EqualityComparer<Big>.Default.Equals(Big.High, Big.High) && !EqualityComparer<Big>.Default.Equals(Big.High, Big.Low), "long enum equality");
        int? none = null, three = 3, otherThree = 3;
        T.True(EqualityComparer<int?>.Default.Equals(three, otherThree) && !EqualityComparer<int?>.Default.Equals(three, none), "nullable equality");
        T.True(EqualityComparer<int?>.Default.Equals(none, null), "nullable: both empty");
        T.Equal(-1, Comparer<int>.Default.Compare(1, 2), "int order");
        T.Equal(1, Comparer<long>.Default.Compare(long.MaxValue, long.MinValue), "long order");
        T.Equal(-1, Comparer<Version>.Default.Compare(new Version(1, 9), new Version(2, 0)), "IComparable<T> struct order");
        T.Equal(-1, Comparer<Color>.Default.Compare(Color.Green, Color.Blue), "enum order");
        T.Equal(-1, Comparer<int?>.Default.Compare(null, 5), "null sorts first");
        IEqualityComparer<int> viaInterface = EqualityComparer<int>.Default;
        T.True(viaInterface.Equals(8, 8), "comparer called through IEqualityComparer<int>");
    }

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

    // --- Dictionary<TKey, TValue> --------------------------------------------------------------

    private static void Dictionary10000()
    {
        const int N = 10000;
        var map = new Dictionary<int, int>(N);
        for (int i = 0; i < N; i++) map.Add(i * 7 - 20000, i);
        T.Equal(N, map.Count, "count");
        long values = 0;
        int found = 0;
        for (int i = 0; i < N; i++)
            if (map.TryGetValue(i * 7 - 20000, out int v) && v == i) { found++; values += v; }
        T.Equal(N, found, "every key found with its value");
        T.Equal((long)N * (N - 1) / 2, values, "values sum");
        int misses = 0;
        for (int i = 0; i < N; i++)
            if (!map.ContainsKey(i * 7 - 19999)) misses++;
        T.Equal(N, misses, "keys never added are absent");
        long keySum = 0, valueSum = 0;
        foreach (KeyValuePair<int, int> pair in map)
        {
            keySum += pair.Key;
            valueSum += pair.Value;
        }
        T.Equal(7L * N * (N - 1) / 2 - 20000L * N, keySum, "foreach: keys sum");
        T.Equal((long)N * (N - 1) / 2, valueSum, "foreach: values sum");
        long keysOnly = 0;
        foreach (int k in map.Keys) keysOnly += k;
        T.Equal(keySum, keysOnly, "Keys");
        long valuesOnly = 0;
        foreach (int v in map.Values) valuesOnly += v;
        T.Equal(valueSum, valuesOnly, "Values");
    }

    private static void DictionaryRemoveReinsert()
    {
        var map = new Dictionary<long, int>();
        for (int i = 0; i < 1500; i++) map[(long)i << 33] = i;
        T.Equal(1500, map.Count, "count after growth from empty");
        int removed = 0;
        for (int i = 0; i < 1500; i += 3)
            if (map.Remove((long)i << 33)) removed++;
        T.Equal(500, removed, "every third key removed");
        T.Equal(1000, map.Count, "count after removals");
        T.True(!map.ContainsKey(0) && !map.ContainsKey(3L << 33) && map.ContainsKey(1L << 33), "removed keys absent, others present");
        T.True(!map.Remove(3L << 33), "second removal finds nothing");
        for (int i = 0; i < 1500; i += 3) map.Add((long)i << 33, -i);
        T.Equal(1500, map.Count, "reinserted into the freed entries");
        long sum = 0;
        foreach (KeyValuePair<long, int> pair in map) sum += pair.Value;
        long expected = 0;
        for (int i = 0; i < 1500; i++) expected += i % 3 == 0 ? -i : i;
        T.Equal(expected, sum, "values after reinsertion");
        T.True(map.Remove(6L << 33, out int old) && old == -6, "Remove with the old value");
        int visited = 0;
        foreach (KeyValuePair<long, int> pair in map)
        {
            if (pair.Value % 2 == 0) map.Remove(pair.Key);
            visited++;
        }
        T.Equal(1499, visited, "removing while enumerating visits every entry once");
    }

    private static void DictionaryCollisions()
    {
        var map = new Dictionary<BadHash, int>();
        for (int i = 0; i < 400; i++) map.Add(new BadHash(i), i * 2);
        int ok = 0;
        for (int i = 0; i < 400; i++)
            if (map[new BadHash(i)] == i * 2) ok++;
        T.Equal(400, ok, "all keys in four long chains found");
        for (int i = 0; i < 400; i += 2) map.Remove(new BadHash(i));
        ok = 0;
        for (int i = 0; i < 400; i++)
            if (map.ContainsKey(new BadHash(i)) == (i % 2 == 1)) ok++;
        T.Equal(400, ok, "removal from the middle of chains");
        var points = new Dictionary<Point, int>();
        for (int x = 0; x < 20; x++)
            for (int y = 0; y < 20; y++) points[new Point(x, y)] = x * 100 + y;
        T.Equal(400, points.Count, "struct keys with IEquatable<T>");
        T.Equal(1907, points[new Point(19, 7)], "struct key lookup");
    }

    private static void DictionaryIndexerTryAddClear()
    {
        var map = new Dictionary<int, long>();
        map[5] = 50;
        map[5] = 55;
        T.Equal(1, map.Count, "indexer overwrite keeps the count");
        T.Equal(55, map[5], "indexer overwrite");
        T.True(!map.TryAdd(5, 1) && map[5] == 55, "TryAdd leaves an existing key");
        T.True(map.TryAdd(6, 60), "TryAdd adds");
        T.True(!map.TryGetValue(7, out long missing) && missing == 0, "TryGetValue miss gives default");
        T.True(map.ContainsValue(60) && !map.ContainsValue(61), "ContainsValue");
        map.Clear();
        T.True(map.Count == 0 && !map.ContainsKey(5), "Clear");
        map.Add(5, 1);
        T.Equal(1, map[5], "usable after Clear");
        T.Equal(17, new Dictionary<int, int>(10).EnsureCapacity(17), "EnsureCapacity");
    }

    private static void DictionaryKeyKinds()
    {
        var byName = new Dictionary<NameKey, int>();
        for (int i = 0; i < 50; i++) byName.Add(new NameKey(i), i);
        T.Equal(49, byName[new NameKey(49)], "class keys compared through Equals(object)");
        var byNode = new Dictionary<Node, int>();
        var a = new Node { Id = 1 };
        byNode[a] = 1;
        byNode[new Node { Id = 1 }] = 2;
        T.Equal(2, byNode.Count, "class keys without Equals compare by reference");
        T.Equal(1, byNode[a], "reference key lookup");
        var colors = new Dictionary<Color, int>();
        colors[Color.Red] = 1;
        colors[Color.Blue] = 3;
        T.True(colors[Color.Blue] == 3 && !colors.ContainsKey(Color.Green), "enum keys");
        var mod = new Dictionary<int, int>(new Mod100());
        mod[7] = 1;
        mod[107] = 2;
        T.True(mod.Count == 1 && mod[207] == 2, "custom IEqualityComparer<int>");
        var values = new Dictionary<int, Node>();
        values[1] = a;
        T.True(values[1] == a && values.ContainsValue(a) && !values.ContainsValue(null), "reference values");
    }

    private static void DictionaryInterfaces()
    {
        IDictionary<int, int> map = new Dictionary<int, int>();
        for (int i = 0; i < 10; i++) map.Add(i, i * i);
        map[3] = -9;
        T.True(map.ContainsKey(9) && map.Remove(9) && !map.ContainsKey(9), "IDictionary add, remove, contains");
        T.True(map.TryGetValue(3, out int three) && three == -9, "IDictionary TryGetValue");
        T.Equal(9, map.Keys.Count, "IDictionary.Keys");
        T.True(map.Contains(new KeyValuePair<int, int>(4, 16)) && !map.Contains(new KeyValuePair<int, int>(4, 15)), "ICollection<KeyValuePair>.Contains compares values");
        var pairs = new KeyValuePair<int, int>[12];
        map.CopyTo(pairs, 1);
        T.True(pairs[1].Key == 0 && pairs[9].Key == 8, "CopyTo in insertion order");
        IReadOnlyDictionary<int, int> readOnly = (Dictionary<int, int>)map;
        T.True(readOnly.TryGetValue(2, out int four) && four == 4, "IReadOnlyDictionary");
        int sum = 0;
        foreach (KeyValuePair<int, int> pair in (IEnumerable<KeyValuePair<int, int>>)map) sum += pair.Value;
        T.Equal(0 + 1 + 4 - 9 + 16 + 25 + 36 + 49 + 64, sum, "foreach over IEnumerable<KeyValuePair>");
        var (k, v) = KeyValuePair.Create(1, 2);
        T.True(k == 1 && v == 2, "KeyValuePair deconstruction");
    }

    // Literals are one object each (the same literal is the same string); keys built at run time are
    // tested with a comparer of the test's and with the default one below.
    private static void DictionaryLiteralStringKeys()
    {
        var map = new Dictionary<string, int>();
        map["alpha"] = 1;
        map["beta"] = 2;
        map["gamma"] = 3;
        T.True(map["beta"] == 2 && map.Count == 3 && !map.ContainsKey("delta"), "string literal keys");
        T.True(map.Remove("alpha") && !map.ContainsKey("alpha"), "remove a string key");
    }

    private static string Word(int n) => new StringBuilder().Append("w").Append(n).ToString();

    private static void DictionaryBuiltStringKeys()
    {
        var map = new Dictionary<string, int>(new Ordinal());
        for (int i = 0; i < 300; i++) map.Add(Word(i), i);
        int found = 0;
        for (int i = 0; i < 300; i++)
            if (map.TryGetValue(Word(i), out int v) && v == i) found++;
        T.Equal(300, found, "keys built again at run time are found");
        T.True(!map.ContainsKey(Word(300)) && map.Remove(Word(7)) && map.Count == 299, "miss and removal");
        var set = new HashSet<string>(new Ordinal());
        T.True(set.Add(Word(1)) && !set.Add(Word(1)) && set.Contains("w1"), "set of built strings");
    }

    private static void CollectionsMarshalAccess()
    {
        var list = new List<int>();
        for (int i = 0; i < 10; i++) list.Add(i);
        System.Span<int> span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list);
        span[3] = 33;
        T.True(span.Length == 10 && list[3] == 33, "AsSpan writes through to the list");
        System.Runtime.InteropServices.CollectionsMarshal.SetCount(list, 20);
        T.True(list.Count == 20 && list[19] == 0 && list[9] == 9, "SetCount grows with defaults");
        var counts = new Dictionary<int, int>();
        for (int i = 0; i < 100; i++)
            System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(counts, i % 7, out _)++;
        T.True(counts.Count == 7 && counts[0] == 15 && counts[6] == 14, "GetValueRefOrAddDefault counts in place");
        ref int three = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(counts, 3);
        three = -1;
        T.True(counts[3] == -1, "GetValueRefOrNullRef writes through");
        T.True(System.Runtime.CompilerServices.Unsafe.IsNullRef(ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(counts, 9)), "missing key: null ref");
    }

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

    // --- StringBuilder ---------------------------------------------------------------------------

    private static void StringBuilderAppend()
    {
        var sb = new StringBuilder();
        sb.Append("abc").Append('d').Append('-', 3).Append(42).Append(' ').Append(-7);
        T.True(sb.ToString() == "abcd---42 -7", "strings, chars, repeats, ints");
        sb.Clear();
        sb.Append(int.MinValue).Append(',').Append(long.MinValue).Append(',').Append(uint.MaxValue).Append(',').Append(ulong.MaxValue);
        T.True(sb.ToString() == "-2147483648,-9223372036854775808,4294967295,18446744073709551615", "extreme integers");
        sb.Clear();
        sb.Append(true).Append(false).Append(0).Append((string)null);
        T.True(sb.ToString() == "TrueFalse0", "bools, zero, null string");
        sb.Clear();
        var chars = new char[3];
        chars[0] = 'x'; chars[1] = 'y'; chars[2] = 'z';
        sb.Append(new System.ReadOnlySpan<char>(chars, 1, 2)).AppendLine("!").AppendLine();
        T.True(sb.ToString() == "yz!\n\n", "span and AppendLine");
        var big = new StringBuilder(2);
        for (int i = 0; i < 1000; i++) big.Append((char)('a' + i % 26));
        string text = big.ToString();
        T.True(text.Length == 1000 && text[0] == 'a' && text[27] == 'b' && text[999] == (char)('a' + 999 % 26), "growth from a small capacity");
        T.True(new StringBuilder("seed").ToString() == "seed", "constructed from a string");
        T.True(new StringBuilder().ToString() == "", "empty");
    }

    private static void StringBuilderEdit()
    {
        var sb = new StringBuilder("hello world");
        sb.Insert(5, ",").Insert(0, '>');
        T.True(sb.ToString() == ">hello, world", "Insert");
        sb.Remove(0, 1).Remove(5, 1);
        T.True(sb.ToString() == "hello world", "Remove");
        sb[0] = 'H';
        T.True(sb[0] == 'H' && sb[4] == 'o', "indexer");
        sb.Replace('o', '0');
        T.True(sb.ToString() == "Hell0 w0rld", "Replace");
        sb.Length = 4;
        T.True(sb.ToString() == "Hell", "Length shortens");
        sb.Length = 6;
        T.True(sb.Length == 6 && sb[4] == '\0' && sb[5] == '\0', "Length pads with NUL");
        T.True(sb.ToString(1, 3) == "ell", "ToString of a range");
        sb.Clear();
        T.True(sb.Length == 0 && sb.Append(12).ToString() == "12", "Clear");
    }

    // --- the seams between the language, the collections and the collector ---------------------

    // A struct behind an interface (boxed) and a struct without IEquatable<T> or overrides, whose
    // default comparers box it and compare its bytes (ValueType.Equals).
    private struct Cell : IShape
    {
        public int Side;
        public Cell(int side) { Side = side; }
        public int Area() => Side * Side;
        public int Scale(int f) => Side * f;
    }

    private struct Pair { public int A; public long B; public Pair(int a, long b) { A = a; B = b; } }

    // A program's own IFormattable, which composite formatting reaches through the interface.
    private sealed class Money : System.IFormattable
    {
        private readonly int _cents;
        public Money(int cents) { _cents = cents; }
        public string ToString(string format, System.IFormatProvider provider) => $"{_cents / 100}.{_cents % 100:D2} ({format})";
    }

    private static void StringDefaultComparers()
    {
        string a = Word(12), b = Word(12), c = Word(13);
        T.True(!object.ReferenceEquals(a, b), "two separately built strings");
        T.True(EqualityComparer<string>.Default.Equals(a, b) && !EqualityComparer<string>.Default.Equals(a, c), "EqualityComparer<string>.Default compares contents");
        T.True(EqualityComparer<string>.Default.GetHashCode(a) == EqualityComparer<string>.Default.GetHashCode(b), "equal strings hash alike");
        T.True(Comparer<string>.Default.Compare(a, c) < 0 && Comparer<string>.Default.Compare(c, a) > 0 && Comparer<string>.Default.Compare(a, b) == 0, "Comparer<string>.Default is ordinal");
        System.IEquatable<string> equatable = a;
        System.IComparable<string> comparable = c;
        T.True(equatable.Equals(b) && comparable.CompareTo(a) > 0, "string as IEquatable<string> and IComparable<string>");
        var words = new List<string> { "pear", "apple", "fig", "banana" };
        words.Sort();
        T.True(words[0] == "apple" && words[1] == "banana" && words[2] == "fig" && words[3] == "pear", "List<string>.Sort()");
        T.True(words.Contains(new string('f', 1) + "ig") && words.IndexOf("pe" + Word(0).Substring(1, 0) + "ar") == 3, "Contains and IndexOf of built strings");
    }

    private static void DictionaryBuiltStringKeysDefault()
    {
        var map = new Dictionary<string, int>();
        for (int i = 0; i < 500; i++) map.Add(Word(i), i);
        int found = 0;
        for (int i = 0; i < 500; i++)
            if (map.TryGetValue($"w{i}", out int v) && v == i) found++;
        T.Equal(500, found, "keys built again (by interpolation) are found");
        T.True(!map.ContainsKey(Word(500)) && map.Remove(Word(7)) && map.Count == 499 && !map.ContainsKey("w7"), "miss and removal");
        map["w" + 3] = -3;
        T.True(map[Word(3)] == -3 && map.Count == 499, "indexer set on an existing built key");
        var set = new HashSet<string>();
        for (int i = 0; i < 100; i++) set.Add(Word(i % 40));
        T.True(set.Count == 40 && set.Contains("w39") && !set.Contains("w40"), "HashSet<string> with the default comparer");
    }

    private static void BoxedPrimitiveEquals()
    {
        object a = 5, b = 5, c = 6, l = 5L;
        T.True(a.Equals(b) && !a.Equals(c), "boxed int Equals is value equality");
        T.True(!a.Equals(l), "a boxed int is not equal to a boxed long");
        T.True(a.GetHashCode() == b.GetHashCode() && a.GetHashCode() == 5, "boxed int hash is the value");
        object x = 2.5, y = 2.5, t = true, u = true, ch = 'q', ch2 = 'q';
        T.True(x.Equals(y) && t.Equals(u) && ch.Equals(ch2), "boxed double, bool and char");
        T.True(object.Equals(a, b) && !object.Equals(a, null), "object.Equals(a, b)");
        var boxes = new List<object> { 1, "two", 3L };
        T.True(boxes.Contains(1) && boxes.Contains("two") && boxes.IndexOf(3L) == 2 && !boxes.Contains(3), "List<object> finds boxes by value");
    }

    private static void StructThroughInterface()
    {
        IShape s = new Cell(4);
        T.Equal(16, s.Area(), "struct method through an interface");
        T.Equal(12, s.Scale(3), "second interface method");
        var shapes = new List<IShape> { new Cell(2), new Square { Side = 3 }, new Cell(5) };
        int total = 0;
        foreach (IShape shape in shapes) total += shape.Area();
        T.Equal(4 + 9 + 25, total, "structs and classes behind one interface");
        T.True(s is Cell cell && cell.Side == 4, "unboxed back to the struct");
    }

    private static void StructWithoutIEquatable()
    {
        T.True(EqualityComparer<Pair>.Default.Equals(new Pair(1, 2), new Pair(1, 2)), "equal fields are equal");
        T.True(!EqualityComparer<Pair>.Default.Equals(new Pair(1, 2), new Pair(1, 3)), "a different field differs");
        T.True(EqualityComparer<Pair>.Default.GetHashCode(new Pair(7, 8)) == EqualityComparer<Pair>.Default.GetHashCode(new Pair(7, 8)), "hash is stable");
        object boxed = new Pair(3, 4);
        T.True(boxed.Equals(new Pair(3, 4)) && !boxed.Equals(new Pair(4, 3)) && !boxed.Equals(3), "boxed struct Equals");
        var map = new Dictionary<Pair, int>();
        for (int i = 0; i < 200; i++) map[new Pair(i, -i)] = i;
        int found = 0;
        for (int i = 0; i < 200; i++)
            if (map.TryGetValue(new Pair(i, -i), out int v) && v == i) found++;
        T.Equal(200, found, "struct keys without IEquatable<T> or GetHashCode");
        T.True(!map.ContainsKey(new Pair(1, 1)), "a key that was not added");
    }

    private static void ListDelegateMethods()
    {
        var list = new List<int>();
        for (int i = 1; i <= 20; i++) list.Add(i);
        int limit = 7;
        T.Equal(8, list.Find(x => x > limit), "Find with a closure");
        T.Equal(0, list.Find(x => x > 100), "Find without a match gives default");
        T.Equal(7, list.FindIndex(x => x == 8), "FindIndex");
        T.Equal(-1, list.FindIndex(x => x < 0), "FindIndex without a match");
        T.Equal(19, list.FindLastIndex(x => x % 5 == 0), "FindLastIndex");
        List<int> evens = list.FindAll(x => x % 2 == 0);
        T.True(evens.Count == 10 && evens[0] == 2 && evens[9] == 20, "FindAll");
        T.True(list.Exists(x => x == 13) && !list.Exists(x => x == 21), "Exists");
        T.True(list.TrueForAll(x => x > 0) && !list.TrueForAll(x => x < 20), "TrueForAll");
        int sum = 0;
        list.ForEach(x => sum += x);
        T.Equal(210, sum, "ForEach");
        List<string> texts = list.ConvertAll(x => x.ToString());
        T.True(texts.Count == 20 && texts[0] == "1" && texts[19] == "20", "ConvertAll");
        T.Equal(14, list.RemoveAll(x => x % 3 != 0), "RemoveAll returns the count");
        T.True(list.Count == 6 && list[0] == 3 && list[5] == 18, "RemoveAll keeps the order of the rest");
    }

    private static void ListSortComparisonAndReadOnly()
    {
        s_seed = 11;
        var list = new List<int>();
        for (int i = 0; i < 300; i++) list.Add(NextRandom(1000));
        long before = Fingerprint(list);
        list.Sort((a, b) => b.CompareTo(a));
        bool descending = true;
        for (int i = 1; i < list.Count; i++) if (list[i - 1] < list[i]) descending = false;
        T.True(descending && Fingerprint(list) == before, "Sort(Comparison<T>) descending, same items");
        var words = new List<string> { "ccc", "a", "bb" };
        words.Sort((x, y) => x.Length - y.Length);
        T.True(words[0] == "a" && words[2] == "ccc", "Sort(Comparison<T>) of strings by length");
        var view = words.AsReadOnly();
        words.Add("dddd");
        T.True(view.Count == 4 && view[3] == "dddd" && view.IndexOf("bb") == 1, "AsReadOnly reads through to the list");
        int letters = 0;
        foreach (string w in view) letters += w.Length;
        T.Equal(10, letters, "foreach over the read-only view");
        T.True(((ICollection<string>)view).IsReadOnly, "the view is read-only");
    }

    private static void HashSetRemoveWhere()
    {
        var set = new HashSet<int>();
        for (int i = 0; i < 100; i++) set.Add(i);
        T.Equal(50, set.RemoveWhere(x => x % 2 == 1), "RemoveWhere returns the count");
        T.True(set.Count == 50 && set.Contains(0) && set.Contains(98) && !set.Contains(99), "only the matches are gone");
        set.Add(99);
        T.True(set.Count == 51 && set.Contains(99), "a removed slot is reused");
        T.Equal(0, set.RemoveWhere(x => x > 1000), "nothing matches");
    }

    private static void StringBuilderNumbersAndFormat()
    {
        var sb = new StringBuilder();
        sb.Append(0.1).Append(' ').Append(-2.5).Append(' ').Append(1e17).Append(' ').Append(1.5f);
        T.True(sb.ToString() == "0.1 -2.5 1E+17 1.5", "Append(double), Append(float) as ToString()");
        sb.Clear().Append(int.MinValue).Append(',').Append(long.MaxValue).Append(',').Append((short)-7).Append(',').Append((byte)255);
        T.True(sb.ToString() == "-2147483648,9223372036854775807,-7,255", "integers through the shared formatting");
        sb.Clear();
        for (int i = 0; i < 40; i++) sb.Append(123456789L);
        T.True(sb.Length == 360 && sb.ToString().EndsWith("123456789"), "numbers grow the buffer when it is full");
        sb.Clear().Append((object)42).Append((object)null).Append((object)true).Append((object)'x').Append((object)new Pair(1, 2) is object ? "|" : "");
        T.True(sb.ToString() == "42Truex|", "Append(object) of boxed values and null");
        sb.Clear().AppendFormat("{0,4}|{1:X4}|{2:F2}", 7, 255, 3.14159);
        T.True(sb.ToString() == "   7|00FF|3.14", "AppendFormat with alignment and formats");
        sb.Clear().AppendFormat("{0:F2} {1} {2:x} {3,-3}|{4:R}", 3.14159f, true, (ushort)0xBEEF, 'c', new Money(1234));
        T.True(sb.ToString() == "3.14 True beef c  |12.34 (R)", "AppendFormat of float, bool, ushort, char and an IFormattable of the program's");
        sb.Clear().Append("one two one").Replace("one", "three");
        T.True(sb.ToString() == "three two three", "Replace(string, string)");
        sb.Replace("two ", "");
        T.True(sb.ToString() == "three three", "Replace with an empty string");
    }
}
