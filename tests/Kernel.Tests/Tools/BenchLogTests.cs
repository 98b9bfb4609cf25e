using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Vireo.Tools;
using Xunit;

namespace Vireo.Tests.Tools;

public sealed class BenchLogTests
{
    [Fact]
    public void Parse_FindsBenchTokensAfterAnyPrefix_AndSortsOrdinally()
    {
        string log =
            "Vireo booting...\r\n" +
            "BENCH ipc_call 412\r\n" +
            "[    0.004] bench: BENCH Map4K 97\n" +
            "\tBENCH\tcap_copy\t3\n" +
            "BENCHMARK suite done 5\n" +
            "bench summary follows\n";

        List<BenchResult> results = BenchLog.Parse(log);

        Assert.Equal(new[]
        {
            new BenchResult("Map4K", 97),
            new BenchResult("cap_copy", 3),
            new BenchResult("ipc_call", 412),
        }, results);
    }

    [Fact]
    public void ToJson_IsFlatSortedOneKeyPerLine_WithTrailingNewline()
    {
        string json = BenchLog.ToJson(new[]
        {
            new BenchResult("b", 2),
            new BenchResult("B", 9_000_000_000),
            new BenchResult("a.x", 1),
        });

        Assert.Equal("{\n  \"B\": 9000000000,\n  \"a.x\": 1,\n  \"b\": 2\n}\n", json);
    }

    [Fact]
    public void ToJson_EscapesNamesThatNeedIt()
    {
        string json = BenchLog.ToJson(new[] { new BenchResult("q\"\\\u0001", 1) });
        Assert.Equal("{\n  \"q\\\"\\\\\\u0001\": 1\n}\n", json);
    }

    [Fact]
    public void Parse_SameInputInAnyOrder_GivesIdenticalJson()
    {
        string first = BenchLog.ToJson(BenchLog.Parse("BENCH z 1\nBENCH a 2\n"));
        string second = BenchLog.ToJson(BenchLog.Parse("x BENCH a 2\nBENCH z 1"));
        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData("BENCH a 1\nBENCH a 2\n", "duplicate benchmark 'a' (first on line 1)")]
    [InlineData("boot ok\n", "no BENCH lines")]
    [InlineData("", "no BENCH lines")]
    [InlineData("BENCH a\n", "line 1: expected")]
    [InlineData("BENCH\n", "line 1: expected")]
    [InlineData("ok\nBENCH a 1 2\n", "line 2: expected")]
    [InlineData("BENCH a 1.5\n", "'1.5' is not an integer")]
    [InlineData("BENCH a 0x10\n", "not an integer")]
    [InlineData("BENCH a 99999999999999999999\n", "not an integer")]
    [InlineData("BENCH a 0\n", "benchmark 'a' failed (value 0)")]
    [InlineData("BENCH b 5\nBENCH a -3\n", "line 2: benchmark 'a' failed")]
    public void Parse_RejectsBadLogs(string log, string message)
    {
        var error = Assert.Throws<BenchLogException>(() => BenchLog.Parse(log));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void FormatTable_AlignsNamesLeftAndValuesRight()
    {
        string table = BenchLog.FormatTable(new[]
        {
            new BenchResult("ipc_call_roundtrip", 412),
            new BenchResult("x", 7),
        });

        string[] lines = table.Split('\n');
        Assert.Equal("benchmark           instructions/op", lines[0]);
        Assert.Equal("ipc_call_roundtrip              412", lines[2]);
        Assert.Equal("x                                 7", lines[3]);
        Assert.Equal("", lines[4]);
    }

    [Fact]
    public void BenchJsonVerb_WritesDeterministicBytes_AndPrintsTheTable()
    {
        string dir = Directory.CreateTempSubdirectory("vireo-bench-").FullName;
        try
        {
            string logPath = Path.Combine(dir, "serial.log");
            string jsonPath = Path.Combine(dir, "bench.json");
            File.WriteAllText(logPath, "BENCH syscall_null 120\r\nBENCH ipc_call 412\r\n");
            var stdout = new StringWriter();
            var stderr = new StringWriter();

            Assert.Equal(0, BenchLog.Run(new[] { logPath, jsonPath }, stdout, stderr));

            Assert.Equal(Encoding.ASCII.GetBytes("{\n  \"ipc_call\": 412,\n  \"syscall_null\": 120\n}\n"), File.ReadAllBytes(jsonPath));
            Assert.Contains("syscall_null", stdout.ToString());
            Assert.Equal("", stderr.ToString());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void BenchJsonVerb_FailsWithoutWritingOnBadInput()
    {
        string dir = Directory.CreateTempSubdirectory("vireo-bench-").FullName;
        try
        {
            string logPath = Path.Combine(dir, "serial.log");
            string jsonPath = Path.Combine(dir, "bench.json");
            File.WriteAllText(logPath, "BENCH a 1\nBENCH a 1\n");
            var stderr = new StringWriter();

            Assert.Equal(1, BenchLog.Run(new[] { logPath, jsonPath }, TextWriter.Null, stderr));
            Assert.Contains("duplicate", stderr.ToString());
            Assert.False(File.Exists(jsonPath));
            Assert.Equal(1, BenchLog.Run(new[] { Path.Combine(dir, "missing.log"), jsonPath }, TextWriter.Null, stderr));
            Assert.Equal(2, BenchLog.Run(new[] { logPath }, TextWriter.Null, stderr));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Program_DispatchesVerbs_AndRejectsUnknownOnes()
    {
        Assert.Equal(2, Program.Main(Array.Empty<string>()));
        Assert.Equal(2, Program.Main(new[] { "frobnicate" }));
        Assert.Equal(2, Program.Main(new[] { "bench-json" }));
        Assert.Equal(2, Program.Main(new[] { "ksyms", "only-one-arg" }));
    }
}
