// What string.GetEnumerator returns. csc compiles `foreach (char c in text)` into an index loop
// and never creates one, but it binds the loop to this pattern first, so it must exist.
namespace System
{
    public sealed class CharEnumerator
    {
        private readonly string _text;
        private int _index = -1;

        internal CharEnumerator(string text) { _text = text; }

        public bool MoveNext() => ++_index < _text.Length;
        public char Current => _text[_index];
        public void Reset() => _index = -1;
    }

    public sealed partial class String
    {
        public CharEnumerator GetEnumerator() => new CharEnumerator(this);
    }
}
