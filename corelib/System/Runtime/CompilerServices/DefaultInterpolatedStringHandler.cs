// What `$"..."` compiles to when a hole is not a string: csc creates this handler, appends each
// literal part and each value, then calls ToStringAndClear. Values are formatted straight into the
// buffer through ISpanFormattable (for a value type T, ilc compiles a separate instantiation and the
// constrained call does not box); other objects through ToString(). The buffer is a char array on
// the heap that doubles when full.
namespace System.Runtime.CompilerServices
{
    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
    public sealed class InterpolatedStringHandlerAttribute : Attribute { }

    [AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
    public sealed class InterpolatedStringHandlerArgumentAttribute : Attribute
    {
        public InterpolatedStringHandlerArgumentAttribute(string argument) { }
        public InterpolatedStringHandlerArgumentAttribute(params string[] arguments) { }
    }

    [InterpolatedStringHandler]
    public ref struct DefaultInterpolatedStringHandler
    {
        private const int MinimumCapacity = 64;
        private char[] _chars;
        private int _pos;

        public DefaultInterpolatedStringHandler(int literalLength, int formattedCount)
        {
            // A guess of 11 characters per hole, as .NET makes.
            _chars = new char[Math.Max(MinimumCapacity, literalLength + formattedCount * 11)];
            _pos = 0;
        }

        public DefaultInterpolatedStringHandler(int literalLength, int formattedCount, IFormatProvider provider)
            : this(literalLength, formattedCount) { }

        public DefaultInterpolatedStringHandler(int literalLength, int formattedCount, IFormatProvider provider, Span<char> initialBuffer)
            : this(literalLength, formattedCount) { }

        /// <summary>The text so far, without consuming it.</summary>
        public ReadOnlySpan<char> Text => new ReadOnlySpan<char>(_chars, 0, _pos);

        public override string ToString() => new string(Text);

        public string ToStringAndClear()
        {
            string result = new string(Text);
            _chars = null;
            _pos = 0;
            return result;
        }

        public void AppendLiteral(string value) => AppendSpan(value.AsSpan());

        public void AppendFormatted(string value) => AppendSpan(value.AsSpan());

        public void AppendFormatted(ReadOnlySpan<char> value) => AppendSpan(value);

        public void AppendFormatted(string value, int alignment = 0, string format = null) =>
            AppendAligned(value.AsSpan(), alignment);

        public void AppendFormatted(object value, int alignment = 0, string format = null) =>
            AppendFormatted<object>(value, alignment, format);

        public void AppendFormatted<T>(T value) => AppendFormatted(value, null);

        public void AppendFormatted<T>(T value, int alignment) => AppendFormatted(value, alignment, null);

        public void AppendFormatted<T>(T value, int alignment, string format)
        {
            int start = _pos;
            AppendFormatted(value, format);
            if (alignment == 0) return;
            // Move what was just written into place within the field (right-aligned when positive).
            string written = new string(new ReadOnlySpan<char>(_chars, start, _pos - start));
            _pos = start;
            AppendAligned(written.AsSpan(), alignment);
        }

        public void AppendFormatted<T>(T value, string format)
        {
            if (value is ISpanFormattable)
            {
                int written;
                // Grow until the value fits; a formatted value is never longer than a few hundred characters.
                while (!((ISpanFormattable)value).TryFormat(new Span<char>(_chars, _pos, _chars.Length - _pos), out written, format.AsSpan(), null))
                    Grow(_chars.Length);
                _pos += written;
                return;
            }
            if (value is IFormattable)
            {
                AppendSpan(((IFormattable)value).ToString(format, null).AsSpan());
                return;
            }
            if (value is not null) AppendSpan(value.ToString().AsSpan());
        }

        private void AppendAligned(ReadOnlySpan<char> text, int alignment)
        {
            int width = alignment < 0 ? -alignment : alignment;
            int padding = width - text.Length;
            if (padding > 0 && alignment > 0) AppendPadding(padding);
            AppendSpan(text);
            if (padding > 0 && alignment < 0) AppendPadding(padding);
        }

        private void AppendPadding(int count)
        {
            if (_chars.Length - _pos < count) Grow(count);
            new Span<char>(_chars, _pos, count).Fill(' ');
            _pos += count;
        }

        private void AppendSpan(ReadOnlySpan<char> text)
        {
            if (_chars.Length - _pos < text.Length) Grow(text.Length);
            text.CopyTo(new Span<char>(_chars, _pos, text.Length));
            _pos += text.Length;
        }

        private void Grow(int additional)
        {
            var bigger = new char[Math.Max(_chars.Length * 2, _pos + additional)];
            new ReadOnlySpan<char>(_chars, 0, _pos).CopyTo(bigger);
            _chars = bigger;
        }
    }
}
