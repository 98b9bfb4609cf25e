// Comparer<T>.Default without reflection, the same way as EqualityComparer<T>.Default (see there):
// ilc replaces Create per T with GenericComparer<T> (T implements IComparable<T>),
// NullableComparer<T>, EnumComparer<T> or ObjectComparer<T>. Null sorts before everything.
using System.Runtime.CompilerServices;
using Internal.IntrinsicSupport;

namespace System.Collections.Generic
{
    public abstract partial class Comparer<T> : IComparer, IComparer<T>
    {
        protected Comparer() { }

        public static Comparer<T> Default { [Intrinsic] get; } = Create();

        [Intrinsic]
        private static Comparer<T> Create() => new ObjectComparer<T>();

        public abstract int Compare(T x, T y);

        /// <summary>A comparer that calls `comparison` (what List<T>.Sort(Comparison<T>) sorts with).</summary>
        public static Comparer<T> Create(Comparison<T> comparison)
        {
            if (comparison == null) CollectionThrowHelper.ArgumentNull();
            return new ComparisonComparer<T>(comparison);
        }

        int IComparer.Compare(object x, object y)
        {
            if (x == null) return y == null ? 0 : -1;
            if (y == null) return 1;
            if (!(x is T) || !(y is T)) CollectionThrowHelper.WrongType();
            return Compare((T)x, (T)y);
        }

        // -1, 0 or 1 for the null cases; 2 when both are present and the caller compares them.
        internal static int CompareNulls(T x, T y)
        {
            if (EqualityComparerHelpers.IsNull(x)) return EqualityComparerHelpers.IsNull(y) ? 0 : -1;
            return EqualityComparerHelpers.IsNull(y) ? 1 : 2;
        }
    }

    public sealed partial class GenericComparer<T> : Comparer<T> where T : IComparable<T>
    {
        public override int Compare(T x, T y)
        {
            int nulls = CompareNulls(x, y);
            return nulls != 2 ? nulls : x.CompareTo(y);
        }
    }

    // For T without IComparable<T>: the object's IComparable (a value type here is boxed).
    public sealed partial class ObjectComparer<T> : Comparer<T>
    {
        public override int Compare(T x, T y)
        {
            int nulls = CompareNulls(x, y);
            if (nulls != 2) return nulls;
            object boxed = x;
            if (boxed is IComparable<T> generic) return generic.CompareTo(y);
            if (boxed is IComparable plain) return plain.CompareTo((object)y);
            CollectionThrowHelper.NotComparable();
            return 0;
        }
    }

    public sealed partial class NullableComparer<T> : Comparer<T?> where T : struct
    {
        public override int Compare(T? x, T? y)
        {
            if (x.HasValue) return y.HasValue ? Comparer<T>.Default.Compare(x.value, y.value) : 1;
            return y.HasValue ? -1 : 0;
        }
    }

    public sealed partial class EnumComparer<T> : Comparer<T> where T : struct, Enum
    {
        public override int Compare(T x, T y) => ComparerHelpers.EnumOnlyCompare(x, y);
    }

    internal sealed class ComparisonComparer<T> : Comparer<T>
    {
        private readonly Comparison<T> _comparison;
        internal ComparisonComparer(Comparison<T> comparison) { _comparison = comparison; }
        public override int Compare(T x, T y) => _comparison(x, y);
    }
}
