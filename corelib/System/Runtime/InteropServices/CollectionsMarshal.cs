// Direct access to the storage of List<T> and Dictionary<TKey, TValue>, as .NET's CollectionsMarshal
// gives it: for hot loops that would otherwise copy values in and out. The usual .NET caveat holds:
// a span or ref is valid only until the collection next grows or shrinks.
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace System.Runtime.InteropServices
{
    public static class CollectionsMarshal
    {
        public static Span<T> AsSpan<T>(List<T> list) => list == null ? default : new Span<T>(list._items, 0, list._size);

        /// <summary>Sets Count, growing the storage if needed; new items are default, dropped ones cleared
        /// when they hold references.</summary>
        public static void SetCount<T>(List<T> list, int count)
        {
            if (count < 0) CollectionThrowHelper.ArgumentOutOfRange();
            list._version++;
            if (count > list.Capacity) list.Capacity = count;
            else if (count < list._size && RuntimeHelpers.IsReferenceOrContainsReferences<T>())
                new Span<T>(list._items, count, list._size - count).Clear();
            list._size = count;
        }

        /// <summary>A reference to key's value, or a null reference (test with Unsafe.IsNullRef).</summary>
        public static ref TValue GetValueRefOrNullRef<TKey, TValue>(Dictionary<TKey, TValue> dictionary, TKey key)
        {
            int i = dictionary._table.FindIndex(key);
            if (i < 0) return ref Unsafe.NullRef<TValue>();
            return ref dictionary._table.Entries[i].Value;
        }

        /// <summary>A reference to key's value, added as default first when the key was missing.</summary>
        public static ref TValue GetValueRefOrAddDefault<TKey, TValue>(Dictionary<TKey, TValue> dictionary, TKey key, out bool exists)
        {
            int i = dictionary._table.FindOrAdd(key, out exists);
            return ref dictionary._table.Entries[i].Value;
        }
    }
}
