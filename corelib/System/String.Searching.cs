// Searching inside a string: ordinal, over the span helpers in MemoryExtensions.
namespace System
{
    public sealed partial class String
    {
        public int IndexOf(char value) => this.AsSpan().IndexOf(value);

        public int IndexOf(char value, int startIndex)
        {
            int i = this.AsSpan(startIndex).IndexOf(value);
            return i < 0 ? -1 : i + startIndex;
        }

        public int IndexOf(string value) => this.AsSpan().IndexOf(value.AsSpan());

        public int IndexOf(string value, int startIndex)
        {
            int i = this.AsSpan(startIndex).IndexOf(value.AsSpan());
            return i < 0 ? -1 : i + startIndex;
        }

        public int IndexOf(string value, StringComparison comparisonType) => IndexOf(value);

        public int IndexOfAny(char[] anyOf)
        {
            for (int i = 0; i < _length; i++)
                for (int j = 0; j < anyOf.Length; j++)
                    if (this[i] == anyOf[j]) return i;
            return -1;
        }

        public int LastIndexOf(char value) => this.AsSpan().LastIndexOf(value);

        public int LastIndexOf(string value) => this.AsSpan().LastIndexOf(value.AsSpan());

        public bool Contains(char value) => IndexOf(value) >= 0;

        public bool Contains(string value) => IndexOf(value) >= 0;

        public bool StartsWith(string value) => this.AsSpan().StartsWith(value.AsSpan());

        public bool StartsWith(char value) => _length != 0 && _firstChar == value;

        public bool EndsWith(string value) => this.AsSpan().EndsWith(value.AsSpan());

        public bool EndsWith(char value) => _length != 0 && this[_length - 1] == value;

        public bool StartsWith(string value, StringComparison comparisonType) =>
            value.Length <= _length && Compare(Substring(0, value.Length), value, comparisonType) == 0;

        public bool EndsWith(string value, StringComparison comparisonType) =>
            value.Length <= _length && Compare(Substring(_length - value.Length), value, comparisonType) == 0;

        public static bool IsNullOrWhiteSpace(string value)
        {
            if (value is null) return true;
            for (int i = 0; i < value._length; i++)
                if (!char.IsWhiteSpace(value[i])) return false;
            return true;
        }
    }
}
