// User space compiled as the build compiles it, for the discarded-Status check: corelib/ is its own
// system library (no .NET references), the user library (user/lib plus abi/ and common/) is bound
// against it, and each program against both. Binding user code against real .NET instead would
// leave calls unresolved where the core library differs, and programs would clash with each other's
// names if put in one compilation. A program's sources are what its .csproj compiles: every .cs
// under its folder (unless it turns default items off) plus its unconditional <Compile Include>s
// (the test image's conditional extras are not part of the program).
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Vireo.Tests.Diagnostics;

internal sealed class UserSpaceCompilations
{
    private static readonly CSharpParseOptions Parse = new(LanguageVersion.Latest);
    private static readonly CSharpCompilationOptions Options =
        new(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Disable);

    private readonly string _repo;
    private readonly CSharpCompilation _corelib;
    private readonly CSharpCompilation _userLib;

    public UserSpaceCompilations(string repo)
    {
        _repo = repo;
        _corelib = Compile("corelib", SourcesUnder("corelib"));
        _userLib = Compile("Vireo.User", SourcesUnder("user/lib", "abi", "common"), _corelib.ToMetadataReference());
    }

    public CSharpCompilation UserLib => _userLib;

    // Every program below `root` (a folder holding project folders, at any depth).
    public IEnumerable<CSharpCompilation> Programs(string root) =>
        Directory.EnumerateFiles(Path.Combine(_repo, root), "*.csproj", SearchOption.AllDirectories)
            .Where(p => !p.Contains(Sep("obj")))
            .OrderBy(p => p, StringComparer.Ordinal)
            .Select(Program);

    private CSharpCompilation Program(string project)
    {
        string dir = Path.GetDirectoryName(project)!;
        XDocument xml = XDocument.Load(project);
        bool defaults = !xml.Descendants("EnableDefaultCompileItems").Any(e => e.Value.Trim() == "false");
        var files = new SortedSet<string>(StringComparer.Ordinal);
        if (defaults)
            files.UnionWith(CsFiles(dir, "**/*.cs"));
        foreach (XElement compile in xml.Descendants("Compile"))
        {
            if (compile.Parent?.Attribute("Condition") != null || compile.Attribute("Include") is not { } include)
                continue;
            foreach (string pattern in include.Value.Split(';', StringSplitOptions.RemoveEmptyEntries))
                files.UnionWith(CsFiles(dir, pattern.Replace("$(MSBuildThisFileDirectory)", "").Trim()));
        }
        return Compile(Path.GetFileNameWithoutExtension(project), files,
            _corelib.ToMetadataReference(), _userLib.ToMetadataReference());
    }

    // The .cs files a Compile pattern names: a file, `DIR/*.cs` or `DIR/**/*.cs`, relative to `dir`.
    private static IEnumerable<string> CsFiles(string dir, string pattern)
    {
        pattern = pattern.Replace('\\', '/');
        bool deep = pattern.EndsWith("**/*.cs", StringComparison.Ordinal);
        if (!deep && !pattern.EndsWith("/*.cs", StringComparison.Ordinal) && pattern != "*.cs")
            return new[] { Path.GetFullPath(Path.Combine(dir, pattern)) };
        string folder = Path.GetFullPath(Path.Combine(dir, pattern[..^(deep ? "**/*.cs" : "*.cs").Length]));
        return Directory.EnumerateFiles(folder, "*.cs", deep ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly)
            .Where(f => !f.Contains(Sep("obj")) && !f.Contains(Sep("bin")));
    }

    private IEnumerable<string> SourcesUnder(params string[] roots) =>
        roots.SelectMany(r => CsFiles(Path.Combine(_repo, r), "**/*.cs"));

    private CSharpCompilation Compile(string name, IEnumerable<string> files, params MetadataReference[] references) =>
        CSharpCompilation.Create(name,
            files.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), Parse, Path.GetRelativePath(_repo, f))),
            references, Options);

    private static string Sep(string folder) => $"{Path.DirectorySeparatorChar}{folder}{Path.DirectorySeparatorChar}";
}
