// Strings as programs use them: concatenation, interpolation, equality and ordering, searching,
// cutting and building, and UTF-8 conversion. Each case compares whole results.
using System;
using System.Text;
using T = Vireo.User.Testing.TestRunner;

unsafe static class StringTests
{
    public static void Run()
    {
        T.Run("str_concat", &Concat);
        T.Run("str_concat_values", &ConcatValues);
        T.Run("str_interpolation", &Interpolation);
        T.Run("str_interpolation_formats", &InterpolationFormats);
        T.Run("str_equality", &Equality);
        T.Run("str_hash", &Hash);
        T.Run("str_compare", &Compare);
        T.Run("str_search", &Search);
        T.Run("str_substring_trim", &SubstringTrim);
        T.Run("str_case_replace_pad", &CaseReplacePad);
        T.Run("str_split_join", &SplitJoin);
        T.Run("str_constructors", &Constructors);
        T.Run("str_null_empty", &NullEmpty);
        T.Run("str_format", &Format);
        T.Run("str_utf8_ascii", &Utf8Ascii);
        T.Run("str_utf8_multibyte", &Utf8Multibyte);
        T.Run("str_utf8_invalid", &Utf8Invalid);
        T.Run("str_char_class", &CharClass);
    }

    internal static bool Same(string expected, string actual, string what) =>
        T.True(expected == actual, actual is null ? what + ": got null" : what + ": got \"" + actual + "\"");

    private static string World() => "world";

    private static void Concat()
    {
        string w = World();
        Same("hello world", "hello " + w, "two strings");
        Same("a-b-c", "a" + "-" + "b" + "-" + "c" + w.Substring(5), "constant folding and five parts");
        Same("<world>", "<" + w + ">", "three parts");
        Same("worldworldworldworld", w + w + w + w, "four parts");
        Same("worldworldworldworldworld", w + w + w + w + w, "five parts (array)");
        string s = null;
        Same("x", "x" + s, "null operand");
        Same("ab", string.Concat("a".AsSpan(), "b".AsSpan()), "spans");
        string acc = "";
        for (int i = 0; i < 5; i++) acc += i.ToString();
        Same("01234", acc, "+= in a loop");
    }

    private static void ConcatValues()
    {
        int n = 42;
        Same("n=42", "n=" + n, "string + int");
        Same("c=x!", "c=" + 'x' + "!", "string + char");
        Same("True/-7", true + "/" + (-7L), "bool and long");
        object o = 3;
        Same("o=3", "o=" + o, "string + object");
        Same("2.5 units", 2.5 + " units", "double + string");
    }

    private static void Interpolation()
    {
        int a = 7;
        long b = -1234567890123;
        string s = "str";
        char c = 'z';
        bool t = false;
        uint u = 4000000000;
        ulong big = ulong.MaxValue;
        Same("a=7 b=-1234567890123 s=str c=z t=False", $"a={a} b={b} s={s} c={c} t={t}", "mixed holes");
        Same("u=4000000000 big=18446744073709551615", $"u={u} big={big}", "unsigned holes");
        Same("d=0.1 e=1E+20", $"d={0.1} e={1e20}", "double holes");
        object o = 5;
        Same("[5][]", $"[{o}][{null}]", "object and null holes");
        Same("only text", $"only text", "no holes");
        string longer = $"{a}{a}{a}{a}{a}{a}{a}{a}{a}{a}{a}{a}{a}{a}{a}{a}{a}{a}{a}{a}{a}{a}{a}{a}{a}{a}{a}{a}{a}{a}{a}{a}{a}{a}{a}{a}{a}{a}{a}{a}{b}{b}{b}{b}{b}{b}{b}{b}";
        T.Equal(40 + 8 * 14, longer.Length, "the handler's buffer grows");
    }

    private static void InterpolationFormats()
    {
        int v = 255;
        Same("ff FF 000000FF 00255", $"{v:x} {v:X} {v:X8} {v:D5}", "integer formats");
        Same("1,234,567", $"{1234567:N0}", "N0");
        Same("[   42][42   ]", $"[{42,5}][{42,-5}]", "alignment");
        Same("3.14", $"{Math.PI:F2}", "F2");
        Same("[  ab]", $"[{"ab",4}]", "aligned string");
    }

    private static void Equality()
    {
        string a = "hello", b = "hel" + "lo".Substring(0);
        string c = new string('h', 1) + "ello";
        T.True(a == c, "== on equal contents");
        T.True(!(a != c), "!= on equal contents");
        T.True(a != "hellO", "differs in case");
        T.True(a != "hell", "differs in length");
        T.True(a.Equals(c), "Equals(string)");
        T.True(a.Equals((object)c), "Equals(object)");
        T.True(string.Equals(a, b), "static Equals");
        T.True(string.Equals("ABC", "abc", StringComparison.OrdinalIgnoreCase), "OrdinalIgnoreCase");
        string n = null;
        T.True(n == null && !(a == n) && !(n == a), "null comparisons");
    }

    private static void Hash()
    {
        string a = "key", b = new string(new[] { 'k', 'e', 'y' });
        T.Equal(a.GetHashCode(), b.GetHashCode(), "equal strings hash equally");
        T.True("key".GetHashCode() != "kez".GetHashCode(), "a one-letter change changes the hash");
        T.True("ab".GetHashCode() != "ba".GetHashCode(), "order matters");
    }

    private static void Compare()
    {
        T.True(string.CompareOrdinal("apple", "banana") < 0, "apple < banana");
        T.True(string.CompareOrdinal("b", "a") > 0, "b > a");
        T.Equal(0, string.CompareOrdinal("same", "same"), "equal");
        T.True(string.CompareOrdinal("ab", "abc") < 0, "prefix sorts first");
        T.True("Zeta".CompareTo("alpha") < 0, "ordinal CompareTo: upper case first");
        T.True(string.CompareOrdinal(null, "a") < 0, "null first");
    }

    private static void Search()
    {
        string s = "the quick brown fox jumps over the lazy dog";
        T.Equal(4, s.IndexOf('q'), "IndexOf(char)");
        T.Equal(-1, s.IndexOf('Q'), "IndexOf missing char");
        T.Equal(16, s.IndexOf("fox"), "IndexOf(string)");
        T.Equal(31, s.IndexOf("the", 1), "IndexOf(string, start)");
        T.Equal(31, s.LastIndexOf("the"), "LastIndexOf(string)");
        T.Equal(41, s.LastIndexOf('o'), "LastIndexOf(char)");
        T.True(s.Contains("lazy") && !s.Contains("cat"), "Contains(string)");
        T.True(s.Contains('z'), "Contains(char)");
        T.True(s.StartsWith("the ") && !s.StartsWith("quick"), "StartsWith");
        T.True(s.EndsWith("dog") && !s.EndsWith("do"), "EndsWith");
        T.True(s.StartsWith('t') && s.EndsWith('g'), "StartsWith/EndsWith(char)");
        T.Equal(0, s.IndexOf(""), "empty needle");
        T.True("README.MD".EndsWith(".md", StringComparison.OrdinalIgnoreCase), "EndsWith ignoring case");
    }

    private static void SubstringTrim()
    {
        string s = "  padded text\t\n";
        Same("padded text", s.Trim(), "Trim");
        Same("padded text\t\n", s.TrimStart(), "TrimStart");
        Same("  padded text", s.TrimEnd(), "TrimEnd");
        Same("text", "xxtextxx".Trim('x'), "Trim(char)");
        Same("quick", "the quick fox".Substring(4, 5), "Substring(start, length)");
        Same("fox", "the quick fox".Substring(10), "Substring(start)");
        Same("", "abc".Substring(3), "Substring at the end");
        char[] chars = "hey".ToCharArray();
        T.True(chars.Length == 3 && chars[1] == 'e', "ToCharArray");
        Same("abXYcd", "abcd".Insert(2, "XY"), "Insert");
        Same("ad", "abcd".Remove(1, 2), "Remove");
    }

    private static void CaseReplacePad()
    {
        Same("HELLO, WORLD 1", "Hello, World 1".ToUpperInvariant(), "ToUpperInvariant");
        Same("hello, world 1", "Hello, World 1".ToLowerInvariant(), "ToLowerInvariant");
        Same("ÉCOLE", "école".ToUpperInvariant(), "Latin-1 upper case");
        Same("a.b.c", "a-b-c".Replace('-', '.'), "Replace(char)");
        Same("one 2 one", "one two one".Replace("two", "2"), "Replace(string)");
        Same("xx", "aa".Replace("a", "x"), "Replace every occurrence");
        Same("a--b", "a-b".Replace("-", "--"), "Replace growing");
        Same("   42", "42".PadLeft(5), "PadLeft");
        Same("42***", "42".PadRight(5, '*'), "PadRight");
        Same("toolong", "toolong".PadLeft(3), "PadLeft shorter than the string");
    }

    private static void SplitJoin()
    {
        string[] parts = "a,b,,c".Split(',');
        T.Equal(4, parts.Length, "Split count");
        Same("a|b||c", string.Join("|", parts), "Join");
        string[] noEmpty = "a,b,,c,".Split(',', StringSplitOptions.RemoveEmptyEntries);
        T.Equal(3, noEmpty.Length, "RemoveEmptyEntries");
        Same("c", noEmpty[2], "last part");
        string[] trimmed = " x ; y ".Split(';', StringSplitOptions.TrimEntries);
        Same("x+y", string.Join("+", trimmed), "TrimEntries");
        string[] limited = "k=v=w".Split('=', 2);
        T.Equal(2, limited.Length, "count limit");
        Same("v=w", limited[1], "the rest stays together");
        string[] none = "plain".Split(',');
        T.True(none.Length == 1 && none[0] == "plain", "no separator");
        Same("1, 2, 3", string.Join(", ", new object[] { 1, 2, 3 }), "Join objects");
        Same("a/b", string.Join('/', "a", "b"), "Join(char)");
    }

    private static void Constructors()
    {
        Same("=====", new string('=', 5), "new string(char, int)");
        Same("abc", new string(new[] { 'a', 'b', 'c' }), "new string(char[])");
        Same("bc", new string(new[] { 'a', 'b', 'c' }, 1, 2), "new string(char[], start, length)");
        Span<char> span = stackalloc char[3];
        span[0] = 'x'; span[1] = 'y'; span[2] = 'z';
        Same("xyz", new string(span), "new string(ReadOnlySpan<char>)");
        Same("", new string('a', 0), "empty");
        Same("xyz", span.ToString(), "Span<char>.ToString");
        Same("0123", string.Create(4, 0, (chars, start) => { for (int i = 0; i < chars.Length; i++) chars[i] = (char)('0' + start + i); }), "string.Create");
    }

    private static void NullEmpty()
    {
        T.True(string.IsNullOrEmpty(null) && string.IsNullOrEmpty("") && !string.IsNullOrEmpty(" "), "IsNullOrEmpty");
        T.True(string.IsNullOrWhiteSpace(null) && string.IsNullOrWhiteSpace(" \t") && !string.IsNullOrWhiteSpace(" a"), "IsNullOrWhiteSpace");
        T.Equal(0, string.Empty.Length, "string.Empty");
    }

    private static void Format()
    {
        Same("1 + 2 = 3", string.Format("{0} + {1} = {2}", 1, 2, 3), "three arguments");
        Same("x=ff {y}", string.Format("x={0:x} {{y}}", 255), "format and braces");
        Same("[a   ][   b]", string.Format("[{0,-4}][{1,4}]", "a", "b"), "alignment");
        Same("a b c d", string.Format("{0} {1} {2} {3}", "a", "b", "c", "d"), "params");
    }

    private static void Utf8Ascii()
    {
        byte[] bytes = Encoding.UTF8.GetBytes("Hi!");
        T.Equal(3, bytes.Length, "ASCII byte count");
        T.Equal('H', bytes[0], "first byte");
        Same("Hi!", Encoding.UTF8.GetString(bytes), "round trip");
        Same("", Encoding.UTF8.GetString(new byte[0]), "empty");
    }

    private static void Utf8Multibyte()
    {
        string text = "é€😀";   // 2, 3 and 4 bytes (the last a surrogate pair)
        T.Equal(9, Encoding.UTF8.GetByteCount(text), "byte count");
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        T.Equal(0xC3, bytes[0], "é lead byte");
        T.Equal(0xA9, bytes[1], "é trail byte");
        T.Equal(0xE2, bytes[2], "€ lead byte");
        T.Equal(0xF0, bytes[5], "emoji lead byte");
        T.Equal(0x80, bytes[8], "emoji last byte");
        string back = Encoding.UTF8.GetString(bytes);
        Same(text, back, "round trip");
        T.Equal(4, back.Length, "UTF-16 length with the pair");
        Span<byte> span = stackalloc byte[16];
        T.Equal(9, Encoding.UTF8.GetBytes(text.AsSpan(), span), "GetBytes into a span");
        Same(text, Encoding.UTF8.GetString(span.Slice(0, 9)), "GetString from a span");
    }

    private static void Utf8Invalid()
    {
        Same("a\uFFFDb", Encoding.UTF8.GetString(new byte[] { (byte)'a', 0xFF, (byte)'b' }), "invalid byte");
        Same("\uFFFD", Encoding.UTF8.GetString(new byte[] { 0xE2, 0x82 }), "truncated sequence is one replacement");
        Same("\uFFFD\uFFFD", Encoding.UTF8.GetString(new byte[] { 0xC0, 0xAF }), "overlong form");
        Same("\uFFFD", Encoding.UTF8.GetString(new byte[] { 0xED, 0xA0, 0x80 }.AsSpan(0, 1)), "lone lead byte");
        byte[] lone = Encoding.UTF8.GetBytes("x\uD800y");
        T.True(lone.Length == 5 && lone[1] == 0xEF && lone[2] == 0xBF && lone[3] == 0xBD, "unpaired surrogate encodes as U+FFFD");
    }

    private static void CharClass()
    {
        T.True(char.IsDigit('7') && !char.IsDigit('x'), "IsDigit");
        T.True(char.IsLetter('q') && char.IsLetter('Ö') && !char.IsLetter('1'), "IsLetter");
        T.True(char.IsWhiteSpace('\t') && !char.IsWhiteSpace('_'), "IsWhiteSpace");
        T.True(char.IsUpper('A') && char.IsLower('a'), "IsUpper/IsLower");
        T.Equal('A', char.ToUpperInvariant('a'), "ToUpperInvariant");
        Same("c", 'c'.ToString(), "char.ToString");
    }
}
