// System.Math for the types programs use. Integer helpers are plain C#; Sqrt is SSE2's sqrtsd and
// the transcendental functions use the x87 unit (Runtime.S), with .NET's special cases (NaN,
// infinities, signed zeros) handled here first. Floor/Ceiling/Round/Truncate work on the bits, as
// SSE4.1's roundsd is not in the x86-64-v1 baseline.
using System.Runtime;
using System.Runtime.CompilerServices;

namespace System
{
    public enum MidpointRounding
    {
        ToEven = 0,
        AwayFromZero = 1,
        ToZero = 2,
        ToNegativeInfinity = 3,
        ToPositiveInfinity = 4,
    }

    public static class Math
    {
        public const double PI = 3.14159265358979323846;
        public const double E = 2.7182818284590452354;
        public const double Tau = 6.283185307179586476925;

        public static int Abs(int value)
        {
            if (value == int.MinValue) throw new OverflowException("Negating the minimum value of a twos complement number is invalid.");
            return value < 0 ? -value : value;
        }

        public static long Abs(long value)
        {
            if (value == long.MinValue) throw new OverflowException("Negating the minimum value of a twos complement number is invalid.");
            return value < 0 ? -value : value;
        }

        public static short Abs(short value) => (short)Abs((int)value);
        public static sbyte Abs(sbyte value) => (sbyte)Abs((int)value);
        public static double Abs(double value) => BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(value) & long.MaxValue);
        public static float Abs(float value) => value < 0 ? -value : value == 0 ? 0 : value;

        public static int Min(int a, int b) => a <= b ? a : b;
        public static uint Min(uint a, uint b) => a <= b ? a : b;
        public static long Min(long a, long b) => a <= b ? a : b;
        public static ulong Min(ulong a, ulong b) => a <= b ? a : b;
        public static byte Min(byte a, byte b) => a <= b ? a : b;
        public static short Min(short a, short b) => a <= b ? a : b;
        public static ushort Min(ushort a, ushort b) => a <= b ? a : b;
        public static nint Min(nint a, nint b) => a <= b ? a : b;
        public static nuint Min(nuint a, nuint b) => a <= b ? a : b;
        public static int Max(int a, int b) => a >= b ? a : b;
        public static uint Max(uint a, uint b) => a >= b ? a : b;
        public static long Max(long a, long b) => a >= b ? a : b;
        public static ulong Max(ulong a, ulong b) => a >= b ? a : b;
        public static byte Max(byte a, byte b) => a >= b ? a : b;
        public static short Max(short a, short b) => a >= b ? a : b;
        public static ushort Max(ushort a, ushort b) => a >= b ? a : b;
        public static nint Max(nint a, nint b) => a >= b ? a : b;
        public static nuint Max(nuint a, nuint b) => a >= b ? a : b;

        // .NET: NaN if either is NaN; -0.0 is less than +0.0.
        public static double Min(double a, double b)
        {
            if (a != a) return a;
            if (a == b) return BitConverter.DoubleToInt64Bits(a) < 0 ? a : b;
            return a < b ? a : b;
        }

        public static double Max(double a, double b)
        {
            if (a != a) return a;
            if (a == b) return BitConverter.DoubleToInt64Bits(a) < 0 ? b : a;
            return a > b ? a : b;
        }

        public static float Min(float a, float b) => (float)Min((double)a, b);
        public static float Max(float a, float b) => (float)Max((double)a, b);

        public static int Clamp(int value, int min, int max) => ClampOrdered(value, min, max);

        public static long Clamp(long value, long min, long max) => ClampOrdered(value, min, max);

        public static uint Clamp(uint value, uint min, uint max) => ClampOrdered(value, min, max);

        public static ulong Clamp(ulong value, ulong min, ulong max) => ClampOrdered(value, min, max);

        public static double Clamp(double value, double min, double max)
        {
            // Not through CompareTo: a NaN value stays NaN, as in .NET (CompareTo orders NaN first).
            if (min > max) ThrowMinAboveMax();
            return value < min ? min : value > max ? max : value;
        }

        // The integer Clamps: ordinary comparisons through IComparable<T>, which ilc calls directly
        // for a primitive T.
        private static T ClampOrdered<T>(T value, T min, T max) where T : IComparable<T>
        {
            if (min.CompareTo(max) > 0) ThrowMinAboveMax();
            return value.CompareTo(min) < 0 ? min : value.CompareTo(max) > 0 ? max : value;
        }

        private static void ThrowMinAboveMax() => throw new ArgumentException("'min' cannot be greater than 'max'.");

        public static int Sign(int value) => value > 0 ? 1 : value < 0 ? -1 : 0;
        public static int Sign(long value) => value > 0 ? 1 : value < 0 ? -1 : 0;

        public static int Sign(double value)
        {
            if (value != value) throw new ArithmeticException("Function does not accept floating point Not-a-Number values.");
            return value > 0 ? 1 : value < 0 ? -1 : 0;
        }

        public static int DivRem(int a, int b, out int result)
        {
            int quotient = a / b;
            result = a - quotient * b;
            return quotient;
        }

        public static long DivRem(long a, long b, out long result)
        {
            long quotient = a / b;
            result = a - quotient * b;
            return quotient;
        }

        public static long BigMul(int a, int b) => (long)a * b;

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "vireo_sqrt")]
        public static extern double Sqrt(double d);

        /// <summary>Rounds toward zero. Doubles of 2^52 and above are integers already.</summary>
        public static double Truncate(double d)
        {
            if (!(Abs(d) < 4503599627370496.0)) return d;   // also NaN
            double t = (long)d;
            // Keep the sign of a zero result (-0.5 truncates to -0.0, as in .NET).
            return t == 0 && BitConverter.DoubleToInt64Bits(d) < 0 ? -0.0 : t;
        }

        public static double Floor(double d)
        {
            double t = Truncate(d);
            return t > d ? t - 1 : t;
        }

        public static double Ceiling(double d)
        {
            double t = Truncate(d);
            if (t < d) t += 1;
            return t == 0 && d < 0 ? -0.0 : t;
        }

        /// <summary>Banker's rounding (to even), .NET's default.</summary>
        public static double Round(double a) => Round(a, MidpointRounding.ToEven);

        public static double Round(double value, MidpointRounding mode)
        {
            if (!(Abs(value) < 4503599627370496.0)) return value;
            double result;
            switch (mode)
            {
                case MidpointRounding.ToZero: return Truncate(value);
                case MidpointRounding.ToNegativeInfinity: return Floor(value);
                case MidpointRounding.ToPositiveInfinity: return Ceiling(value);
                case MidpointRounding.AwayFromZero:
                    result = Truncate(value + CopySign(0.49999999999999994, value));
                    break;
                default:
                    result = Floor(value + 0.5);
                    // Exactly halfway: go to the even neighbour.
                    if (result - value == 0.5 && ((long)result & 1) != 0) result -= 1;
                    break;
            }
            return result == 0 ? CopySign(0.0, value) : result;
        }

        public static double Round(double value, int digits) => Round(value, digits, MidpointRounding.ToEven);

        public static double Round(double value, int digits, MidpointRounding mode)
        {
            if ((uint)digits > 15) throw new ArgumentOutOfRangeException(nameof(digits), "Rounding digits must be between 0 and 15, inclusive.");
            if (digits == 0) return Round(value, mode);
            double scale = Pow10(digits);
            double scaled = value * scale;
            if (!(Abs(scaled) < 4503599627370496.0)) return value;
            return Round(scaled, mode) / scale;
        }

        private static double Pow10(int n)
        {
            double p = 1;
            for (int i = 0; i < n; i++) p *= 10;
            return p;
        }

        public static double CopySign(double x, double y) =>
            BitConverter.Int64BitsToDouble((BitConverter.DoubleToInt64Bits(x) & long.MaxValue) | (BitConverter.DoubleToInt64Bits(y) & long.MinValue));

        public static double Exp(double d)
        {
            if (d != d || d == double.PositiveInfinity) return d;
            if (d == double.NegativeInfinity) return 0;
            if (d > 709.8) return double.PositiveInfinity;
            if (d < -745.2) return 0;
            return X87.Exp2(X87.YLog2X(E, d));
        }

        public static double Log(double d)
        {
            if (d != d || d == double.PositiveInfinity) return d;
            if (d == 0) return double.NegativeInfinity;
            if (d < 0) return double.NaN;
            return X87.Log(d);
        }

        public static double Log(double a, double newBase) => Log(a) / Log(newBase);

        public static double Log2(double d)
        {
            if (d != d || d == double.PositiveInfinity) return d;
            if (d == 0) return double.NegativeInfinity;
            if (d < 0) return double.NaN;
            return X87.Log2(d);
        }

        public static double Log10(double d)
        {
            if (d != d || d == double.PositiveInfinity) return d;
            if (d == 0) return double.NegativeInfinity;
            if (d < 0) return double.NaN;
            return X87.Log10(d);
        }

        public static double Pow(double x, double y)
        {
            if (y == 0) return 1;
            if (x == 1) return 1;
            if (x != x || y != y) return double.NaN;
            bool integerY = Abs(y) < 9007199254740992.0 && Truncate(y) == y;
            // Small integer powers by repeated squaring: exact whenever the result is representable.
            if (integerY && Abs(y) <= 64)
            {
                long n = (long)Abs(y);
                double result = 1, square = x;
                for (; n != 0; n >>= 1, square *= square)
                    if ((n & 1) != 0) result *= square;
                return y < 0 ? 1 / result : result;
            }
            if (x == 0)
            {
                bool oddY = integerY && Abs(y) < 9007199254740992.0 && ((long)y & 1) != 0;
                if (y < 0) return oddY ? CopySign(double.PositiveInfinity, x) : double.PositiveInfinity;
                return oddY ? x : 0;
            }
            if (double.IsInfinity(y))
            {
                double ax = Abs(x);
                if (ax == 1) return 1;
                return (ax > 1) == (y > 0) ? double.PositiveInfinity : 0;
            }
            if (double.IsInfinity(x))
            {
                if (x > 0) return y > 0 ? double.PositiveInfinity : 0;
                bool oddY = integerY && Abs(y) < 9007199254740992.0 && ((long)y & 1) != 0;
                double magnitude = y > 0 ? double.PositiveInfinity : 0;
                return oddY ? -magnitude : magnitude;
            }
            if (x < 0)
            {
                if (!integerY) return double.NaN;
                double magnitude = Pow(-x, y);
                return Abs(y) < 9007199254740992.0 && ((long)y & 1) != 0 ? -magnitude : magnitude;
            }
            double exponent = X87.YLog2X(x, y);
            if (exponent > 1024) return double.PositiveInfinity;
            if (exponent < -1080) return 0;
            return X87.Exp2(exponent);
        }

        public static double Sin(double a) => double.IsFinite(a) ? X87.Sin(a) : double.NaN;
        public static double Cos(double d) => double.IsFinite(d) ? X87.Cos(d) : double.NaN;
        public static double Tan(double a) => double.IsFinite(a) ? X87.Tan(a) : double.NaN;
        public static double Atan2(double y, double x) => X87.Atan2(y, x);
        public static double Atan(double d) => X87.Atan2(d, 1);
        public static double Asin(double d) => Abs(d) > 1 ? double.NaN : X87.Atan2(d, Sqrt((1 - d) * (1 + d)));
        public static double Acos(double d) => Abs(d) > 1 ? double.NaN : X87.Atan2(Sqrt((1 - d) * (1 + d)), d);
        public static double Cbrt(double d) => d < 0 ? -Pow(-d, 1.0 / 3) : Pow(d, 1.0 / 3);

        private static class X87
        {
            [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "vireo_exp2")]
            public static extern double Exp2(double t);
            [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "vireo_ylog2x")]
            public static extern double YLog2X(double x, double y);
            [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "vireo_log")]
            public static extern double Log(double x);
            [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "vireo_log2")]
            public static extern double Log2(double x);
            [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "vireo_log10")]
            public static extern double Log10(double x);
            [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "vireo_sin")]
            public static extern double Sin(double x);
            [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "vireo_cos")]
            public static extern double Cos(double x);
            [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "vireo_tan")]
            public static extern double Tan(double x);
            [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "vireo_atan2")]
            public static extern double Atan2(double y, double x);
        }
    }
}
