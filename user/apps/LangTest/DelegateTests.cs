// Delegates and lambdas: Func and Action of 0 to 4 arguments, closures that capture and update
// locals, static and instance method groups, delegates stored and passed around, and equality.
using System;
using T = Vireo.User.Testing.TestRunner;

unsafe static class DelegateTests
{
    public static void Run()
    {
        T.Run("del_func_arities", &FuncArities);
        T.Run("del_action_arities", &ActionArities);
        T.Run("del_closure_captures", &ClosureCaptures);
        T.Run("del_closure_counter", &ClosureCounter);
        T.Run("del_static_method_group", &StaticMethodGroup);
        T.Run("del_instance_method_group", &InstanceMethodGroup);
        T.Run("del_virtual_method_group", &VirtualMethodGroup);
        T.Run("del_static_lambda", &StaticLambda);
        T.Run("del_higher_order", &HigherOrder);
        T.Run("del_custom_delegate", &CustomDelegate);
        T.Run("del_equality_target", &EqualityTarget);
    }

    private static void FuncArities()
    {
        Func<int> zero = () => 7;
        Func<int, int> one = x => x * 2;
        Func<int, int, int> two = (x, y) => x - y;
        Func<int, int, int, int> three = (x, y, z) => x * y + z;
        Func<string, int, char, bool, string> four = (s, n, c, b) => s + n.ToString() + c + (b ? "!" : "?");
        T.Equal(7, zero(), "Func<int>");
        T.Equal(42, one(21), "Func<int, int>");
        T.Equal(-1, two(2, 3), "Func<int, int, int>");
        T.Equal(10, three(2, 3, 4), "three arguments");
        T.True(four("n", 5, 'c', true) == "n5c!", "four arguments");
        T.Equal(42, one.Invoke(21), "Invoke");
    }

    private static int s_sideEffect;

    private static void ActionArities()
    {
        s_sideEffect = 0;
        Action a0 = () => s_sideEffect += 1;
        Action<int> a1 = x => s_sideEffect += x;
        Action<int, int> a2 = (x, y) => s_sideEffect += x * y;
        Action<int, int, int> a3 = (x, y, z) => s_sideEffect += x + y + z;
        Action<int, int, int, int> a4 = (x, y, z, w) => s_sideEffect += x * y * z * w;
        a0(); a1(10); a2(3, 4); a3(1, 2, 3); a4(1, 2, 3, 4);
        T.Equal(1 + 10 + 12 + 6 + 24, s_sideEffect, "every action ran once");
    }

    private static void ClosureCaptures()
    {
        int factor = 3;
        string prefix = "v=";
        Func<int, string> f = x => prefix + (x * factor).ToString();
        T.True(f(5) == "v=15", "captured int and string");
        factor = 4;
        T.True(f(5) == "v=20", "sees the local's new value");
        int total = 0;
        Action<int> add = x => total += x;
        add(5); add(6);
        T.Equal(11, total, "writes back to the local");
    }

    private static Func<int> MakeCounter()
    {
        int count = 0;
        return () => ++count;
    }

    private static void ClosureCounter()
    {
        Func<int> a = MakeCounter(), b = MakeCounter();
        a(); a();
        T.Equal(3, a(), "a's own state");
        T.Equal(1, b(), "b is independent");
        var adders = new Func<int, int>[3];
        for (int i = 0; i < 3; i++)
        {
            int captured = i;
            adders[i] = x => x + captured;
        }
        T.Equal(102, adders[2](100), "each iteration's variable");
        T.Equal(100, adders[0](100), "first iteration's variable");
    }

    private static int Twice(int x) => 2 * x;
    private static int Square(int x) => x * x;

    private static void StaticMethodGroup()
    {
        Func<int, int> f = Twice;
        T.Equal(14, f(7), "static method group");
        f = Square;
        T.Equal(49, f(7), "reassigned");
        Func<string, string> trim = Trimmer;
        T.True(trim("  x ") == "x", "static method group over strings");
    }

    private static string Trimmer(string s) => s.Trim();

    private sealed class Accumulator
    {
        public int Total;
        public void Add(int x) => Total += x;
        public int Get() => Total;
    }

    private static void InstanceMethodGroup()
    {
        var acc = new Accumulator();
        Action<int> add = acc.Add;
        Func<int> get = acc.Get;
        add(4); add(5);
        T.Equal(9, get(), "instance method groups share the object");
        T.True(ReferenceEquals(add.Target, acc), "Target is the object");
    }

    private class Shape { public virtual string Name() => "shape"; }
    private sealed class Circle : Shape { public override string Name() => "circle"; }

    private static Shape MakeShape(bool circle) => circle ? new Circle() : new Shape();

    private static void VirtualMethodGroup()
    {
        Func<string> name = MakeShape(true).Name;
        T.True(name() == "circle", "virtual method group binds the override");
        name = MakeShape(false).Name;
        T.True(name() == "shape", "base implementation");
    }

    private static void StaticLambda()
    {
        Func<int, int> neg = static x => -x;
        T.Equal(-8, neg(8), "static lambda");
        Func<int, int> again = static x => -x;
        T.Equal(-8, again(8), "a second static lambda");
    }

    private static int Apply(Func<int, int> f, int x) => f(x);
    private static Func<int, int> Compose(Func<int, int> f, Func<int, int> g) => x => g(f(x));

    private static void HigherOrder()
    {
        T.Equal(16, Apply(Square, 4), "method group as an argument");
        Func<int, int> inc = x => x + 1;
        T.Equal(10, Compose(inc, Square)(2) + 1, "composition");
        int[] values = { 3, 1, 2 };
        int Largest(Func<int, int> key)
        {
            int best = values[0];
            foreach (int v in values) if (key(v) > key(best)) best = v;
            return best;
        }
        T.Equal(3, Largest(x => x), "local function with a lambda");
        T.Equal(1, Largest(x => -x), "local function with another lambda");
    }

    private delegate long Combiner(long a, long b);

    private static void CustomDelegate()
    {
        Combiner mul = (a, b) => a * b;
        T.Equal(1L << 40, mul(1L << 20, 1L << 20), "custom delegate type");
        Predicate<string> empty = s => s.Length == 0;
        T.True(empty("") && !empty("x"), "Predicate");
        Comparison<int> cmp = (a, b) => a - b;
        T.True(cmp(1, 2) < 0, "Comparison");
    }

    private static void EqualityTarget()
    {
        var acc = new Accumulator();
        Action<int> a = acc.Add, b = acc.Add;
        T.True(a.Equals(b), "same target and method are equal");
        Action<int> c = new Accumulator().Add;
        T.True(!a.Equals(c), "different targets differ");
        Func<int, int> s = Twice;
        T.True(s.Target == null, "static delegate has no target");
    }
}
