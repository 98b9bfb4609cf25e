// StringBuilder: text built in one growable char array (doubling), turned into a string once by
// ToString. .NET keeps a chain of chunks instead, so that appending to a huge builder never copies;
// one array is simpler, and the amortised cost of an append is the same.
// Numbers are formatted straight into the buffer by their own TryFormat, as .NET does, rather than
// through ToString().
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
        public StringBuilder Append(int value) => AppendFormatted(value);
        public StringBuilder Append(long value) => AppendFormatted(value);
        public StringBuilder Append(uint value) => AppendFormatted(value);
        public StringBuilder Append(ulong value) => AppendFormatted(value);
        public StringBuilder Append(short value) => AppendFormatted(value);
        public StringBuilder Append(ushort value) => AppendFormatted(value);
        public StringBuilder Append(byte value) => AppendFormatted(value);
        public StringBuilder Append(sbyte value) => AppendFormatted(value);
        public StringBuilder Append(double value) => AppendFormatted(value);
        public StringBuilder Append(float value) => AppendFormatted(value);
        public StringBuilder Append(object value) => value == null ? this : Append(value.ToString());

        // Numbers format straight into the free end of the buffer with the same code as their
        // ToString (ISpanFormattable; a constrained call, so nothing is boxed); a full buffer grows.
        private StringBuilder AppendFormatted<T>(T value) where T : ISpanFormattable
        {
            int written;
            while (!value.TryFormat(new Span<char>(_chars, _length, _chars.Length - _length), out written, default, null))
                EnsureCapacity(_chars.Length + 1);
            _length += written;
            return this;
        }

        /// <summary>Composite formatting as string.Format ("{0,-8:X4}"), appended.</summary>
        public StringBuilder AppendFormat(string format, object arg0) => Append(string.Format(format, arg0));
        public StringBuilder AppendFormat(string format, object arg0, object arg1) => Append(string.Format(format, arg0, arg1));
        public StringBuilder AppendFormat(string format, object arg0, object arg1, object arg2) => Append(string.Format(format, arg0, arg1, arg2));
        public StringBuilder AppendFormat(string format, params object[] args) => Append(string.Format(format, args));

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

        /// <summary>Replaces every occurrence of oldValue (ordinal, as string.Replace).</summary>
        public StringBuilder Replace(string oldValue, string newValue)
        {
            string replaced = ToString().Replace(oldValue, newValue);
            _length = 0;
            return Append(replaced);
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
