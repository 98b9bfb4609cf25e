// StringBuilder: text built in one growable char array (doubling), turned into a string once by
// ToString. .NET keeps a chain of chunks instead, so that appending to a huge builder never copies;
// one array is simpler, and the amortised cost of an append is the same.
// Numbers are written straight into the buffer (AppendDecimal), as .NET formats them into the
// builder's span rather than through ToString().
using System.Runtime.CompilerServices;

namespace System.Text
{
    public sealed class StringBuilder
    {
        private const int DefaultCapacity = 16;

        private char[] _chars;
        private int _length;

        public StringBuilder() : this(DefaultCapacity) { }

        public StringBuilder(int capacity)
        {
            if (capacity < 0) Collections.Generic.CollectionThrowHelper.ArgumentOutOfRange();
            _chars = new char[capacity == 0 ? DefaultCapacity : capacity];
        }

        public StringBuilder(string value) : this(value == null || value.Length < DefaultCapacity ? DefaultCapacity : value.Length)
        {
            Append(value);
        }

        public int Capacity
        {
            get => _chars.Length;
            set
            {
                if (value < _length) Collections.Generic.CollectionThrowHelper.ArgumentOutOfRange();
                if (value != _chars.Length) Resize(value);
            }
        }

        /// <summary>Setting a larger length pads with '\0', as in .NET.</summary>
        public int Length
        {
            get => _length;
            set
            {
                if (value < 0) Collections.Generic.CollectionThrowHelper.ArgumentOutOfRange();
                if (value > _length)
                {
                    EnsureCapacity(value);
                    new Span<char>(_chars, _length, value - _length).Clear();
                }
                _length = value;
            }
        }

        [IndexerName("Chars")]
        public char this[int index]
        {
            get
            {
                if ((uint)index >= (uint)_length) Collections.Generic.CollectionThrowHelper.ArgumentOutOfRange();
                return _chars[index];
            }
            set
            {
                if ((uint)index >= (uint)_length) Collections.Generic.CollectionThrowHelper.ArgumentOutOfRange();
                _chars[index] = value;
            }
        }

        public int EnsureCapacity(int capacity)
        {
            if (capacity < 0) Collections.Generic.CollectionThrowHelper.ArgumentOutOfRange();
            if (_chars.Length < capacity)
            {
                int doubled = 2 * _chars.Length;
                Resize(doubled > capacity ? doubled : capacity);
            }
            return _chars.Length;
        }

        private void Resize(int capacity)
        {
            var chars = new char[capacity];
            new ReadOnlySpan<char>(_chars, 0, _length).CopyTo(chars);
            _chars = chars;
        }

        // Room for `count` more characters; returns where they go.
        private Span<char> AppendSpan(int count)
        {
            EnsureCapacity(_length + count);
            var span = new Span<char>(_chars, _length, count);
            _length += count;
            return span;
        }

        public StringBuilder Append(char value)
        {
            if (_length == _chars.Length) EnsureCapacity(_length + 1);
            _chars[_length++] = value;
            return this;
        }

        public StringBuilder Append(char value, int repeatCount)
        {
            if (repeatCount < 0) Collections.Generic.CollectionThrowHelper.ArgumentOutOfRange();
            AppendSpan(repeatCount).Fill(value);
            return this;
        }

        public unsafe StringBuilder Append(string value)
        {
            if (value == null || value.Length == 0) return this;
            fixed (char* p = value) return Append(new ReadOnlySpan<char>(p, value.Length));
        }

        public StringBuilder Append(ReadOnlySpan<char> value)
        {
            value.CopyTo(AppendSpan(value.Length));
            return this;
        }

        public StringBuilder Append(char[] value) => value == null ? this : Append(new ReadOnlySpan<char>(value));

        public StringBuilder Append(StringBuilder value) =>
            value == null ? this : Append(new ReadOnlySpan<char>(value._chars, 0, value._length));

        public StringBuilder Append(bool value) => Append(value ? "True" : "False");
        public StringBuilder Append(int value) => AppendDecimal(value < 0 ? (ulong)-(long)value : (ulong)value, value < 0);
        public StringBuilder Append(long value) => AppendDecimal(value < 0 ? (ulong)(-(value + 1)) + 1 : (ulong)value, value < 0);
        public StringBuilder Append(uint value) => AppendDecimal(value, false);
        public StringBuilder Append(ulong value) => AppendDecimal(value, false);
        public StringBuilder Append(short value) => Append((int)value);
        public StringBuilder Append(ushort value) => AppendDecimal(value, false);
        public StringBuilder Append(byte value) => AppendDecimal(value, false);
        public StringBuilder Append(sbyte value) => Append((int)value);
        public StringBuilder Append(object value) => value == null ? this : Append(value.ToString());

        // The one place this class formats numbers: decimal digits of `magnitude`, '-' first when
        // `negative`, written in place (20 digits hold any ulong).
        private StringBuilder AppendDecimal(ulong magnitude, bool negative)
        {
            int digits = 1;
            for (ulong rest = magnitude / 10; rest != 0; rest /= 10) digits++;
            Span<char> span = AppendSpan(digits + (negative ? 1 : 0));
            if (negative) span[0] = '-';
            for (int i = span.Length - 1; i >= span.Length - digits; i--)
            {
                span[i] = (char)('0' + (int)(magnitude % 10));
                magnitude /= 10;
            }
            return this;
        }

        public StringBuilder AppendLine() => Append('\n');
        public StringBuilder AppendLine(string value) => Append(value).Append('\n');

        public unsafe StringBuilder Insert(int index, string value)
        {
            if ((uint)index > (uint)_length) Collections.Generic.CollectionThrowHelper.ArgumentOutOfRange();
            if (value == null || value.Length == 0) return this;
            int tail = _length - index;
            AppendSpan(value.Length);
            new ReadOnlySpan<char>(_chars, index, tail).CopyTo(new Span<char>(_chars, index + value.Length, tail));
            fixed (char* p = value) new ReadOnlySpan<char>(p, value.Length).CopyTo(new Span<char>(_chars, index, value.Length));
            return this;
        }

        public StringBuilder Insert(int index, char value)
        {
            if ((uint)index > (uint)_length) Collections.Generic.CollectionThrowHelper.ArgumentOutOfRange();
            int tail = _length - index;
            AppendSpan(1);
            new ReadOnlySpan<char>(_chars, index, tail).CopyTo(new Span<char>(_chars, index + 1, tail));
            _chars[index] = value;
            return this;
        }

        public StringBuilder Remove(int startIndex, int length)
        {
            if (startIndex < 0 || length < 0 || _length - startIndex < length) Collections.Generic.CollectionThrowHelper.ArgumentOutOfRange();
            int tail = _length - startIndex - length;
            new ReadOnlySpan<char>(_chars, startIndex + length, tail).CopyTo(new Span<char>(_chars, startIndex, tail));
            _length -= length;
            return this;
        }

        public StringBuilder Replace(char oldChar, char newChar)
        {
            for (int i = 0; i < _length; i++)
                if (_chars[i] == oldChar) _chars[i] = newChar;
            return this;
        }

        public StringBuilder Clear()
        {
            _length = 0;
            return this;
        }

        public override string ToString() => ToString(0, _length);

        public unsafe string ToString(int startIndex, int length)
        {
            if (startIndex < 0 || length < 0 || _length - startIndex < length) Collections.Generic.CollectionThrowHelper.ArgumentOutOfRange();
            string result = string.FastAllocateString(length);
            if (length == 0) return result;
            fixed (char* p = result) new ReadOnlySpan<char>(_chars, startIndex, length).CopyTo(new Span<char>(p, length));
            return result;
        }
    }
}
