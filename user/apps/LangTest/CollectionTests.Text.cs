// CollectionTests, continued: StringBuilder, and the seams between the language, the collections and the collector.
using System.Collections;
using System.Collections.Generic;
using System.Text;
using T = Vireo.User.Testing.TestRunner;

static unsafe partial class CollectionTests
{
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
