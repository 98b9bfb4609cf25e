// Bit scans without relying on LZCNT/TZCNT (the baseline x86-64-v1 target lacks them).
namespace System.Numerics
{
    public static class BitOperations
    {
        public static int TrailingZeroCount(uint value) => value == 0 ? 32 : TrailingZeroCount((ulong)value);

        public static int TrailingZeroCount(ulong value)
        {
            if (value == 0) return 64;
            int n = 0;
            if ((value & 0xFFFFFFFF) == 0) { n += 32; value >>= 32; }
            if ((value & 0xFFFF) == 0) { n += 16; value >>= 16; }
            if ((value & 0xFF) == 0) { n += 8; value >>= 8; }
            if ((value & 0xF) == 0) { n += 4; value >>= 4; }
            if ((value & 0x3) == 0) { n += 2; value >>= 2; }
            if ((value & 0x1) == 0) { n += 1; }
            return n;
        }

        public static int LeadingZeroCount(uint value) => value == 0 ? 32 : LeadingZeroCount((ulong)value) - 32;

        public static int LeadingZeroCount(ulong value)
        {
            if (value == 0) return 64;
            int n = 0;
            if ((value >> 32) == 0) { n += 32; value <<= 32; }
            if ((value >> 48) == 0) { n += 16; value <<= 16; }
            if ((value >> 56) == 0) { n += 8; value <<= 8; }
            if ((value >> 60) == 0) { n += 4; value <<= 4; }
            if ((value >> 62) == 0) { n += 2; value <<= 2; }
            if ((value >> 63) == 0) { n += 1; }
            return n;
        }

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
