// The non-generic enumeration interfaces. csc requires them to exist before it compiles `foreach`
// over an array (which it lowers to an index loop and never calls through them).
namespace System.Collections
{
    public interface IEnumerable
    {
        IEnumerator GetEnumerator();
    }

    public interface IEnumerator
    {
        bool MoveNext();
        object Current { get; }
        void Reset();
    }
}
