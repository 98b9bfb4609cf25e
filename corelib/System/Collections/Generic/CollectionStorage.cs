// The array policy the array-backed collections share (List, Queue, Stack), as .NET's: storage is
// allocated at the capacity asked for, and grows to 4 first, then by doubling, or straight to what
// an operation needs when doubling is not enough.
namespace System.Collections.Generic
{
    internal static class CollectionStorage
    {
        private const int MaxLength = 0x7FFFFFC7;   // .NET's largest array length

        internal static T[] Allocate<T>(int capacity)
        {
            if (capacity < 0) CollectionThrowHelper.ArgumentOutOfRange();
            return new T[capacity];
        }

        internal static int GrownCapacity(int current, int needed)
        {
            int grown = current == 0 ? 4 : 2 * current;
            if ((uint)grown > MaxLength) grown = MaxLength;
            return grown < needed ? needed : grown;
        }

        /// <summary>A copy of the first `count` items in a new array of `capacity`.</summary>
        internal static T[] Resize<T>(T[] items, int count, int capacity)
        {
            var resized = new T[capacity];
            new ReadOnlySpan<T>(items, 0, count).CopyTo(resized);
            return resized;
        }
    }
}
