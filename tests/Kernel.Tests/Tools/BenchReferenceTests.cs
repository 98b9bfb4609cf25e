// The benchmark chart and README table generators (bench-svg, bench-readme) and the reference files
// they read: the README's table must reproduce the figures and the Linux column, replace only what lies
// between its markers, and bad reference data must be refused rather than drawn.
using System.Collections.Generic;
using System.IO;
using Vireo.Tools;
using Xunit;

namespace Vireo.Tests.Tools;

public sealed class BenchReferenceTests
{
    private const string Linux =
        "# comment\n" +
        "null_syscall\t`getppid`\t326\tissue 3\n" +
        "\n" +
        "shm_64KiB_roundtrip\t64 KiB pipe round trip\t94176\tissue 4\twhich copies the bytes\n";

    private const string Targets =
        "# key\tunit\ttarget\tsource\n" +
        "null_syscall\tinstructions\t<= 150\tissue 3\n" +
        "procs_alive_max\tcount\t>= 10,000\tissue 3\n";

    private static readonly List<BenchResult> Figures =
    [
        new("null_syscall", 107),
        new("procs_alive_max", 10634),
        new("shm_64KiB_roundtrip", 604),
        new("boot_to_shell", 46258757),
    ];

    [Fact]
    public void Parse_ReadsBothFiles_SkippingCommentsAndBlankLines()
    {
        BenchReference reference = BenchReference.Parse(Linux, Targets);

        Assert.Equal(new LinuxFigure("null_syscall", "`getppid`", 326, "issue 3", ""), reference.Linux["null_syscall"]);
        Assert.Equal("which copies the bytes", reference.Linux["shm_64KiB_roundtrip"].Note);
        Assert.True(reference.IsCount("procs_alive_max"));
        Assert.False(reference.IsCount("null_syscall"));
        Assert.False(reference.IsCount("boot_to_shell"));
    }

    [Theory]
    [InlineData("null_syscall\tgetppid\t3x6\tissue 3\n", "")]
    [InlineData("null_syscall\tgetppid\t0\tissue 3\n", "")]
    [InlineData("null_syscall\tgetppid\t326\n", "")]
    [InlineData("a\tx\t1\ts\na\ty\t2\ts\n", "")]
    [InlineData("", "k\tcycles\t<= 1\ts\n")]
    [InlineData("", "k\tcount\t\ts\n")]
    public void Parse_RefusesMalformedRows(string linux, string targets)
    {
        Assert.Throws<BenchLogException>(() => BenchReference.Parse(linux, targets));
    }

    [Fact]
    public void ReadJson_ReadsWhatBenchJsonWrites()
    {
        string json = BenchLog.ToJson(Figures);

        List<BenchResult> read = BenchReference.ReadJson(json);

        Assert.Equal(4, read.Count);
        Assert.Equal(new BenchResult("boot_to_shell", 46258757), read[0]);
        Assert.Throws<BenchLogException>(() => BenchReference.ReadJson("{\"a\": \"x\"}"));
        Assert.Throws<BenchLogException>(() => BenchReference.ReadJson("{}"));
    }

    [Fact]
    public void FormatTable_GivesFigureTargetAndLinuxColumns()
    {
        string table = BenchReadme.FormatTable(BenchReference.ReadJson(BenchLog.ToJson(Figures)), BenchReference.Parse(Linux, Targets));

        Assert.Equal(
            "| key | figure | target | Linux, same QEMU |\n" +
            "|---|---|---|---|\n" +
            "| `boot_to_shell` | 46,258,757 | | |\n" +
            "| `null_syscall` | 107 | <= 150 | `getppid`: 326 |\n" +
            "| `procs_alive_max` | 10,634 | >= 10,000 | |\n" +
            "| `shm_64KiB_roundtrip` | 604 | | 64 KiB pipe round trip: 94,176 (which copies the bytes) |\n",
            table);
    }

    [Fact]
    public void Replace_ChangesOnlyTheTableBetweenTheMarkers()
    {
        string readme = "intro\n" + BenchReadme.Begin + "\nold table\n" + BenchReadme.End + "\nafter\n";

        string updated = BenchReadme.Replace(readme, "| new |\n");

        Assert.Equal("intro\n" + BenchReadme.Begin + "\n| new |\n" + BenchReadme.End + "\nafter\n", updated);
        Assert.Equal(updated, BenchReadme.Replace(updated, "| new |\n"));
        Assert.Throws<BenchLogException>(() => BenchReadme.Replace("no markers", "| x |\n"));
        Assert.Throws<BenchLogException>(() => BenchReadme.Replace(BenchReadme.End + BenchReadme.Begin, "| x |\n"));
    }

    [Fact]
    public void Draw_PutsLinuxBesideItsKey_LeavesCountsOffTheAxis_AndIsWellFormedXml()
    {
        string svg = BenchChart.Draw(Figures, BenchReference.Parse(Linux, Targets));

        System.Xml.Linq.XDocument.Parse(svg);
        Assert.Contains(">326 (Linux: getppid)</text>", svg);
        Assert.Contains(">46,258,757</text>", svg);
        Assert.Contains("not drawn: procs_alive_max 10,634", svg);
        Assert.DoesNotContain(">10,634</text>", svg);
        // Keys with a Linux figure come first, so the comparison is at the top.
        Assert.True(svg.IndexOf(">null_syscall<", System.StringComparison.Ordinal) < svg.IndexOf(">boot_to_shell<", System.StringComparison.Ordinal));
    }

    [Fact]
    public void Draw_BarLengthsFollowTheLogOfTheFigure()
    {
        // 10 and 1,000 on an axis from 1 to 10,000: bars of a quarter and three quarters of the plot.
        var figures = new List<BenchResult> { new("a", 10), new("b", 1000), new("c", 10000) };

        string svg = BenchChart.Draw(figures, BenchReference.Parse("", ""));

        double[] widths = BarWidths(svg);
        Assert.Equal(3, widths.Length);
        Assert.Equal(widths[2] / 4, widths[0], 1);
        Assert.Equal(widths[2] * 3 / 4, widths[1], 1);
    }

    [Fact]
    public void RepositoryReferenceFiles_Parse_AndEveryLinuxFigureNamesItsSource()
    {
        string bench = Path.Combine(RepositoryRoot(), "bench");

        BenchReference reference = BenchReference.Load(bench);

        Assert.NotEmpty(reference.Linux);
        foreach (LinuxFigure figure in reference.Linux.Values)
            Assert.StartsWith("issue ", figure.Source);
    }

    private static double[] BarWidths(string svg)
    {
        var widths = new List<double>();
        foreach (System.Xml.Linq.XElement rect in System.Xml.Linq.XDocument.Parse(svg).Descendants("{http://www.w3.org/2000/svg}rect"))
        {
            if ((string)rect.Attribute("height") == "15")
                widths.Add(double.Parse((string)rect.Attribute("width"), System.Globalization.CultureInfo.InvariantCulture));
        }

        return widths.ToArray();
    }

    private static string RepositoryRoot()
    {
        string dir = System.AppContext.BaseDirectory;
        while (dir != null && !File.Exists(Path.Combine(dir, "Vireo.sln")))
            dir = Path.GetDirectoryName(dir);
        return dir ?? throw new DirectoryNotFoundException("Vireo.sln not found above " + System.AppContext.BaseDirectory);
    }
}
