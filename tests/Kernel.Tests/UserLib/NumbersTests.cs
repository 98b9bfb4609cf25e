// The program library's number formatting and parsing (user/lib/Text/Numbers.cs), compiled here
// against real .NET and checked against .NET's own formatting.
using System;
using Encoding = System.Text.Encoding;
using StringBuilder = System.Text.StringBuilder;
using Vireo.User;
using Xunit;

namespace Vireo.Tests.UserLib;

public class NumbersTests
{
    private static string Decimal(ulong value)
    {
        var into = new byte[Numbers.MaxDecimalDigits];
        int n = Numbers.FormatDecimal(value, into);
        return Encoding.ASCII.GetString(into, 0, n);
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(7UL)]
    [InlineData(10UL)]
    [InlineData(99UL)]
    [InlineData(1234567890UL)]
    [InlineData(ulong.MaxValue)]
    public void FormatDecimal_writes_what_ToString_does(ulong value) =>
        Assert.Equal(value.ToString(), Decimal(value));

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(-42L)]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue)]
    public void FormatDecimal_signs_negative_values(long value)
    {
        var into = new byte[Numbers.MaxDecimalDigits + 1];
        int n = Numbers.FormatDecimal(value, into);
        Assert.Equal(value.ToString(), Encoding.ASCII.GetString(into, 0, n));
    }

    [Fact]
    public void FormatDecimal_writes_nothing_when_the_digits_do_not_fit()
    {
        var into = new byte[3] { 9, 9, 9 };
        Assert.Equal(0, Numbers.FormatDecimal(1234UL, into));
        Assert.Equal(new byte[] { 9, 9, 9 }, into);
        Assert.Equal(3, Numbers.FormatDecimal(999UL, into));
        Assert.Equal(0, Numbers.FormatDecimal(-12L, new byte[2]));
    }

    [Theory]
    [InlineData(0UL, 1, "0")]
    [InlineData(0xABCUL, 1, "abc")]
    [InlineData(0xABCUL, 6, "000abc")]
    [InlineData(ulong.MaxValue, 1, "ffffffffffffffff")]
    [InlineData(1UL, 40, "0000000000000001")]   // at most 16 digits
    public void FormatHex(ulong value, int minDigits, string expected)
    {
        var into = new byte[Numbers.MaxHexDigits];
        int n = Numbers.FormatHex(value, into, minDigits);
        Assert.Equal(expected, Encoding.ASCII.GetString(into, 0, n));
    }

    [Theory]
    [InlineData("0", true, 0UL)]
    [InlineData("42", true, 42UL)]
    [InlineData("18446744073709551615", true, ulong.MaxValue)]
    [InlineData("18446744073709551616", false, 0UL)]   // one past: overflow
    [InlineData("99999999999999999999", false, 0UL)]
    [InlineData("", false, 0UL)]
    [InlineData("-1", false, 0UL)]
    [InlineData(" 1", false, 0UL)]
    [InlineData("12a", false, 0UL)]
    public void TryParseDecimal(string text, bool ok, ulong expected)
    {
        Assert.Equal(ok, Numbers.TryParseDecimal(Encoding.ASCII.GetBytes(text), out ulong value));
        if (ok) Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("0", true, 0UL)]
    [InlineData("fF", true, 255UL)]
    [InlineData("ffffffffffffffff", true, ulong.MaxValue)]
    [InlineData("1ffffffffffffffff", false, 0UL)]
    [InlineData("0x1", false, 0UL)]
    [InlineData("g", false, 0UL)]
    [InlineData("", false, 0UL)]
    public void TryParseHex(string text, bool ok, ulong expected)
    {
        Assert.Equal(ok, Numbers.TryParseHex(Encoding.ASCII.GetBytes(text), out ulong value));
        if (ok) Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("12=x", 2, 12UL, false)]
    [InlineData("x", 0, 0UL, false)]
    [InlineData("007", 3, 7UL, false)]
    [InlineData("99999999999999999999z", 20, ulong.MaxValue, true)]
    public void ParseDecimalPrefix_takes_the_leading_digits(string text, int used, ulong value, bool overflow)
    {
        Assert.Equal(used, Numbers.ParseDecimalPrefix(Encoding.ASCII.GetBytes(text), out ulong got, out bool over));
        Assert.Equal(value, got);
        Assert.Equal(overflow, over);
    }

    [Fact]
    public void Round_trip_over_many_values()
    {
        var rng = new Random(10);
        var buffer = new byte[Numbers.MaxDecimalDigits];
        for (int i = 0; i < 10_000; i++)
        {
            ulong v = (ulong)rng.NextInt64() << (i % 3) ^ (ulong)i;
            int n = Numbers.FormatDecimal(v, buffer);
            Assert.True(Numbers.TryParseDecimal(buffer.AsSpan(0, n), out ulong back));
            Assert.Equal(v, back);
            n = Numbers.FormatHex(v, buffer);
            Assert.True(Numbers.TryParseHex(buffer.AsSpan(0, n), out back));
            Assert.Equal(v, back);
        }
    }
}
