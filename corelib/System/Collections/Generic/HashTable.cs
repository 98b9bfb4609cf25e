// The hash table under Dictionary<TKey, TValue> and HashSet<T> (a set is a table whose values are
// NoValue), laid out as .NET's Dictionary: entries in one array, in insertion order unless removals
// left holes; buckets hold 1 + the index of their chain's first entry (0: empty), so a freshly
// allocated, zeroed bucket array is empty; chains link through Entry.Next (-1 ends a chain).
// A removed entry joins the free list, which also links through Next, encoded as
// StartOfFreeList - next so that every free entry has Next <= -2 and enumeration can skip it.
// Keys are compared by the comparer given, or when none was, by EqualityComparer<TKey>.Default
// directly: that call is devirtualised (for int keys it is an inlined compare).
using System.Runtime.CompilerServices;
using Internal.IntrinsicSupport;

namespace System.Collections.Generic
{
    internal enum InsertionBehavior : byte { None, OverwriteExisting, ThrowOnExisting }

    internal struct NoValue { }

    internal struct HashTable<TKey, TValue>
    {
        private const int StartOfFreeList = -3;

        internal struct Entry
        {
            public uint HashCode;
            public int Next;
            public TKey Key;
            public TValue Value;
        }

        internal int[] Buckets;
        internal Entry[] Entries;
        internal int Count;          // entries in use, free ones included
        internal int FreeList;       // first free entry, -1 when none
        internal int FreeCount;
        internal int Version;        // changes when entries are added (removals and overwrites keep it, as in .NET)
        internal IEqualityComparer<TKey> Comparer;   // null: EqualityComparer<TKey>.Default

        internal int Live => Count - FreeCount;
        internal int Capacity => Entries == null ? 0 : Entries.Length;

        internal void SetComparer(IEqualityComparer<TKey> comparer)
        {
            if (comparer != null && comparer != EqualityComparer<TKey>.Default) Comparer = comparer;
        }

        internal void Initialize(int capacity)
        {
            int size = HashHelpers.GetPrime(capacity);
            Buckets = new int[size];
            Entries = new Entry[size];
            FreeList = -1;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private uint Hash(TKey key) =>
            (uint)(Comparer == null ? EqualityComparer<TKey>.Default.GetHashCode(key) : Comparer.GetHashCode(key));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private bool KeyEquals(TKey a, TKey b) =>
            Comparer == null ? EqualityComparer<TKey>.Default.Equals(a, b) : Comparer.Equals(a, b);

        /// <summary>The index of key's entry, or -1.</summary>
        internal int FindIndex(TKey key)
        {
            if (EqualityComparerHelpers.IsNull(key)) CollectionThrowHelper.NullKey();
            if (Buckets == null) return -1;
            uint hash = Hash(key);
            Entry[] entries = Entries;
            int i = Buckets[hash % (uint)Buckets.Length] - 1;
            while (i >= 0)
            {
                ref Entry e = ref entries[i];
                if (e.HashCode == hash && KeyEquals(e.Key, key)) return i;
                i = e.Next;
            }
            return -1;
        }

        /// <summary>Adds key with value; an existing key is left alone, overwritten or an error,
        /// as `behavior` says. True when the table changed.</summary>
        internal bool TryInsert(TKey key, TValue value, InsertionBehavior behavior)
        {
            int i = FindOrAdd(key, out bool exists);
            if (exists)
            {
                if (behavior == InsertionBehavior.ThrowOnExisting) CollectionThrowHelper.DuplicateKey();
                if (behavior != InsertionBehavior.OverwriteExisting) return false;
            }
            Entries[i].Value = value;
            return true;
        }

        /// <summary>The index of key's entry, added with a default value when `exists` is false.</summary>
        internal int FindOrAdd(TKey key, out bool exists)
        {
            if (EqualityComparerHelpers.IsNull(key)) CollectionThrowHelper.NullKey();
            if (Buckets == null) Initialize(0);
            uint hash = Hash(key);
            int i = Buckets[hash % (uint)Buckets.Length] - 1;
            while (i >= 0)
            {
                ref Entry e = ref Entries[i];
                if (e.HashCode == hash && KeyEquals(e.Key, key))
                {
                    exists = true;
                    return i;
                }
                i = e.Next;
            }

            int index;
            if (FreeCount > 0)
            {
                index = FreeList;
                FreeList = StartOfFreeList - Entries[index].Next;
                FreeCount--;
            }
            else
            {
                if (Count == Entries.Length) Resize(HashHelpers.ExpandPrime(Count));
                index = Count++;
            }
            ref int bucket = ref Buckets[hash % (uint)Buckets.Length];
            ref Entry entry = ref Entries[index];
            entry.HashCode = hash;
            entry.Next = bucket - 1;
            entry.Key = key;
            entry.Value = default;
            bucket = index + 1;
            Version++;
            exists = false;
            return index;
        }

        /// <summary>Removes key's entry; false when there is none.</summary>
        internal bool Remove(TKey key, out TValue value)
        {
            if (EqualityComparerHelpers.IsNull(key)) CollectionThrowHelper.NullKey();
            if (Buckets != null)
            {
                uint hash = Hash(key);
                ref int bucket = ref Buckets[hash % (uint)Buckets.Length];
                int last = -1;
                int i = bucket - 1;
                while (i >= 0)
                {
                    ref Entry e = ref Entries[i];
                    if (e.HashCode == hash && KeyEquals(e.Key, key))
                    {
                        if (last < 0) bucket = e.Next + 1;
                        else Entries[last].Next = e.Next;
                        value = e.Value;
                        e.Next = StartOfFreeList - FreeList;
                        // A free entry must not keep objects alive.
                        if (RuntimeHelpers.IsReferenceOrContainsReferences<TKey>()) e.Key = default;
                        if (RuntimeHelpers.IsReferenceOrContainsReferences<TValue>()) e.Value = default;
                        FreeList = i;
                        FreeCount++;
                        return true;
                    }
                    last = i;
                    i = e.Next;
                }
            }
            value = default;
            return false;
        }

        internal void Clear()
        {
            if (Count == 0) return;
            new Span<int>(Buckets).Clear();
            new Span<Entry>(Entries, 0, Count).Clear();
            Count = 0;
            FreeList = -1;
            FreeCount = 0;
        }

        /// <summary>Grows (never shrinks) to hold at least `capacity` entries; returns the capacity.</summary>
        internal int EnsureCapacity(int capacity)
        {
            if (capacity < 0) CollectionThrowHelper.ArgumentOutOfRange();
            if (Capacity >= capacity) return Capacity;
            if (Buckets == null) Initialize(capacity);
            else Resize(HashHelpers.GetPrime(capacity));
            return Capacity;
        }

        // Called with no free entries (Count == Live), so every entry is linked again.
        private void Resize(int newSize)
        {
            var entries = new Entry[newSize];
            new ReadOnlySpan<Entry>(Entries, 0, Count).CopyTo(entries);
            var buckets = new int[newSize];
            for (int i = 0; i < Count; i++)
            {
                if (entries[i].Next < -1) continue;
                ref int bucket = ref buckets[entries[i].HashCode % (uint)newSize];
                entries[i].Next = bucket - 1;
                bucket = i + 1;
            }
            Buckets = buckets;
            Entries = entries;
        }

        /// <summary>Enumeration: the next live entry at or after `position` (advanced past it), or -1
        /// at the end. Stops the program if the table gained entries since `version`.</summary>
        internal int NextLive(ref int position, int version)
        {
            if (version != Version) CollectionThrowHelper.VersionChanged();
            while ((uint)position < (uint)Count)
            {
                int i = position++;
                if (Entries[i].Next >= -1) return i;
            }
            position = Count + 1;
            return -1;
        }
    }
}
