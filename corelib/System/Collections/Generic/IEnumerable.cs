// Generic enumeration, as .NET declares it: IEnumerator<T> is disposable and also a non-generic
// IEnumerator, so `foreach` over any IEnumerable<T> calls Dispose at the end.
namespace System.Collections.Generic
{
    public interface IEnumerable<out T> : IEnumerable
    {
        new IEnumerator<T> GetEnumerator();
    }

    public interface IEnumerator<out T> : IDisposable, IEnumerator
    {
        new T Current { get; }
    }
}
