// Table sizes for the hash collections: primes, so that `hash % size` spreads keys whose hashes
// share factors (int keys that are all multiples of 8, say). Growth at least doubles, as in .NET.
// The prime is found by trial division (a few hundred divisions at a resize) rather than read from
// a table: a table would be an array initialiser, which the core library cannot rely on yet.
namespace System.Collections.Generic
{
    internal static class HashHelpers
    {
        /// <summary>The smallest prime at least `min` (3 for anything smaller).</summary>
        internal static int GetPrime(int min)
        {
            if (min <= 3) return 3;
            for (int candidate = min | 1; candidate < int.MaxValue; candidate += 2)
                if (IsPrime(candidate)) return candidate;
            return min;
        }

        private static bool IsPrime(int candidate)
        {
            for (int divisor = 3; (long)divisor * divisor <= candidate; divisor += 2)
                if (candidate % divisor == 0) return false;
            return true;
        }

        internal static int ExpandPrime(int oldSize) => GetPrime(oldSize > int.MaxValue / 2 ? int.MaxValue : 2 * oldSize);
    }
}
