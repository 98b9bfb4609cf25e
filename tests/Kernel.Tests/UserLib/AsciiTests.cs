// The program library's ASCII helpers and the Text appender (user/lib/Text), on the host.
using System;
using Encoding = System.Text.Encoding;
using StringBuilder = System.Text.StringBuilder;
using Vireo.Abi;
using Vireo.User;
using Xunit;

namespace Vireo.Tests.UserLib;

public unsafe class AsciiTests
{
    private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);

    [Fact]
    public void IndexOf_a_word()
    {
        Assert.Equal(4, Ascii.IndexOf(B("PID PARENT NAME"), "PARENT"));
        Assert.Equal(0, Ascii.IndexOf(B("abc"), "abc"));
        Assert.Equal(2, Ascii.IndexOf(B("aaab"), "ab"));      // a false start is passed over
        Assert.Equal(-1, Ascii.IndexOf(B("abc"), "abcd"));   // longer than the text
        Assert.Equal(-1, Ascii.IndexOf(B("ab c"), "bc"));
        Assert.Equal(0, Ascii.IndexOf(B("x"), ""));
        Assert.Equal(-1, Ascii.IndexOf(ReadOnlySpan<byte>.Empty, "a"));
        Assert.True(Ascii.Contains(B(" svctest\n ramfs\n"), " ramfs\n"));
        Assert.False(Ascii.Contains(B(" svctest\n"), " ramfs\n"));
    }

    [Fact]
    public void ToString_gives_one_char_per_byte()
    {
        Assert.Equal("/bin/sh", Ascii.ToString(B("/bin/sh")));
        Assert.Equal("", Ascii.ToString(ReadOnlySpan<byte>.Empty));
        Assert.Equal("a\u00e9\u0000b", Ascii.ToString(new byte[] { (byte)'a', 0xE9, 0, (byte)'b' }));   // Latin-1, NUL kept
    }

    [Fact]
    public void Equals_and_StartsWith()
    {
        Assert.True(Ascii.Equals(B("echo"), "echo"));
        Assert.False(Ascii.Equals(B("echo"), "ech"));
        Assert.False(Ascii.Equals(B("ech"), "echo"));
        Assert.False(Ascii.Equals(B("e?"), "e\u00e9"));   // above 0x7F: no byte matches
        Assert.True(Ascii.Equals(B("ab"), B("ab")));
        Assert.False(Ascii.Equals(B("ab"), B("ac")));
        Assert.True(Ascii.Equals(ReadOnlySpan<byte>.Empty, ""));
        Assert.True(Ascii.StartsWith(B("memory=21"), "memory="));
        Assert.False(Ascii.StartsWith(B("mem"), "memory="));
        Assert.True(Ascii.StartsWith(B("abc"), B("ab")));
        Assert.False(Ascii.StartsWith(B("abc"), B("b")));
    }

    [Fact]
    public void NextWord_splits_on_spaces_and_tabs()
    {
        var line = B("  daemon\tfile  initfs:/bin/ramfs 64 ");
        int at = 0;
        var words = new System.Collections.Generic.List<string>();
        while (Ascii.NextWord(line, ref at, out ReadOnlySpan<byte> w)) words.Add(Encoding.ASCII.GetString(w));
        Assert.Equal(new[] { "daemon", "file", "initfs:/bin/ramfs", "64" }, words);
        Assert.Equal(line.Length, at);
    }

    [Fact]
    public void NextLine_keeps_a_last_line_without_newline()
    {
        var text = B("a\n\nbc");
        int at = 0;
        var lines = new System.Collections.Generic.List<string>();
        while (Ascii.NextLine(text, ref at, out ReadOnlySpan<byte> l)) lines.Add(Encoding.ASCII.GetString(l));
        Assert.Equal(new[] { "a", "", "bc" }, lines);
    }

    [Fact]
    public void Copy_cuts_and_replaces_what_is_not_ascii()
    {
        var into = new byte[3];
        Assert.Equal(3, Ascii.Copy("a\u00e9cd", into));
        Assert.Equal("a?c", Encoding.ASCII.GetString(into));
    }

    [Fact]
    public void Text_appends_and_says_when_it_cut()
    {
        byte* buffer = stackalloc byte[16];
        var t = new Text(buffer, 16);
        t.Str("pid ");
        t.Number(42, 4);
        t.Char(' ');
        t.Signed(-7);
        t.Char(' ');
        t.Hex(0xbeef);
        Assert.Equal("pid   42 -7 beef", Encoding.ASCII.GetString(t.Written.ToArray()));
        Assert.False(t.Cut);
        t.Char('!');
        Assert.True(t.Cut);
        Assert.Equal(16, t.Length);
    }

    [Theory]
    [InlineData(5UL, 2, "05")]
    [InlineData(5UL, 3, "005")]
    [InlineData(50UL, 3, "050")]
    [InlineData(123UL, 2, "123")]
    [InlineData(0UL, 1, "0")]
    public void Text_Padded(ulong value, int digits, string expected)
    {
        byte* buffer = stackalloc byte[8];
        var t = new Text(buffer, 8);
        t.Padded(value, digits);
        Assert.Equal(expected, Encoding.ASCII.GetString(t.Written.ToArray()));
    }

    [Fact]
    public void Every_status_has_words()
    {
        foreach (Status s in Enum.GetValues<Status>())
            Assert.False(string.IsNullOrEmpty(StatusText.Describe(s)));
        Assert.Equal("no such file or directory", StatusText.Describe(Status.NotFound));
        Assert.Equal("unexpected error", StatusText.Describe((Status)999));
    }
}
