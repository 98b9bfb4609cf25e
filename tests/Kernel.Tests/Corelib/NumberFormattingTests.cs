// The core library's number formatting (corelib/System/Number.*.cs, compiled here against real .NET)
// compared with real .NET's invariant-culture output: shortest round-trip doubles over random bit
// patterns and edge cases, fixed and scientific formats, and integer formats.
using System;
using System.Globalization;
using Xunit;

namespace Internal.Runtime.CompilerHelpers
{
    // What the formatting code calls on a bad format string; on the host a plain exception.
    internal static class ThrowHelpers
    {
        public static void ThrowFormatException() => throw new FormatException();
    }
}

namespace Vireo.Tests.Corelib
{
    public sealed class NumberFormattingTests
    {
        private static string Ours(double value, string format = null) => Number.FormatDouble(value, format);
        private static string Theirs(double value, string format = null) => value.ToString(format, CultureInfo.InvariantCulture);

        [Fact]
        public void Shortest_MatchesDotNet_ForRandomBitPatterns()
        {
            var random = new Random(12345);
            for (int i = 0; i < 20000; i++)
            {
                double value = BitConverter.Int64BitsToDouble(random.NextInt64());
                if (double.IsNaN(value)) continue;
                Assert.Equal(Theirs(value), Ours(value));
            }
        }

        [Theory]
        [InlineData(0.0)]
        [InlineData(-0.0)]
        [InlineData(0.1)]
        [InlineData(1e15)]
        [InlineData(1e14)]
        [InlineData(1e-5)]
        [InlineData(1e-4)]
        [InlineData(123456789012345678.0)]
        [InlineData(double.MaxValue)]
        [InlineData(double.Epsilon)]
        [InlineData(2.2250738585072014E-308)]
        [InlineData(9007199254740993.0)]
        [InlineData(double.PositiveInfinity)]
        [InlineData(double.NegativeInfinity)]
        [InlineData(double.NaN)]
        public void Shortest_MatchesDotNet_AtEdges(double value) => Assert.Equal(Theirs(value), Ours(value));

        [Fact]
        public void ShortestDigits_ReadBackExactly()
        {
            var random = new Random(777);
            for (int i = 0; i < 5000; i++)
            {
                double value = (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-30, 30));
                Assert.Equal(value, double.Parse(Ours(value), CultureInfo.InvariantCulture));
            }
        }

        [Theory]
        [InlineData("F2")]
        [InlineData("F0")]
        [InlineData("F5")]
        [InlineData("E")]
        [InlineData("E2")]
        [InlineData("e10")]
        [InlineData("N2")]
        [InlineData("N0")]
        [InlineData("G5")]
        [InlineData("G17")]
        public void StandardFormats_MatchDotNet(string format)
        {
            var random = new Random(format.GetHashCode(StringComparison.Ordinal) & 0x7FFF);
            for (int i = 0; i < 3000; i++)
            {
                double value = (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-8, 12));
                Assert.Equal(Theirs(value, format), Ours(value, format));
            }
        }

        [Theory]
        [InlineData(2.5, "F0")]
        [InlineData(0.125, "F2")]
        [InlineData(1e-10, "F3")]
        [InlineData(999.9996, "F3")]
        [InlineData(9.5, "E0")]
        [InlineData(0.0, "E3")]
        public void StandardFormats_MatchDotNet_AtRoundingEdges(double value, string format) =>
            Assert.Equal(Theirs(value, format), Ours(value, format));

        [Theory]
        [InlineData("0.1")]
        [InlineData("-2.5e3")]
        [InlineData("1E-05")]
        [InlineData("3.141592653589793")]
        [InlineData("123456789012345678")]
        [InlineData("  42  ")]
        public void Parse_MatchesDotNet_ForCommonInput(string text)
        {
            Assert.True(Number.TryParseDouble(text, out double value));
            Assert.Equal(double.Parse(text, CultureInfo.InvariantCulture), value);
        }

        [Fact]
        public void Single_MatchesDotNet()
        {
            var random = new Random(4242);
            float[] edges = { 0.1f, 1e8f, 1234567f, 3.4028235E+38f, 1.5f, 1e-5f, 16777216f, float.Epsilon };
            foreach (float f in edges) Assert.Equal(f.ToString(CultureInfo.InvariantCulture), Number.FormatSingle(f));
            for (int i = 0; i < 5000; i++)
            {
                float f = BitConverter.Int32BitsToSingle(random.Next());
                if (float.IsNaN(f)) continue;
                Assert.Equal(f.ToString(CultureInfo.InvariantCulture), Number.FormatSingle(f));
            }
        }

        [Theory]
        [InlineData(255L, "X")]
        [InlineData(255L, "x8")]
        [InlineData(-1L, "X")]
        [InlineData(42L, "D5")]
        [InlineData(-42L, "D5")]
        [InlineData(1234567L, "N0")]
        [InlineData(-1000L, "N")]
        [InlineData(long.MinValue, "")]
        [InlineData(long.MinValue, "N0")]
        public void Integers_MatchDotNet(long value, string format) =>
            Assert.Equal(value.ToString(format, CultureInfo.InvariantCulture), Number.FormatInt64(value, ulong.MaxValue, format));
    }
}
