// Bit scans with BSF/BSR, not LZCNT/TZCNT (the baseline x86-64-v1 target lacks those).
namespace System.Numerics
{
    public static class BitOperations
    {
        public static int TrailingZeroCount(uint value) => value == 0 ? 32 : TrailingZeroCount((ulong)value);

        public static int TrailingZeroCount(ulong value) => value == 0 ? 64 : Bsf(value);

        public static int LeadingZeroCount(uint value) => value == 0 ? 32 : 31 - Bsr(value);

        public static int LeadingZeroCount(ulong value) => value == 0 ? 64 : 63 - Bsr(value);

        // BSF/BSR are baseline x86-64 (undefined only for zero, excluded above); ilc reaches them
        // through Runtime.S because this core library defines no hardware-intrinsic types.
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.InternalCall), System.Runtime.RuntimeImport("*", "vireo_bsf64")]
        private static extern int Bsf(ulong value);

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.InternalCall), System.Runtime.RuntimeImport("*", "vireo_bsr64")]
        private static extern int Bsr(ulong value);

        public static int Log2(uint value) => 31 - LeadingZeroCount(value | 1);
        public static int Log2(ulong value) => 63 - LeadingZeroCount(value | 1);

        public static int PopCount(uint value) => PopCount((ulong)value);

        public static int PopCount(ulong value)
        {
            value -= (value >> 1) & 0x5555555555555555UL;
            value = (value & 0x3333333333333333UL) + ((value >> 2) & 0x3333333333333333UL);
            value = (value + (value >> 4)) & 0x0F0F0F0F0F0F0F0FUL;
            return (int)((value * 0x0101010101010101UL) >> 56);
        }

        public static bool IsPow2(ulong value) => value != 0 && (value & (value - 1)) == 0;
    }
}
