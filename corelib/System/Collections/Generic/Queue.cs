// Queue<T>: first in, first out, in a circular array that doubles when full (as .NET's). Dequeue
// and Peek on an empty queue stop the program with .NET's message; TryDequeue and TryPeek do not.
using System.Runtime.CompilerServices;

namespace System.Collections.Generic
{
    public class Queue<T> : IEnumerable<T>, IReadOnlyCollection<T>
    {
        private T[] _array;
        private int _head;       // the first item
        private int _tail;       // where the next item goes
        private int _size;
        private int _version;

        public Queue() { _array = new T[0]; }

        public Queue(int capacity) { _array = CollectionStorage.Allocate<T>(capacity); }

        public Queue(IEnumerable<T> collection) : this()
        {
            if (collection == null) CollectionThrowHelper.ArgumentNull();
            foreach (T item in collection) Enqueue(item);
        }

        public int Count => _size;

        public void Enqueue(T item)
        {
            if (_size == _array.Length) SetCapacity(CollectionStorage.GrownCapacity(_size, _size + 1));
            _array[_tail] = item;
            _tail = Next(_tail);
            _size++;
            _version++;
        }

        public T Dequeue()
        {
            if (_size == 0) CollectionThrowHelper.EmptyQueue();
            TryDequeue(out T item);
            return item;
        }

        public bool TryDequeue(out T result)
        {
            if (_size == 0)
            {
                result = default;
                return false;
            }
            result = _array[_head];
            if (RuntimeHelpers.IsReferenceOrContainsReferences<T>()) _array[_head] = default;
            _head = Next(_head);
            _size--;
            _version++;
            return true;
        }

        public T Peek()
        {
            if (_size == 0) CollectionThrowHelper.EmptyQueue();
            return _array[_head];
        }

        public bool TryPeek(out T result)
        {
            result = _size == 0 ? default : _array[_head];
            return _size != 0;
        }

        public void Clear()
        {
            if (RuntimeHelpers.IsReferenceOrContainsReferences<T>()) new Span<T>(_array).Clear();
            _head = _tail = _size = 0;
            _version++;
        }

        public bool Contains(T item)
        {
            for (int i = 0, at = _head; i < _size; i++, at = Next(at))
                if (EqualityComparer<T>.Default.Equals(_array[at], item)) return true;
            return false;
        }

        public T[] ToArray()
        {
            var array = new T[_size];
            CopyTo(array, 0);
            return array;
        }

        public void CopyTo(T[] array, int arrayIndex)
        {
            CollectionThrowHelper.CheckCopyTarget(array, arrayIndex, _size);
            // The items are one run, or two when they wrap past the end of the array.
            int first = _array.Length - _head < _size ? _array.Length - _head : _size;
            new ReadOnlySpan<T>(_array, _head, first).CopyTo(new Span<T>(array, arrayIndex, first));
            new ReadOnlySpan<T>(_array, 0, _size - first).CopyTo(new Span<T>(array, arrayIndex + first, _size - first));
        }

        public void TrimExcess()
        {
            if (_size < _array.Length - _array.Length / 10) SetCapacity(_size);
        }

        private void SetCapacity(int capacity)
        {
            var array = new T[capacity];
            CopyTo(array, 0);
            _array = array;
            _head = 0;
            _tail = _size == capacity ? 0 : _size;
            _version++;
        }

        private int Next(int index) => index + 1 == _array.Length ? 0 : index + 1;

        public Enumerator GetEnumerator() => new Enumerator(this);
        IEnumerator<T> IEnumerable<T>.GetEnumerator() => new BoxedEnumerator<T, Enumerator>(new Enumerator(this));
        IEnumerator IEnumerable.GetEnumerator() => new BoxedEnumerator<T, Enumerator>(new Enumerator(this));

        public struct Enumerator : IEnumerator<T>
        {
            private readonly Queue<T> _queue;
            private readonly int _version;
            private int _index;      // items yielded so far; -1 after the end
            private T _current;

            internal Enumerator(Queue<T> queue)
            {
                _queue = queue;
                _version = queue._version;
                _index = 0;
                _current = default;
            }

            public T Current => _current;
            object IEnumerator.Current => _current;

            public bool MoveNext()
            {
                if (_version != _queue._version) CollectionThrowHelper.VersionChanged();
                if (_index < 0 || _index == _queue._size)
                {
                    _index = -1;
                    _current = default;
                    return false;
                }
                int at = _queue._head + _index;
                if (at >= _queue._array.Length) at -= _queue._array.Length;
                _current = _queue._array[at];
                _index++;
                return true;
            }

            public void Reset()
            {
                if (_version != _queue._version) CollectionThrowHelper.VersionChanged();
                _index = 0;
                _current = default;
            }

            public void Dispose() { }
        }
    }
}
