// The kernel log: dmesg-style lines "[seconds.micros] level: text" written byte by byte to a sink.
// Portable: the sink (COM1 in the kernel, a buffer in host tests) and the clock are function
// pointers installed by the composition root, so formatting is tested on the host.
// Lines are built piecewise (no string concatenation exists without an allocator):
//   KernelLog.Begin(LogLevel.Info); KernelLog.Str("free: "); KernelLog.Dec(n); KernelLog.End();
using System;
namespace Vireo.Kernel.Log;

public enum LogLevel : byte { Debug, Info, Warn, Error, Panic }

public static unsafe class KernelLog
{
    private static delegate*<byte, void> s_sink;
    private static delegate*<ulong> s_clockNanos;
    private static LogLevel s_minimum = LogLevel.Info;
    private static bool s_suppressed;

    public static void Install(delegate*<byte, void> sink, delegate*<ulong> clockNanos)
    {
        s_sink = sink;
        s_clockNanos = clockNanos;
    }

    public static LogLevel Minimum { get => s_minimum; set => s_minimum = value; }

    public static void Info(string text) { Begin(LogLevel.Info); Str(text); End(); }
    public static void Warn(string text) { Begin(LogLevel.Warn); Str(text); End(); }
    public static void Error(string text) { Begin(LogLevel.Error); Str(text); End(); }

    /// <summary>Starts a line with its timestamp and level; lines below Minimum are dropped whole.</summary>
    public static void Begin(LogLevel level)
    {
        s_suppressed = level < s_minimum;
        if (s_suppressed) return;
        ulong ns = s_clockNanos != null ? s_clockNanos() : 0;
        Put((byte)'[');
        WritePadded(ns / 1000000000, 5, (byte)' ');
        Put((byte)'.');
        WritePadded(ns / 1000 % 1000000, 6, (byte)'0');
        Put((byte)']');
        Put((byte)' ');
        Str(LevelName(level));
        Str(": ");
    }

    public static void End()
    {
        if (!s_suppressed) Put((byte)'\n');
        s_suppressed = false;
    }

    public static void Str(string text)
    {
        for (int i = 0; i < text.Length; i++) Put((byte)text[i]);
    }

    public static void Bytes(ReadOnlySpan<byte> text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == 0) break;
            Put(text[i]);
        }
    }

    public static void Char(char c) => Put((byte)c);

    public static void Dec(ulong value) => WritePadded(value, 1, (byte)' ');

    public static void Dec(long value)
    {
        if (value < 0)
        {
            Put((byte)'-');
            Dec((ulong)(-value));
        }
        else Dec((ulong)value);
    }

    /// <summary>Hexadecimal with 0x prefix, at least minDigits digits.</summary>
    public static void Hex(ulong value, int minDigits = 1)
    {
        Put((byte)'0');
        Put((byte)'x');
        HexDigits(value, minDigits);
    }

    public static void HexDigits(ulong value, int minDigits)
    {
        int digits = 1;
        for (ulong v = value >> 4; v != 0; v >>= 4) digits++;
        if (digits < minDigits) digits = minDigits;
        for (int i = digits - 1; i >= 0; i--)
            Put((byte)"0123456789abcdef"[(int)((value >> (i * 4)) & 0xF)]);
    }

    /// <summary>Sizes in the largest whole unit: 512 KiB, 3 MiB.</summary>
    public static void Size(ulong bytes)
    {
        if (bytes >= (1UL << 30) && bytes % (1UL << 30) == 0) { Dec(bytes >> 30); Str(" GiB"); }
        else if (bytes >= (1UL << 20)) { Dec(bytes >> 20); Str(" MiB"); }
        else if (bytes >= (1UL << 10)) { Dec(bytes >> 10); Str(" KiB"); }
        else { Dec(bytes); Str(" B"); }
    }

    private static void WritePadded(ulong value, int width, byte pad)
    {
        // 20 digits hold any ulong.
        byte* digits = stackalloc byte[20];
        int n = 0;
        do
        {
            digits[n++] = (byte)('0' + (int)(value % 10));
            value /= 10;
        } while (value != 0);
        for (int i = n; i < width; i++) Put(pad);
        while (n > 0) Put(digits[--n]);
    }

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Debug => "debug",
        LogLevel.Info => "info",
        LogLevel.Warn => "warn",
        LogLevel.Error => "error",
        _ => "panic",
    };

    private static void Put(byte b)
    {
        if (s_suppressed || s_sink == null) return;
        s_sink(b);
    }
}
