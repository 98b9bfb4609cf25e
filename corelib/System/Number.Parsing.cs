// Integer parsing for every integer type's Parse/TryParse: optional white space, an optional sign,
// decimal digits; or hexadecimal digits with NumberStyles.AllowHexSpecifier (no "0x", as in .NET).
// Digits accumulate into a ulong with an overflow check; each type then checks its own range.
using System.Globalization;

namespace System
{
    internal static partial class Number
    {
        internal enum ParseStatus { Ok, Format, Overflow }

        internal static ParseStatus TryParseInteger(ReadOnlySpan<char> s, NumberStyles style, out ulong magnitude, out bool negative, out bool hex)
        {
            magnitude = 0;
            negative = false;
            hex = (style & NumberStyles.AllowHexSpecifier) != 0;
            int i = 0, end = s.Length;
            if ((style & NumberStyles.AllowLeadingWhite) != 0) while (i < end && char.IsWhiteSpace(s[i])) i++;
            if ((style & NumberStyles.AllowTrailingWhite) != 0) while (end > i && char.IsWhiteSpace(s[end - 1])) end--;
            if (!hex && (style & NumberStyles.AllowLeadingSign) != 0 && i < end && (s[i] == '-' || s[i] == '+'))
                negative = s[i++] == '-';
            if (i == end) return ParseStatus.Format;
            bool overflow = false;
            for (; i < end; i++)
            {
                char c = s[i];
                uint digit;
                if (char.IsAsciiDigit(c)) digit = (uint)(c - '0');
                else if (hex && (uint)((c | 0x20) - 'a') <= 5) digit = (uint)((c | 0x20) - 'a' + 10);
                else return ParseStatus.Format;
                if (hex)
                {
                    if (magnitude >> 60 != 0) overflow = true;
                    magnitude = (magnitude << 4) | digit;
                }
                else
                {
                    if (magnitude > (ulong.MaxValue - digit) / 10) overflow = true;
                    magnitude = magnitude * 10 + digit;
                }
            }
            return overflow ? ParseStatus.Overflow : ParseStatus.Ok;
        }

        /// <summary>A signed type's TryParse: decimal within [min, max]; hexadecimal up to the type's
        /// width (mask), read as two's complement ("FFFFFFFF" is -1 for int). value is 0 on failure.</summary>
        internal static bool TryParseSigned(ReadOnlySpan<char> s, NumberStyles style, long min, long max, ulong mask, out long value)
        {
            value = 0;
            if (TryParseInteger(s, style, out ulong magnitude, out bool negative, out bool hex) != ParseStatus.Ok) return false;
            if (hex)
            {
                if (magnitude > mask) return false;
                int unused = 64 - System.Numerics.BitOperations.PopCount(mask);
                value = (long)(magnitude << unused) >> unused;
                return true;
            }
            if (negative ? magnitude > (ulong)(-(min + 1)) + 1 : magnitude > (ulong)max) return false;
            value = negative ? (long)(0 - magnitude) : (long)magnitude;
            return true;
        }

        /// <summary>An unsigned type's TryParse: at most max ("-0" is allowed, as in .NET).</summary>
        internal static bool TryParseUnsigned(ReadOnlySpan<char> s, NumberStyles style, ulong max, out ulong value)
        {
            value = 0;
            if (TryParseInteger(s, style, out ulong magnitude, out bool negative, out _) != ParseStatus.Ok) return false;
            if (magnitude > max || (negative && magnitude != 0)) return false;
            value = magnitude;
            return true;
        }

        [System.Diagnostics.CodeAnalysis.DoesNotReturn]
        internal static void ThrowParseFailure(ReadOnlySpan<char> s, NumberStyles style)
        {
            if (TryParseInteger(s, style, out _, out _, out _) == ParseStatus.Format)
                throw new FormatException("The input string was not in a correct format.");
            throw new OverflowException("Value was either too large or too small for the type.");
        }
    }
}

namespace System.Globalization
{
    [Flags]
    public enum NumberStyles
    {
        None = 0,
        AllowLeadingWhite = 1,
        AllowTrailingWhite = 2,
        AllowLeadingSign = 4,
        AllowTrailingSign = 8,
        AllowParentheses = 16,
        AllowDecimalPoint = 32,
        AllowThousands = 64,
        AllowExponent = 128,
        AllowCurrencySymbol = 256,
        AllowHexSpecifier = 512,
        Integer = AllowLeadingWhite | AllowTrailingWhite | AllowLeadingSign,
        HexNumber = AllowLeadingWhite | AllowTrailingWhite | AllowHexSpecifier,
        Number = Integer | AllowTrailingSign | AllowDecimalPoint | AllowThousands,
        Float = Integer | AllowDecimalPoint | AllowExponent,
        Any = Number | AllowParentheses | AllowExponent | AllowCurrencySymbol,
    }

    /// <summary>Only the invariant culture exists; formatting ignores providers.</summary>
    public sealed class CultureInfo : IFormatProvider
    {
        public static CultureInfo InvariantCulture { get; } = new CultureInfo();
        public static CultureInfo CurrentCulture => InvariantCulture;
        public object GetFormat(Type formatType) => null;
    }
}
