// bench-json: collects `BENCH <name> <integer>` records from a benchmark kernel's serial log
// and writes them as a flat JSON object. Output bytes are a pure function of the set of
// records (keys sorted ordinally, "\n" line endings, trailing newline) so bench.json files
// diff cleanly between runs. Anything suspicious (a malformed BENCH record, a name reported
// twice, no records at all) is an error rather than silently dropped: a benchmark that did
// not run must not look like one that did.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace Vireo.Tools;

public sealed class BenchLogException(string message) : Exception(message);

public readonly record struct BenchResult(string Name, long Value);

public static class BenchLog
{
    private const string Marker = "BENCH";
    private static readonly char[] Separators = [' ', '\t', '\r', '\f', '\v', '\0'];

    /// <summary>
    /// Finds every line with a whitespace-separated BENCH token (anything before it, such as a log
    /// prefix, is ignored); the two tokens after it must be the name and an integer and nothing may follow.
    /// Returns the records in ordinal name order.
    /// </summary>
    public static List<BenchResult> Parse(string log)
    {
        var results = new List<BenchResult>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        string[] lines = log.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            int lineNumber = i + 1;
            string[] tokens = lines[i].Split(Separators, StringSplitOptions.RemoveEmptyEntries);
            int marker = Array.IndexOf(tokens, Marker);
            if (marker < 0)
                continue;
            if (tokens.Length - marker != 3)
                throw new BenchLogException($"line {lineNumber}: expected 'BENCH <name> <integer>': {lines[i].TrimEnd()}");

            string name = tokens[marker + 1];
            if (!long.TryParse(tokens[marker + 2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
                throw new BenchLogException($"line {lineNumber}: '{tokens[marker + 2]}' is not an integer");
            // Every figure counts instructions (or processes): 0 or less is a benchmark that failed
            // and reported so, never a measurement.
            if (value <= 0)
                throw new BenchLogException($"line {lineNumber}: benchmark '{name}' failed (value {value})");
            if (seen.TryGetValue(name, out int firstLine))
                throw new BenchLogException($"line {lineNumber}: duplicate benchmark '{name}' (first on line {firstLine})");

            seen.Add(name, lineNumber);
            results.Add(new BenchResult(name, value));
        }

        if (results.Count == 0)
            throw new BenchLogException("no BENCH lines found");

        results.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return results;
    }

    /// <summary>{"name": value} with one key per line, keys in ordinal order, "\n" endings and a trailing newline.</summary>
    public static string ToJson(IReadOnlyList<BenchResult> results)
    {
        var sorted = new List<BenchResult>(results);
        sorted.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));

        var json = new StringBuilder();
        json.Append("{\n");
        for (int i = 0; i < sorted.Count; i++)
        {
            json.Append("  ");
            AppendJsonString(json, sorted[i].Name);
            json.Append(": ");
            json.Append(sorted[i].Value.ToString(CultureInfo.InvariantCulture));
            json.Append(i + 1 < sorted.Count ? ",\n" : "\n");
        }

        json.Append("}\n");
        return json.ToString();
    }

    /// <summary>Human-readable table: name and instructions per operation, right-aligned.</summary>
    public static string FormatTable(IReadOnlyList<BenchResult> results)
    {
        const string nameHeader = "benchmark";
        const string valueHeader = "instructions/op";
        int nameWidth = nameHeader.Length;
        int valueWidth = valueHeader.Length;
        foreach (BenchResult result in results)
        {
            nameWidth = Math.Max(nameWidth, result.Name.Length);
            valueWidth = Math.Max(valueWidth, result.Value.ToString(CultureInfo.InvariantCulture).Length);
        }

        var table = new StringBuilder();
        table.Append(nameHeader.PadRight(nameWidth)).Append("  ").Append(valueHeader.PadLeft(valueWidth)).Append('\n');
        table.Append(new string('-', nameWidth)).Append("  ").Append(new string('-', valueWidth)).Append('\n');
        foreach (BenchResult result in results)
        {
            table.Append(result.Name.PadRight(nameWidth)).Append("  ")
                .Append(result.Value.ToString(CultureInfo.InvariantCulture).PadLeft(valueWidth)).Append('\n');
        }

        return table.ToString();
    }

    /// <summary>The `bench-json &lt;serial.log&gt; &lt;out.json&gt;` verb.</summary>
    public static int Run(ReadOnlySpan<string> args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length != 2)
        {
            stderr.WriteLine("usage: vireo-tools bench-json <serial.log> <out.json>");
            return 2;
        }

        try
        {
            // Serial logs may hold stray non-UTF-8 bytes; they decode to U+FFFD and cannot form a BENCH token.
            List<BenchResult> results = Parse(File.ReadAllText(args[0], Encoding.UTF8));
            File.WriteAllBytes(args[1], new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(ToJson(results)));
            stdout.Write(FormatTable(results));
            return 0;
        }
        catch (Exception e) when (e is BenchLogException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"bench-json: {args[0]}: {e.Message}");
            return 1;
        }
    }

    private static void AppendJsonString(StringBuilder json, string value)
    {
        json.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                default:
                    if (c < 0x20)
                        json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else
                        json.Append(c);
                    break;
            }
        }

        json.Append('"');
    }
}
