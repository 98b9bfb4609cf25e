// Ordering, generic and not, as .NET declares it. Comparer<T>.Default uses IComparable<T> without
// boxing when T implements it.
namespace System
{
    public interface IComparable
    {
        int CompareTo(object obj);
    }

    public interface IComparable<in T>
    {
        int CompareTo(T other);
    }
}
