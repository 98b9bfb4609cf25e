// String equality, ordering and hashing: ordinal only (there is no culture data). `==` on strings,
// `switch` on strings (csc compares with op_Equality after a length or hash test) and the
// collections' key lookups all come here. The hash is FNV-1a over the UTF-16 units: stable across
// runs, which .NET's randomised Marvin hash is not, and good enough for hash tables.
using System.Runtime.CompilerServices;

namespace System
{
    public sealed partial class String : IEquatable<string>, IComparable<string>, IComparable
    {
        public override bool Equals(object obj) => obj is string s && Equals(this, s);

        public bool Equals(string value) => Equals(this, value);

        public static bool Equals(string a, string b)
        {
            if (ReferenceEquals(a, b)) return true;
            if (a is null || b is null || a._length != b._length) return false;
            return SpanHelpers.SequenceEqual(ref Unsafe.As<char, byte>(ref a._firstChar),
                ref Unsafe.As<char, byte>(ref b._firstChar), (nuint)a._length * sizeof(char));
        }

        public bool Equals(string value, StringComparison comparisonType) => comparisonType switch
        {
            StringComparison.OrdinalIgnoreCase => EqualsIgnoreCase(this, value),
            _ => Equals(this, value),
        };

        public static bool Equals(string a, string b, StringComparison comparisonType) => comparisonType switch
        {
            StringComparison.OrdinalIgnoreCase => EqualsIgnoreCase(a, b),
            _ => Equals(a, b),
        };

        public static bool operator ==(string a, string b) => Equals(a, b);
        public static bool operator !=(string a, string b) => !Equals(a, b);

        private static bool EqualsIgnoreCase(string a, string b)
        {
            if (ReferenceEquals(a, b)) return true;
            if (a is null || b is null || a._length != b._length) return false;
            for (int i = 0; i < a._length; i++)
                if (Char.ToUpperInvariant(a[i]) != Char.ToUpperInvariant(b[i])) return false;
            return true;
        }

        public override int GetHashCode() => GetHashCode(this.AsSpan());

        public static int GetHashCode(ReadOnlySpan<char> value)
        {
            uint hash = 2166136261;
            for (int i = 0; i < value.Length; i++)
            {
                hash = (hash ^ (byte)value[i]) * 16777619;
                hash = (hash ^ (uint)(value[i] >> 8)) * 16777619;
            }
            return (int)hash;
        }

        /// <summary>Compares UTF-16 units numerically; null sorts first.</summary>
        public static int CompareOrdinal(string strA, string strB)
        {
            if (ReferenceEquals(strA, strB)) return 0;
            if (strA is null) return -1;
            if (strB is null) return 1;
            return strA.AsSpan().SequenceCompareTo(strB.AsSpan());
        }

        public static int CompareOrdinal(string strA, int indexA, string strB, int indexB, int length)
        {
            if (strA is null || strB is null) return CompareOrdinal(strA, strB);
            ReadOnlySpan<char> a = strA.AsSpan(indexA, Math.Min(length, strA.Length - indexA));
            ReadOnlySpan<char> b = strB.AsSpan(indexB, Math.Min(length, strB.Length - indexB));
            return a.SequenceCompareTo(b);
        }

        public static int Compare(string strA, string strB, StringComparison comparisonType)
        {
            if (comparisonType != StringComparison.OrdinalIgnoreCase) return CompareOrdinal(strA, strB);
            if (ReferenceEquals(strA, strB)) return 0;
            if (strA is null) return -1;
            if (strB is null) return 1;
            int n = Math.Min(strA.Length, strB.Length);
            for (int i = 0; i < n; i++)
            {
                int d = Char.ToUpperInvariant(strA[i]) - Char.ToUpperInvariant(strB[i]);
                if (d != 0) return d;
            }
            return strA.Length - strB.Length;
        }

        /// <summary>Ordinal, unlike .NET's culture-aware default (there is no culture data here).</summary>
        public int CompareTo(string strB) => CompareOrdinal(this, strB);

        public int CompareTo(object value) => CompareOrdinal(this, (string)value);
    }

    /// <summary>Only the ordinal comparisons are implemented; the culture ones behave as Ordinal.</summary>
    public enum StringComparison
    {
        CurrentCulture = 0,
        CurrentCultureIgnoreCase = 1,
        InvariantCulture = 2,
        InvariantCultureIgnoreCase = 3,
        Ordinal = 4,
        OrdinalIgnoreCase = 5,
    }
}
