// What the benchmark figures are compared with: the Linux figures (bench/linux-figures.tsv) and the
// targets and units (bench/targets.tsv), plus build/bench.json read back. The README's table and the
// chart are generated from these, so they cannot lag the measurements. Both files are tab-separated
// with '#' comments, so a person edits them and a diff reads as what changed.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;

namespace Vireo.Tools;

/// <summary>A Linux operation measured the same way as a Vireo benchmark, and where its figure comes from.</summary>
public readonly record struct LinuxFigure(string Key, string Operation, long Instructions, string Source, string Note);

/// <summary>A benchmark's unit (true: a count, not instructions per operation) and its target text.</summary>
public readonly record struct BenchTarget(string Key, bool IsCount, string Target, string Source);

public sealed class BenchReference
{
    public const string LinuxFile = "linux-figures.tsv";
    public const string TargetsFile = "targets.tsv";

    public Dictionary<string, LinuxFigure> Linux { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, BenchTarget> Targets { get; } = new(StringComparer.Ordinal);

    public bool IsCount(string key) => Targets.TryGetValue(key, out BenchTarget t) && t.IsCount;

    /// <summary>Reads both files from the bench/ directory; either may be missing (then it is empty).</summary>
    public static BenchReference Load(string benchDirectory)
    {
        string linux = Path.Combine(benchDirectory, LinuxFile);
        string targets = Path.Combine(benchDirectory, TargetsFile);
        return Parse(File.Exists(linux) ? File.ReadAllText(linux) : "", File.Exists(targets) ? File.ReadAllText(targets) : "");
    }

    public static BenchReference Parse(string linuxTsv, string targetsTsv)
    {
        var reference = new BenchReference();
        foreach ((int line, string[] f) in Rows(linuxTsv, LinuxFile, 4, 5))
        {
            if (!long.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out long value) || value <= 0)
                throw new BenchLogException($"{LinuxFile} line {line}: '{f[2]}' is not a positive integer");
            if (!reference.Linux.TryAdd(f[0], new LinuxFigure(f[0], f[1], value, f[3], f.Length > 4 ? f[4] : "")))
                throw new BenchLogException($"{LinuxFile} line {line}: key '{f[0]}' listed twice");
        }

        foreach ((int line, string[] f) in Rows(targetsTsv, TargetsFile, 4, 4))
        {
            bool isCount = f[1] switch
            {
                "count" => true,
                "instructions" => false,
                _ => throw new BenchLogException($"{TargetsFile} line {line}: unit '{f[1]}' is neither 'instructions' nor 'count'"),
            };
            if (!reference.Targets.TryAdd(f[0], new BenchTarget(f[0], isCount, f[2], f[3])))
                throw new BenchLogException($"{TargetsFile} line {line}: key '{f[0]}' listed twice");
        }

        return reference;
    }

    /// <summary>bench.json as `bench-json` writes it: one flat object of integers.</summary>
    public static List<BenchResult> ReadJson(string json)
    {
        var results = new List<BenchResult>();
        using JsonDocument document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
            throw new BenchLogException("bench.json is not a JSON object");
        foreach (JsonProperty property in document.RootElement.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt64(out long value))
                throw new BenchLogException($"bench.json: '{property.Name}' is not an integer");
            results.Add(new BenchResult(property.Name, value));
        }

        if (results.Count == 0)
            throw new BenchLogException("bench.json holds no figures");
        results.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return results;
    }

    /// <summary>
    /// A verb of the form `verb &lt;bench.json&gt; &lt;bench-dir&gt; &lt;output&gt;`: reads the figures and the
    /// reference, lets <paramref name="write"/> produce the output file, prints what it returns.
    /// </summary>
    public static int RunVerb(ReadOnlySpan<string> args, string verb, string output, TextWriter stdout, TextWriter stderr,
        Func<List<BenchResult>, BenchReference, string, string> write)
    {
        if (args.Length != 3)
        {
            stderr.WriteLine($"usage: vireo-tools {verb} <bench.json> <bench-dir> <{output}>");
            return 2;
        }

        try
        {
            stdout.WriteLine(write(ReadJson(File.ReadAllText(args[0])), Load(args[1]), args[2]));
            return 0;
        }
        catch (Exception e) when (e is BenchLogException or IOException or UnauthorizedAccessException or JsonException)
        {
            stderr.WriteLine($"{verb}: {e.Message}");
            return 1;
        }
    }

    /// <summary>12,345: the grouping the README and the chart use.</summary>
    public static string Group(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    // Non-comment, non-blank lines split on tabs, with the field count checked.
    private static IEnumerable<(int Line, string[] Fields)> Rows(string text, string file, int minFields, int maxFields)
    {
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            string[] fields = line.Split('\t');
            if (fields.Length < minFields || fields.Length > maxFields || Array.Exists(fields[..minFields], f => f.Trim().Length == 0))
                throw new BenchLogException($"{file} line {i + 1}: expected {minFields} to {maxFields} tab-separated fields: {line}");
            yield return (i + 1, Array.ConvertAll(fields, f => f.Trim()));
        }
    }
}
