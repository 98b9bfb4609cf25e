// ReadOnlyCollection<T>, what List<T>.AsReadOnly returns: a view of a list that reads through to it
// and refuses changes (stopping the program, where .NET throws NotSupportedException).
using System.Collections.Generic;

namespace System.Collections.ObjectModel
{
    public class ReadOnlyCollection<T> : IList<T>, IReadOnlyList<T>
    {
        private readonly IList<T> _list;

        public ReadOnlyCollection(IList<T> list)
        {
            if (list == null) CollectionThrowHelper.ArgumentNull();
            _list = list;
        }

        public int Count => _list.Count;
        public T this[int index] => _list[index];
        public bool Contains(T value) => _list.Contains(value);
        public int IndexOf(T value) => _list.IndexOf(value);
        public void CopyTo(T[] array, int index) => _list.CopyTo(array, index);
        public IEnumerator<T> GetEnumerator() => _list.GetEnumerator();
        IEnumerator IEnumerable.GetEnumerator() => _list.GetEnumerator();

        bool ICollection<T>.IsReadOnly => true;
        T IList<T>.this[int index] { get => _list[index]; set => CollectionThrowHelper.ReadOnly(); }
        void ICollection<T>.Add(T value) => CollectionThrowHelper.ReadOnly();
        void ICollection<T>.Clear() => CollectionThrowHelper.ReadOnly();
        void IList<T>.Insert(int index, T value) => CollectionThrowHelper.ReadOnly();
        bool ICollection<T>.Remove(T value) { CollectionThrowHelper.ReadOnly(); return false; }
        void IList<T>.RemoveAt(int index) => CollectionThrowHelper.ReadOnly();
    }
}
