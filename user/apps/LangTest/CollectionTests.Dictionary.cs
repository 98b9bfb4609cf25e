// CollectionTests, continued: Dictionary<TKey, TValue> and CollectionsMarshal.
using System.Collections;
using System.Collections.Generic;
using System.Text;
using T = Vireo.User.Testing.TestRunner;

static unsafe partial class CollectionTests
{
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
}
