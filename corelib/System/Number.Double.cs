// Double formatting and parsing. Digits come from exact big-integer arithmetic (Dragon4 as Steele
// & White and Burger & Dybvig describe it): ToString() prints the shortest digits that read back as
// the same double, as .NET Core 3.0 and later do; "F", "N", "E" and "G<n>" round the exact value
// to nearest, ties to even (as .NET 10 does: 2.5 with "F0" is "2"). Parsing is exact for up to 19 significant digits with a power of
// ten up to 10^22 either way (the common case); beyond that it can be off by an ulp.
namespace System
{
    internal static partial class Number
    {
        private const int DoubleDigitsCapacity = 800;

        /// <summary>Writes the decimal digits of a finite positive value: value = 0.d1d2... * 10^exponent.
        /// With maxDigits < 0 the shortest round-trip digits; otherwise exactly maxDigits digits rounded
        /// (maxDigits may be 0: then one digit, 0 or 1, with the exponent adjusted).</summary>
        private static int GenerateDigits(double value, int maxDigits, Span<byte> digits, out int exponent)
        {
            ulong bits = BitConverter.DoubleToUInt64Bits(value);
            int biased = (int)(bits >> 52) & 0x7FF;
            ulong mantissa = bits & 0xFFFFFFFFFFFFF;
            int e;
            if (biased == 0) e = -1074;
            else { mantissa |= 1UL << 52; e = biased - 1075; }
            bool even = (mantissa & 1) == 0;
            bool boundary = mantissa == 1UL << 52 && biased > 1;

            // value = r / s; the neighbours are (r - mMinus) / s and (r + mPlus) / s (all doubled).
            BigInteger.SetUInt64(out BigInteger r, mantissa);
            BigInteger.SetUInt64(out BigInteger s, 1);
            BigInteger.SetUInt64(out BigInteger mPlus, 1);
            BigInteger.SetUInt64(out BigInteger mMinus, 1);
            if (e >= 0)
            {
                r.ShiftLeft(e + (boundary ? 2 : 1));
                s.ShiftLeft(boundary ? 2 : 1);
                mPlus.ShiftLeft(e + (boundary ? 1 : 0));
                mMinus.ShiftLeft(e);
            }
            else
            {
                r.ShiftLeft(boundary ? 2 : 1);
                s.ShiftLeft(-e + (boundary ? 2 : 1));
                if (boundary) mPlus.ShiftLeft(1);
            }

            int bitLength = 64 - System.Numerics.BitOperations.LeadingZeroCount(mantissa);
            int k = (int)Math.Ceiling((e + bitLength - 1) * 0.30102999566398114 - 1e-10);
            if (k >= 0) s.MultiplyPow10(k);
            else { r.MultiplyPow10(-k); mPlus.MultiplyPow10(-k); mMinus.MultiplyPow10(-k); }

            // The estimate of k can be one too small: then the value is at least 1 in 0.d form.
            bool shortest = maxDigits < 0;
            int high = shortest ? BigInteger.CompareSum(ref r, ref mPlus, ref s) : BigInteger.Compare(ref r, ref s);
            if (high > 0 || (high == 0 && (even || !shortest))) { s.MultiplyUInt32(10); k++; }
            exponent = k;

            int count = 0;
            if (shortest)
            {
                while (true)
                {
                    r.MultiplyUInt32(10); mPlus.MultiplyUInt32(10); mMinus.MultiplyUInt32(10);
                    uint digit = r.DivideSmallQuotient(ref s);
                    int low = BigInteger.Compare(ref r, ref mMinus);
                    int up = BigInteger.CompareSum(ref r, ref mPlus, ref s);
                    bool tc1 = low < 0 || (even && low == 0);
                    bool tc2 = up > 0 || (even && up == 0);
                    if (!tc1 && !tc2) { digits[count++] = (byte)digit; continue; }
                    if (tc1 && tc2)
                    {
                        BigInteger twice = r;
                        twice.ShiftLeft(1);
                        int versusHalf = BigInteger.Compare(ref twice, ref s);
                        if (versusHalf > 0 || (versusHalf == 0 && (digit & 1) != 0)) digit++;
                    }
                    else if (tc2) digit++;
                    digits[count++] = (byte)digit;
                    return count;
                }
            }

            if (maxDigits > digits.Length) maxDigits = digits.Length;
            for (; count < maxDigits; count++)
            {
                r.MultiplyUInt32(10);
                digits[count] = (byte)r.DivideSmallQuotient(ref s);
            }
            // Round what is left to nearest, a tie to an even last digit (as .NET does: 2.5 "F0" is "2").
            r.ShiftLeft(1);
            int half = BigInteger.Compare(ref r, ref s);
            if (half > 0 || (half == 0 && (count == 0 ? false : (digits[count - 1] & 1) != 0)))
            {
                int i = count - 1;
                while (i >= 0 && digits[i] == 9) digits[i--] = 0;
                if (i >= 0) digits[i]++;
                else
                {
                    // All nines: 0.999 becomes 0.100 with the exponent one higher.
                    if (count > 0) digits[0] = 1;
                    else { digits[0] = 1; count = 1; }
                    exponent++;
                }
            }
            else if (count == 0)
            {
                digits[0] = 0;
                count = 1;
            }
            return count;
        }

        internal static bool TryFormatDouble(double value, ReadOnlySpan<char> format, Span<char> destination, out int charsWritten)
        {
            if (!TryParseStandardFormat(format, out char letter, out int precision)) ThrowBadFormat();
            Span<char> text = stackalloc char[DoubleDigitsCapacity];
            int length = FormatDouble(value, (char)(letter | 0x20), letter, precision, text);
            return TryCopy(text.Slice(0, length), destination, out charsWritten);
        }

        private static void ThrowBadFormat() => Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowFormatException();

        private static int FormatDouble(double value, char kind, char letter, int precision, Span<char> text, int scientificLimit = 0)
        {
            int n = 0;
            if (value != value) return Append(text, 0, "NaN");
            if (BitConverter.DoubleToInt64Bits(value) < 0)
            {
                value = -value;
                text[n++] = '-';
            }
            if (value == double.PositiveInfinity) return Append(text, n, "Infinity");

            Span<byte> digits = stackalloc byte[DoubleDigitsCapacity / 2];
            int count, exponent;
            if (value == 0) { digits[0] = 0; count = 1; exponent = 1; }
            else count = 0;

            switch (kind)
            {
                case 'f':
                case 'n':
                {
                    int decimals = precision < 0 ? 2 : precision;
                    if (value != 0)
                    {
                        // Digits up to the requested decimal place: the exponent is known only after a first pass.
                        GenerateDigits(value, -1, digits, out exponent);
                        int wanted = exponent + decimals;
                        if (wanted < 0) { digits[0] = 0; count = 1; exponent = 1 - decimals; }
                        else count = GenerateDigits(value, wanted, digits, out exponent);
                    }
                    else exponent = 1;
                    return n + WriteFixed(text.Slice(n), digits.Slice(0, count), exponent, decimals, kind == 'n');
                }
                case 'e':
                {
                    int decimals = precision < 0 ? 6 : precision;
                    if (value != 0) count = GenerateDigits(value, decimals + 1, digits, out exponent);
                    else exponent = 1;
                    return n + WriteScientific(text.Slice(n), digits.Slice(0, count), exponent, decimals, letter == 'E' ? 'E' : 'e', 3);
                }
                case 'g':
                case 'r':
                {
                    bool shortest = precision <= 0 || kind == 'r';
                    if (value != 0) count = GenerateDigits(value, shortest ? -1 : precision, digits, out exponent);
                    else exponent = 1;
                    while (count > 1 && digits[count - 1] == 0) count--;
                    // .NET switches to scientific notation past 17 digits before the point for the
                    // shortest form (at most 17 significant digits), past the precision otherwise.
                    int limit = scientificLimit > 0 ? scientificLimit : shortest ? 17 : precision;
                    int decimalExponent = exponent - 1;
                    if (decimalExponent >= limit || decimalExponent <= -5)
                        return n + WriteScientific(text.Slice(n), digits.Slice(0, count), exponent, count - 1, letter == 'g' ? 'e' : 'E', 2);
                    return n + WriteFixed(text.Slice(n), digits.Slice(0, count), exponent, Math.Max(0, count - exponent), false);
                }
                default:
                    ThrowBadFormat();
                    return 0;
            }
        }

        private static int Append(Span<char> text, int at, string s)
        {
            s.AsSpan().CopyTo(text.Slice(at));
            return at + s.Length;
        }

        // 0.d1d2... * 10^exponent as [int part].[decimals], digits past the given ones being zero.
        private static int WriteFixed(Span<char> text, ReadOnlySpan<byte> digits, int exponent, int decimals, bool group)
        {
            int n = 0;
            if (exponent <= 0) text[n++] = '0';
            for (int i = 0; i < exponent; i++)
            {
                if (group && i > 0 && (exponent - i) % 3 == 0) text[n++] = ',';
                text[n++] = (char)('0' + (i < digits.Length ? digits[i] : 0));
            }
            if (decimals > 0)
            {
                text[n++] = '.';
                for (int i = 0; i < decimals; i++)
                {
                    int index = exponent + i;
                    text[n++] = (char)('0' + (index >= 0 && index < digits.Length ? digits[index] : 0));
                }
            }
            return n;
        }

        private static int WriteScientific(Span<char> text, ReadOnlySpan<byte> digits, int exponent, int decimals, char e, int minExponentDigits)
        {
            int n = 0;
            text[n++] = (char)('0' + digits[0]);
            if (decimals > 0)
            {
                text[n++] = '.';
                for (int i = 1; i <= decimals; i++) text[n++] = (char)('0' + (i < digits.Length ? digits[i] : 0));
            }
            text[n++] = e;
            int power = digits[0] == 0 ? 0 : exponent - 1;
            text[n++] = power < 0 ? '-' : '+';
            Span<char> buffer = stackalloc char[8];
            int start = WriteDecimal((ulong)(power < 0 ? -power : power), buffer, minExponentDigits);
            buffer.Slice(start).CopyTo(text.Slice(n));
            return n + buffer.Length - start;
        }

        internal static string FormatDouble(double value, string format)
        {
            Span<char> text = stackalloc char[DoubleDigitsCapacity];
            TryFormatDouble(value, format.AsSpan(), text, out int written);
            return new string(text.Slice(0, written));
        }

        /// <summary>The fewest significant digits (1 to 9) that read back as the same float.</summary>
        internal static string FormatSingle(float value)
        {
            Span<char> text = stackalloc char[DoubleDigitsCapacity];
            int length = 0;
            for (int precision = 1; precision <= 9; precision++)
            {
                // A float has at most 9 significant digits, so that is where scientific notation starts.
                length = FormatDouble(value, 'g', 'G', precision, text, scientificLimit: 9);
                if (!double.IsFinite(value) || (TryParseDouble(text.Slice(0, length), out double back) && (float)back == value)) break;
            }
            return new string(text.Slice(0, length));
        }

        private static double ExactPowerOf10(int n)
        {
            double p = 1;
            for (int i = 0; i < n; i++) p *= 10;   // exact up to 10^22
            return p;
        }

        internal static bool TryParseDouble(ReadOnlySpan<char> s, out double result)
        {
            result = 0;
            s = s.Trim();
            int i = 0;
            bool negative = false;
            if (i < s.Length && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
            ReadOnlySpan<char> rest = s.Slice(i);
            if (rest.SequenceEqual("Infinity") || rest.SequenceEqual("\u221E")) { result = negative ? double.NegativeInfinity : double.PositiveInfinity; return true; }
            if (rest.SequenceEqual("NaN")) { result = double.NaN; return true; }

            ulong mantissa = 0;
            int significant = 0, scale = 0;
            bool anyDigit = false, point = false;
            for (; i < s.Length; i++)
            {
                char c = s[i];
                if (c == '.' && !point) { point = true; continue; }
                if (!char.IsAsciiDigit(c)) break;
                anyDigit = true;
                if (significant < 19)
                {
                    if (mantissa != 0 || c != '0') significant++;
                    mantissa = mantissa * 10 + (ulong)(c - '0');
                    if (point) scale--;
                }
                else if (!point) scale++;
            }
            if (!anyDigit) return false;
            if (i < s.Length && (s[i] | 0x20) == 'e')
            {
                i++;
                bool negativeExponent = false;
                if (i < s.Length && (s[i] == '-' || s[i] == '+')) negativeExponent = s[i++] == '-';
                if (i == s.Length) return false;
                int exp = 0;
                for (; i < s.Length && char.IsAsciiDigit(s[i]); i++) exp = Math.Min(exp * 10 + (s[i] - '0'), 100000);
                scale += negativeExponent ? -exp : exp;
            }
            if (i != s.Length) return false;

            double value = mantissa;
            // Powers of ten up to 10^22 are exact doubles: one rounding per step.
            while (scale > 22 && value != 0 && value < double.PositiveInfinity) { value *= 1e22; scale -= 22; }
            while (scale < -22 && value != 0) { value /= 1e22; scale += 22; }
            if (scale > 0) value *= ExactPowerOf10(scale);
            else if (scale < 0) value /= ExactPowerOf10(-scale);
            result = negative ? -value : value;
            return true;
        }
    }
}
