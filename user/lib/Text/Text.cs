// Text: ASCII appended into a fixed buffer the caller owns (a stack buffer, a per-file page of
// sys:, a line for standard error); what does not fit is dropped and Cut says so. The one place
// that builds text out of strings, bytes and numbers, so no program writes its own appender.
// Portable: tests/Kernel.Tests compiles this file.
using System;

namespace Vireo.User;

public unsafe struct Text
{
    private readonly byte* _into;
    private readonly int _capacity;
    public int Length;
    /// <summary>Something did not fit and was dropped.</summary>
    public bool Cut;

    public Text(byte* into, int capacity)
    {
        _into = into;
        _capacity = capacity;
        Length = 0;
        Cut = false;
    }

    public ReadOnlySpan<byte> Written => new ReadOnlySpan<byte>(_into, Length);

    public void Char(char c)
    {
        if (Length < _capacity) _into[Length++] = c < 128 ? (byte)c : (byte)'?';
        else Cut = true;
    }

    public void Str(string s)
    {
        for (int i = 0; i < s.Length; i++) Char(s[i]);
    }

    public void Bytes(ReadOnlySpan<byte> b)
    {
        for (int i = 0; i < b.Length; i++)
        {
            if (Length == _capacity)
            {
                Cut = true;
                return;
            }
            _into[Length++] = b[i];
        }
    }

    public void Bytes(byte* b, int n) => Bytes(new ReadOnlySpan<byte>(b, n));

    /// <summary>A decimal number, right-aligned in `width` characters (spaces in front).</summary>
    public void Number(ulong value, int width = 0)
    {
        byte* digits = stackalloc byte[Numbers.MaxDecimalDigits];
        int n = Numbers.FormatDecimal(value, new Span<byte>(digits, Numbers.MaxDecimalDigits));
        for (int i = n; i < width; i++) Char(' ');
        Bytes(digits, n);
    }

    public void Signed(long value)
    {
        byte* digits = stackalloc byte[Numbers.MaxDecimalDigits + 1];
        Bytes(digits, Numbers.FormatDecimal(value, new Span<byte>(digits, Numbers.MaxDecimalDigits + 1)));
    }

    /// <summary>A number in `digits` decimal places with zeros in front (uptime's "05").</summary>
    public void Padded(ulong value, int digits)
    {
        for (ulong limit = 10; digits > 1; digits--, limit *= 10) if (value < limit) Char('0');
        Number(value);
    }

    public void Hex(ulong value, int minDigits = 1)
    {
        byte* digits = stackalloc byte[Numbers.MaxHexDigits];
        Bytes(digits, Numbers.FormatHex(value, new Span<byte>(digits, Numbers.MaxHexDigits), minDigits));
    }
}
