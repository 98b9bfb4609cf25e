// Double's constants and classification. Formatting and parsing: Number.Double.cs.
namespace System
{
    public partial struct Double
    {
        public const double MinValue = -1.7976931348623157E+308;
        public const double MaxValue = 1.7976931348623157E+308;
        public const double Epsilon = 4.9406564584124654E-324;
        public const double NegativeInfinity = -1.0 / 0.0;
        public const double PositiveInfinity = 1.0 / 0.0;
        public const double NaN = 0.0 / 0.0;

        public static bool IsNaN(double d) => d != d;
        public static bool IsInfinity(double d) => (BitConverter.DoubleToInt64Bits(d) & long.MaxValue) == 0x7FF0000000000000;
        public static bool IsPositiveInfinity(double d) => d == PositiveInfinity;
        public static bool IsNegativeInfinity(double d) => d == NegativeInfinity;
        public static bool IsFinite(double d) => (BitConverter.DoubleToInt64Bits(d) & long.MaxValue) < 0x7FF0000000000000;
        public static bool IsNegative(double d) => BitConverter.DoubleToInt64Bits(d) < 0;
    }

    public partial struct Single
    {
        public const float MinValue = -3.40282347E+38f;
        public const float MaxValue = 3.40282347E+38f;
        public const float Epsilon = 1.401298E-45f;
        public const float NegativeInfinity = -1.0f / 0.0f;
        public const float PositiveInfinity = 1.0f / 0.0f;
        public const float NaN = 0.0f / 0.0f;

        public static bool IsNaN(float f) => f != f;
        public static bool IsFinite(float f) => (BitConverter.SingleToInt32Bits(f) & int.MaxValue) < 0x7F800000;
    }
}

namespace System
{
    public partial struct Double : ISpanFormattable
    {
        public override string ToString() => Number.FormatDouble(m_value, null);
        public string ToString(string format) => Number.FormatDouble(m_value, format);
        public string ToString(IFormatProvider provider) => ToString();
        public string ToString(string format, IFormatProvider provider) => ToString(format);

        public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format = default, IFormatProvider provider = null) =>
            Number.TryFormatDouble(m_value, format, destination, out charsWritten);

        public static bool TryParse(ReadOnlySpan<char> s, out double result) => Number.TryParseDouble(s, out result);
        public static bool TryParse(string s, out double result) => Number.TryParseDouble(s.AsSpan(), out result);

        public static double Parse(string s)
        {
            if (!Number.TryParseDouble(s.AsSpan(), out double result)) throw new FormatException("The input string was not in a correct format.");
            return result;
        }
    }

    public partial struct Single : ISpanFormattable
    {
        public override string ToString() => Number.FormatSingle(m_value);
        public string ToString(string format) => format is null || format.Length == 0 ? ToString() : ((double)m_value).ToString(format);
        public string ToString(string format, IFormatProvider provider) => ToString(format);

        public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format = default, IFormatProvider provider = null) =>
            Number.TryCopy(format.Length == 0 ? ToString() : ((double)m_value).ToString(new string(format)), destination, out charsWritten);
    }
}
