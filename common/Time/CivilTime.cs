// Civil dates (proleptic Gregorian, UTC) and Unix time, and the CMOS real-time clock's encoding of
// them. Shared by the kernel, which reads the RTC once at boot, and user space, which prints dates;
// portable (no hardware access), so the host tests check it against .NET's DateTime.
namespace Vireo.Time;

/// <summary>A UTC calendar date and time of day, to the second.</summary>
public struct CivilDateTime
{
    public int Year, Month, Day, Hour, Minute, Second;

    public CivilDateTime(int year, int month, int day, int hour, int minute, int second)
    {
        Year = year; Month = month; Day = day; Hour = hour; Minute = minute; Second = second;
    }
}

public static class CivilTime
{
    public const long SecondsPerDay = 86_400;

    // Days from 1970-01-01 to year/month/day: Howard Hinnant's days_from_civil (eras of 400 years
    // starting in March, so the leap day ends a year and needs no special case).
    public static long DaysFromCivil(int year, int month, int day)
    {
        long y = month <= 2 ? year - 1 : year;
        long era = (y >= 0 ? y : y - 399) / 400;
        long yearOfEra = y - era * 400;
        long dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097 + dayOfEra - 719_468;
    }

    /// <summary>The inverse of DaysFromCivil.</summary>
    public static void CivilFromDays(long days, out int year, out int month, out int day)
    {
        days += 719_468;
        long era = (days >= 0 ? days : days - 146_096) / 146_097;
        long dayOfEra = days - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long mp = (5 * dayOfYear + 2) / 153;
        day = (int)(dayOfYear - (153 * mp + 2) / 5 + 1);
        month = (int)(mp < 10 ? mp + 3 : mp - 9);
        year = (int)(yearOfEra + era * 400 + (month <= 2 ? 1 : 0));
    }

    public static long ToUnixSeconds(in CivilDateTime t) =>
        DaysFromCivil(t.Year, t.Month, t.Day) * SecondsPerDay + t.Hour * 3600L + t.Minute * 60L + t.Second;

    public static CivilDateTime FromUnixSeconds(long seconds)
    {
        long days = seconds >= 0 ? seconds / SecondsPerDay : (seconds - SecondsPerDay + 1) / SecondsPerDay;
        long rest = seconds - days * SecondsPerDay;
        CivilFromDays(days, out int year, out int month, out int day);
        return new CivilDateTime(year, month, day, (int)(rest / 3600), (int)(rest / 60 % 60), (int)(rest % 60));
    }

    public static bool IsValid(in CivilDateTime t) =>
        t.Month >= 1 && t.Month <= 12 && t.Day >= 1 && t.Day <= DaysInMonth(t.Year, t.Month) &&
        t.Hour >= 0 && t.Hour < 24 && t.Minute >= 0 && t.Minute < 60 && t.Second >= 0 && t.Second < 60;

    public static int DaysInMonth(int year, int month) =>
        month == 2 ? (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28)
        : month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;

    /// <summary>Writes "YYYY-MM-DDTHH:MM:SSZ" (ISO 8601, UTC; 20 bytes) into `into`, which must hold 20
    /// bytes; returns the count written.</summary>
    public static unsafe int FormatIso8601(in CivilDateTime t, byte* into)
    {
        Digits(into, t.Year, 4); into[4] = (byte)'-';
        Digits(into + 5, t.Month, 2); into[7] = (byte)'-';
        Digits(into + 8, t.Day, 2); into[10] = (byte)'T';
        Digits(into + 11, t.Hour, 2); into[13] = (byte)':';
        Digits(into + 14, t.Minute, 2); into[16] = (byte)':';
        Digits(into + 17, t.Second, 2); into[19] = (byte)'Z';
        return IsoLength;
    }

    public const int IsoLength = 20;

    /// <summary>Parses "SECONDS.NANOSECONDS" (sys:/clock's text: nine digits after the point, then an
    /// optional newline). False on anything else.</summary>
    public static bool TryParseUnix(System.ReadOnlySpan<byte> text, out long seconds, out uint nanoseconds)
    {
        seconds = 0;
        nanoseconds = 0;
        int i = 0;
        while (i < text.Length && text[i] >= (byte)'0' && text[i] <= (byte)'9' && i < 18)
            seconds = seconds * 10 + (text[i++] - '0');
        if (i == 0 || i == text.Length || text[i] != (byte)'.') return false;
        int start = ++i;
        while (i < text.Length && text[i] >= (byte)'0' && text[i] <= (byte)'9' && i - start < 9)
            nanoseconds = nanoseconds * 10 + (uint)(text[i++] - '0');
        if (i - start != 9) return false;
        return i == text.Length || (i == text.Length - 1 && text[i] == (byte)'\n');
    }

    private static unsafe void Digits(byte* into, int value, int count)
    {
        for (int i = count - 1; i >= 0; i--)
        {
            into[i] = (byte)('0' + value % 10);
            value /= 10;
        }
    }
}

/// <summary>The MC146818-compatible CMOS clock's registers as read: BCD or binary per status register
/// B, 12- or 24-hour, a two-digit year (the century register is not standard: years 00-99 are taken as
/// 2000-2099).</summary>
public static class CmosRtc
{
    public const ushort IndexPort = 0x70, DataPort = 0x71;
    /// <summary>Setting bit 7 of the index keeps NMIs masked while the clock is read.</summary>
    public const byte NmiDisable = 0x80;
    public const byte Seconds = 0x00, Minutes = 0x02, Hours = 0x04, Day = 0x07, Month = 0x08, Year = 0x09;
    public const byte StatusA = 0x0A, StatusB = 0x0B, StatusD = 0x0D;
    /// <summary>Status A: an update is in progress (the registers may be inconsistent).</summary>
    public const byte UpdateInProgress = 0x80;
    /// <summary>Status B: 24-hour mode; values are binary rather than BCD.</summary>
    public const byte Hour24 = 0x02, Binary = 0x04;
    /// <summary>The hours register's PM flag in 12-hour mode.</summary>
    public const byte Pm = 0x80;

    public static int FromBcd(byte value) => (value >> 4) * 10 + (value & 0x0F);

    /// <summary>Decodes raw register values (seconds, minutes, hours, day, month, two-digit year) under
    /// status register B. False when the result is not a valid date (a clock that was never set).</summary>
    public static bool Decode(byte second, byte minute, byte hour, byte day, byte month, byte year, byte statusB, out CivilDateTime t)
    {
        bool binary = (statusB & Binary) != 0;
        bool pm = (hour & Pm) != 0;
        hour &= 0x7F;
        int h = binary ? hour : FromBcd(hour);
        if ((statusB & Hour24) == 0)
        {
            // 12-hour: 12 AM is midnight, 12 PM noon.
            if (h == 12) h = 0;
            if (pm) h += 12;
        }
        t = binary
            ? new CivilDateTime(2000 + year, month, day, h, minute, second)
            : new CivilDateTime(2000 + FromBcd(year), FromBcd(month), FromBcd(day), h, FromBcd(minute), FromBcd(second));
        return year <= (binary ? 99 : 0x99) && CivilTime.IsValid(t);
    }
}
