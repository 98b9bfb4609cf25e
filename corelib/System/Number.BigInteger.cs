// A small fixed-size unsigned big integer for exact double <-> decimal conversion (Dragon4). A
// double's exact value needs at most about 1,130 bits once scaled by a power of ten, so 40 32-bit
// words suffice; it lives on the stack and never allocates.
namespace System
{
    internal static partial class Number
    {
        internal unsafe struct BigInteger
        {
            private const int MaxWords = 40;
            private int _length;
            private fixed uint _words[MaxWords];

            public static void SetUInt64(out BigInteger result, ulong value)
            {
                result = default;
                result._words[0] = (uint)value;
                result._words[1] = (uint)(value >> 32);
                result._length = value == 0 ? 0 : (value >> 32) != 0 ? 2 : 1;
            }

            public bool IsZero => _length == 0;

            public void MultiplyUInt32(uint factor)
            {
                ulong carry = 0;
                for (int i = 0; i < _length; i++)
                {
                    ulong product = (ulong)_words[i] * factor + carry;
                    _words[i] = (uint)product;
                    carry = product >> 32;
                }
                if (carry != 0) Append((uint)carry);
            }

            public void MultiplyPow10(int exponent)
            {
                for (; exponent >= 9; exponent -= 9) MultiplyUInt32(1_000_000_000);
                uint rest = 1;
                for (; exponent > 0; exponent--) rest *= 10;
                if (rest != 1) MultiplyUInt32(rest);
            }

            public void ShiftLeft(int bits)
            {
                if (_length == 0 || bits == 0) return;
                int words = bits / 32, shift = bits % 32;
                int newLength = _length + words + 1;
                if (newLength > MaxWords) Environment.FailFast("BigInteger overflow");
                for (int i = newLength - 1; i >= words; i--)
                {
                    int source = i - words;
                    uint high = source < _length ? _words[source] << shift : 0;
                    uint low = shift != 0 && source - 1 >= 0 && source - 1 < _length ? _words[source - 1] >> (32 - shift) : 0;
                    _words[i] = high | low;
                }
                for (int i = 0; i < words; i++) _words[i] = 0;
                _length = newLength;
                Trim();
            }

            public static int Compare(ref BigInteger a, ref BigInteger b)
            {
                if (a._length != b._length) return a._length > b._length ? 1 : -1;
                for (int i = a._length - 1; i >= 0; i--)
                    if (a._words[i] != b._words[i]) return a._words[i] > b._words[i] ? 1 : -1;
                return 0;
            }

            /// <summary>Compares a + b with c.</summary>
            public static int CompareSum(ref BigInteger a, ref BigInteger b, ref BigInteger c)
            {
                BigInteger sum = a;
                sum.Add(ref b);
                return Compare(ref sum, ref c);
            }

            public void Add(ref BigInteger other)
            {
                int n = _length > other._length ? _length : other._length;
                ulong carry = 0;
                for (int i = 0; i < n; i++)
                {
                    ulong sum = (ulong)(i < _length ? _words[i] : 0) + (i < other._length ? other._words[i] : 0) + carry;
                    _words[i] = (uint)sum;
                    carry = sum >> 32;
                }
                _length = n;
                if (carry != 0) Append((uint)carry);
            }

            /// <summary>this -= other; requires this >= other.</summary>
            public void Subtract(ref BigInteger other)
            {
                long borrow = 0;
                for (int i = 0; i < _length; i++)
                {
                    long difference = (long)_words[i] - (i < other._length ? other._words[i] : 0) - borrow;
                    borrow = difference < 0 ? 1 : 0;
                    _words[i] = (uint)difference;
                }
                Trim();
            }

            /// <summary>Returns floor(this / divisor) for a quotient known to be below 10, leaving the remainder.</summary>
            public uint DivideSmallQuotient(ref BigInteger divisor)
            {
                uint quotient = 0;
                while (Compare(ref this, ref divisor) >= 0)
                {
                    Subtract(ref divisor);
                    quotient++;
                }
                return quotient;
            }

            private void Append(uint word)
            {
                if (_length == MaxWords) Environment.FailFast("BigInteger overflow");
                _words[_length++] = word;
            }

            private void Trim()
            {
                while (_length > 0 && _words[_length - 1] == 0) _length--;
            }
        }
    }
}
