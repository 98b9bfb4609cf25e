// Sorting and binary search of arrays, as .NET's Array.Sort<T> and Array.BinarySearch<T>: the same
// introsort as List<T>.Sort (ArraySortHelper), the default comparer when none is given.
using System.Collections.Generic;

namespace System
{
    public abstract partial class Array
    {
        public static void Sort<T>(T[] array) => Sort(array, null);

        public static void Sort<T>(T[] array, IComparer<T> comparer)
        {
            if (array == null) CollectionThrowHelper.ArgumentNull();
            ArraySortHelper<T>.Sort(new Span<T>(array), comparer);
        }

        public static void Sort<T>(T[] array, int index, int length, IComparer<T> comparer)
        {
            if (array == null) CollectionThrowHelper.ArgumentNull();
            if (index < 0 || length < 0 || array.Length - index < length) CollectionThrowHelper.ArgumentOutOfRange();
            ArraySortHelper<T>.Sort(new Span<T>(array, index, length), comparer);
        }

        public static int BinarySearch<T>(T[] array, T value) => BinarySearch(array, value, null);

        public static int BinarySearch<T>(T[] array, T value, IComparer<T> comparer)
        {
            if (array == null) CollectionThrowHelper.ArgumentNull();
            return BinarySearch(array, 0, array.Length, value, comparer);
        }

        /// <summary>The index of value in the sorted range, or the bitwise complement of the index of
        /// the first element larger than it (where it would be inserted).</summary>
        public static int BinarySearch<T>(T[] array, int index, int length, T value, IComparer<T> comparer)
        {
            if (array == null) CollectionThrowHelper.ArgumentNull();
            if (index < 0 || length < 0 || array.Length - index < length) CollectionThrowHelper.ArgumentOutOfRange();
            int i = ArraySortHelper<T>.BinarySearch(new ReadOnlySpan<T>(array, index, length), value, comparer);
            return i >= 0 ? index + i : ~(index + ~i);
        }
    }
}
