// A collection's struct enumerator on the heap, for callers that enumerate through
// IEnumerable<T>. .NET boxes the struct there; this class is the same thing spelt out, so that its
// calls into the struct are direct (TEnumerator is a struct type argument: ilc specialises every
// call) rather than through the box's interface dispatch.
namespace System.Collections.Generic
{
    internal sealed class BoxedEnumerator<T, TEnumerator> : IEnumerator<T> where TEnumerator : struct, IEnumerator<T>
    {
        private TEnumerator _inner;

        internal BoxedEnumerator(TEnumerator inner) { _inner = inner; }

        public T Current => _inner.Current;
        object IEnumerator.Current => _inner.Current;
        public bool MoveNext() => _inner.MoveNext();
        public void Reset() => _inner.Reset();
        public void Dispose() => _inner.Dispose();
    }
}
