// Number formatting and parsing for every integer type, double formatting (shortest round trip)
// and parsing, and System.Math, checked against the strings and values .NET produces.
using System;
using System.Globalization;
using T = Vireo.User.Testing.TestRunner;

unsafe static class NumberTests
{
    public static void Run()
    {
        T.Run("num_int_tostring", &IntToString);
        T.Run("num_all_integer_types", &AllIntegerTypes);
        T.Run("num_hex_formats", &HexFormats);
        T.Run("num_decimal_group_formats", &DecimalGroupFormats);
        T.Run("num_tryformat", &TryFormat);
        T.Run("num_parse_int", &ParseInt);
        T.Run("num_parse_ranges", &ParseRanges);
        T.Run("num_parse_hex", &ParseHex);
        T.Run("num_bool_char", &BoolChar);
        T.Run("num_double_tostring", &DoubleToString);
        T.Run("num_double_formats", &DoubleFormats);
        T.Run("num_double_parse", &DoubleParse);
        T.Run("num_float_tostring", &FloatToString);
        T.Run("num_math_integer", &MathInteger);
        T.Run("num_math_rounding", &MathRounding);
        T.Run("num_math_sqrt_pow", &MathSqrtPow);
        T.Run("num_math_transcendental", &MathTranscendental);
        T.Run("num_double_modulo", &DoubleModulo);
    }

    private static bool Same(string expected, string actual, string what) => StringTests.Same(expected, actual, what);

    private static void IntToString()
    {
        Same("42", 42.ToString(), "42");
        Same("0", 0.ToString(), "0");
        Same("-7", (-7).ToString(), "-7");
        Same("2147483647", int.MaxValue.ToString(), "int.MaxValue");
        Same("-2147483648", int.MinValue.ToString(), "int.MinValue");
        Same("-9223372036854775808", long.MinValue.ToString(), "long.MinValue");
        Same("18446744073709551615", ulong.MaxValue.ToString(), "ulong.MaxValue");
    }

    private static void AllIntegerTypes()
    {
        Same("-128", sbyte.MinValue.ToString(), "sbyte");
        Same("255", byte.MaxValue.ToString(), "byte");
        Same("-32768", short.MinValue.ToString(), "short");
        Same("65535", ushort.MaxValue.ToString(), "ushort");
        Same("4294967295", uint.MaxValue.ToString(), "uint");
        Same("123", ((nint)123).ToString(), "nint");
    }

    private static void HexFormats()
    {
        Same("FF", 255.ToString("X"), "X");
        Same("ff", 255.ToString("x"), "x");
        Same("000000FF", 255.ToString("X8"), "X8");
        Same("FFFFFFFF", (-1).ToString("X"), "negative int is two's complement at 32 bits");
        Same("FF", ((sbyte)-1).ToString("X"), "negative sbyte at 8 bits");
        Same("FFFF", ((short)-1).ToString("X"), "negative short at 16 bits");
        Same("FFFFFFFFFFFFFFFF", (-1L).ToString("X"), "negative long at 64 bits");
        Same("DEADBEEF", 0xDEADBEEFu.ToString("X"), "uint");
        Same("0", 0.ToString("X"), "zero");
    }

    private static void DecimalGroupFormats()
    {
        Same("0042", 42.ToString("D4"), "D4");
        Same("-0042", (-42).ToString("D4"), "negative D4");
        Same("12345", 12345.ToString("D2"), "D shorter than the number");
        Same("1,234,567", 1234567.ToString("N0"), "N0");
        Same("-1,000.00", (-1000).ToString("N"), "N default 2 decimals");
        Same("999", 999.ToString("N0"), "N0 under a thousand");
        Same("42", 42.ToString("G"), "G");
    }

    private static void TryFormat()
    {
        Span<char> buffer = stackalloc char[4];
        T.True(1234.TryFormat(buffer, out int written) && written == 4, "fits");
        T.True(!12345.TryFormat(buffer, out written) && written == 0, "does not fit");
        T.True(!(-5).TryFormat(buffer, out written, "X") && written == 0, "hex that does not fit (8 digits) reports false");
        T.True(255.TryFormat(buffer, out written, "X4") && new string(buffer.Slice(0, written)) == "00FF", "hex that fits");
    }

    private static void ParseInt()
    {
        T.Equal(123, int.Parse("123"), "Parse");
        T.Equal(-45, int.Parse(" -45 "), "sign and white space");
        T.True(int.TryParse("+7", out int v) && v == 7, "plus sign");
        T.True(!int.TryParse("12a", out v) && v == 0, "bad digit");
        T.True(!int.TryParse("", out v), "empty");
        T.True(!int.TryParse("-", out v), "sign only");
        T.True(!int.TryParse(null, out v), "null");
        T.True(int.TryParse("2147483647", out v) && v == int.MaxValue, "MaxValue");
        T.True(int.TryParse("-2147483648", out v) && v == int.MinValue, "MinValue");
        T.True(long.TryParse("-9223372036854775808", out long l) && l == long.MinValue, "long.MinValue");
        T.True(ulong.TryParse("18446744073709551615", out ulong u) && u == ulong.MaxValue, "ulong.MaxValue");
        T.True(uint.TryParse("4000000000", out uint ui) && ui == 4000000000u, "uint");
        T.True(int.TryParse("42".AsSpan(), out v) && v == 42, "span");
    }

    private static void ParseRanges()
    {
        T.True(!int.TryParse("2147483648", out _), "int overflow");
        T.True(!int.TryParse("-2147483649", out _), "int underflow");
        T.True(!uint.TryParse("-1", out _), "negative uint");
        T.True(uint.TryParse("-0", out uint zero) && zero == 0, "-0 is a uint");
        T.True(!ulong.TryParse("18446744073709551616", out _), "ulong overflow");
        T.True(!long.TryParse("99999999999999999999", out _), "long overflow");
        T.True(!byte.TryParse("256", out _) && byte.TryParse("255", out byte b) && b == 255, "byte range");
        T.True(!sbyte.TryParse("128", out _) && sbyte.TryParse("-128", out sbyte sb) && sb == -128, "sbyte range");
    }

    private static void ParseHex()
    {
        T.True(int.TryParse("ff", NumberStyles.HexNumber, null, out int v) && v == 255, "hex");
        T.True(int.TryParse("FFFFFFFF", NumberStyles.HexNumber, null, out v) && v == -1, "hex is two's complement");
        T.True(!int.TryParse("1FFFFFFFF", NumberStyles.HexNumber, null, out v), "hex too wide");
        T.True(ulong.TryParse("DeadBeefCafe", NumberStyles.HexNumber, null, out ulong u) && u == 0xDEADBEEFCAFE, "mixed case");
        T.True(!int.TryParse("0x10", NumberStyles.HexNumber, null, out v), "no 0x prefix, as in .NET");
        T.Equal(16, int.Parse("10", NumberStyles.HexNumber), "Parse hex");
    }

    private static void BoolChar()
    {
        Same("True", true.ToString(), "true");
        Same("False", false.ToString(), "false");
        T.True(bool.TryParse(" true ", out bool b) && b, "parse true");
        T.True(bool.TryParse("FALSE", out b) && !b, "parse FALSE");
        T.True(!bool.TryParse("yes", out b), "parse yes");
        Same("A", 'A'.ToString(), "char");
    }

    private static void DoubleToString()
    {
        Same("0.1", 0.1.ToString(), "0.1");
        Same("0.30000000000000004", (0.1 + 0.2).ToString(), "0.1 + 0.2");
        Same("3.141592653589793", Math.PI.ToString(), "pi");
        Same("1", 1.0.ToString(), "1");
        Same("-2.5", (-2.5).ToString(), "-2.5");
        Same("0", 0.0.ToString(), "0");
        Same("-0", (-0.0).ToString(), "-0");
        Same("100000000000000", 1e14.ToString(), "1e14");
        Same("10000000000000000", 1e16.ToString(), "1e16 (fixed up to 17 digits, as .NET 10)");
        Same("1E+17", 1e17.ToString(), "1e17");
        Same("1.2345678901234568E+17", 123456789012345678.0.ToString(), "17 digits");
        Same("0.0001", 0.0001.ToString(), "1e-4");
        Same("0.00012", 0.00012.ToString(), "1.2e-4");
        Same("1E-05", 0.00001.ToString(), "1e-5");
        Same("1.7976931348623157E+308", double.MaxValue.ToString(), "MaxValue");
        Same("5E-324", double.Epsilon.ToString(), "Epsilon");
        Same("NaN", double.NaN.ToString(), "NaN");
        Same("Infinity", double.PositiveInfinity.ToString(), "Infinity (invariant culture)");
        Same("-Infinity", double.NegativeInfinity.ToString(), "-Infinity");
        Same("123.456", 123.456.ToString(), "123.456");
    }

    private static void DoubleFormats()
    {
        Same("3.14", Math.PI.ToString("F2"), "F2");
        Same("2", 2.5.ToString("F0"), "F0 rounds a tie to even, as .NET 10");
        Same("4", 3.5.ToString("F0"), "F0 tie up to even");
        Same("0.12", 0.125.ToString("F2"), "F2 tie to even");
        Same("0.001", 0.00125.ToString("F3"), "F3 of the double nearest 0.00125 (just below)");
        Same("1,234,567.89", 1234567.891.ToString("N2"), "N2");
        Same("1.500000E+003", 1500.0.ToString("E"), "E");
        Same("1.23E-004", 0.000123.ToString("E2"), "E2");
        Same("3.1416", Math.PI.ToString("G5"), "G5");
        Same("0.00", 0.0.ToString("F2"), "zero F2");
        Same("-0.50", (-0.5).ToString("F2"), "negative F2");
    }

    private static void DoubleParse()
    {
        T.True(double.TryParse("0.1", out double d) && d == 0.1, "0.1");
        T.True(double.TryParse("-2.5e3", out d) && d == -2500, "exponent");
        T.True(double.TryParse("1E-05", out d) && d == 0.00001, "E-05");
        T.True(double.TryParse("3.141592653589793", out d) && d == Math.PI, "pi round trip");
        T.True(double.TryParse("Infinity", out d) && double.IsPositiveInfinity(d), "Infinity");
        T.True(double.TryParse("NaN", out d) && double.IsNaN(d), "NaN");
        T.True(!double.TryParse("1.2.3", out d), "two points");
        T.True(!double.TryParse("abc", out d), "letters");
        T.True(double.Parse("  42  ") == 42, "Parse with white space");
    }

    private static void FloatToString()
    {
        Same("0.1", 0.1f.ToString(), "0.1f");
        Same("3.4028235E+38", float.MaxValue.ToString(), "float.MaxValue");
        Same("1.5", 1.5f.ToString(), "1.5f");
    }

    private static void MathInteger()
    {
        T.Equal(5, Math.Abs(-5), "Abs int");
        T.Equal(5L, Math.Abs(-5L), "Abs long");
        T.Equal(3, Math.Min(3, 9), "Min");
        T.Equal(9, Math.Max(3, 9), "Max");
        T.Equal(10, Math.Clamp(15, 0, 10), "Clamp high");
        T.Equal(0, Math.Clamp(-1, 0, 10), "Clamp low");
        T.Equal(-1, Math.Sign(-30), "Sign");
        T.Equal(3, Math.DivRem(17, 5, out int rem), "DivRem quotient");
        T.Equal(2, rem, "DivRem remainder");
        T.True(Math.Abs(-2.5) == 2.5 && Math.Max(1.5, -3.0) == 1.5 && Math.Min(1.5, -3.0) == -3.0, "double Abs/Min/Max");
        T.True(double.IsNaN(Math.Max(double.NaN, 1)), "Max with NaN");
    }

    private static void MathRounding()
    {
        T.True(Math.Floor(2.7) == 2 && Math.Floor(-2.2) == -3, "Floor");
        T.True(Math.Ceiling(2.2) == 3 && Math.Ceiling(-2.7) == -2, "Ceiling");
        T.True(Math.Truncate(-2.7) == -2 && Math.Truncate(2.7) == 2, "Truncate");
        T.True(Math.Round(2.5) == 2 && Math.Round(3.5) == 4 && Math.Round(-2.5) == -2, "Round to even");
        T.True(Math.Round(2.5, MidpointRounding.AwayFromZero) == 3, "Round away from zero");
        T.True(Math.Round(2.4) == 2 && Math.Round(2.6) == 3, "Round");
        T.True(Math.Round(3.14159, 2) == 3.14, "Round to 2 digits");
        T.True(Math.Floor(1e300) == 1e300, "Floor of a large value");
        T.True(Math.Ceiling(-0.5).ToString() == "-0", "Ceiling(-0.5) is -0");
    }

    private static void MathSqrtPow()
    {
        T.True(Math.Sqrt(16) == 4 && Math.Sqrt(2) == 1.4142135623730951, "Sqrt");
        T.True(double.IsNaN(Math.Sqrt(-1)), "Sqrt of a negative");
        T.True(Math.Pow(2, 10) == 1024 && Math.Pow(10, -2) == 0.01, "Pow integer exponents");
        T.True(Near(Math.Pow(2, 0.5), Math.Sqrt(2)), "Pow(2, 0.5)");
        T.True(Near(Math.Pow(27, 1.0 / 3), 3), "cube root by Pow");
        T.True(Math.Pow(-2, 3) == -8 && double.IsNaN(Math.Pow(-2, 0.5)), "negative base");
        T.True(Math.Pow(0, -1) == double.PositiveInfinity && Math.Pow(5, 0) == 1, "Pow special cases");
    }

    private static bool Near(double a, double b) => Math.Abs(a - b) <= 4e-16 * Math.Max(1, Math.Abs(b));

    private static void MathTranscendental()
    {
        T.True(Near(Math.Exp(1), Math.E), "Exp(1)");
        T.True(Math.Exp(0) == 1, "Exp(0)");
        T.True(Near(Math.Log(Math.E), 1) && Math.Log(1) == 0, "Log");
        T.True(Near(Math.Log10(1000), 3) && Near(Math.Log2(1024), 10), "Log10/Log2");
        T.True(double.IsNegativeInfinity(Math.Log(0)) && double.IsNaN(Math.Log(-1)), "Log special cases");
        T.True(Near(Math.Sin(Math.PI / 6), 0.5) && Math.Sin(0) == 0, "Sin");
        T.True(Near(Math.Cos(Math.PI / 3), 0.5) && Math.Cos(0) == 1, "Cos");
        T.True(Near(Math.Tan(Math.PI / 4), 1), "Tan");
        T.True(Near(Math.Atan2(1, 1), Math.PI / 4) && Near(Math.Atan2(1, -1), 3 * Math.PI / 4), "Atan2 quadrants");
        T.True(Near(Math.Asin(1), Math.PI / 2) && Near(Math.Acos(0), Math.PI / 2), "Asin/Acos");
    }

    private static void DoubleModulo()
    {
        double a = 7.5, b = 2;
        T.True(a % b == 1.5, "7.5 % 2");
        T.True(-a % b == -1.5, "sign follows the dividend");
    }
}
