// Output for the shell and its tools: standard output through the scheme protocol, buffered so a
// line costs one write request, not one per byte; errors on standard error, in words. Callers
// Flush before anything else writes to the same descriptor (a child, a builtin's redirection) and
// before they exit.
using System;
using Vireo.Abi;
using Vireo.User.Schemes;

namespace Vireo.Commands;

public static unsafe class Out
{
    private const int Capacity = 256;
    private struct Buffer { public fixed byte Bytes[Capacity]; }
    private static Buffer s_buffer;
    private static int s_length;
    private static Status s_failure;

    /// <summary>The first failure writing to standard output (a closed pipe): Ok while none.</summary>

    public static void Write(byte b)
    {
        if (s_length == Capacity) Flush();
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

    public static void Number(ulong value, int width = 0)
    {
        byte* digits = stackalloc byte[20];
        int n = Text.Decimal(value, digits);
        for (int i = n; i < width; i++) Write((byte)' ');
        Write(digits, n);
    }

    public static void Number(long value)
    {
        if (value < 0) Write((byte)'-');
        Number(value < 0 ? (ulong)(-value) : (ulong)value);
    }

    public static Status Flush()
    {
        if (s_length == 0) return s_failure;
        int length = s_length;
        s_length = 0;
        if (s_failure != Status.Ok) return s_failure;
        fixed (byte* p = s_buffer.Bytes) s_failure = Fs.Write(Fd.Stdout, p, length, out _);
        return s_failure;
    }

    /// <summary>"program: subject: what went wrong" on standard error.</summary>
    public static void Error(string program, ReadOnlySpan<byte> subject, Status status) =>
        Error(program, subject, Text.Describe(status));

    public static void Error(string program, ReadOnlySpan<byte> subject, string message)
    {
        Flush();
        byte* line = stackalloc byte[SchemeLimits.MaxData];
        int n = 0;
        n = Text.Append(line, n, SchemeLimits.MaxData, program);
        n = Text.Append(line, n, SchemeLimits.MaxData, ": ");
        if (subject.Length > 0)
        {
            n = Text.Append(line, n, SchemeLimits.MaxData, subject);
            n = Text.Append(line, n, SchemeLimits.MaxData, ": ");
        }
        n = Text.Append(line, n, SchemeLimits.MaxData - 1, message);
        line[n++] = (byte)'\n';
        Fs.Write(Fd.Stderr, line, n, out _);
    }
}
