// Reinterpreting floating-point bits (Math and number formatting work on them).
using System.Runtime.CompilerServices;

namespace System
{
    public static class BitConverter
    {
        public static readonly bool IsLittleEndian = true;

        public static long DoubleToInt64Bits(double value) => Unsafe.As<double, long>(ref value);
        public static double Int64BitsToDouble(long value) => Unsafe.As<long, double>(ref value);
        public static ulong DoubleToUInt64Bits(double value) => Unsafe.As<double, ulong>(ref value);
        public static double UInt64BitsToDouble(ulong value) => Unsafe.As<ulong, double>(ref value);
        public static int SingleToInt32Bits(float value) => Unsafe.As<float, int>(ref value);
        public static float Int32BitsToSingle(int value) => Unsafe.As<int, float>(ref value);
    }
}
