// List<T>'s methods that take delegates (Find, RemoveAll, ForEach, ConvertAll, Sort(Comparison<T>)),
// with .NET's behaviour: ForEach stops the program if the action changes the list, RemoveAll
// compacts in one pass, and Sort(Comparison<T>) sorts with the same introsort as Sort(IComparer<T>).
namespace System.Collections.Generic
{
    public partial class List<T>
    {
        public bool Exists(Predicate<T> match) => FindIndex(0, _size, match) >= 0;

        public T Find(Predicate<T> match)
        {
            int i = FindIndex(0, _size, match);
            return i >= 0 ? _items[i] : default;
        }

        public List<T> FindAll(Predicate<T> match)
        {
            if (match == null) CollectionThrowHelper.ArgumentNull();
            var found = new List<T>();
            for (int i = 0; i < _size; i++)
                if (match(_items[i])) found.Add(_items[i]);
            return found;
        }

        public int FindIndex(Predicate<T> match) => FindIndex(0, _size, match);

        public int FindIndex(int startIndex, Predicate<T> match) => FindIndex(startIndex, _size - startIndex, match);

        public int FindIndex(int startIndex, int count, Predicate<T> match)
        {
            if (startIndex < 0 || count < 0 || _size - startIndex < count) CollectionThrowHelper.ArgumentOutOfRange();
            if (match == null) CollectionThrowHelper.ArgumentNull();
            for (int i = startIndex; i < startIndex + count; i++)
                if (match(_items[i])) return i;
            return -1;
        }

        public T FindLast(Predicate<T> match)
        {
            int i = FindLastIndex(match);
            return i >= 0 ? _items[i] : default;
        }

        public int FindLastIndex(Predicate<T> match)
        {
            if (match == null) CollectionThrowHelper.ArgumentNull();
            for (int i = _size - 1; i >= 0; i--)
                if (match(_items[i])) return i;
            return -1;
        }

        public bool TrueForAll(Predicate<T> match)
        {
            if (match == null) CollectionThrowHelper.ArgumentNull();
            for (int i = 0; i < _size; i++)
                if (!match(_items[i])) return false;
            return true;
        }

        /// <summary>Removes every item that matches; returns how many.</summary>
        public int RemoveAll(Predicate<T> match)
        {
            if (match == null) CollectionThrowHelper.ArgumentNull();
            int kept = 0;
            for (int i = 0; i < _size; i++)
                if (!match(_items[i])) _items[kept++] = _items[i];
            int removed = _size - kept;
            if (removed > 0) RemoveRange(kept, removed);
            return removed;
        }

        public void ForEach(Action<T> action)
        {
            if (action == null) CollectionThrowHelper.ArgumentNull();
            int version = _version;
            for (int i = 0; i < _size; i++)
            {
                if (version != _version) break;
                action(_items[i]);
            }
            if (version != _version) CollectionThrowHelper.VersionChanged();
        }

        public List<TOutput> ConvertAll<TOutput>(Converter<T, TOutput> converter)
        {
            if (converter == null) CollectionThrowHelper.ArgumentNull();
            var result = new List<TOutput>(_size);
            for (int i = 0; i < _size; i++) result._items[i] = converter(_items[i]);
            result._size = _size;
            return result;
        }

        public void Sort(Comparison<T> comparison)
        {
            if (comparison == null) CollectionThrowHelper.ArgumentNull();
            Sort(0, _size, Comparer<T>.Create(comparison));
        }

        public System.Collections.ObjectModel.ReadOnlyCollection<T> AsReadOnly() => new System.Collections.ObjectModel.ReadOnlyCollection<T>(this);
    }
}
