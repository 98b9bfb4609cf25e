// Collections, comparers, interface dispatch and StringBuilder (the table in
// docs/guide/writing-programs.md lists which test backs which row). Values are checked against sums,
// counts and orders computed independently of the collection under test; pseudo-random inputs come
// from a fixed LCG, so a failure repeats.
using System.Collections;
using System.Collections.Generic;
using System.Text;
using T = Vireo.User.Testing.TestRunner;

static unsafe partial class CollectionTests
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
}
