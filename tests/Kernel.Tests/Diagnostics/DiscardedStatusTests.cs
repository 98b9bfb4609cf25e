// A Status dropped on the floor is an error nobody hears of. This test binds the kernel's sources
// (kernel/, abi/, common/) with Roslyn against real .NET (the core library is a subset of it) and
// fails on every call returning Vireo.Abi.Status that is used as a statement. User space is not
// scanned yet: it drops about 300 (mostly closes and test clean-ups), to be sorted out by its owners.
// Ignoring one on purpose is written `_ = Call(...);` with a comment on that line or the line above
// saying why. Binding errors (bare-metal attributes, user programs' clashing names) do not matter:
// a call whose target is ambiguous counts when every candidate returns Status.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace Vireo.Tests.Diagnostics;

public class DiscardedStatusTests
{
    private static string Repo([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", ".."));

    [Fact]
    public void No_Status_result_is_discarded_in_the_kernel() => AssertNone("kernel", "abi", "common");

    [Fact]
    public void The_check_finds_a_dropped_status_and_accepts_a_commented_discard()
    {
        const string source = """
            namespace Vireo.Abi { public enum Status : long { Ok } }
            namespace Sample
            {
                using Vireo.Abi;
                static class C
                {
                    static Status Do() => Status.Ok;
                    static int Count() => 0;
                    static void Use()
                    {
                        Do();
                        Count();
                        // Nothing to undo if it fails.
                        _ = Do();
                        _ = Do();
                    }
                }
            }
            """;
        List<string> found = Find(new[] { CSharpSyntaxTree.ParseText(source, path: "sample.cs") });
        Assert.Equal(new[] { "sample.cs:11: Do()", "sample.cs:15: _ = Do() (no comment)" }, found);
    }

    private static void AssertNone(params string[] roots)
    {
        string repo = Repo();
        var trees = roots
            .SelectMany(r => Directory.EnumerateFiles(Path.Combine(repo, r), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), path: Path.GetRelativePath(repo, f)))
            .ToArray();
        Assert.NotEmpty(trees);
        List<string> found = Find(trees);
        Assert.True(found.Count == 0, "Status results discarded:\n" + string.Join("\n", found));
    }

    private static List<string> Find(SyntaxTree[] trees)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("scan", trees, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true));
        var found = new List<string>();
        foreach (SyntaxTree tree in trees)
        {
            SemanticModel model = compilation.GetSemanticModel(tree);
            foreach (ExpressionStatementSyntax statement in tree.GetRoot().DescendantNodes().OfType<ExpressionStatementSyntax>())
            {
                int line = statement.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                if (statement.Expression is InvocationExpressionSyntax call && ReturnsStatus(model, call))
                    found.Add($"{tree.FilePath}:{line}: {call}");
                else if (statement.Expression is AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.Text: "_" }, Right: InvocationExpressionSyntax discarded }
                         && ReturnsStatus(model, discarded) && !HasComment(statement))
                    found.Add($"{tree.FilePath}:{line}: {statement.Expression} (no comment)");
            }
        }
        return found;
    }

    private static bool ReturnsStatus(SemanticModel model, InvocationExpressionSyntax call)
    {
        SymbolInfo info = model.GetSymbolInfo(call);
        IEnumerable<ISymbol> candidates = info.Symbol != null ? new[] { info.Symbol } : info.CandidateSymbols;
        var methods = candidates.OfType<IMethodSymbol>().ToList();
        return methods.Count > 0 && methods.All(m => IsStatus(m.ReturnType));
    }

    private static bool IsStatus(ITypeSymbol type) =>
        type.Name == "Status" && type.ContainingNamespace?.ToDisplayString() == "Vireo.Abi";

    // A comment on the statement's line (trailing) or the line just above it (leading trivia).
    private static bool HasComment(StatementSyntax statement) =>
        statement.GetLeadingTrivia().Concat(statement.GetTrailingTrivia())
            .Any(t => t.IsKind(SyntaxKind.SingleLineCommentTrivia) || t.IsKind(SyntaxKind.MultiLineCommentTrivia));
}
