// Dictionary<TKey, TValue> with .NET's API and behaviour over HashTable (which says how it is laid
// out): a missing key read through the indexer, a duplicate Add and a null key stop the program
// with .NET's exception name and message; removing or overwriting during `foreach` is allowed, adding
// is not. Enumeration is in insertion order until a removal leaves a hole for a later key.
namespace System.Collections.Generic
{
    public class Dictionary<TKey, TValue> : IDictionary<TKey, TValue>, IReadOnlyDictionary<TKey, TValue>
    {
        internal HashTable<TKey, TValue> _table;
        private KeyCollection _keys;
        private ValueCollection _values;

        public Dictionary() : this(0, null) { }
        public Dictionary(int capacity) : this(capacity, null) { }
        public Dictionary(IEqualityComparer<TKey> comparer) : this(0, comparer) { }

        public Dictionary(int capacity, IEqualityComparer<TKey> comparer)
        {
            if (capacity < 0) CollectionThrowHelper.ArgumentOutOfRange();
            if (capacity > 0) _table.Initialize(capacity);
            _table.SetComparer(comparer);
        }

        public Dictionary(IDictionary<TKey, TValue> dictionary) : this(dictionary, null) { }

        public Dictionary(IDictionary<TKey, TValue> dictionary, IEqualityComparer<TKey> comparer)
            : this(dictionary == null ? 0 : dictionary.Count, comparer)
        {
            if (dictionary == null) CollectionThrowHelper.ArgumentNull();
            foreach (KeyValuePair<TKey, TValue> pair in dictionary) Add(pair.Key, pair.Value);
        }

        public IEqualityComparer<TKey> Comparer => _table.Comparer ?? EqualityComparer<TKey>.Default;
        public int Count => _table.Live;
        public KeyCollection Keys => _keys ??= new KeyCollection(this);
        public ValueCollection Values => _values ??= new ValueCollection(this);
        ICollection<TKey> IDictionary<TKey, TValue>.Keys => Keys;
        ICollection<TValue> IDictionary<TKey, TValue>.Values => Values;
        IEnumerable<TKey> IReadOnlyDictionary<TKey, TValue>.Keys => Keys;
        IEnumerable<TValue> IReadOnlyDictionary<TKey, TValue>.Values => Values;
        bool ICollection<KeyValuePair<TKey, TValue>>.IsReadOnly => false;

        public TValue this[TKey key]
        {
            get
            {
                int i = _table.FindIndex(key);
                if (i < 0) CollectionThrowHelper.KeyNotFound();
                return _table.Entries[i].Value;
            }
            set => _table.TryInsert(key, value, InsertionBehavior.OverwriteExisting);
        }

        public void Add(TKey key, TValue value) => _table.TryInsert(key, value, InsertionBehavior.ThrowOnExisting);
        public bool TryAdd(TKey key, TValue value) => _table.TryInsert(key, value, InsertionBehavior.None);
        public bool ContainsKey(TKey key) => _table.FindIndex(key) >= 0;

        public bool ContainsValue(TValue value)
        {
            HashTable<TKey, TValue>.Entry[] entries = _table.Entries;
            for (int i = 0; i < _table.Count; i++)
                if (entries[i].Next >= -1 && EqualityComparer<TValue>.Default.Equals(entries[i].Value, value)) return true;
            return false;
        }

        public bool TryGetValue(TKey key, out TValue value)
        {
            int i = _table.FindIndex(key);
            if (i < 0)
            {
                value = default;
                return false;
            }
            value = _table.Entries[i].Value;
            return true;
        }

        public bool Remove(TKey key) => _table.Remove(key, out _);
        public bool Remove(TKey key, out TValue value) => _table.Remove(key, out value);
        public void Clear() => _table.Clear();
        public int EnsureCapacity(int capacity) => _table.EnsureCapacity(capacity);

        void ICollection<KeyValuePair<TKey, TValue>>.Add(KeyValuePair<TKey, TValue> pair) => Add(pair.Key, pair.Value);

        bool ICollection<KeyValuePair<TKey, TValue>>.Contains(KeyValuePair<TKey, TValue> pair)
        {
            int i = _table.FindIndex(pair.Key);
            return i >= 0 && EqualityComparer<TValue>.Default.Equals(_table.Entries[i].Value, pair.Value);
        }

        bool ICollection<KeyValuePair<TKey, TValue>>.Remove(KeyValuePair<TKey, TValue> pair)
        {
            int i = _table.FindIndex(pair.Key);
            if (i < 0 || !EqualityComparer<TValue>.Default.Equals(_table.Entries[i].Value, pair.Value)) return false;
            return _table.Remove(pair.Key, out _);
        }

        void ICollection<KeyValuePair<TKey, TValue>>.CopyTo(KeyValuePair<TKey, TValue>[] array, int arrayIndex)
        {
            CollectionThrowHelper.CheckCopyTarget(array, arrayIndex, Count);
            foreach (KeyValuePair<TKey, TValue> pair in this) array[arrayIndex++] = pair;
        }

        public Enumerator GetEnumerator() => new Enumerator(this);
        IEnumerator<KeyValuePair<TKey, TValue>> IEnumerable<KeyValuePair<TKey, TValue>>.GetEnumerator() =>
            new BoxedEnumerator<KeyValuePair<TKey, TValue>, Enumerator>(new Enumerator(this));
        IEnumerator IEnumerable.GetEnumerator() => new BoxedEnumerator<KeyValuePair<TKey, TValue>, Enumerator>(new Enumerator(this));

        public struct Enumerator : IEnumerator<KeyValuePair<TKey, TValue>>
        {
            private readonly Dictionary<TKey, TValue> _dictionary;
            private readonly int _version;
            private int _position;
            private KeyValuePair<TKey, TValue> _current;

            internal Enumerator(Dictionary<TKey, TValue> dictionary)
            {
                _dictionary = dictionary;
                _version = dictionary._table.Version;
                _position = 0;
                _current = default;
            }

            public KeyValuePair<TKey, TValue> Current => _current;
            object IEnumerator.Current => _current;

            public bool MoveNext()
            {
                int i = _dictionary._table.NextLive(ref _position, _version);
                if (i < 0)
                {
                    _current = default;
                    return false;
                }
                ref HashTable<TKey, TValue>.Entry e = ref _dictionary._table.Entries[i];
                _current = new KeyValuePair<TKey, TValue>(e.Key, e.Value);
                return true;
            }

            public void Reset()
            {
                if (_version != _dictionary._table.Version) CollectionThrowHelper.VersionChanged();
                _position = 0;
                _current = default;
            }

            public void Dispose() { }
        }

        public sealed class KeyCollection : ICollection<TKey>, IReadOnlyCollection<TKey>
        {
            private readonly Dictionary<TKey, TValue> _dictionary;

            public KeyCollection(Dictionary<TKey, TValue> dictionary)
            {
                if (dictionary == null) CollectionThrowHelper.ArgumentNull();
                _dictionary = dictionary;
            }

            public int Count => _dictionary.Count;
            bool ICollection<TKey>.IsReadOnly => true;
            void ICollection<TKey>.Add(TKey item) => CollectionThrowHelper.ReadOnly();
            void ICollection<TKey>.Clear() => CollectionThrowHelper.ReadOnly();
            bool ICollection<TKey>.Remove(TKey item) { CollectionThrowHelper.ReadOnly(); return false; }
            bool ICollection<TKey>.Contains(TKey item) => _dictionary.ContainsKey(item);

            public void CopyTo(TKey[] array, int index)
            {
                CollectionThrowHelper.CheckCopyTarget(array, index, Count);
                foreach (TKey key in this) array[index++] = key;
            }

            public Enumerator GetEnumerator() => new Enumerator(_dictionary);
            IEnumerator<TKey> IEnumerable<TKey>.GetEnumerator() => new BoxedEnumerator<TKey, Enumerator>(new Enumerator(_dictionary));
            IEnumerator IEnumerable.GetEnumerator() => new BoxedEnumerator<TKey, Enumerator>(new Enumerator(_dictionary));

            public struct Enumerator : IEnumerator<TKey>
            {
                private Dictionary<TKey, TValue>.Enumerator _pairs;
                internal Enumerator(Dictionary<TKey, TValue> dictionary) { _pairs = new Dictionary<TKey, TValue>.Enumerator(dictionary); }
                public TKey Current => _pairs.Current.Key;
                object IEnumerator.Current => _pairs.Current.Key;
                public bool MoveNext() => _pairs.MoveNext();
                public void Reset() => _pairs.Reset();
                public void Dispose() { }
            }
        }

        public sealed class ValueCollection : ICollection<TValue>, IReadOnlyCollection<TValue>
        {
            private readonly Dictionary<TKey, TValue> _dictionary;

            public ValueCollection(Dictionary<TKey, TValue> dictionary)
            {
                if (dictionary == null) CollectionThrowHelper.ArgumentNull();
                _dictionary = dictionary;
            }

            public int Count => _dictionary.Count;
            bool ICollection<TValue>.IsReadOnly => true;
            void ICollection<TValue>.Add(TValue item) => CollectionThrowHelper.ReadOnly();
            void ICollection<TValue>.Clear() => CollectionThrowHelper.ReadOnly();
            bool ICollection<TValue>.Remove(TValue item) { CollectionThrowHelper.ReadOnly(); return false; }
            bool ICollection<TValue>.Contains(TValue item) => _dictionary.ContainsValue(item);

            public void CopyTo(TValue[] array, int index)
            {
                CollectionThrowHelper.CheckCopyTarget(array, index, Count);
                foreach (TValue value in this) array[index++] = value;
            }

            public Enumerator GetEnumerator() => new Enumerator(_dictionary);
            IEnumerator<TValue> IEnumerable<TValue>.GetEnumerator() => new BoxedEnumerator<TValue, Enumerator>(new Enumerator(_dictionary));
            IEnumerator IEnumerable.GetEnumerator() => new BoxedEnumerator<TValue, Enumerator>(new Enumerator(_dictionary));

            public struct Enumerator : IEnumerator<TValue>
            {
                private Dictionary<TKey, TValue>.Enumerator _pairs;
                internal Enumerator(Dictionary<TKey, TValue> dictionary) { _pairs = new Dictionary<TKey, TValue>.Enumerator(dictionary); }
                public TValue Current => _pairs.Current.Value;
                object IEnumerator.Current => _pairs.Current.Value;
                public bool MoveNext() => _pairs.MoveNext();
                public void Reset() => _pairs.Reset();
                public void Dispose() { }
            }
        }
    }
}
