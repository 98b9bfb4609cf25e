// Integer formatting for every integer type's ToString and TryFormat: standard formats G/D/R
// (decimal, with a minimum digit count), X/x (hexadecimal of the two's complement bits, at the
// type's width), N/n (thousands separators, invariant culture: ',' and '.'). Everything formats
// into a caller's span first, so TryFormat allocates nothing and ToString allocates the result only.
using Internal.Runtime.CompilerHelpers;

namespace System
{
    internal static partial class Number
    {
        // Enough for any integer in any supported format with a precision of up to 99 digits plus grouping.
        internal const int IntegerBufferLength = 160;

        private static ReadOnlySpan<char> LowerHex => "0123456789abcdef";
        private static ReadOnlySpan<char> UpperHex => "0123456789ABCDEF";

        /// <summary>Parses a standard format ("X8", "D", "N0"): its letter and precision (-1 when absent).
        /// False for custom or malformed formats.</summary>
        internal static bool TryParseStandardFormat(ReadOnlySpan<char> format, out char letter, out int precision)
        {
            letter = 'G';
            precision = -1;
            if (format.Length == 0) return true;
            letter = format[0];
            if (!char.IsAsciiLetter(letter)) return false;
            if (format.Length == 1) return true;
            if (format.Length > 3) return false;
            precision = 0;
            for (int i = 1; i < format.Length; i++)
            {
                if (!char.IsAsciiDigit(format[i])) return false;
                precision = precision * 10 + (format[i] - '0');
            }
            return true;
        }

        /// <summary>Formats an integer given as its magnitude and sign (for decimal forms) and its
        /// two's complement bits at the type's width (for hexadecimal).</summary>
        internal static bool TryFormatInteger(ulong magnitude, bool negative, ulong bits, ReadOnlySpan<char> format,
            Span<char> destination, out int charsWritten)
        {
            charsWritten = 0;
            if (!TryParseStandardFormat(format, out char letter, out int precision)) ThrowHelpers.ThrowFormatException();
            Span<char> buffer = stackalloc char[IntegerBufferLength];
            int start = IntegerBufferLength;
            switch (letter | 0x20)
            {
                case 'x':
                {
                    ReadOnlySpan<char> digits = letter == 'X' ? UpperHex : LowerHex;
                    do { buffer[--start] = digits[(int)(bits & 0xF)]; bits >>= 4; } while (bits != 0);
                    while (IntegerBufferLength - start < precision) buffer[--start] = '0';
                    break;
                }
                case 'g':
                case 'r':
                case 'd':
                    start = WriteDecimal(magnitude, buffer, (letter | 0x20) == 'd' ? precision : -1);
                    if (negative) buffer[--start] = '-';
                    break;
                case 'n':
                {
                    int decimals = precision < 0 ? 2 : precision;
                    int end = IntegerBufferLength - decimals - (decimals > 0 ? 1 : 0);
                    for (int i = end; i < IntegerBufferLength; i++) buffer[i] = i == end ? '.' : '0';
                    start = end;
                    int group = 0;
                    do
                    {
                        if (group++ == 3) { buffer[--start] = ','; group = 1; }
                        buffer[--start] = (char)('0' + (int)(magnitude % 10));
                        magnitude /= 10;
                    } while (magnitude != 0);
                    if (negative) buffer[--start] = '-';
                    break;
                }
                default:
                    ThrowHelpers.ThrowFormatException();
                    break;
            }
            return TryCopy(buffer.Slice(start), destination, out charsWritten);
        }

        /// <summary>Writes the decimal digits of value right-aligned in buffer, padded with zeros to
        /// minDigits; returns the index of the first digit.</summary>
        internal static int WriteDecimal(ulong value, Span<char> buffer, int minDigits)
        {
            int start = buffer.Length;
            do
            {
                ulong quotient = value / 10;
                buffer[--start] = (char)('0' + (int)(value - quotient * 10));
                value = quotient;
            } while (value != 0);
            while (buffer.Length - start < minDigits) buffer[--start] = '0';
            return start;
        }

        internal static bool TryCopy(ReadOnlySpan<char> text, Span<char> destination, out int charsWritten)
        {
            if (text.Length > destination.Length)
            {
                charsWritten = 0;
                return false;
            }
            text.CopyTo(destination);
            charsWritten = text.Length;
            return true;
        }

        internal static string FormatInteger(ulong magnitude, bool negative, ulong bits, string format)
        {
            // The common case without a format skips the format parser.
            Span<char> buffer = stackalloc char[IntegerBufferLength];
            int written;
            if (format is null || format.Length == 0)
            {
                int start = WriteDecimal(magnitude, buffer, -1);
                if (negative) buffer[--start] = '-';
                return new string(buffer.Slice(start));
            }
            TryFormatInteger(magnitude, negative, bits, format, buffer, out written);
            return new string(buffer.Slice(0, written));
        }

        internal static string FormatInt64(long value, ulong widthMask, string format) =>
            FormatInteger(value < 0 ? (ulong)(-(value + 1)) + 1 : (ulong)value, value < 0, (ulong)value & widthMask, format);

        internal static bool TryFormatInt64(long value, ulong widthMask, ReadOnlySpan<char> format, Span<char> destination, out int charsWritten) =>
            TryFormatInteger(value < 0 ? (ulong)(-(value + 1)) + 1 : (ulong)value, value < 0, (ulong)value & widthMask, format, destination, out charsWritten);
    }
}
