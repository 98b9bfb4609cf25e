// Methods whose bodies ilc writes per instantiation (matched by this namespace, class and method
// name, as for the real core library). They let generic collection code ask questions about T that
// C# can only express with boxing, which the bodies below would need for value types.
using System.Runtime.CompilerServices;

namespace Internal.IntrinsicSupport
{
    internal static class EqualityComparerHelpers
    {
        private static readonly object s_reference = new object();

        // ilc returns null for every value type; reference types (and shared code over them) run this.
        [Intrinsic]
        private static object GetComparerForReferenceTypesOnly<T>() => s_reference;

        /// <summary>True when T is a reference type. Folds to a constant in code for a given T.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static bool IsReference<T>() => GetComparerForReferenceTypesOnly<T>() != null;

        /// <summary>value == null without boxing: a value type is never null.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static bool IsNull<T>(T value) => IsReference<T>() && Unsafe.As<T, object>(ref value) == null;

        // ilc compares an enum's underlying integers; T is always an enum here.
        [Intrinsic]
        internal static bool EnumOnlyEquals<T>(T x, T y) where T : struct => throw null;
    }
}

namespace Internal.IntrinsicSupport
{
    internal static class ComparerHelpers
    {
        // ilc calls the underlying integer type's CompareTo; T is always an enum here.
        [Intrinsic]
        internal static int EnumOnlyCompare<T>(T x, T y) where T : struct => throw null;
    }
}
