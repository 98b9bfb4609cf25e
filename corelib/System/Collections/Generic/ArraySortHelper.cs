// Introspective sort, as .NET's List<T>.Sort and Array.Sort use: quicksort with a median-of-three
// pivot, insertion sort below 16 elements, and heapsort once the recursion is deeper than
// 2 log2(n), so the worst case stays O(n log n). Unstable, like .NET's. The comparer is a struct type
// argument: with the default comparer ilc inlines each comparison (no virtual or interface call).
using System.Numerics;

namespace System.Collections.Generic
{
    internal interface ISortComparer<T>
    {
        int Compare(T x, T y);
    }

    internal struct DefaultSortComparer<T> : ISortComparer<T>
    {
        public int Compare(T x, T y) => Comparer<T>.Default.Compare(x, y);
    }

    internal struct CustomSortComparer<T> : ISortComparer<T>
    {
        private readonly IComparer<T> _comparer;
        internal CustomSortComparer(IComparer<T> comparer) { _comparer = comparer; }
        public int Compare(T x, T y) => _comparer.Compare(x, y);
    }

    internal static class ArraySortHelper<T>
    {
        private const int InsertionSortThreshold = 16;

        /// <summary>Sorts with `comparer`, or with Comparer<T>.Default when it is null or the default.</summary>
        internal static void Sort(Span<T> keys, IComparer<T> comparer)
        {
            if (comparer == null || comparer == Comparer<T>.Default)
                Sort(keys, new DefaultSortComparer<T>());
            else
                Sort(keys, new CustomSortComparer<T>(comparer));
        }

        /// <summary>The index of value in sorted keys, or the bitwise complement of where it would go.</summary>
        internal static int BinarySearch(ReadOnlySpan<T> keys, T value, IComparer<T> comparer)
        {
            if (comparer == null || comparer == Comparer<T>.Default)
                return BinarySearch(keys, value, new DefaultSortComparer<T>());
            return BinarySearch(keys, value, new CustomSortComparer<T>(comparer));
        }

        private static int BinarySearch<TComparer>(ReadOnlySpan<T> keys, T value, TComparer comparer) where TComparer : struct, ISortComparer<T>
        {
            int lo = 0, hi = keys.Length - 1;
            while (lo <= hi)
            {
                int middle = lo + ((hi - lo) >> 1);
                int order = comparer.Compare(keys[middle], value);
                if (order == 0) return middle;
                if (order < 0) lo = middle + 1;
                else hi = middle - 1;
            }
            return ~lo;
        }

        internal static void Sort<TComparer>(Span<T> keys, TComparer comparer) where TComparer : struct, ISortComparer<T>
        {
            if (keys.Length < 2) return;
            int depthLimit = 2 * (BitOperations.Log2((uint)keys.Length) + 1);
            IntroSort(keys, depthLimit, ref comparer);
        }

        private static void IntroSort<TComparer>(Span<T> keys, int depthLimit, ref TComparer comparer) where TComparer : struct, ISortComparer<T>
        {
            while (keys.Length > InsertionSortThreshold)
            {
                if (depthLimit == 0)
                {
                    HeapSort(keys, ref comparer);
                    return;
                }
                depthLimit--;
                int pivot = Partition(keys, ref comparer);
                // Recurse into the right part, loop on the left: the stack stays O(log n) deep on average.
                IntroSort(keys.Slice(pivot + 1), depthLimit, ref comparer);
                keys = keys.Slice(0, pivot);
            }
            InsertionSort(keys, ref comparer);
        }

        private static void SwapIfGreater<TComparer>(Span<T> keys, int i, int j, ref TComparer comparer) where TComparer : struct, ISortComparer<T>
        {
            if (comparer.Compare(keys[i], keys[j]) > 0) Swap(keys, i, j);
        }

        private static void Swap(Span<T> keys, int i, int j)
        {
            T t = keys[i];
            keys[i] = keys[j];
            keys[j] = t;
        }

        // Median of first, middle and last as the pivot, parked at hi - 1; returns its final index.
        private static int Partition<TComparer>(Span<T> keys, ref TComparer comparer) where TComparer : struct, ISortComparer<T>
        {
            int hi = keys.Length - 1;
            int middle = hi >> 1;
            SwapIfGreater(keys, 0, middle, ref comparer);
            SwapIfGreater(keys, 0, hi, ref comparer);
            SwapIfGreater(keys, middle, hi, ref comparer);

            T pivot = keys[middle];
            Swap(keys, middle, hi - 1);
            int left = 0, right = hi - 1;
            while (left < right)
            {
                while (comparer.Compare(keys[++left], pivot) < 0) { }
                while (comparer.Compare(pivot, keys[--right]) < 0) { }
                if (left >= right) break;
                Swap(keys, left, right);
            }
            if (left != hi - 1) Swap(keys, left, hi - 1);
            return left;
        }

        private static void HeapSort<TComparer>(Span<T> keys, ref TComparer comparer) where TComparer : struct, ISortComparer<T>
        {
            int n = keys.Length;
            for (int i = n >> 1; i >= 1; i--) DownHeap(keys, i, n, ref comparer);
            for (int i = n; i > 1; i--)
            {
                Swap(keys, 0, i - 1);
                DownHeap(keys, 1, i - 1, ref comparer);
            }
        }

        // Heap positions are 1-based: the children of i are 2i and 2i + 1.
        private static void DownHeap<TComparer>(Span<T> keys, int i, int n, ref TComparer comparer) where TComparer : struct, ISortComparer<T>
        {
            T d = keys[i - 1];
            while (i <= n >> 1)
            {
                int child = 2 * i;
                if (child < n && comparer.Compare(keys[child - 1], keys[child]) < 0) child++;
                if (!(comparer.Compare(d, keys[child - 1]) < 0)) break;
                keys[i - 1] = keys[child - 1];
                i = child;
            }
            keys[i - 1] = d;
        }

        private static void InsertionSort<TComparer>(Span<T> keys, ref TComparer comparer) where TComparer : struct, ISortComparer<T>
        {
            for (int i = 0; i < keys.Length - 1; i++)
            {
                T t = keys[i + 1];
                int j = i;
                while (j >= 0 && comparer.Compare(t, keys[j]) < 0)
                {
                    keys[j + 1] = keys[j];
                    j--;
                }
                keys[j + 1] = t;
            }
        }
    }
}
