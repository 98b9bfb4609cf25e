// Building new strings from existing ones: concatenation (what `+` compiles to), substrings,
// trimming, case mapping, replacing, padding, splitting and joining. Each result is allocated once
// at its final length with FastAllocateString and filled in place.
using System.Runtime.CompilerServices;

namespace System
{
    public sealed partial class String
    {
        // A property, not .NET's readonly field: ilc's preinitialiser fails on reference-type statics holding a literal.
        public static string Empty => "";

        // Writable view of a freshly allocated string (only before it is handed out).
        private Span<char> RawChars => new Span<char>(ref _firstChar, _length);

        public static string Concat(string str0, string str1)
        {
            if (IsNullOrEmpty(str0)) return str1 ?? Empty;
            if (IsNullOrEmpty(str1)) return str0;
            string result = FastAllocateString(str0._length + str1._length);
            str0.AsSpan().CopyTo(result.RawChars);
            str1.AsSpan().CopyTo(result.RawChars.Slice(str0._length));
            return result;
        }

        public static string Concat(string str0, string str1, string str2) =>
            Concat(str0.AsSpan(), str1.AsSpan(), str2.AsSpan());

        public static string Concat(string str0, string str1, string str2, string str3) =>
            Concat(str0.AsSpan(), str1.AsSpan(), str2.AsSpan(), str3.AsSpan());

        public static string Concat(ReadOnlySpan<char> str0, ReadOnlySpan<char> str1)
        {
            string result = FastAllocateString(str0.Length + str1.Length);
            if (result._length == 0) return result;
            str0.CopyTo(result.RawChars);
            str1.CopyTo(result.RawChars.Slice(str0.Length));
            return result;
        }

        public static string Concat(ReadOnlySpan<char> str0, ReadOnlySpan<char> str1, ReadOnlySpan<char> str2)
        {
            string result = FastAllocateString(str0.Length + str1.Length + str2.Length);
            if (result._length == 0) return result;
            Span<char> rest = result.RawChars;
            str0.CopyTo(rest); rest = rest.Slice(str0.Length);
            str1.CopyTo(rest); rest = rest.Slice(str1.Length);
            str2.CopyTo(rest);
            return result;
        }

        public static string Concat(ReadOnlySpan<char> str0, ReadOnlySpan<char> str1, ReadOnlySpan<char> str2, ReadOnlySpan<char> str3)
        {
            string result = FastAllocateString(str0.Length + str1.Length + str2.Length + str3.Length);
            if (result._length == 0) return result;
            Span<char> rest = result.RawChars;
            str0.CopyTo(rest); rest = rest.Slice(str0.Length);
            str1.CopyTo(rest); rest = rest.Slice(str1.Length);
            str2.CopyTo(rest); rest = rest.Slice(str2.Length);
            str3.CopyTo(rest);
            return result;
        }

        public static string Concat(params string[] values)
        {
            if (values is null) return Empty;
            int total = 0;
            for (int i = 0; i < values.Length; i++) total += values[i] is null ? 0 : values[i]._length;
            string result = FastAllocateString(total);
            int at = 0;
            for (int i = 0; i < values.Length; i++)
            {
                if (IsNullOrEmpty(values[i])) continue;
                values[i].AsSpan().CopyTo(result.RawChars.Slice(at));
                at += values[i]._length;
            }
            return result;
        }

        public static string Concat(object arg0) => arg0?.ToString() ?? Empty;
        public static string Concat(object arg0, object arg1) => Concat(arg0?.ToString(), arg1?.ToString());
        public static string Concat(object arg0, object arg1, object arg2) => Concat(arg0?.ToString(), arg1?.ToString(), arg2?.ToString());

        public static string Concat(params object[] args)
        {
            if (args is null) return Empty;
            var strings = new string[args.Length];
            for (int i = 0; i < args.Length; i++) strings[i] = args[i]?.ToString();
            return Concat(strings);
        }

        public string Substring(int startIndex) => Substring(startIndex, _length - startIndex);

        public string Substring(int startIndex, int length)
        {
            if ((uint)startIndex > (uint)_length || (uint)length > (uint)(_length - startIndex))
                Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowArgumentOutOfRangeException();
            if (length == _length) return this;
            return new string(this.AsSpan(startIndex, length));
        }

        public string Trim() => TrimmedOrSelf(this.AsSpan().Trim());
        public string TrimStart() => TrimmedOrSelf(this.AsSpan().TrimStart());
        public string TrimEnd() => TrimmedOrSelf(this.AsSpan().TrimEnd());

        public string Trim(char trimChar) => TrimStart(trimChar).TrimEnd(trimChar);

        public string TrimStart(char trimChar)
        {
            int start = 0;
            while (start < _length && this[start] == trimChar) start++;
            return Substring(start);
        }

        public string TrimEnd(char trimChar)
        {
            int end = _length;
            while (end > 0 && this[end - 1] == trimChar) end--;
            return Substring(0, end);
        }

        private string TrimmedOrSelf(ReadOnlySpan<char> trimmed) => trimmed.Length == _length ? this : new string(trimmed);

        public string ToUpperInvariant()
        {
            string result = FastAllocateString(_length);
            for (int i = 0; i < _length; i++) result.RawChars[i] = char.ToUpperInvariant(this[i]);
            return result;
        }

        public string ToLowerInvariant()
        {
            string result = FastAllocateString(_length);
            for (int i = 0; i < _length; i++) result.RawChars[i] = char.ToLowerInvariant(this[i]);
            return result;
        }

        /// <summary>Invariant: there is no culture data.</summary>
        public string ToUpper() => ToUpperInvariant();
        public string ToLower() => ToLowerInvariant();

        public string Replace(char oldChar, char newChar)
        {
            if (IndexOf(oldChar) < 0) return this;
            string result = FastAllocateString(_length);
            for (int i = 0; i < _length; i++) result.RawChars[i] = this[i] == oldChar ? newChar : this[i];
            return result;
        }

        public string Replace(string oldValue, string newValue)
        {
            if (IsNullOrEmpty(oldValue)) Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowArgumentException();
            newValue ??= Empty;
            int count = 0;
            for (int i = IndexOf(oldValue); i >= 0; i = IndexOf(oldValue, i + oldValue._length)) count++;
            if (count == 0) return this;
            string result = FastAllocateString(_length + count * (newValue._length - oldValue._length));
            int from = 0, to = 0;
            for (int i = IndexOf(oldValue); i >= 0; i = IndexOf(oldValue, i + oldValue._length))
            {
                this.AsSpan(from, i - from).CopyTo(result.RawChars.Slice(to));
                to += i - from;
                newValue.AsSpan().CopyTo(result.RawChars.Slice(to));
                to += newValue._length;
                from = i + oldValue._length;
            }
            this.AsSpan(from).CopyTo(result.RawChars.Slice(to));
            return result;
        }

        public string PadLeft(int totalWidth) => PadLeft(totalWidth, ' ');

        public string PadLeft(int totalWidth, char paddingChar)
        {
            if (totalWidth < 0) Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowArgumentOutOfRangeException();
            if (totalWidth <= _length) return this;
            string result = FastAllocateString(totalWidth);
            result.RawChars.Slice(0, totalWidth - _length).Fill(paddingChar);
            this.AsSpan().CopyTo(result.RawChars.Slice(totalWidth - _length));
            return result;
        }

        public string PadRight(int totalWidth) => PadRight(totalWidth, ' ');

        public string PadRight(int totalWidth, char paddingChar)
        {
            if (totalWidth < 0) Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowArgumentOutOfRangeException();
            if (totalWidth <= _length) return this;
            string result = FastAllocateString(totalWidth);
            this.AsSpan().CopyTo(result.RawChars);
            result.RawChars.Slice(_length).Fill(paddingChar);
            return result;
        }

        public string Insert(int startIndex, string value) =>
            Concat(this.AsSpan(0, startIndex), value.AsSpan(), this.AsSpan(startIndex));

        public string Remove(int startIndex) => Substring(0, startIndex);

        public string Remove(int startIndex, int count) =>
            Concat(this.AsSpan(0, startIndex), this.AsSpan(startIndex + count));

        public string[] Split(char separator, StringSplitOptions options = StringSplitOptions.None) =>
            Split(separator, int.MaxValue, options);

        public string[] Split(char separator, int count, StringSplitOptions options = StringSplitOptions.None)
        {
            bool removeEmpty = (options & StringSplitOptions.RemoveEmptyEntries) != 0;
            bool trim = (options & StringSplitOptions.TrimEntries) != 0;
            // Two passes: count the parts, then cut them, so the array is allocated at its size.
            int parts = 0;
            for (int pass = 0; pass < 2; pass++)
            {
                string[] result = pass == 1 ? new string[parts] : null;
                int n = 0, start = 0;
                for (int i = 0; i <= _length && n < count; i++)
                {
                    bool last = n == count - 1;
                    if (i < _length && (this[i] != separator || last)) continue;
                    if (last) i = _length;
                    ReadOnlySpan<char> part = this.AsSpan(start, i - start);
                    if (trim) part = part.Trim();
                    start = i + 1;
                    if (removeEmpty && part.Length == 0) continue;
                    if (result != null) result[n] = part.Length == _length ? this : new string(part);
                    n++;
                }
                if (pass == 0) parts = n;
                else return result;
            }
            return null;
        }

        public string[] Split(params char[] separator)
        {
            if (separator is null || separator.Length == 0) return Split(' ');
            if (separator.Length == 1) return Split(separator[0]);
            // Several separators: map each to the first, then split once.
            string unified = this;
            for (int i = 1; i < separator.Length; i++) unified = unified.Replace(separator[i], separator[0]);
            return unified.Split(separator[0]);
        }

        public static string Join(string separator, params string[] value)
        {
            if (value.Length == 0) return Empty;
            separator ??= Empty;
            int total = separator._length * (value.Length - 1);
            for (int i = 0; i < value.Length; i++) total += value[i] is null ? 0 : value[i]._length;
            string result = FastAllocateString(total);
            int at = 0;
            for (int i = 0; i < value.Length; i++)
            {
                if (i > 0)
                {
                    separator.AsSpan().CopyTo(result.RawChars.Slice(at));
                    at += separator._length;
                }
                if (value[i] is null) continue;
                value[i].AsSpan().CopyTo(result.RawChars.Slice(at));
                at += value[i]._length;
            }
            return result;
        }

        public static string Join(char separator, params string[] value) => Join(new string(separator, 1), value);

        public static string Join(string separator, params object[] values)
        {
            var strings = new string[values.Length];
            for (int i = 0; i < values.Length; i++) strings[i] = values[i]?.ToString();
            return Join(separator, strings);
        }

        public char[] ToCharArray()
        {
            var chars = new char[_length];
            this.AsSpan().CopyTo(chars);
            return chars;
        }

        public override string ToString() => this;

        public static implicit operator ReadOnlySpan<char>(string value) => value.AsSpan();
    }

    [Flags]
    public enum StringSplitOptions
    {
        None = 0,
        RemoveEmptyEntries = 1,
        TrimEntries = 2,
    }
}
