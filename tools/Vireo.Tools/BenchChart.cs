// bench-svg: draws bench.json as horizontal bars on a log scale, each Vireo figure with the Linux figure
// for the same operation beneath it (BenchReference), as a self-contained SVG with no script and no
// external fonts, so it renders the same in a browser, on GitHub and through rsvg. A log scale because
// the figures span seven decades (a capability lookup to a boot); counts (such as procs_alive_max) are
// not instructions and are left off the axis, named in a footnote instead.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace Vireo.Tools;

public static class BenchChart
{
    private const int Width = 960;
    private const int LabelWidth = 250;     // left column: the key names
    private const int ValueWidth = 250;     // right of the plot: room for the value labels of the longest bars
    private const int Top = 78;
    private const int RowHeight = 22;       // one bar
    private const int GroupGap = 8;         // between keys
    private const int BarHeight = 15;
    private const string VireoColour = "#2b6cb0";
    private const string LinuxColour = "#dd6b20";

    /// <summary>The SVG document. Keys with a Linux figure come first (ordinal order within each group).</summary>
    public static string Draw(IReadOnlyList<BenchResult> results, BenchReference reference)
    {
        var plotted = new List<BenchResult>();
        var counts = new List<BenchResult>();
        foreach (BenchResult r in results)
            (reference.IsCount(r.Name) ? counts : plotted).Add(r);
        plotted.Sort((a, b) =>
        {
            int byLinux = reference.Linux.ContainsKey(b.Name).CompareTo(reference.Linux.ContainsKey(a.Name));
            return byLinux != 0 ? byLinux : string.CompareOrdinal(a.Name, b.Name);
        });
        if (plotted.Count == 0)
            throw new BenchLogException("no instruction figures to draw");

        long min = long.MaxValue, max = 1;
        foreach (BenchResult r in plotted)
        {
            min = Math.Min(min, r.Value);
            max = Math.Max(max, r.Value);
            if (reference.Linux.TryGetValue(r.Name, out LinuxFigure l))
                max = Math.Max(max, l.Instructions);
        }

        // Whole decades, starting at 1 so a bar's length reads as its order of magnitude.
        int lowDecade = 0;
        int highDecade = Math.Max(lowDecade + 1, (int)Math.Ceiling(Math.Log10(max)));
        int plotLeft = LabelWidth, plotWidth = Width - LabelWidth - ValueWidth;
        double X(long value) => plotLeft + plotWidth * (Math.Log10(Math.Max(1, value)) - lowDecade) / (highDecade - lowDecade);

        int rows = 0;
        foreach (BenchResult r in plotted)
            rows += reference.Linux.ContainsKey(r.Name) ? 2 : 1;
        int plotHeight = rows * RowHeight + plotted.Count * GroupGap;
        int height = Top + plotHeight + 40 + (counts.Count > 0 ? 20 : 0);

        var svg = new StringBuilder();
        svg.Append(Inv($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\" font-family=\"DejaVu Sans, Verdana, sans-serif\" font-size=\"12\">\n"));
        svg.Append(Inv($"<rect width=\"{Width}\" height=\"{height}\" fill=\"#ffffff\"/>\n"));
        svg.Append("<text x=\"16\" y=\"26\" font-size=\"17\" font-weight=\"bold\">Vireo benchmarks: guest instructions per operation (log scale, shorter is better)</text>\n");
        svg.Append("<text x=\"16\" y=\"46\" fill=\"#444444\">QEMU -icount shift=0,sleep=off, so the guest TSC counts instructions. Linux 6.1 in the same QEMU, counted the same way (bench/linux-figures.tsv).</text>\n");
        svg.Append(Inv($"<rect x=\"{plotLeft}\" y=\"56\" width=\"12\" height=\"12\" fill=\"{VireoColour}\"/><text x=\"{plotLeft + 18}\" y=\"66\">Vireo</text>\n"));
        svg.Append(Inv($"<rect x=\"{plotLeft + 80}\" y=\"56\" width=\"12\" height=\"12\" fill=\"{LinuxColour}\"/><text x=\"{plotLeft + 98}\" y=\"66\">Linux, the nearest operation</text>\n"));

        int axisBottom = Top + plotHeight;
        for (int d = lowDecade; d <= highDecade; d++)
        {
            double x = X(Pow10(d));
            svg.Append(Inv($"<line x1=\"{x:0.#}\" y1=\"{Top - 4}\" x2=\"{x:0.#}\" y2=\"{axisBottom}\" stroke=\"#dddddd\"/>\n"));
            svg.Append(Inv($"<text x=\"{x:0.#}\" y=\"{axisBottom + 16}\" text-anchor=\"middle\" fill=\"#444444\">{DecadeLabel(d)}</text>\n"));
        }

        int y = Top;
        foreach (BenchResult r in plotted)
        {
            svg.Append(Inv($"<text x=\"{LabelWidth - 8}\" y=\"{y + BarHeight - 3}\" text-anchor=\"end\" font-family=\"DejaVu Sans Mono, monospace\">{Escape(r.Name)}</text>\n"));
            Bar(svg, X(r.Value), y, VireoColour, BenchReference.Group(r.Value));
            y += RowHeight;
            if (reference.Linux.TryGetValue(r.Name, out LinuxFigure l))
            {
                string label = BenchReference.Group(l.Instructions) + " (Linux: " + l.Operation.Replace("`", "", StringComparison.Ordinal) + ")";
                Bar(svg, X(l.Instructions), y, LinuxColour, label);
                y += RowHeight;
            }

            y += GroupGap;
        }

        svg.Append(Inv($"<line x1=\"{plotLeft}\" y1=\"{Top - 4}\" x2=\"{plotLeft}\" y2=\"{axisBottom}\" stroke=\"#888888\"/>\n"));
        if (counts.Count > 0)
        {
            var names = new List<string>();
            foreach (BenchResult c in counts)
                names.Add(c.Name + " " + BenchReference.Group(c.Value));
            svg.Append(Inv($"<text x=\"16\" y=\"{axisBottom + 40}\" fill=\"#444444\">Counts, not instructions, so not drawn: {Escape(string.Join(", ", names))}</text>\n"));
        }

        svg.Append("</svg>\n");
        return svg.ToString();

        void Bar(StringBuilder s, double right, int top, string colour, string label)
        {
            double w = Math.Max(1, right - plotLeft);
            s.Append(Inv($"<rect x=\"{plotLeft}\" y=\"{top}\" width=\"{w:0.#}\" height=\"{BarHeight}\" fill=\"{colour}\"/>"));
            s.Append(Inv($"<text x=\"{plotLeft + w + 5:0.#}\" y=\"{top + BarHeight - 3}\">{Escape(label)}</text>\n"));
        }
    }

    /// <summary>The `bench-svg &lt;bench.json&gt; &lt;bench-dir&gt; &lt;out.svg&gt;` verb.</summary>
    public static int Run(ReadOnlySpan<string> args, TextWriter stdout, TextWriter stderr) =>
        BenchReference.RunVerb(args, "bench-svg", "out.svg", stdout, stderr, (results, reference, path) =>
        {
            File.WriteAllText(path, Draw(results, reference));
            return "wrote " + path;
        });

    private static long Pow10(int d)
    {
        long p = 1;
        for (int i = 0; i < d; i++)
            p *= 10;
        return p;
    }

    private static string DecadeLabel(int d) => d switch
    {
        < 3 => Pow10(d).ToString(CultureInfo.InvariantCulture),
        < 6 => Pow10(d - 3).ToString(CultureInfo.InvariantCulture) + "k",
        < 9 => Pow10(d - 6).ToString(CultureInfo.InvariantCulture) + "M",
        _ => Pow10(d - 9).ToString(CultureInfo.InvariantCulture) + "G",
    };

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
