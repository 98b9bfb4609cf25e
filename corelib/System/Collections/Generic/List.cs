// List<T>: a growable array with .NET's API and behaviour (capacity doubles from 4, indexes are
// checked against Count, enumeration notices a change of the list and stops the program, as .NET
// would throw InvalidOperationException). Methods taking delegates are in List.Delegates.cs.
using System.Runtime.CompilerServices;

namespace System.Collections.Generic
{
    public partial class List<T> : IList<T>, IReadOnlyList<T>
    {
        internal T[] _items;
        internal int _size;
        internal int _version;

        public List() { _items = new T[0]; }

        public List(int capacity) { _items = CollectionStorage.Allocate<T>(capacity); }

        public List(IEnumerable<T> collection)
        {
            if (collection == null) CollectionThrowHelper.ArgumentNull();
            if (collection is ICollection<T> c)
            {
                _items = new T[c.Count];
                c.CopyTo(_items, 0);
                _size = _items.Length;
                return;
            }
            _items = new T[0];
            AddEnumerable(collection);
        }

        public int Count => _size;
        bool ICollection<T>.IsReadOnly => false;

        public int Capacity
        {
            get => _items.Length;
            set
            {
                if (value < _size) CollectionThrowHelper.ArgumentOutOfRange();
                if (value != _items.Length) _items = CollectionStorage.Resize(_items, _size, value);
            }
        }

        public T this[int index]
        {
            get
            {
                if ((uint)index >= (uint)_size) CollectionThrowHelper.ArgumentOutOfRange();
                return _items[index];
            }
            set
            {
                if ((uint)index >= (uint)_size) CollectionThrowHelper.ArgumentOutOfRange();
                _items[index] = value;
                _version++;
            }
        }

        internal ReadOnlySpan<T> AsReadOnlySpan() => new ReadOnlySpan<T>(_items, 0, _size);

        public void Add(T item)
        {
            _version++;
            if (_size == _items.Length) Grow(_size + 1);
            _items[_size++] = item;
        }

        public void AddRange(IEnumerable<T> collection)
        {
            if (collection == null) CollectionThrowHelper.ArgumentNull();
            if (collection is ICollection<T> c)
            {
                int count = c.Count;
                if (count == 0) return;
                if (_items.Length - _size < count) Grow(_size + count);
                c.CopyTo(_items, _size);
                _size += count;
                _version++;
                return;
            }
            AddEnumerable(collection);
        }

        private void AddEnumerable(IEnumerable<T> collection)
        {
            using (IEnumerator<T> e = collection.GetEnumerator())
                while (e.MoveNext()) Add(e.Current);
        }

        /// <summary>Makes room for at least `capacity` items; returns the new capacity.</summary>
        public int EnsureCapacity(int capacity)
        {
            if (capacity < 0) CollectionThrowHelper.ArgumentOutOfRange();
            if (_items.Length < capacity) Grow(capacity);
            return _items.Length;
        }

        private void Grow(int capacity) => Capacity = CollectionStorage.GrownCapacity(_items.Length, capacity);

        public void Insert(int index, T item)
        {
            if ((uint)index > (uint)_size) CollectionThrowHelper.ArgumentOutOfRange();
            if (_size == _items.Length) Grow(_size + 1);
            if (index < _size)
                new ReadOnlySpan<T>(_items, index, _size - index).CopyTo(new Span<T>(_items, index + 1, _size - index));
            _items[index] = item;
            _size++;
            _version++;
        }

        public bool Remove(T item)
        {
            int index = IndexOf(item);
            if (index < 0) return false;
            RemoveAt(index);
            return true;
        }

        public void RemoveAt(int index)
        {
            if ((uint)index >= (uint)_size) CollectionThrowHelper.ArgumentOutOfRange();
            RemoveRange(index, 1);
        }

        public void RemoveRange(int index, int count)
        {
            if (index < 0 || count < 0 || _size - index < count) CollectionThrowHelper.ArgumentOutOfRange();
            if (count == 0) return;
            int tail = _size - index - count;
            if (tail > 0)
                new ReadOnlySpan<T>(_items, index + count, tail).CopyTo(new Span<T>(_items, index, tail));
            _size -= count;
            // Dropped references must not keep their objects alive.
            if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
                new Span<T>(_items, _size, count).Clear();
            _version++;
        }

        public void Clear()
        {
            _version++;
            if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
                new Span<T>(_items, 0, _size).Clear();
            _size = 0;
        }

        public bool Contains(T item) => _size != 0 && IndexOf(item) >= 0;

        public int IndexOf(T item) => IndexOf(item, 0, _size);

        public int IndexOf(T item, int index) => IndexOf(item, index, _size - index);

        public int IndexOf(T item, int index, int count)
        {
            if (index < 0 || count < 0 || _size - index < count) CollectionThrowHelper.ArgumentOutOfRange();
            T[] items = _items;
            for (int i = index; i < index + count; i++)
                if (EqualityComparer<T>.Default.Equals(items[i], item)) return i;
            return -1;
        }

        public int LastIndexOf(T item)
        {
            T[] items = _items;
            for (int i = _size - 1; i >= 0; i--)
                if (EqualityComparer<T>.Default.Equals(items[i], item)) return i;
            return -1;
        }

        public List<T> GetRange(int index, int count)
        {
            if (index < 0 || count < 0 || _size - index < count) CollectionThrowHelper.ArgumentOutOfRange();
            var list = new List<T>(count);
            new ReadOnlySpan<T>(_items, index, count).CopyTo(list._items);
            list._size = count;
            return list;
        }

        public int BinarySearch(T item) => BinarySearch(0, _size, item, null);

        public int BinarySearch(T item, IComparer<T> comparer) => BinarySearch(0, _size, item, comparer);

        public int BinarySearch(int index, int count, T item, IComparer<T> comparer)
        {
            if (index < 0 || count < 0 || _size - index < count) CollectionThrowHelper.ArgumentOutOfRange();
            return Array.BinarySearch(_items, index, count, item, comparer);
        }

        public void TrimExcess()
        {
            if (_size < _items.Length - _items.Length / 10) Capacity = _size;
        }

        public void Reverse() => Reverse(0, _size);

        public void Reverse(int index, int count)
        {
            if (index < 0 || count < 0 || _size - index < count) CollectionThrowHelper.ArgumentOutOfRange();
            for (int i = index, j = index + count - 1; i < j; i++, j--)
            {
                T t = _items[i];
                _items[i] = _items[j];
                _items[j] = t;
            }
            _version++;
        }

        public void Sort() => Sort(0, _size, null);

        public void Sort(IComparer<T> comparer) => Sort(0, _size, comparer);

        public void Sort(int index, int count, IComparer<T> comparer)
        {
            if (index < 0 || count < 0 || _size - index < count) CollectionThrowHelper.ArgumentOutOfRange();
            ArraySortHelper<T>.Sort(new Span<T>(_items, index, count), comparer);
            _version++;
        }

        public T[] ToArray()
        {
            var array = new T[_size];
            AsReadOnlySpan().CopyTo(array);
            return array;
        }

        public void CopyTo(T[] array) => CopyTo(array, 0);

        public void CopyTo(T[] array, int arrayIndex)
        {
            CollectionThrowHelper.CheckCopyTarget(array, arrayIndex, _size);
            AsReadOnlySpan().CopyTo(new Span<T>(array, arrayIndex, _size));
        }

        public void CopyTo(int index, T[] array, int arrayIndex, int count)
        {
            if (array == null) CollectionThrowHelper.ArgumentNull();
            if (index < 0 || count < 0 || _size - index < count) CollectionThrowHelper.ArgumentOutOfRange();
            new ReadOnlySpan<T>(_items, index, count).CopyTo(new Span<T>(array, arrayIndex, count));
        }

        public Enumerator GetEnumerator() => new Enumerator(this);
        IEnumerator<T> IEnumerable<T>.GetEnumerator() => new BoxedEnumerator<T, Enumerator>(new Enumerator(this));
        IEnumerator IEnumerable.GetEnumerator() => new BoxedEnumerator<T, Enumerator>(new Enumerator(this));

        public struct Enumerator : IEnumerator<T>
        {
            private readonly List<T> _list;
            private readonly int _version;
            private int _index;
            private T _current;

            internal Enumerator(List<T> list)
            {
                _list = list;
                _version = list._version;
                _index = 0;
                _current = default;
            }

            public T Current => _current;

            object IEnumerator.Current
            {
                get
                {
                    if (_index == 0 || _index == _list._size + 1) CollectionThrowHelper.EnumerationNotStarted();
                    return _current;
                }
            }

            public bool MoveNext()
            {
                if (_version != _list._version) CollectionThrowHelper.VersionChanged();
                if ((uint)_index < (uint)_list._size)
                {
                    _current = _list._items[_index];
                    _index++;
                    return true;
                }
                _index = _list._size + 1;
                _current = default;
                return false;
            }

            public void Reset()
            {
                if (_version != _list._version) CollectionThrowHelper.VersionChanged();
                _index = 0;
                _current = default;
            }

            public void Dispose() { }
        }
    }
}
