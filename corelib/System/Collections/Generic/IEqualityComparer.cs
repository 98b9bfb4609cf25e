// Pluggable equality and ordering, as .NET declares them (Dictionary, HashSet and List.Sort take them).
namespace System.Collections.Generic
{
    public interface IEqualityComparer<in T>
    {
        bool Equals(T x, T y);
        int GetHashCode(T obj);
    }

    public interface IComparer<in T>
    {
        int Compare(T x, T y);
    }
}
