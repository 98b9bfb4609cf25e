// HashSet<T> with .NET's API and behaviour: a HashTable whose values are empty (see HashTable for
// the layout). The set relations compare with this set's comparer; `other` may repeat items.
namespace System.Collections.Generic
{
    public class HashSet<T> : ISet<T>, IReadOnlyCollection<T>
    {
        internal HashTable<T, NoValue> _table;

        public HashSet() : this(0, null) { }
        public HashSet(int capacity) : this(capacity, null) { }
        public HashSet(IEqualityComparer<T> comparer) : this(0, comparer) { }

        public HashSet(int capacity, IEqualityComparer<T> comparer)
        {
            if (capacity < 0) CollectionThrowHelper.ArgumentOutOfRange();
            if (capacity > 0) _table.Initialize(capacity);
            _table.SetComparer(comparer);
        }

        public HashSet(IEnumerable<T> collection) : this(collection, null) { }

        public HashSet(IEnumerable<T> collection, IEqualityComparer<T> comparer) : this(0, comparer)
        {
            UnionWith(collection);
        }

        public IEqualityComparer<T> Comparer => _table.Comparer ?? EqualityComparer<T>.Default;
        public int Count => _table.Live;
        bool ICollection<T>.IsReadOnly => false;

        public bool Add(T item) => _table.TryInsert(item, default, InsertionBehavior.None);
        void ICollection<T>.Add(T item) => Add(item);
        public bool Contains(T item) => _table.FindIndex(item) >= 0;
        public bool Remove(T item) => _table.Remove(item, out _);
        public void Clear() => _table.Clear();
        public int EnsureCapacity(int capacity) => _table.EnsureCapacity(capacity);

        /// <summary>Removes every item that matches; returns how many. Removal frees entries in place,
        /// so the walk over the entries is not disturbed.</summary>
        public int RemoveWhere(Predicate<T> match)
        {
            if (match == null) CollectionThrowHelper.ArgumentNull();
            int removed = 0;
            for (int i = 0; i < _table.Count; i++)
            {
                if (_table.Entries[i].Next < -1) continue;
                T item = _table.Entries[i].Key;
                if (match(item) && _table.Remove(item, out _)) removed++;
            }
            return removed;
        }

        public bool TryGetValue(T equalValue, out T actualValue)
        {
            int i = _table.FindIndex(equalValue);
            actualValue = i < 0 ? default : _table.Entries[i].Key;
            return i >= 0;
        }

        public void UnionWith(IEnumerable<T> other)
        {
            if (other == null) CollectionThrowHelper.ArgumentNull();
            foreach (T item in other) Add(item);
        }

        public void ExceptWith(IEnumerable<T> other)
        {
            if (other == null) CollectionThrowHelper.ArgumentNull();
            foreach (T item in other) Remove(item);
        }

        /// <summary>Keeps only the items `other` also holds (compared with this set's comparer).</summary>
        public void IntersectWith(IEnumerable<T> other)
        {
            HashSet<T> others = Distinct(other);
            // Entries stay where they are when one is removed, so the scan by index sees each once.
            for (int i = 0; i < _table.Count; i++)
            {
                ref HashTable<T, NoValue>.Entry e = ref _table.Entries[i];
                if (e.Next >= -1 && !others.Contains(e.Key)) _table.Remove(e.Key, out _);
            }
        }

        public bool Overlaps(IEnumerable<T> other)
        {
            if (other == null) CollectionThrowHelper.ArgumentNull();
            foreach (T item in other)
                if (Contains(item)) return true;
            return false;
        }

        public void SymmetricExceptWith(IEnumerable<T> other)
        {
            foreach (T item in Distinct(other))
                if (!Remove(item)) Add(item);
        }

        public bool IsSubsetOf(IEnumerable<T> other) => CountShared(Distinct(other)) == Count;
        public bool IsSupersetOf(IEnumerable<T> other) { HashSet<T> set = Distinct(other); return CountShared(set) == set.Count; }
        public bool SetEquals(IEnumerable<T> other) { HashSet<T> set = Distinct(other); return set.Count == Count && CountShared(set) == Count; }
        public bool IsProperSubsetOf(IEnumerable<T> other) { HashSet<T> set = Distinct(other); return set.Count > Count && CountShared(set) == Count; }
        public bool IsProperSupersetOf(IEnumerable<T> other) { HashSet<T> set = Distinct(other); return set.Count < Count && CountShared(set) == set.Count; }

        // `other` as a set with this set's comparer (itself when it already is one).
        private HashSet<T> Distinct(IEnumerable<T> other)
        {
            if (other == null) CollectionThrowHelper.ArgumentNull();
            if (other is HashSet<T> set && set._table.Comparer == _table.Comparer) return set;
            return new HashSet<T>(other, _table.Comparer);
        }

        // How many items of `set` this set holds.
        private int CountShared(HashSet<T> set)
        {
            int shared = 0;
            foreach (T item in set)
                if (Contains(item)) shared++;
            return shared;
        }

        public void CopyTo(T[] array) => CopyTo(array, 0);

        public void CopyTo(T[] array, int arrayIndex)
        {
            CollectionThrowHelper.CheckCopyTarget(array, arrayIndex, Count);
            foreach (T item in this) array[arrayIndex++] = item;
        }

        public Enumerator GetEnumerator() => new Enumerator(this);
        IEnumerator<T> IEnumerable<T>.GetEnumerator() => new BoxedEnumerator<T, Enumerator>(new Enumerator(this));
        IEnumerator IEnumerable.GetEnumerator() => new BoxedEnumerator<T, Enumerator>(new Enumerator(this));

        public struct Enumerator : IEnumerator<T>
        {
            private readonly HashSet<T> _set;
            private readonly int _version;
            private int _position;
            private T _current;

            internal Enumerator(HashSet<T> set)
            {
                _set = set;
                _version = set._table.Version;
                _position = 0;
                _current = default;
            }

            public T Current => _current;
            object IEnumerator.Current => _current;

            public bool MoveNext()
            {
                int i = _set._table.NextLive(ref _position, _version);
                _current = i < 0 ? default : _set._table.Entries[i].Key;
                return i >= 0;
            }

            public void Reset()
            {
                if (_version != _set._table.Version) CollectionThrowHelper.VersionChanged();
                _position = 0;
                _current = default;
            }

            public void Dispose() { }
        }
    }
}
