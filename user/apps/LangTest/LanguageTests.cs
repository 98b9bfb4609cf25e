// Core language features that need runtime support: boxing and unboxing (with Nullable), casts
// and `is` patterns, array initialisers, foreach over arrays, strings and spans, params arrays,
// switch on strings, static readonly arrays and enum values.
using System;
using T = Vireo.User.Testing.TestRunner;

unsafe static class LanguageTests
{
    public static void Run()
    {
        T.Run("lang_box_unbox_int", &BoxUnboxInt);
        T.Run("lang_box_tostring", &BoxToString);
        T.Run("lang_is_patterns", &IsPatterns);
        T.Run("lang_box_struct", &BoxStruct);
        T.Run("lang_nullable_box", &NullableBox);
        T.Run("lang_class_casts", &ClassCasts);
        T.Run("lang_interface_casts", &InterfaceCasts);
        T.Run("lang_interface_dispatch", &InterfaceDispatch);
        T.Run("lang_array_initialisers", &ArrayInitialisers);
        T.Run("lang_static_readonly_array", &StaticReadonlyArray);
        T.Run("lang_span_initialiser", &SpanInitialiser);
        T.Run("lang_foreach_array", &ForeachArray);
        T.Run("lang_foreach_string_span", &ForeachStringSpan);
        T.Run("lang_params", &Params);
        T.Run("lang_switch_string", &SwitchString);
        T.Run("lang_switch_string_many", &SwitchStringMany);
        T.Run("lang_enum_values", &EnumValues);
        T.Run("lang_multidim_jagged", &Jagged);
    }

    /// <summary>"throw": throws from two calls down (the session test checks the report names both);
    /// "lines": echoes stdin's lines upper-cased and numbered, then their count.</summary>
    public static int RunMode()
    {
        if (Vireo.User.Args.PositionalIs(0, "throw")) return ThrowFromDepth(2);
        int n = 0;
        for (string line = Console.ReadLine(); line != null; line = Console.ReadLine())
            Console.WriteLine($"{++n}: {line.ToUpperInvariant()}");
        Console.WriteLine("{0} lines", n);
        return 0;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static int ThrowFromDepth(int depth)
    {
        if (depth == 0) throw new InvalidOperationException("deliberate, from langtest");
        return ThrowFromDepth(depth - 1) + 1;
    }

    private static object Box<TValue>(TValue value) => value;

    private static void BoxUnboxInt()
    {
        object o = 42;
        T.Equal(42, (int)o, "unboxed value");
        object l = 1L << 40;
        T.Equal(1L << 40, (long)l, "long box");
        object b = (byte)200;
        T.Equal(200, (byte)b, "byte box");
        object d = 2.5;
        T.True((double)d == 2.5, "double box");
        object c = 'x';
        T.Equal('x', (char)c, "char box");
        T.Equal(7, (int)Box(7), "box through a generic");
    }

    private static void BoxToString()
    {
        object o = 42;
        T.True(o.ToString() == "42", "boxed int ToString");
        T.True(((object)(-5L)).ToString() == "-5", "boxed long ToString");
        T.True(((object)true).ToString() == "True", "boxed bool ToString");
        T.True(((object)'q').ToString() == "q", "boxed char ToString");
        T.True(((object)1.5).ToString() == "1.5", "boxed double ToString");
    }

    private static void IsPatterns()
    {
        object o = 42;
        T.True(o is int, "is int");
        T.True(!(o is long), "is not long");
        T.True(o is int i && i == 42, "is int i");
        object s = "text";
        T.True(s is string str && str.Length == 4, "is string s");
        T.True(!(s is int), "string is not int");
        object n = null;
        T.True(!(n is int), "null is not int");
        string kind = Describe(3) + Describe("x") + Describe(2.0) + Describe(null);
        T.True(kind == "int:3 string:x other null", "switch on type: " + kind);
    }

    private static string Describe(object value) => value switch
    {
        int i => "int:" + i.ToString() + " ",
        string s => "string:" + s + " ",
        null => "null",
        _ => "other ",
    };

    private struct Point
    {
        public int X, Y;
        public Point(int x, int y) { X = x; Y = y; }
        public override string ToString() => "(" + X.ToString() + "," + Y.ToString() + ")";
    }

    private static void BoxStruct()
    {
        object o = new Point(3, -4);
        T.True(o is Point, "is Point");
        Point p = (Point)o;
        T.Equal(3, p.X, "X after unbox");
        T.Equal(-4, p.Y, "Y after unbox");
        T.True(o.ToString() == "(3,-4)", "struct override through the box");
    }

    private static void NullableBox()
    {
        int? some = 5;
        int? none = null;
        object a = some, b = none;
        T.True(a is int, "int? boxes as int");
        T.Equal(5, (int)a, "value of the boxed int?");
        T.True(b is null, "empty int? boxes as null");
        int? back = (int?)a;
        T.True(back.HasValue && back.Value == 5, "unbox to int?");
        int? empty = (int?)b;
        T.True(!empty.HasValue, "unbox null to int?");
        long? big = 1L << 50;
        object c = big;
        T.Equal(1L << 50, (long)c, "long? box");
    }

    private class Animal { public virtual string Sound => "..."; }
    private class Dog : Animal { public override string Sound => "woof"; }
    private sealed class Puppy : Dog { }
    private class Cat : Animal { }

    private static Animal Make(int kind) => kind switch { 0 => new Dog(), 1 => new Puppy(), _ => new Cat() };

    private static void ClassCasts()
    {
        Animal a = Make(1);
        T.True(a is Dog, "Puppy is Dog");
        T.True(a is Puppy, "Puppy is Puppy");
        T.True(!(Make(2) is Dog), "Cat is not Dog");
        T.True((a as Dog) != null, "as Dog");
        T.True((Make(2) as Dog) == null, "Cat as Dog is null");
        object o = Make(0);
        T.True(!(o is string), "Dog is not string");
        T.True(!(o is int[]), "Dog is not an array");
        object arr = new int[3];
        T.True(arr is int[], "int[] is int[]");
        T.True(!(arr is Animal), "int[] is not Animal");
        T.True(((Dog)a).Sound == "woof", "cast and call");
    }

    private interface IShape { int Area(); }
    private interface INamed { string Name { get; } }
    private sealed class Square : IShape, INamed
    {
        public int Side;
        public int Area() => Side * Side;
        public string Name => "square";
    }
    private sealed class Blob { }

    private static object MakeShape(bool square) => square ? new Square { Side = 3 } : new Blob();

    private static void InterfaceCasts()
    {
        object s = MakeShape(true), b = MakeShape(false);
        T.True(s is IShape, "Square is IShape");
        T.True(s is INamed, "Square is INamed");
        T.True(!(b is IShape), "Blob is not IShape");
        T.True(b as INamed == null, "Blob as INamed is null");
    }

    private static readonly int[] Primes = { 2, 3, 5, 7, 11, 13 };
    private static readonly string[] Names = { "alpha", "beta" };

    // Several implementations, one inherited and overridden, called through the interface from
    // shared generic code: ilc cannot devirtualise these, so they go through the runtime's dispatch.
    private class Rectangle : IShape
    {
        public int W, H;
        public virtual int Area() => W * H;
    }
    private sealed class Framed : Rectangle
    {
        public override int Area() => base.Area() + 100;
    }

    private static int AreaOf<TShape>(TShape shape) where TShape : class => ((IShape)shape).Area();

    private static void InterfaceDispatch()
    {
        object[] shapes = { new Square { Side = 3 }, new Rectangle { W = 2, H = 5 }, new Framed { W = 1, H = 1 } };
        int total = 0;
        foreach (object o in shapes) total += AreaOf(o);
        T.Equal(9 + 10 + 101, total, "areas through the interface");
        IShape s = (IShape)shapes[2];
        T.Equal(101, s.Area(), "override reached through the base class's interface");
        T.True(((INamed)shapes[0]).Name == "square", "second interface of a sealed class");
    }

    private static void ArrayInitialisers()
    {
        int[] a = new int[] { 1, 2, 3 };
        T.Equal(3, a.Length, "length");
        T.Equal(6, a[0] + a[1] + a[2], "sum");
        long[] big = { 1L << 40, -1 };
        T.Equal(1L << 40, big[0], "long element");
        T.Equal(-1, big[1], "negative element");
        string[] s = new string[] { "a", "bc" };
        T.True(s[1] == "bc", "string element");
        char[] c = { 'h', 'i' };
        T.True(new string(c) == "hi", "char initialiser");
        double[] d = { 0.5, 1.5 };
        T.True(d[0] + d[1] == 2.0, "double initialiser");
        byte[] bytes = { 1, 2, 255 };
        T.Equal(255, bytes[2], "byte initialiser");
        object[] mixed = { 1, "two", 3.0 };
        T.True(mixed[1] is string && (int)mixed[0] == 1, "object[] initialiser with boxes");
        int[] many = new int[40] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
                                   21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40 };
        int sum = 0;
        for (int i = 0; i < many.Length; i++) sum += many[i];
        T.Equal(820, sum, "40-element initialiser (RVA data)");
    }

    private static void StaticReadonlyArray()
    {
        T.Equal(6, Primes.Length, "static array length");
        T.Equal(13, Primes[5], "static array element");
        T.True(Names[0] == "alpha" && Names[1] == "beta", "static string array");
    }

    private static ReadOnlySpan<byte> Magic => new byte[] { 0x7F, (byte)'E', (byte)'L', (byte)'F' };
    private static ReadOnlySpan<int> Squares => new int[] { 0, 1, 4, 9, 16 };

    private static void SpanInitialiser()
    {
        T.Equal(4, Magic.Length, "byte span length");
        T.Equal('L', Magic[2], "byte span element");
        T.Equal(16, Squares[4], "int span (CreateSpan)");
    }

    private static void ForeachArray()
    {
        int sum = 0, count = 0;
        foreach (int v in new[] { 10, 20, 30 }) { sum += v; count++; }
        T.Equal(60, sum, "foreach sum");
        T.Equal(3, count, "foreach count");
        string joined = "";
        foreach (string s in Names) joined += s;
        T.True(joined == "alphabeta", "foreach over string[]");
        int empty = 0;
        foreach (int v in new int[0]) empty++;
        T.Equal(0, empty, "foreach over an empty array");
    }

    private static void ForeachStringSpan()
    {
        int letters = 0;
        foreach (char c in "hello") if (c == 'l') letters++;
        T.Equal(2, letters, "foreach over a string");
        Span<int> span = stackalloc int[4];
        int i = 0;
        foreach (ref int slot in span) slot = ++i;
        int total = 0;
        foreach (int v in span) total += v;
        T.Equal(10, total, "foreach over a span");
        ReadOnlySpan<char> text = "abc".AsSpan();
        int code = 0;
        foreach (char c in text) code += c;
        T.Equal('a' + 'b' + 'c', code, "foreach over a ReadOnlySpan<char>");
    }

    private static int Sum(params int[] values)
    {
        int total = 0;
        foreach (int v in values) total += v;
        return total;
    }

    private static int CountArgs(params object[] values) => values.Length;

    private static void Params()
    {
        T.Equal(0, Sum(), "no arguments");
        T.Equal(6, Sum(1, 2, 3), "three arguments");
        T.Equal(5, Sum(new[] { 5 }), "an array passed as is");
        T.Equal(3, CountArgs("a", 1, 'c'), "params object[] with boxes");
    }

    private static int Classify(string word)
    {
        switch (word)
        {
            case "zero": return 0;
            case "one": return 1;
            case "two": return 2;
            default: return -1;
        }
    }

    // Enough cases that csc switches on a hash (ComputeStringHash) or on length and a character.
    private static int Month(string name) => name switch
    {
        "jan" => 1, "feb" => 2, "mar" => 3, "apr" => 4, "may" => 5, "jun" => 6,
        "jul" => 7, "aug" => 8, "sep" => 9, "oct" => 10, "nov" => 11, "dec" => 12,
        "january" => 1, "february" => 2, "march" => 3,
        _ => 0,
    };

    private static void SwitchString()
    {
        T.Equal(1, Classify("one"), "one");
        T.Equal(2, Classify("tw" + "o"), "built string");
        T.Equal(-1, Classify("three"), "default");
        T.Equal(-1, Classify(null), "null");
    }

    private static void SwitchStringMany()
    {
        T.Equal(9, Month("sep"), "sep");
        T.Equal(12, Month("de" + "c"), "dec");
        T.Equal(2, Month("february"), "february");
        T.Equal(0, Month("smarch"), "unknown");
        T.Equal(0, Month(""), "empty");
    }

    private enum Color { Red, Green = 5, Blue }

    private static void EnumValues()
    {
        Color c = Color.Blue;
        T.Equal(6, (int)c, "enum value");
        object boxed = c;
        T.True(boxed is Color, "boxed enum type");
        T.Equal(6, (int)(Color)boxed, "unboxed enum");
        Color[] all = { Color.Red, Color.Green, Color.Blue };
        T.Equal(5, (int)all[1], "enum array initialiser");
    }

    private static void Jagged()
    {
        int[][] rows = { new[] { 1 }, new[] { 2, 3 } };
        T.Equal(2, rows[1].Length, "jagged row length");
        T.Equal(3, rows[1][1], "jagged element");
    }
}
