// UTF-8 conversion between strings and bytes (Encoding.UTF8), as .NET does it: unpaired surrogates
// and invalid byte sequences become U+FFFD (one per maximal invalid subsequence), and a byte
// order mark is neither written nor skipped. Counting and converting share one decoder and one
// encoder loop, so a count always matches what the conversion writes.
namespace System.Text
{
    public abstract class Encoding
    {
        private static Encoding s_utf8;

        /// <summary>UTF-8 (allocated on first use; the kernel never uses it).</summary>
        public static Encoding UTF8 => s_utf8 ??= new UTF8Encoding();

        public abstract int GetByteCount(ReadOnlySpan<char> chars);
        public abstract int GetBytes(ReadOnlySpan<char> chars, Span<byte> bytes);
        public abstract int GetCharCount(ReadOnlySpan<byte> bytes);
        public abstract int GetChars(ReadOnlySpan<byte> bytes, Span<char> chars);

        public int GetByteCount(string s) => GetByteCount(s.AsSpan());
        public int GetByteCount(char[] chars) => GetByteCount(new ReadOnlySpan<char>(chars));
        public int GetCharCount(byte[] bytes) => GetCharCount(new ReadOnlySpan<byte>(bytes));

        public byte[] GetBytes(string s)
        {
            if (s is null) throw new ArgumentNullException(nameof(s));
            var bytes = new byte[GetByteCount(s.AsSpan())];
            GetBytes(s.AsSpan(), bytes);
            return bytes;
        }

        public byte[] GetBytes(char[] chars)
        {
            var bytes = new byte[GetByteCount(new ReadOnlySpan<char>(chars))];
            GetBytes(new ReadOnlySpan<char>(chars), bytes);
            return bytes;
        }

        public int GetBytes(string s, int charIndex, int charCount, byte[] bytes, int byteIndex) =>
            GetBytes(s.AsSpan(charIndex, charCount), new Span<byte>(bytes).Slice(byteIndex));

        public string GetString(ReadOnlySpan<byte> bytes)
        {
            int count = GetCharCount(bytes);
            if (count == 0) return string.Empty;
            var chars = new char[count];
            GetChars(bytes, chars);
            return new string(chars);
        }

        public string GetString(byte[] bytes) => GetString(new ReadOnlySpan<byte>(bytes));
        public string GetString(byte[] bytes, int index, int count) => GetString(new ReadOnlySpan<byte>(bytes, index, count));

        public char[] GetChars(byte[] bytes)
        {
            var chars = new char[GetCharCount(new ReadOnlySpan<byte>(bytes))];
            GetChars(new ReadOnlySpan<byte>(bytes), chars);
            return chars;
        }
    }

    public sealed class UTF8Encoding : Encoding
    {
        public UTF8Encoding() { }
        public UTF8Encoding(bool encoderShouldEmitUTF8Identifier) { }

        public override int GetByteCount(ReadOnlySpan<char> chars) => Utf8.Encode(chars, default, countOnly: true);
        public override int GetBytes(ReadOnlySpan<char> chars, Span<byte> bytes) => Utf8.Encode(chars, bytes, countOnly: false);
        public override int GetCharCount(ReadOnlySpan<byte> bytes) => Utf8.Decode(bytes, default, countOnly: true);
        public override int GetChars(ReadOnlySpan<byte> bytes, Span<char> chars) => Utf8.Decode(bytes, chars, countOnly: false);
    }

    internal static class Utf8
    {
        private const char Replacement = '\uFFFD';

        /// <summary>UTF-16 to UTF-8; returns the byte count. Fails fast if bytes is too small.</summary>
        public static int Encode(ReadOnlySpan<char> chars, Span<byte> bytes, bool countOnly)
        {
            int n = 0;
            for (int i = 0; i < chars.Length; i++)
            {
                uint c = chars[i];
                if (char.IsSurrogate((char)c))
                {
                    if (char.IsHighSurrogate((char)c) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
                        c = (uint)char.ConvertToUtf32((char)c, chars[++i]);
                    else
                        c = Replacement;
                }
                int length = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
                if (!countOnly)
                {
                    if (n + length > bytes.Length) throw new ArgumentException("The output byte buffer is too small to contain the encoded data.");
                    switch (length)
                    {
                        case 1: bytes[n] = (byte)c; break;
                        case 2: bytes[n] = (byte)(0xC0 | (c >> 6)); bytes[n + 1] = (byte)(0x80 | (c & 0x3F)); break;
                        case 3:
                            bytes[n] = (byte)(0xE0 | (c >> 12)); bytes[n + 1] = (byte)(0x80 | ((c >> 6) & 0x3F));
                            bytes[n + 2] = (byte)(0x80 | (c & 0x3F));
                            break;
                        default:
                            bytes[n] = (byte)(0xF0 | (c >> 18)); bytes[n + 1] = (byte)(0x80 | ((c >> 12) & 0x3F));
                            bytes[n + 2] = (byte)(0x80 | ((c >> 6) & 0x3F)); bytes[n + 3] = (byte)(0x80 | (c & 0x3F));
                            break;
                    }
                }
                n += length;
            }
            return n;
        }

        /// <summary>UTF-8 to UTF-16; returns the char count.</summary>
        public static int Decode(ReadOnlySpan<byte> bytes, Span<char> chars, bool countOnly)
        {
            int n = 0;
            int i = 0;
            while (i < bytes.Length)
            {
                uint b = bytes[i];
                uint c;
                int length;
                uint min;
                if (b < 0x80) { c = b; length = 1; min = 0; }
                else if (b >= 0xC2 && b <= 0xDF) { c = b & 0x1F; length = 2; min = 0x80; }
                else if (b >= 0xE0 && b <= 0xEF) { c = b & 0x0F; length = 3; min = 0x800; }
                else if (b >= 0xF0 && b <= 0xF4) { c = b & 0x07; length = 4; min = 0x10000; }
                else { n = Put(chars, n, Replacement, countOnly); i++; continue; }

                // Take continuation bytes while they fit; a short or bad sequence is one replacement
                // for the bytes consumed so far (the maximal invalid subsequence).
                int taken = 1;
                bool valid = true;
                for (; taken < length; taken++)
                {
                    if (i + taken >= bytes.Length || (bytes[i + taken] & 0xC0) != 0x80) { valid = false; break; }
                    uint next = (uint)(c << 6) | (uint)(bytes[i + taken] & 0x3F);
                    // Reject overlong forms, surrogates and values past U+10FFFF as early as the second byte shows them.
                    if (taken == 1 && ((length == 3 && next < 0x20) || (length == 3 && next >= 0x360 && next <= 0x37F) ||
                                       (length == 4 && (next < 0x10 || next > 0x10F))))
                    {
                        valid = false;
                        break;
                    }
                    c = next;
                }
                if (!valid || c < min)
                {
                    n = Put(chars, n, Replacement, countOnly);
                    i += taken;
                    continue;
                }
                i += length;
                if (c >= 0x10000)
                {
                    n = Put(chars, n, (char)(0xD800 + ((c - 0x10000) >> 10)), countOnly);
                    n = Put(chars, n, (char)(0xDC00 + ((c - 0x10000) & 0x3FF)), countOnly);
                }
                else n = Put(chars, n, (char)c, countOnly);
            }
            return n;
        }

        private static int Put(Span<char> chars, int n, char c, bool countOnly)
        {
            if (!countOnly)
            {
                if (n >= chars.Length) throw new ArgumentException("The output char buffer is too small to contain the decoded characters.");
                chars[n] = c;
            }
            return n + 1;
        }
    }
}
