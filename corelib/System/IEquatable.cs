// Equality and ordering of a type with itself, as .NET declares them. EqualityComparer<T>.Default
// and Comparer<T>.Default pick a comparer that calls these without boxing when T implements them.
namespace System
{
    public interface IEquatable<T>
    {
        bool Equals(T other);
    }
}
