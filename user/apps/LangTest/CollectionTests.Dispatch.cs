// CollectionTests, continued: Interface dispatch at run time, equality and the default comparers.
using System.Collections;
using System.Collections.Generic;
using System.Text;
using T = Vireo.User.Testing.TestRunner;

static unsafe partial class CollectionTests
{
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
}
