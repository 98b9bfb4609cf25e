// A Status dropped on the floor is an error nobody hears of. These tests bind Vireo's sources with
// Roslyn and fail on every call returning Vireo.Abi.Status whose result is dropped: used as a
// statement, or as the expression body of something that returns nothing. Ignoring one on purpose is
// written `_ = Call(...);` with a comment on that line or the line above saying why (a run of such
// discards shares its first one's comment). One test per tree (kernel, user library, servers,
// drivers, programs), so a failure names the tree; docs/design/testing.md, "Discarded statuses".
// The kernel (kernel/, abi/, common/) is bound against real .NET, the core library being a subset of
// it; its binding errors (bare-metal attributes) do not matter, and a call whose target is ambiguous
// counts when every candidate returns Status. User space is bound as the build compiles it
// (UserSpaceCompilations) and must bind without errors, so no call escapes the check unresolved.
// corelib/ is not scanned: it lies below abi/ and cannot name Status.
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
    // Calls whose only status is Ok (docs/design/syscalls.md: Yield, Sleep): their result says
    // nothing, so `Sys.Sleep(n);` needs no discard.
    private static readonly HashSet<string> OnlyOk = new() { "Vireo.User.Sys.Sleep", "Vireo.User.Sys.Yield" };

    private static readonly Lazy<UserSpaceCompilations> User = new(() => new UserSpaceCompilations(Repo()));

    private static string Repo([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", ".."));

    [Fact]
    public void No_Status_result_is_discarded_in_the_kernel()
    {
        string repo = Repo();
        var trees = new[] { "kernel", "abi", "common" }
            .SelectMany(r => Directory.EnumerateFiles(Path.Combine(repo, r), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), path: Path.GetRelativePath(repo, f)))
            .ToArray();
        Assert.NotEmpty(trees);
        AssertNone(Find(HostCompilation(trees)));
    }

    [Fact]
    public void No_Status_result_is_discarded_in_the_user_library() => AssertNone(Scan(User.Value.UserLib, "user/lib/"));

    [Fact]
    public void No_Status_result_is_discarded_in_the_servers() => AssertNoneInPrograms("user/servers");

    [Fact]
    public void No_Status_result_is_discarded_in_the_drivers() => AssertNoneInPrograms("user/drivers");

    [Fact]
    public void No_Status_result_is_discarded_in_the_programs() => AssertNoneInPrograms("user/apps");

    [Fact]
    public void No_Status_result_is_discarded_in_the_personalities() => AssertNoneInPrograms("user/personality");

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
                        Count();
                        _ = Do();
                        // Nothing to undo either.
                        if (Count() == 0) _ = Do();
                        if (Count() == 1) _ = Do();
                    }
                    static void Arrow() => Do();
                    // Fine to drop.
                    static void Explained() => _ = Do();
                    static void Lambda() { System.Action a = () => Do(); }
                }
            }
            """;
        var compilation = HostCompilation(new[] { CSharpSyntaxTree.ParseText(source, path: "sample.cs") });
        Assert.Equal(new[]
        {
            "sample.cs:11: Do()", "sample.cs:17: _ = Do() (no comment)", "sample.cs:20: _ = Do() (no comment)",
            "sample.cs:22: Do()", "sample.cs:25: Do()",
        }, Find(compilation));
    }

    private static CSharpCompilation HostCompilation(SyntaxTree[] trees)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Select(p => MetadataReference.CreateFromFile(p));
        return CSharpCompilation.Create("scan", trees, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true));
    }

    private static void AssertNoneInPrograms(string root)
    {
        var found = new List<string>();
        int programs = 0;
        foreach (CSharpCompilation program in User.Value.Programs(root))
        {
            programs++;
            found.AddRange(Scan(program, root + "/"));
        }
        Assert.True(programs > 0, $"no project under {root}");
        AssertNone(found.Distinct().ToList());
    }

    // The findings in the files under `prefix` (a program may compile files of another tree too),
    // after checking that the compilation binds: an unresolved call could hide a discard.
    private static List<string> Scan(CSharpCompilation compilation, string prefix)
    {
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Take(10).ToList();
        Assert.True(errors.Count == 0, $"{compilation.AssemblyName} does not bind:\n" + string.Join("\n", errors));
        return Find(compilation, tree => tree.FilePath.Replace('\\', '/').StartsWith(prefix, StringComparison.Ordinal));
    }

    private static void AssertNone(List<string> found) =>
        Assert.True(found.Count == 0, $"Status results discarded ({found.Count}):\n" + string.Join("\n", found));

    private static List<string> Find(CSharpCompilation compilation, Func<SyntaxTree, bool> scanned = null)
    {
        var found = new List<string>();
        foreach (SyntaxTree tree in compilation.SyntaxTrees.Where(t => scanned == null || scanned(t)))
        {
            SemanticModel model = compilation.GetSemanticModel(tree);
            foreach (ExpressionStatementSyntax statement in tree.GetRoot().DescendantNodes().OfType<ExpressionStatementSyntax>())
            {
                int line = statement.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                if (statement.Expression is InvocationExpressionSyntax call && ReturnsStatus(model, call))
                    found.Add($"{tree.FilePath}:{line}: {call}");
                else if (IsDiscard(model, statement) && !Explained(model, statement))
                    found.Add($"{tree.FilePath}:{line}: {statement.Expression} (no comment)");
            }
            // `void F() => Call();` and `() => Call()` as an Action drop the result just the same.
            foreach (SyntaxNode node in tree.GetRoot().DescendantNodes())
            {
                if (VoidExpressionBody(model, node) is not { } body) continue;
                int line = body.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                if (body is InvocationExpressionSyntax call && ReturnsStatus(model, call))
                    found.Add($"{tree.FilePath}:{line}: {call}");
                else if (body is AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.Text: "_" }, Right: InvocationExpressionSyntax discarded }
                         && ReturnsStatus(model, discarded) && !HasComment(node))
                    found.Add($"{tree.FilePath}:{line}: {body} (no comment)");
            }
        }
        return found;
    }

    private static bool ReturnsStatus(SemanticModel model, InvocationExpressionSyntax call)
    {
        SymbolInfo info = model.GetSymbolInfo(call);
        IEnumerable<ISymbol> candidates = info.Symbol != null ? new[] { info.Symbol } : info.CandidateSymbols;
        var methods = candidates.OfType<IMethodSymbol>().ToList();
        return methods.Count > 0 && methods.All(m => IsStatus(m.ReturnType) && !OnlyOk.Contains($"{m.ContainingType}.{m.Name}"));
    }

    private static bool IsStatus(ITypeSymbol type) =>
        type.Name == "Status" && type.ContainingNamespace?.ToDisplayString() == "Vireo.Abi";

    private static bool IsDiscard(SemanticModel model, StatementSyntax statement) =>
        statement is ExpressionStatementSyntax
        {
            Expression: AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.Text: "_" }, Right: InvocationExpressionSyntax call }
        } && ReturnsStatus(model, call);

    // A discard is explained by a comment of its own, or by the one over a run of discards it
    // continues (the statement before it in the same block is an explained discard).
    private static bool Explained(SemanticModel model, StatementSyntax statement)
    {
        if (HasComment(statement)) return true;
        if (statement.Parent is not BlockSyntax block) return false;
        int at = block.Statements.IndexOf(statement);
        return at > 0 && IsDiscard(model, block.Statements[at - 1]) && Explained(model, block.Statements[at - 1]);
    }

    // The expression body of a method, local function or lambda that returns nothing.
    private static ExpressionSyntax VoidExpressionBody(SemanticModel model, SyntaxNode node) => node switch
    {
        MethodDeclarationSyntax { ExpressionBody: { } arrow } m when m.ReturnType is PredefinedTypeSyntax { Keyword.Text: "void" } => arrow.Expression,
        LocalFunctionStatementSyntax { ExpressionBody: { } arrow } f when f.ReturnType is PredefinedTypeSyntax { Keyword.Text: "void" } => arrow.Expression,
        LambdaExpressionSyntax { ExpressionBody: { } body } lambda when model.GetSymbolInfo(lambda).Symbol is IMethodSymbol { ReturnsVoid: true } => body,
        _ => null,
    };

    // A comment on the statement's line (trailing) or the line just above it (leading trivia); for a
    // statement that shares its line with the `if` or loop around it, that one's comments count too.
    private static bool HasComment(SyntaxNode node)
    {
        while (true)
        {
            if (node.GetLeadingTrivia().Concat(node.GetTrailingTrivia())
                .Any(t => t.IsKind(SyntaxKind.SingleLineCommentTrivia) || t.IsKind(SyntaxKind.MultiLineCommentTrivia)))
                return true;
            SyntaxNode outer = node.Parent is ElseClauseSyntax ? node.Parent : node.Parent as StatementSyntax;
            if (outer == null || Line(outer) != Line(node)) return false;
            node = outer;
        }
    }

    private static int Line(SyntaxNode node) => node.GetLocation().GetLineSpan().StartLinePosition.Line;
}
