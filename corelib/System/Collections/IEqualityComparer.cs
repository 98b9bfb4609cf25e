// The non-generic comparer interfaces, implemented by EqualityComparer<T> and Comparer<T> as in .NET.
namespace System.Collections
{
    public interface IEqualityComparer
    {
        bool Equals(object x, object y);
        int GetHashCode(object obj);
    }

    public interface IComparer
    {
        int Compare(object x, object y);
    }
}
