// Stack<T>: last in, first out, over an array that doubles when full (as .NET's). Enumeration and
// ToArray go from the top down, as in .NET. Pop and Peek on an empty stack stop the program.
using System.Runtime.CompilerServices;

namespace System.Collections.Generic
{
    public class Stack<T> : IEnumerable<T>, IReadOnlyCollection<T>
    {
        private T[] _array;
        private int _size;
        private int _version;

        public Stack() { _array = new T[0]; }

        public Stack(int capacity) { _array = CollectionStorage.Allocate<T>(capacity); }

        public Stack(IEnumerable<T> collection) : this()
        {
            if (collection == null) CollectionThrowHelper.ArgumentNull();
            foreach (T item in collection) Push(item);
        }

        public int Count => _size;

        public void Push(T item)
        {
            if (_size == _array.Length)
                _array = CollectionStorage.Resize(_array, _size, CollectionStorage.GrownCapacity(_size, _size + 1));
            _array[_size++] = item;
            _version++;
        }

        public T Pop()
        {
            if (_size == 0) CollectionThrowHelper.EmptyStack();
            TryPop(out T item);
            return item;
        }

        public bool TryPop(out T result)
        {
            if (_size == 0)
            {
                result = default;
                return false;
            }
            result = _array[--_size];
            if (RuntimeHelpers.IsReferenceOrContainsReferences<T>()) _array[_size] = default;
            _version++;
            return true;
        }

        public T Peek()
        {
            if (_size == 0) CollectionThrowHelper.EmptyStack();
            return _array[_size - 1];
        }

        public bool TryPeek(out T result)
        {
            result = _size == 0 ? default : _array[_size - 1];
            return _size != 0;
        }

        public void Clear()
        {
            if (RuntimeHelpers.IsReferenceOrContainsReferences<T>()) new Span<T>(_array, 0, _size).Clear();
            _size = 0;
            _version++;
        }

        public bool Contains(T item)
        {
            for (int i = _size - 1; i >= 0; i--)
                if (EqualityComparer<T>.Default.Equals(_array[i], item)) return true;
            return false;
        }

        public T[] ToArray()
        {
            var array = new T[_size];
            CopyTo(array, 0);
            return array;
        }

        /// <summary>Copies from the top down, as .NET does.</summary>
        public void CopyTo(T[] array, int arrayIndex)
        {
            CollectionThrowHelper.CheckCopyTarget(array, arrayIndex, _size);
            for (int i = 0; i < _size; i++) array[arrayIndex + i] = _array[_size - 1 - i];
        }

        public Enumerator GetEnumerator() => new Enumerator(this);
        IEnumerator<T> IEnumerable<T>.GetEnumerator() => new BoxedEnumerator<T, Enumerator>(new Enumerator(this));
        IEnumerator IEnumerable.GetEnumerator() => new BoxedEnumerator<T, Enumerator>(new Enumerator(this));

        public struct Enumerator : IEnumerator<T>
        {
            private readonly Stack<T> _stack;
            private readonly int _version;
            private int _index;      // -2 before the start, -1 after the end
            private T _current;

            internal Enumerator(Stack<T> stack)
            {
                _stack = stack;
                _version = stack._version;
                _index = -2;
                _current = default;
            }

            public T Current => _current;
            object IEnumerator.Current => _current;

            public bool MoveNext()
            {
                if (_version != _stack._version) CollectionThrowHelper.VersionChanged();
                if (_index == -2) _index = _stack._size;
                if (_index <= 0)
                {
                    _index = -1;
                    _current = default;
                    return false;
                }
                _current = _stack._array[--_index];
                return true;
            }

            public void Reset()
            {
                if (_version != _stack._version) CollectionThrowHelper.VersionChanged();
                _index = -2;
                _current = default;
            }

            public void Dispose() { }
        }
    }
}
