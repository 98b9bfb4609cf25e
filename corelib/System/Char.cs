// Character classification and case mapping. ASCII and Latin-1 are classified exactly; other
// letters are not known (there are no Unicode tables), so IsLetter is false and case mapping leaves
// them unchanged. Surrogate helpers are exact (UTF-8 conversion needs them).
namespace System
{
    public partial struct Char
    {
        public const char MinValue = (char)0;

        public static bool IsWhiteSpace(char c) =>
            c == ' ' || (c >= '\t' && c <= '\r') || c == '\u00A0' || c == '\u0085' ||
            c == '\u2028' || c == '\u2029' || c == '\u3000' || (c >= '\u2000' && c <= '\u200A');

        public static bool IsDigit(char c) => (uint)(c - '0') <= 9;
        public static bool IsAsciiDigit(char c) => (uint)(c - '0') <= 9;
        public static bool IsAsciiHexDigit(char c) => IsAsciiDigit(c) || (uint)((c | 0x20) - 'a') <= 5;
        public static bool IsAsciiLetter(char c) => (uint)((c | 0x20) - 'a') <= 'z' - 'a';
        public static bool IsAscii(char c) => c <= 0x7F;

        public static bool IsUpper(char c) =>
            (uint)(c - 'A') <= 'Z' - 'A' || (c >= '\u00C0' && c <= '\u00DE' && c != '\u00D7');

        public static bool IsLower(char c) =>
            (uint)(c - 'a') <= 'z' - 'a' || (c >= '\u00DF' && c <= '\u00FF' && c != '\u00F7');

        public static bool IsLetter(char c) => IsUpper(c) || IsLower(c) || c == '\u00AA' || c == '\u00BA';
        public static bool IsLetterOrDigit(char c) => IsLetter(c) || IsDigit(c);
        public static bool IsPunctuation(char c) =>
            c < 0x80 && ((uint)(c - '!') <= '/' - '!' || (uint)(c - ':') <= '@' - ':' || (uint)(c - '[') <= '`' - '[' || (uint)(c - '{') <= '~' - '{') &&
            c != '$' && c != '+' && c != '<' && c != '=' && c != '>' && c != '^' && c != '`' && c != '|' && c != '~';
        public static bool IsControl(char c) => c < 0x20 || (c >= 0x7F && c < 0xA0);

        public static char ToUpperInvariant(char c)
        {
            if ((uint)(c - 'a') <= 'z' - 'a') return (char)(c - 0x20);
            if (c >= '\u00E0' && c <= '\u00FE' && c != '\u00F7') return (char)(c - 0x20);
            return c;
        }

        public static char ToLowerInvariant(char c)
        {
            if ((uint)(c - 'A') <= 'Z' - 'A') return (char)(c + 0x20);
            if (c >= '\u00C0' && c <= '\u00DE' && c != '\u00D7') return (char)(c + 0x20);
            return c;
        }

        public static char ToUpper(char c) => ToUpperInvariant(c);
        public static char ToLower(char c) => ToLowerInvariant(c);

        public static bool IsHighSurrogate(char c) => (uint)(c - 0xD800) <= 0x3FF;
        public static bool IsLowSurrogate(char c) => (uint)(c - 0xDC00) <= 0x3FF;
        public static bool IsSurrogate(char c) => (uint)(c - 0xD800) <= 0x7FF;

        public static int ConvertToUtf32(char highSurrogate, char lowSurrogate) =>
            ((highSurrogate - 0xD800) << 10) + (lowSurrogate - 0xDC00) + 0x10000;

        public override string ToString() => new string(m_value, 1);

        public static string ToString(char c) => new string(c, 1);
    }
}
