// Standard output, buffered: bytes gather in one buffer of SchemeLimits.MaxData and leave in one
// Fs.Write when it is full, when Flush is called, and at exit (Console.Flush, which Startup calls as
// the program ends, flushes this first), so output costs one write per buffer, not one per line
// or byte. After a write fails (a closed pipe) the rest is dropped and Flush reports it. Errors go
// to standard error at once, in words ("program: subject: what went wrong"), after standard output
// is flushed so the two keep their order. Callers Flush before anything else writes to the same
// descriptor (a child, a builtin's redirection).
using System;
using Vireo.Abi;
using Vireo.User.Schemes;

namespace Vireo.User;

public static unsafe class Out
{
    private const int Capacity = SchemeLimits.MaxData;
    private struct Buffer { public fixed byte Bytes[Capacity]; }
    private static Buffer s_buffer;
    private static int s_length;
    private static Status s_failure;

    public static void Write(byte b)
    {
        if (s_length == Capacity) _ = Flush();   // a failure stays recorded and is returned by the next Flush
        s_buffer.Bytes[s_length++] = b;
    }

    public static void Write(string text)
    {
        for (int i = 0; i < text.Length; i++) Write(text[i] < 128 ? (byte)text[i] : (byte)'?');
    }

    public static void Write(byte* bytes, int count)
    {
        for (int i = 0; i < count; i++) Write(bytes[i]);
    }

    public static void Write(ReadOnlySpan<byte> bytes)
    {
        for (int i = 0; i < bytes.Length; i++) Write(bytes[i]);
    }

    public static void Line() => Write((byte)'\n');

    /// <summary>A decimal number, right-aligned in `width` characters.</summary>
    public static void Number(ulong value, int width = 0)
    {
        byte* digits = stackalloc byte[Numbers.MaxDecimalDigits];
        int n = Numbers.FormatDecimal(value, new Span<byte>(digits, Numbers.MaxDecimalDigits));
        for (int i = n; i < width; i++) Write((byte)' ');
        Write(digits, n);
    }

    /// <summary>A time as ISO 8601 in UTC (2026-01-31T12:00:00Z); with `nanoseconds`, the fraction
    /// too (2026-01-31T12:00:00.000000001Z).</summary>
    public static void Time(FileTime t, bool nanoseconds = false)
    {
        byte* text = stackalloc byte[Vireo.Time.CivilTime.IsoLength];
        Vireo.Time.CivilTime.FormatIso8601(Vireo.Time.CivilTime.FromUnixSeconds(t.Seconds), text);
        Write(text, Vireo.Time.CivilTime.IsoLength - 1);   // all but the 'Z'
        if (nanoseconds)
        {
            Write((byte)'.');
            for (uint scale = 100_000_000; scale > 0; scale /= 10) Write((byte)('0' + t.Nanoseconds / scale % 10));
        }
        Write((byte)'Z');
    }

    /// <summary>A mode as ls -l shows it ("drwxr-xr-x").</summary>
    public static void Mode(uint mode)
    {
        byte* text = stackalloc byte[FileModeText.Width];
        FileModeText.Format(mode, new Span<byte>(text, FileModeText.Width));
        Write(text, FileModeText.Width);
    }

    public static void Number(long value)
    {
        byte* digits = stackalloc byte[Numbers.MaxDecimalDigits + 1];
        Write(digits, Numbers.FormatDecimal(value, new Span<byte>(digits, Numbers.MaxDecimalDigits + 1)));
    }

    /// <summary>Sends what is buffered; the first failure writing standard output (a closed pipe),
    /// or Ok while there has been none. After a failure the rest is dropped.</summary>
    public static Status Flush()
    {
        if (s_length == 0) return s_failure;
        int length = s_length;
        s_length = 0;
        if (s_failure != Status.Ok) return s_failure;
        fixed (byte* p = s_buffer.Bytes) s_failure = Fs.Write(Fd.Stdout, p, length, out _);
        return s_failure;
    }

    /// <summary>Standard output was replaced (Fd.UseAsStdio): writing may work again.</summary>
    public static void Reopened() => s_failure = Status.Ok;

    /// <summary>"program: subject: what went wrong" on standard error.</summary>
    public static void Error(string program, ReadOnlySpan<byte> subject, Status status) =>
        Error(program, subject, StatusText.Describe(status));

    public static void Error(string program, ReadOnlySpan<byte> subject, string message)
    {
        // A failure stays recorded and is returned by the next Flush.
        _ = Flush();
        byte* line = stackalloc byte[SchemeLimits.MaxData];
        var t = new Text(line, SchemeLimits.MaxData - 1);   // room kept for the '\n'
        t.Str(program);
        t.Str(": ");
        if (subject.Length > 0)
        {
            t.Bytes(subject);
            t.Str(": ");
        }
        t.Str(message);
        line[t.Length] = (byte)'\n';
        // Standard error is where failures are reported: nowhere is left for its own.
        _ = Fs.Write(Fd.Stderr, line, t.Length + 1, out _);
    }
}
