// Bytes for getrandom and AT_RANDOM: xorshift64* seeded from the TSC. Not a cryptographic source
// (rand: is the system's; reaching it from here is for a later step); glibc uses them for its
// stack protector and pointer guard, BusyBox for temporary names.
namespace Vireo.Linux;

public static class Random
{
    private static ulong s_state;

    public static void Fill(System.Span<byte> into)
    {
        if (s_state == 0) s_state = Vireo.User.Sys.ReadTsc() | 1;
        for (int i = 0; i < into.Length; i++)
        {
            s_state ^= s_state >> 12;
            s_state ^= s_state << 25;
            s_state ^= s_state >> 27;
            into[i] = (byte)((s_state * 0x2545F4914F6CDD1DUL) >> 56);
        }
    }
}
