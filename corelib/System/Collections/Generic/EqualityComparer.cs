// EqualityComparer<T>.Default without reflection. ilc treats EqualityComparer<T>.Create as an
// intrinsic (ComparerIntrinsics in ilc): for every T it knows exactly, it replaces the body with
// `new X<T>()`, X being looked up by name in this namespace: GenericEqualityComparer<T> when T
// implements IEquatable<T>, NullableEqualityComparer<T> for T?, EnumEqualityComparer<T> for enums,
// StringEqualityComparer, else ObjectEqualityComparer<T>. The JIT also knows get_Default and
// devirtualises calls on it, so a Dictionary<int, V> compares keys with an inlined int compare, no
// boxing. Only shared code over reference types (one body for every class T) runs Create's own body;
// it compares through the virtual Equals(object), which a class's IEquatable<T> agrees with.
using System.Runtime.CompilerServices;
using Internal.IntrinsicSupport;

namespace System.Collections.Generic
{
    public abstract partial class EqualityComparer<T> : IEqualityComparer, IEqualityComparer<T>
    {
        protected EqualityComparer() { }

        public static EqualityComparer<T> Default { [Intrinsic] get; } = Create();

        [Intrinsic]
        private static EqualityComparer<T> Create() => new ObjectEqualityComparer<T>();

        public abstract bool Equals(T x, T y);
        public abstract int GetHashCode(T obj);

        bool IEqualityComparer.Equals(object x, object y)
        {
            if (x == y) return true;
            if (x == null || y == null) return false;
            if (!(x is T) || !(y is T)) CollectionThrowHelper.WrongType();
            return Equals((T)x, (T)y);
        }

        int IEqualityComparer.GetHashCode(object obj)
        {
            if (obj == null) return 0;
            if (!(obj is T)) CollectionThrowHelper.WrongType();
            return GetHashCode((T)obj);
        }
    }

    public sealed partial class GenericEqualityComparer<T> : EqualityComparer<T> where T : IEquatable<T>
    {
        // Inlined into the collections once the JIT has devirtualised the call on Default.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public override bool Equals(T x, T y)
        {
            if (EqualityComparerHelpers.IsNull(x)) return EqualityComparerHelpers.IsNull(y);
            return !EqualityComparerHelpers.IsNull(y) && x.Equals(y);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public override int GetHashCode(T obj) => EqualityComparerHelpers.IsNull(obj) ? 0 : obj.GetHashCode();
    }

    // For T without IEquatable<T>. A value type here is boxed for Equals(object).
    public sealed partial class ObjectEqualityComparer<T> : EqualityComparer<T>
    {
        public override bool Equals(T x, T y)
        {
            if (EqualityComparerHelpers.IsNull(x)) return EqualityComparerHelpers.IsNull(y);
            return !EqualityComparerHelpers.IsNull(y) && x.Equals((object)y);
        }

        public override int GetHashCode(T obj) => EqualityComparerHelpers.IsNull(obj) ? 0 : obj.GetHashCode();
    }

    public sealed partial class NullableEqualityComparer<T> : EqualityComparer<T?> where T : struct
    {
        public override bool Equals(T? x, T? y)
        {
            if (x.HasValue) return y.HasValue && EqualityComparer<T>.Default.Equals(x.value, y.value);
            return !y.HasValue;
        }

        public override int GetHashCode(T? obj) => obj.HasValue ? EqualityComparer<T>.Default.GetHashCode(obj.value) : 0;
    }

    public sealed partial class EnumEqualityComparer<T> : EqualityComparer<T> where T : struct, Enum
    {
        public override bool Equals(T x, T y) => EqualityComparerHelpers.EnumOnlyEquals(x, y);

        // The underlying integer's hash (what .NET's enum GetHashCode returns).
        public override int GetHashCode(T obj)
        {
            switch (Unsafe.SizeOf<T>())
            {
                case 1: return Unsafe.As<T, byte>(ref obj);
                case 2: return Unsafe.As<T, short>(ref obj);
                case 4: return Unsafe.As<T, int>(ref obj);
                default: return Unsafe.As<T, long>(ref obj).GetHashCode();
            }
        }
    }

    // What ilc makes EqualityComparer<string>.Default (it asks for this one by name when T is string).
    internal sealed class StringEqualityComparer : EqualityComparer<string>
    {
        public override bool Equals(string x, string y) => string.Equals(x, y);

        public override int GetHashCode(string obj) => obj == null ? 0 : obj.GetHashCode();
    }
}
