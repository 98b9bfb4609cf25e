// Argument parsing (user/lib/Programs/Arguments.cs) over a list of the tests' own.
using System;
using Encoding = System.Text.Encoding;
using StringBuilder = System.Text.StringBuilder;
using Vireo.User;
using Xunit;

namespace Vireo.Tests.UserLib;

public class ArgumentsTests
{
    private readonly struct ListSource : IArgumentSource
    {
        private readonly byte[][] _words;
        public ListSource(params string[] words)
        {
            _words = new byte[words.Length][];
            for (int i = 0; i < words.Length; i++) _words[i] = Encoding.ASCII.GetBytes(words[i]);
        }
        public int Count => _words.Length;
        public ReadOnlySpan<byte> Get(int index) => _words[index];
    }

    private static Arguments<ListSource> Parse(params string[] argv) => new Arguments<ListSource>(new ListSource(argv));

    private static string[] Positionals(Arguments<ListSource> a)
    {
        var list = new string[a.PositionalCount];
        for (int i = 0; i < list.Length; i++) list[i] = Encoding.ASCII.GetString(a.Positional(i));
        return list;
    }

    [Fact]
    public void Options_come_first_then_positional_arguments()
    {
        var a = Parse("/bin/x", "-n", "--pages=64", "--boot-bench", "file:/a", "-n", "b");
        Assert.True(a.Has("-n"));
        Assert.True(a.Has("--boot-bench"));
        Assert.True(a.Has("--pages"));
        Assert.False(a.Has("--page"));
        Assert.False(a.Has("-x"));
        Assert.Equal(new[] { "file:/a", "-n", "b" }, Positionals(a));   // after the first positional, "-n" is a word
        Assert.True(a.TryGetValue("--pages", out ReadOnlySpan<byte> v));
        Assert.Equal("64", Encoding.ASCII.GetString(v));
        Assert.False(a.TryGetValue("--boot-bench", out _));   // given without a value
        Assert.True(a.PositionalIs(1, "-n"));
        Assert.False(a.PositionalIs(3, "b"));
        Assert.True(a.Positional(7).IsEmpty);
    }

    [Fact]
    public void Double_dash_ends_the_options_and_a_lone_dash_is_positional()
    {
        var a = Parse("cat", "--", "-x", "-");
        Assert.False(a.Has("-x"));
        Assert.Equal(new[] { "-x", "-" }, Positionals(a));
        var b = Parse("cat", "-", "-n");
        Assert.Equal(new[] { "-", "-n" }, Positionals(b));
        Assert.False(b.Unknown(out _));
    }

    [Fact]
    public void No_arguments_and_only_options()
    {
        Assert.Equal(0, Parse("ls").PositionalCount);
        Assert.Equal(0, Parse().PositionalCount);
        var a = Parse("ls", "-l", "--");
        Assert.Equal(0, a.PositionalCount);
        Assert.True(a.Has("-l"));
    }

    [Fact]
    public void Unknown_names_the_first_option_not_known()
    {
        var a = Parse("ramfs", "--pages=4", "-v", "-q", "9");
        Assert.True(a.Unknown(out ReadOnlySpan<byte> bad, "--pages"));
        Assert.Equal("-v", Encoding.ASCII.GetString(bad));
        Assert.True(a.Unknown(out bad, "--pages", "-v"));
        Assert.Equal("-q", Encoding.ASCII.GetString(bad));
        Assert.False(a.Unknown(out _, "--pages", "-v", "-q"));
        Assert.False(Parse("kill", "9").Unknown(out _));
        Assert.True(Parse("kill", "-9", "5").Unknown(out bad));
        Assert.Equal("-9", Encoding.ASCII.GetString(bad));
    }
}
