// The fuzzer's random numbers: xorshift64*, one state word per thread, so that a seed replays the
// same choices in each thread (the interleaving of threads is the scheduler's, not the seed's).
static unsafe class Rng
{
    /// <summary>A non-zero state from any seed (the generator never leaves zero).</summary>
    public static ulong Seed(ulong seed) => (seed * 0x9E3779B97F4A7C15UL) ^ 0xD1B54A32D192ED03UL | 1;

    public static ulong Next(ulong* state)
    {
        ulong x = *state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        *state = x;
        return x * 0x2545F4914F6CDD1DUL;
    }

    public static ulong Below(ulong* state, ulong n) => Next(state) % n;

    /// <summary>True once in n.</summary>
    public static bool OneIn(ulong* state, ulong n) => Next(state) % n == 0;
}
