// Numbers as ASCII digits in byte spans, both ways: decimal and hexadecimal. Nothing is allocated,
// so daemons and the process manager use it as freely as the tools (six copies of the decimal
// formatting lived in the console, the tools, the tests, sys: and init before). Portable: tests/
// Kernel.Tests compiles this file.
using System;

namespace Vireo.User;

public static class Numbers
{
    /// <summary>Room for any ulong in decimal (20 digits), or a long with its sign.</summary>
    public const int MaxDecimalDigits = 20;
    public const int MaxHexDigits = 16;

    /// <summary>Writes the decimal digits of `value` to `into`; returns how many, or 0 when they do
    /// not fit (nothing is written then).</summary>
    public static int FormatDecimal(ulong value, Span<byte> into)
    {
        int digits = 1;
        for (ulong v = value; v >= 10; v /= 10) digits++;
        if (digits > into.Length) return 0;
        for (int i = digits - 1; i >= 0; i--)
        {
            into[i] = (byte)('0' + (int)(value % 10));
            value /= 10;
        }
        return digits;
    }

    /// <summary>As FormatDecimal(ulong), with a '-' before a negative value.</summary>
    public static int FormatDecimal(long value, Span<byte> into)
    {
        if (value >= 0) return FormatDecimal((ulong)value, into);
        if (into.Length < 2) return 0;
        int n = FormatDecimal((ulong)(-(value + 1)) + 1, into.Slice(1));   // -long.MinValue does not fit a long
        if (n == 0) return 0;
        into[0] = (byte)'-';
        return n + 1;
    }

    /// <summary>Lower-case hexadecimal digits of `value`, at least `minDigits` of them (zeros in
    /// front); how many were written, or 0 when they do not fit.</summary>
    public static int FormatHex(ulong value, Span<byte> into, int minDigits = 1)
    {
        int digits = 1;
        for (ulong v = value; v >= 16; v >>= 4) digits++;
        if (digits < minDigits) digits = minDigits > MaxHexDigits ? MaxHexDigits : minDigits;
        if (digits > into.Length) return 0;
        for (int i = digits - 1; i >= 0; i--)
        {
            int d = (int)(value & 0xF);
            into[i] = (byte)(d < 10 ? '0' + d : 'a' + d - 10);
            value >>= 4;
        }
        return digits;
    }

    /// <summary>A decimal number and nothing else (no sign, no blanks); false when empty, when
    /// anything but a digit is in it, or when it does not fit a ulong.</summary>
    public static bool TryParseDecimal(ReadOnlySpan<byte> text, out ulong value)
    {
        int used = ParseDecimalPrefix(text, out value, out bool overflow);
        return used > 0 && used == text.Length && !overflow;
    }

    /// <summary>A hexadecimal number and nothing else (digits 0-9, a-f, A-F; no "0x").</summary>
    public static bool TryParseHex(ReadOnlySpan<byte> text, out ulong value)
    {
        value = 0;
        if (text.Length == 0 || text.Length > MaxHexDigits) return false;
        for (int i = 0; i < text.Length; i++)
        {
            int d = HexDigit(text[i]);
            if (d < 0) return false;
            value = value << 4 | (uint)d;
        }
        return true;
    }

    /// <summary>The decimal digits at the start of `text` (a word like "12=x" gives 12); returns how
    /// many bytes they took (0: none). `overflow` when the number does not fit a ulong (value is then
    /// ulong.MaxValue).</summary>
    public static int ParseDecimalPrefix(ReadOnlySpan<byte> text, out ulong value, out bool overflow)
    {
        value = 0;
        overflow = false;
        int i = 0;
        for (; i < text.Length && text[i] >= (byte)'0' && text[i] <= (byte)'9'; i++)
        {
            ulong d = (ulong)(text[i] - '0');
            if (value > (ulong.MaxValue - d) / 10) overflow = true;
            value = overflow ? ulong.MaxValue : value * 10 + d;
        }
        return i;
    }

    /// <summary>The leading decimal number of `text`, 0 when there is none (rc-file and kill words).</summary>
    public static ulong ParseDecimalPrefix(ReadOnlySpan<byte> text)
    {
        ParseDecimalPrefix(text, out ulong value, out _);
        return value;
    }

    private static int HexDigit(byte c)
    {
        if (c >= (byte)'0' && c <= (byte)'9') return c - '0';
        if (c >= (byte)'a' && c <= (byte)'f') return c - 'a' + 10;
        if (c >= (byte)'A' && c <= (byte)'F') return c - 'A' + 10;
        return -1;
    }
}
