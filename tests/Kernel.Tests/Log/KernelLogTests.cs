using System.Text;
using Vireo.Kernel.Log;
using Xunit;

namespace Vireo.Tests.Log;

// KernelLog is static state: tests share one sink and must not run in parallel with each other.
[Collection("KernelLog")]
public unsafe class KernelLogTests
{
    private static readonly StringBuilder Output = new();
    private static ulong s_now;

    private static void Sink(byte b) => Output.Append((char)b);
    private static ulong Clock() => s_now;

    private static string Capture(ulong nowNanos, System.Action write)
    {
        Output.Clear();
        s_now = nowNanos;
        KernelLog.Install(&Sink, &Clock);
        KernelLog.Minimum = LogLevel.Info;
        write();
        return Output.ToString();
    }

    [Fact]
    public void LineHasDmesgTimestampAndLevel()
    {
        string s = Capture(1_234_567_890, () => KernelLog.Info("hello"));
        Assert.Equal("[    1.234567] info: hello\n", s);
    }

    [Fact]
    public void NumbersFormatInDecimalHexAndSizes()
    {
        string s = Capture(0, () =>
        {
            KernelLog.Begin(LogLevel.Warn);
            KernelLog.Dec(0UL); KernelLog.Char(' ');
            KernelLog.Dec(18446744073709551615UL); KernelLog.Char(' ');
            KernelLog.Dec(-42L); KernelLog.Char(' ');
            KernelLog.Hex(0xfee00000); KernelLog.Char(' ');
            KernelLog.Hex(0x1000, 12); KernelLog.Char(' ');
            KernelLog.Size(512UL << 20); KernelLog.Char(' ');
            KernelLog.Size(1UL << 30); KernelLog.Char(' ');
            KernelLog.Size(1536);
            KernelLog.End();
        });
        Assert.Equal("[    0.000000] warn: 0 18446744073709551615 -42 0xfee00000 0x000000001000 512 MiB 1 GiB 1 KiB\n", s);
    }

    [Fact]
    public void LinesBelowTheMinimumAreDroppedWhole()
    {
        string s = Capture(0, () =>
        {
            KernelLog.Minimum = LogLevel.Warn;
            KernelLog.Info("dropped");
            KernelLog.Begin(LogLevel.Debug); KernelLog.Dec(5UL); KernelLog.End();
            KernelLog.Error("kept");
        });
        Assert.Equal("[    0.000000] error: kept\n", s);
    }

    [Fact]
    public void BytesStopAtNul()
    {
        string s = Capture(0, () =>
        {
            KernelLog.Begin(LogLevel.Info);
            KernelLog.Bytes(new byte[] { (byte)'a', (byte)'b', 0, (byte)'c' });
            KernelLog.End();
        });
        Assert.Equal("[    0.000000] info: ab\n", s);
    }
}
