// ToString and TryFormat of the integer types (ISpanFormattable, which interpolation and
// Console use) and Parse/TryParse. Formatting lives in Number.Formatting.cs, parsing in
// Number.Parsing.cs; each type only supplies its width and range.
using System.Globalization;

namespace System
{
    public partial struct SByte : ISpanFormattable
    {
        public override string ToString() => Number.FormatInt64(m_value, 0xFF, null);
        public string ToString(string format) => Number.FormatInt64(m_value, 0xFF, format);
        public string ToString(IFormatProvider provider) => ToString();
        public string ToString(string format, IFormatProvider provider) => ToString(format);

        public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format = default, IFormatProvider provider = null) =>
            Number.TryFormatInt64(m_value, 0xFF, format, destination, out charsWritten);

        public static bool TryParse(ReadOnlySpan<char> s, NumberStyles style, IFormatProvider provider, out sbyte result)
        {
            bool parsed = Number.TryParseSigned(s, style, sbyte.MinValue, sbyte.MaxValue, 0xFF, out long value);
            result = unchecked((sbyte)value);
            return parsed;
        }

        public static bool TryParse(ReadOnlySpan<char> s, out sbyte result) => TryParse(s, NumberStyles.Integer, null, out result);
        public static bool TryParse(string s, out sbyte result) => TryParse(s.AsSpan(), NumberStyles.Integer, null, out result);
        public static bool TryParse(string s, NumberStyles style, IFormatProvider provider, out sbyte result) => TryParse(s.AsSpan(), style, provider, out result);

        public static sbyte Parse(string s) => Parse(s.AsSpan(), NumberStyles.Integer, null);
        public static sbyte Parse(string s, NumberStyles style) => Parse(s.AsSpan(), style, null);
        public static sbyte Parse(string s, IFormatProvider provider) => Parse(s.AsSpan(), NumberStyles.Integer, provider);
        public static sbyte Parse(ReadOnlySpan<char> s, NumberStyles style = NumberStyles.Integer, IFormatProvider provider = null)
        {
            if (!TryParse(s, style, provider, out sbyte result)) Number.ThrowParseFailure(s, style);
            return result;
        }
    }

    public partial struct Byte : ISpanFormattable
    {
        public override string ToString() => Number.FormatInteger(m_value, false, m_value, null);
        public string ToString(string format) => Number.FormatInteger(m_value, false, m_value, format);
        public string ToString(IFormatProvider provider) => ToString();
        public string ToString(string format, IFormatProvider provider) => ToString(format);

        public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format = default, IFormatProvider provider = null) =>
            Number.TryFormatInteger(m_value, false, m_value, format, destination, out charsWritten);

        public static bool TryParse(ReadOnlySpan<char> s, NumberStyles style, IFormatProvider provider, out byte result)
        {
            bool parsed = Number.TryParseUnsigned(s, style, byte.MaxValue, out ulong value);
            result = unchecked((byte)value);
            return parsed;
        }

        public static bool TryParse(ReadOnlySpan<char> s, out byte result) => TryParse(s, NumberStyles.Integer, null, out result);
        public static bool TryParse(string s, out byte result) => TryParse(s.AsSpan(), NumberStyles.Integer, null, out result);
        public static bool TryParse(string s, NumberStyles style, IFormatProvider provider, out byte result) => TryParse(s.AsSpan(), style, provider, out result);

        public static byte Parse(string s) => Parse(s.AsSpan(), NumberStyles.Integer, null);
        public static byte Parse(string s, NumberStyles style) => Parse(s.AsSpan(), style, null);
        public static byte Parse(string s, IFormatProvider provider) => Parse(s.AsSpan(), NumberStyles.Integer, provider);
        public static byte Parse(ReadOnlySpan<char> s, NumberStyles style = NumberStyles.Integer, IFormatProvider provider = null)
        {
            if (!TryParse(s, style, provider, out byte result)) Number.ThrowParseFailure(s, style);
            return result;
        }
    }

    public partial struct Int16 : ISpanFormattable
    {
        public override string ToString() => Number.FormatInt64(m_value, 0xFFFF, null);
        public string ToString(string format) => Number.FormatInt64(m_value, 0xFFFF, format);
        public string ToString(IFormatProvider provider) => ToString();
        public string ToString(string format, IFormatProvider provider) => ToString(format);

        public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format = default, IFormatProvider provider = null) =>
            Number.TryFormatInt64(m_value, 0xFFFF, format, destination, out charsWritten);

        public static bool TryParse(ReadOnlySpan<char> s, NumberStyles style, IFormatProvider provider, out short result)
        {
            bool parsed = Number.TryParseSigned(s, style, short.MinValue, short.MaxValue, 0xFFFF, out long value);
            result = unchecked((short)value);
            return parsed;
        }

        public static bool TryParse(ReadOnlySpan<char> s, out short result) => TryParse(s, NumberStyles.Integer, null, out result);
        public static bool TryParse(string s, out short result) => TryParse(s.AsSpan(), NumberStyles.Integer, null, out result);
        public static bool TryParse(string s, NumberStyles style, IFormatProvider provider, out short result) => TryParse(s.AsSpan(), style, provider, out result);

        public static short Parse(string s) => Parse(s.AsSpan(), NumberStyles.Integer, null);
        public static short Parse(string s, NumberStyles style) => Parse(s.AsSpan(), style, null);
        public static short Parse(string s, IFormatProvider provider) => Parse(s.AsSpan(), NumberStyles.Integer, provider);
        public static short Parse(ReadOnlySpan<char> s, NumberStyles style = NumberStyles.Integer, IFormatProvider provider = null)
        {
            if (!TryParse(s, style, provider, out short result)) Number.ThrowParseFailure(s, style);
            return result;
        }
    }

    public partial struct UInt16 : ISpanFormattable
    {
        public override string ToString() => Number.FormatInteger(m_value, false, m_value, null);
        public string ToString(string format) => Number.FormatInteger(m_value, false, m_value, format);
        public string ToString(IFormatProvider provider) => ToString();
        public string ToString(string format, IFormatProvider provider) => ToString(format);

        public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format = default, IFormatProvider provider = null) =>
            Number.TryFormatInteger(m_value, false, m_value, format, destination, out charsWritten);

        public static bool TryParse(ReadOnlySpan<char> s, NumberStyles style, IFormatProvider provider, out ushort result)
        {
            bool parsed = Number.TryParseUnsigned(s, style, ushort.MaxValue, out ulong value);
            result = unchecked((ushort)value);
            return parsed;
        }

        public static bool TryParse(ReadOnlySpan<char> s, out ushort result) => TryParse(s, NumberStyles.Integer, null, out result);
        public static bool TryParse(string s, out ushort result) => TryParse(s.AsSpan(), NumberStyles.Integer, null, out result);
        public static bool TryParse(string s, NumberStyles style, IFormatProvider provider, out ushort result) => TryParse(s.AsSpan(), style, provider, out result);

        public static ushort Parse(string s) => Parse(s.AsSpan(), NumberStyles.Integer, null);
        public static ushort Parse(string s, NumberStyles style) => Parse(s.AsSpan(), style, null);
        public static ushort Parse(string s, IFormatProvider provider) => Parse(s.AsSpan(), NumberStyles.Integer, provider);
        public static ushort Parse(ReadOnlySpan<char> s, NumberStyles style = NumberStyles.Integer, IFormatProvider provider = null)
        {
            if (!TryParse(s, style, provider, out ushort result)) Number.ThrowParseFailure(s, style);
            return result;
        }
    }

    public partial struct Int32 : ISpanFormattable
    {
        public override string ToString() => Number.FormatInt64(m_value, 0xFFFFFFFF, null);
        public string ToString(string format) => Number.FormatInt64(m_value, 0xFFFFFFFF, format);
        public string ToString(IFormatProvider provider) => ToString();
        public string ToString(string format, IFormatProvider provider) => ToString(format);

        public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format = default, IFormatProvider provider = null) =>
            Number.TryFormatInt64(m_value, 0xFFFFFFFF, format, destination, out charsWritten);

        public static bool TryParse(ReadOnlySpan<char> s, NumberStyles style, IFormatProvider provider, out int result)
        {
            bool parsed = Number.TryParseSigned(s, style, int.MinValue, int.MaxValue, 0xFFFFFFFF, out long value);
            result = unchecked((int)value);
            return parsed;
        }

        public static bool TryParse(ReadOnlySpan<char> s, out int result) => TryParse(s, NumberStyles.Integer, null, out result);
        public static bool TryParse(string s, out int result) => TryParse(s.AsSpan(), NumberStyles.Integer, null, out result);
        public static bool TryParse(string s, NumberStyles style, IFormatProvider provider, out int result) => TryParse(s.AsSpan(), style, provider, out result);

        public static int Parse(string s) => Parse(s.AsSpan(), NumberStyles.Integer, null);
        public static int Parse(string s, NumberStyles style) => Parse(s.AsSpan(), style, null);
        public static int Parse(string s, IFormatProvider provider) => Parse(s.AsSpan(), NumberStyles.Integer, provider);
        public static int Parse(ReadOnlySpan<char> s, NumberStyles style = NumberStyles.Integer, IFormatProvider provider = null)
        {
            if (!TryParse(s, style, provider, out int result)) Number.ThrowParseFailure(s, style);
            return result;
        }
    }

    public partial struct UInt32 : ISpanFormattable
    {
        public override string ToString() => Number.FormatInteger(m_value, false, m_value, null);
        public string ToString(string format) => Number.FormatInteger(m_value, false, m_value, format);
        public string ToString(IFormatProvider provider) => ToString();
        public string ToString(string format, IFormatProvider provider) => ToString(format);

        public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format = default, IFormatProvider provider = null) =>
            Number.TryFormatInteger(m_value, false, m_value, format, destination, out charsWritten);

        public static bool TryParse(ReadOnlySpan<char> s, NumberStyles style, IFormatProvider provider, out uint result)
        {
            bool parsed = Number.TryParseUnsigned(s, style, uint.MaxValue, out ulong value);
            result = unchecked((uint)value);
            return parsed;
        }

        public static bool TryParse(ReadOnlySpan<char> s, out uint result) => TryParse(s, NumberStyles.Integer, null, out result);
        public static bool TryParse(string s, out uint result) => TryParse(s.AsSpan(), NumberStyles.Integer, null, out result);
        public static bool TryParse(string s, NumberStyles style, IFormatProvider provider, out uint result) => TryParse(s.AsSpan(), style, provider, out result);

        public static uint Parse(string s) => Parse(s.AsSpan(), NumberStyles.Integer, null);
        public static uint Parse(string s, NumberStyles style) => Parse(s.AsSpan(), style, null);
        public static uint Parse(string s, IFormatProvider provider) => Parse(s.AsSpan(), NumberStyles.Integer, provider);
        public static uint Parse(ReadOnlySpan<char> s, NumberStyles style = NumberStyles.Integer, IFormatProvider provider = null)
        {
            if (!TryParse(s, style, provider, out uint result)) Number.ThrowParseFailure(s, style);
            return result;
        }
    }

    public partial struct Int64 : ISpanFormattable
    {
        public override string ToString() => Number.FormatInt64(m_value, 0xFFFFFFFFFFFFFFFF, null);
        public string ToString(string format) => Number.FormatInt64(m_value, 0xFFFFFFFFFFFFFFFF, format);
        public string ToString(IFormatProvider provider) => ToString();
        public string ToString(string format, IFormatProvider provider) => ToString(format);

        public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format = default, IFormatProvider provider = null) =>
            Number.TryFormatInt64(m_value, 0xFFFFFFFFFFFFFFFF, format, destination, out charsWritten);

        public static bool TryParse(ReadOnlySpan<char> s, NumberStyles style, IFormatProvider provider, out long result)
        {
            bool parsed = Number.TryParseSigned(s, style, long.MinValue, long.MaxValue, 0xFFFFFFFFFFFFFFFF, out long value);
            result = unchecked((long)value);
            return parsed;
        }

        public static bool TryParse(ReadOnlySpan<char> s, out long result) => TryParse(s, NumberStyles.Integer, null, out result);
        public static bool TryParse(string s, out long result) => TryParse(s.AsSpan(), NumberStyles.Integer, null, out result);
        public static bool TryParse(string s, NumberStyles style, IFormatProvider provider, out long result) => TryParse(s.AsSpan(), style, provider, out result);

        public static long Parse(string s) => Parse(s.AsSpan(), NumberStyles.Integer, null);
        public static long Parse(string s, NumberStyles style) => Parse(s.AsSpan(), style, null);
        public static long Parse(string s, IFormatProvider provider) => Parse(s.AsSpan(), NumberStyles.Integer, provider);
        public static long Parse(ReadOnlySpan<char> s, NumberStyles style = NumberStyles.Integer, IFormatProvider provider = null)
        {
            if (!TryParse(s, style, provider, out long result)) Number.ThrowParseFailure(s, style);
            return result;
        }
    }

    public partial struct UInt64 : ISpanFormattable
    {
        public override string ToString() => Number.FormatInteger(m_value, false, m_value, null);
        public string ToString(string format) => Number.FormatInteger(m_value, false, m_value, format);
        public string ToString(IFormatProvider provider) => ToString();
        public string ToString(string format, IFormatProvider provider) => ToString(format);

        public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format = default, IFormatProvider provider = null) =>
            Number.TryFormatInteger(m_value, false, m_value, format, destination, out charsWritten);

        public static bool TryParse(ReadOnlySpan<char> s, NumberStyles style, IFormatProvider provider, out ulong result)
        {
            bool parsed = Number.TryParseUnsigned(s, style, ulong.MaxValue, out ulong value);
            result = unchecked((ulong)value);
            return parsed;
        }

        public static bool TryParse(ReadOnlySpan<char> s, out ulong result) => TryParse(s, NumberStyles.Integer, null, out result);
        public static bool TryParse(string s, out ulong result) => TryParse(s.AsSpan(), NumberStyles.Integer, null, out result);
        public static bool TryParse(string s, NumberStyles style, IFormatProvider provider, out ulong result) => TryParse(s.AsSpan(), style, provider, out result);

        public static ulong Parse(string s) => Parse(s.AsSpan(), NumberStyles.Integer, null);
        public static ulong Parse(string s, NumberStyles style) => Parse(s.AsSpan(), style, null);
        public static ulong Parse(string s, IFormatProvider provider) => Parse(s.AsSpan(), NumberStyles.Integer, provider);
        public static ulong Parse(ReadOnlySpan<char> s, NumberStyles style = NumberStyles.Integer, IFormatProvider provider = null)
        {
            if (!TryParse(s, style, provider, out ulong result)) Number.ThrowParseFailure(s, style);
            return result;
        }
    }

    public partial struct Boolean : ISpanFormattable
    {
        public const string TrueString = "True";
        public const string FalseString = "False";

        public override string ToString() => m_value ? TrueString : FalseString;
        public string ToString(IFormatProvider provider) => ToString();
        public string ToString(string format, IFormatProvider provider) => ToString();

        public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format = default, IFormatProvider provider = null) =>
            Number.TryCopy(m_value ? TrueString : FalseString, destination, out charsWritten);

        public static bool TryParse(ReadOnlySpan<char> value, out bool result)
        {
            ReadOnlySpan<char> text = value.Trim();
            result = string.Compare(new string(text), TrueString, StringComparison.OrdinalIgnoreCase) == 0;
            return result || string.Compare(new string(text), FalseString, StringComparison.OrdinalIgnoreCase) == 0;
        }

        public static bool TryParse(string value, out bool result) => TryParse(value.AsSpan(), out result);

        public static bool Parse(string value)
        {
            if (!TryParse(value, out bool result)) throw new FormatException("String was not recognized as a valid Boolean.");
            return result;
        }
    }

    public partial struct Char : ISpanFormattable
    {
        public string ToString(IFormatProvider provider) => ToString();
        public string ToString(string format, IFormatProvider provider) => ToString();

        public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format = default, IFormatProvider provider = null)
        {
            charsWritten = 0;
            if (destination.Length == 0) return false;
            destination[0] = m_value;
            charsWritten = 1;
            return true;
        }
    }

    public unsafe partial struct IntPtr
    {
        public override string ToString() => ((long)_value).ToString();
        public string ToString(string format) => ((long)_value).ToString(format);
    }

    public unsafe partial struct UIntPtr
    {
        public override string ToString() => ((ulong)_value).ToString();
        public string ToString(string format) => ((ulong)_value).ToString(format);
    }
}
