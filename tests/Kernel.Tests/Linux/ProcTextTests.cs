using System;
using System.Text;
using Vireo.Linux.Abi;
using Xunit;

namespace Vireo.Tests.Linux;

// /proc's texts as Linux lays them out, read the way BusyBox reads them.
public class ProcTextTests
{
    private static string S(byte[] b) => Encoding.ASCII.GetString(b);

    [Fact]
    public void MeminfoLinesAreNamePaddedToSixteenThenEightDigits()
    {
        string text = S(ProcText.Meminfo(524288, 400000));
        Assert.StartsWith("MemTotal:         524288 kB\nMemFree:          400000 kB\nMemAvailable:     400000 kB\n", text);
        Assert.Contains("SwapTotal:             0 kB\n", text);
        foreach (string line in text.TrimEnd('\n').Split('\n')) Assert.Equal(27, line.Length);
    }

    [Fact]
    public void UptimeHasTwoDecimals() => Assert.Equal("12.05 0.00\n", S(ProcText.Uptime(12_050_000_000)));

    [Fact]
    public void ProcessStatHasFiftyTwoFieldsWithTheCommandInParentheses()
    {
        var f = new ProcText.ProcessFacts { Pid = 100, ParentPid = 1, Group = 100, Session = 100, Name = "busybox", State = 'R', VirtualBytes = 4096 };
        string text = S(ProcText.ProcessStat(f));
        Assert.StartsWith("100 (busybox) R 1 100 100 0 0 ", text);
        Assert.EndsWith("\n", text);
        string[] fields = text.TrimEnd('\n').Split(' ');
        Assert.Equal(52, fields.Length);
        Assert.Equal("4096", fields[22]);   // vsize, field 23
        Assert.Equal("1", fields[19]);      // num_threads, field 20
    }

    [Fact]
    public void StatusNamesTheProcessAndItsParent()
    {
        var f = new ProcText.ProcessFacts { Pid = 100, ParentPid = 1, Name = "ls", State = 'R' };
        string text = S(ProcText.ProcessStatus(f, 0x12));
        Assert.StartsWith("Name:\tls\nUmask:\t0022\nState:\tR (running)\nTgid:\t100\n", text);
        Assert.Contains("\nPPid:\t1\n", text);
        Assert.Contains("\nUid:\t0\t0\t0\t0\n", text);
    }

    [Fact]
    public void CmdlineEndsEachArgumentWithANul() =>
        Assert.Equal("/bin/busybox\0ls\0-l\0", S(ProcText.Cmdline(new[] { Encoding.ASCII.GetBytes("/bin/busybox"), Encoding.ASCII.GetBytes("ls"), Encoding.ASCII.GetBytes("-l") })));

    [Theory]
    [InlineData("/bin/busybox", "busybox")]
    [InlineData("ls", "ls")]
    [InlineData("/a/a-name-longer-than-fifteen", "a-name-longer-t")]
    public void CommIsTheFileNameCutAtFifteen(string path, string comm) => Assert.Equal(comm, ProcText.Comm(Encoding.ASCII.GetBytes(path)));

    [Fact]
    public void SysinfoIsLinuxsStruct()
    {
        var b = new byte[ProcText.SysinfoSize];
        Array.Fill(b, (byte)0xEE);
        ProcText.Sysinfo(b, 42, 512UL << 20, 100UL << 20, 3);
        Assert.Equal(42UL, BitConverter.ToUInt64(b, 0));
        Assert.Equal(0UL, BitConverter.ToUInt64(b, 8));           // loads
        Assert.Equal(512UL << 20, BitConverter.ToUInt64(b, 32));  // totalram
        Assert.Equal(100UL << 20, BitConverter.ToUInt64(b, 40));  // freeram
        Assert.Equal(0UL, BitConverter.ToUInt64(b, 64));          // totalswap
        Assert.Equal((ushort)3, BitConverter.ToUInt16(b, 80));    // procs
        Assert.Equal(1u, BitConverter.ToUInt32(b, 104));          // mem_unit
    }

    [Fact]
    public void LoadavgAndStatHaveTheirLines()
    {
        Assert.Equal("0.00 0.00 0.00 1/2 100\n", S(ProcText.Loadavg(1, 2, 100)));
        string stat = S(ProcText.Stat(1_700_000_000, 2, 1));
        Assert.StartsWith("cpu  0 0 0 0 0 0 0 0 0 0\n", stat);
        Assert.Contains("\nbtime 1700000000\nprocesses 2\nprocs_running 1\n", stat);
    }

    [Fact]
    public void ProcMountsNamesTheNamespacesFileSystems() =>
        Assert.Equal("disk / ext2 rw 0 0\nfile /tmp tmpfs rw 0 0\n", S(ProcText.Mounts()));
}
