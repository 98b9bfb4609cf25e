using System;
using System.Text;
using Vireo.Time;
using Xunit;

namespace Vireo.Tests.Time;

public sealed class CivilTimeTests
{
    [Theory]
    [InlineData(1970, 1, 1, 0, 0, 0)]
    [InlineData(2000, 2, 29, 12, 0, 0)]
    [InlineData(2024, 1, 1, 0, 0, 0)]
    [InlineData(2038, 1, 19, 3, 14, 8)]
    [InlineData(2100, 3, 1, 23, 59, 59)]
    [InlineData(1969, 12, 31, 23, 59, 59)]
    [InlineData(1600, 2, 29, 6, 30, 1)]
    public void Unix_seconds_match_dotnet_both_ways(int y, int mo, int d, int h, int mi, int s)
    {
        long expected = new DateTimeOffset(y, mo, d, h, mi, s, TimeSpan.Zero).ToUnixTimeSeconds();
        var t = new CivilDateTime(y, mo, d, h, mi, s);
        Assert.Equal(expected, CivilTime.ToUnixSeconds(t));
        CivilDateTime back = CivilTime.FromUnixSeconds(expected);
        Assert.Equal((y, mo, d, h, mi, s), (back.Year, back.Month, back.Day, back.Hour, back.Minute, back.Second));
    }

    [Fact]
    public void Every_day_of_four_centuries_round_trips_against_dotnet()
    {
        var day = new DateTime(1900, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (int i = 0; i < 146_097; i++, day = day.AddDays(1))
        {
            long days = (long)(day - DateTime.UnixEpoch).TotalDays;
            Assert.Equal(days, CivilTime.DaysFromCivil(day.Year, day.Month, day.Day));
            CivilTime.CivilFromDays(days, out int y, out int m, out int d);
            Assert.Equal((day.Year, day.Month, day.Day), (y, m, d));
        }
    }

    [Fact]
    public unsafe void Iso8601_is_utc_with_a_z()
    {
        byte* b = stackalloc byte[CivilTime.IsoLength];
        int n = CivilTime.FormatIso8601(CivilTime.FromUnixSeconds(1_700_000_000), b);
        Assert.Equal("2023-11-14T22:13:20Z", Encoding.ASCII.GetString(b, n));
    }

    [Theory]
    [InlineData("1700000000.000000001\n", true, 1_700_000_000L, 1u)]
    [InlineData("5.123456789", true, 5L, 123_456_789u)]
    [InlineData("5.12345678\n", false, 0L, 0u)]
    [InlineData("5.1234567890", false, 0L, 0u)]
    [InlineData(".123456789", false, 0L, 0u)]
    [InlineData("12", false, 0L, 0u)]
    [InlineData("1x.123456789", false, 0L, 0u)]
    public void Clock_text_parses_only_seconds_point_nine_digits(string text, bool ok, long seconds, uint nanos)
    {
        Assert.Equal(ok, CivilTime.TryParseUnix(Encoding.ASCII.GetBytes(text), out long s, out uint n));
        if (ok) Assert.Equal((seconds, nanos), (s, n));
    }

    [Fact]
    public void Bcd_digits_decode() => Assert.Equal(59, CmosRtc.FromBcd(0x59));

    [Fact]
    public void Rtc_bcd_24_hour()
    {
        Assert.True(CmosRtc.Decode(0x45, 0x30, 0x23, 0x31, 0x12, 0x26, CmosRtc.Hour24, out CivilDateTime t));
        Assert.Equal((2026, 12, 31, 23, 30, 45), (t.Year, t.Month, t.Day, t.Hour, t.Minute, t.Second));
    }

    [Fact]
    public void Rtc_binary_24_hour()
    {
        Assert.True(CmosRtc.Decode(45, 30, 23, 31, 12, 26, CmosRtc.Hour24 | CmosRtc.Binary, out CivilDateTime t));
        Assert.Equal((2026, 12, 31, 23, 30, 45), (t.Year, t.Month, t.Day, t.Hour, t.Minute, t.Second));
    }

    [Theory]
    [InlineData(0x12, 0)]           // 12 AM is midnight
    [InlineData(0x01, 1)]
    [InlineData(0x12 | 0x80, 12)]   // 12 PM is noon
    [InlineData(0x11 | 0x80, 23)]
    public void Rtc_12_hour_bcd(byte hour, int expected)
    {
        Assert.True(CmosRtc.Decode(0, 0, hour, 0x01, 0x01, 0x24, 0, out CivilDateTime t));
        Assert.Equal(expected, t.Hour);
    }

    [Fact]
    public void Rtc_12_hour_binary_pm()
    {
        Assert.True(CmosRtc.Decode(0, 0, 0x80 | 3, 1, 1, 24, CmosRtc.Binary, out CivilDateTime t));
        Assert.Equal(15, t.Hour);
    }

    [Theory]
    [InlineData(0x00, 0x01, 0x24)]   // day 0
    [InlineData(0x30, 0x02, 0x24)]   // 30 February
    [InlineData(0x01, 0x13, 0x24)]   // month 13
    [InlineData(0x01, 0x01, 0xA0)]   // not BCD
    public void Rtc_invalid_dates_are_refused(byte day, byte month, byte year) =>
        Assert.False(CmosRtc.Decode(0, 0, 0, day, month, year, CmosRtc.Hour24, out _));
}
