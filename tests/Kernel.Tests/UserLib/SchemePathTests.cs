// Path splitting and normalisation (user/lib/Text/SchemePath.cs), on the host.
using System;
using Encoding = System.Text.Encoding;
using StringBuilder = System.Text.StringBuilder;
using Vireo.Abi;
using Vireo.User;
using Xunit;

namespace Vireo.Tests.UserLib;

public class SchemePathTests
{
    private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);

    [Theory]
    [InlineData("file:/a/b", "file", "/a/b")]
    [InlineData("pipe:", "pipe", "")]
    [InlineData("/scheme/file/a", "file", "/a")]
    [InlineData("initfs:bin:x", "initfs", "bin:x")]
    public void Split_names_the_scheme_and_the_rest(string path, string scheme, string rest)
    {
        Assert.Equal(Status.Ok, SchemePath.Split(B(path), out ReadOnlySpan<byte> s, out ReadOnlySpan<byte> r));
        Assert.Equal(scheme, Encoding.ASCII.GetString(s));
        Assert.Equal(rest, Encoding.ASCII.GetString(r));
    }

    [Theory]
    [InlineData("no-scheme", Status.UnknownScheme)]
    [InlineData(":x", Status.UnknownScheme)]
    [InlineData("/scheme//x", Status.UnknownScheme)]
    [InlineData("abcdefghijabcdefghijabcdefghijabc:x", Status.NameTooLong)]   // 33 > MaxName
    public void Split_refuses(string path, Status expected) =>
        Assert.Equal(expected, SchemePath.Split(B(path), out _, out _));

    [Fact]
    public void Split_refuses_a_path_past_MaxFullPath()
    {
        var path = new byte[SchemeLimits.MaxFullPath + 1];
        Array.Fill(path, (byte)'a');
        path[1] = (byte)':';
        Assert.Equal(Status.NameTooLong, SchemePath.Split(path, out _, out _));
    }

    [Fact]
    public void Same_scheme_and_has_scheme()
    {
        Assert.True(SchemePath.SameScheme(B("file:/a"), B("file:/b")));
        Assert.True(SchemePath.SameScheme(B("/scheme/file/a"), B("file:b")));
        Assert.False(SchemePath.SameScheme(B("file:/a"), B("null:")));
        Assert.False(SchemePath.SameScheme(B("a"), B("a")));
        Assert.True(SchemePath.HasScheme(B("file:x")));
        Assert.False(SchemePath.HasScheme(B("ls")));
    }

    [Theory]
    [InlineData("file:/a//b/./c/../", "file:/a/b")]
    [InlineData("file:/..", "file:/")]
    [InlineData("file:/../../a", "file:/a")]
    [InlineData("file:/", "file:/")]
    [InlineData("file:", "file:")]
    [InlineData("file:a/./b/../../c", "file:c")]
    [InlineData("file:a/..", "file:")]
    [InlineData("file:///x///", "file:/x")]
    [InlineData("/scheme/file/a/./b", "/scheme/file/a/b")]
    [InlineData("a//b/../c", "a/c")]        // no scheme: all of it
    [InlineData("/a/b/..", "/a")]
    [InlineData("initfs:/bin/ls", "initfs:/bin/ls")]
    public void Normalize(string path, string expected)
    {
        var into = new byte[64];
        int n = SchemePath.Normalize(B(path), into);
        Assert.Equal(expected, Encoding.ASCII.GetString(into, 0, n));
    }

    // What a daemon receives (the part after "name:"), normalised where it lies.
    [Theory]
    [InlineData("", "")]
    [InlineData("/", "/")]
    [InlineData("..", "")]
    [InlineData("/..", "/")]
    [InlineData("/../..", "/")]
    [InlineData("/../../a/..", "/")]
    [InlineData("//", "/")]
    [InlineData("///etc//x", "/etc/x")]
    [InlineData("/./etc/./x/.", "/etc/x")]
    [InlineData("/etc/x/", "/etc/x")]
    [InlineData("etc//x/", "etc/x")]
    [InlineData("/a/b/../../../c", "/c")]
    [InlineData("/...", "/...")]              // three dots is a name
    [InlineData("/.a/..b", "/.a/..b")]
    [InlineData("/bench-open", "/bench-open")]
    [InlineData("/longer-than-eight//x", "/longer-than-eight/x")]
    [InlineData("/eight-by/./x", "/eight-by/x")]
    [InlineData("/sixteen-bytes-ab/..", "/")]
    [InlineData("/a\0b", "/a\0b")]        // a NUL is not a separator outside Rename
    public void NormalizeInPlace_one_path(string data, string expected) => Assert.Equal(expected, InPlace(data, pair: false));

    [Theory]
    [InlineData("/../a/\0//b/./", "/a\0/b")]
    [InlineData("/a\0/..", "/a\0/")]
    [InlineData("\0", "\0")]
    [InlineData("//x//\0y", "/x\0y")]
    [InlineData("/a/b/c/../..\0/d/e/f/..", "/a\0/d/e")]
    [InlineData("/a", "/a")]                   // no NUL: one path (the daemon refuses it)
    public void NormalizeInPlace_rename_pair(string data, string expected) => Assert.Equal(expected, InPlace(data, pair: true));

    private static string InPlace(string data, bool pair)
    {
        byte[] bytes = B(data);
        int n = SchemePath.NormalizeInPlace(bytes, pair);
        return Encoding.ASCII.GetString(bytes, 0, n);
    }

    [Fact]
    public unsafe void NormalizeInPlace_agrees_with_Normalize()
    {
        var rng = new Random(11);
        string[] parts = { "a", "bc", ".", "..", "", "...", ".e", "d", "f", "eight-by", "longer-than-eight", "nine-byte" };
        var into = new byte[300];
        for (int i = 0; i < 2000; i++)
        {
            // Already normal often enough (the fast path) and not (the rewrite).
            var sb = new StringBuilder(rng.Next(2) == 0 ? "/" : "");
            int count = rng.Next(8);
            for (int k = 0; k < count; k++)
            {
                if (k > 0) sb.Append(rng.Next(4) == 0 ? "//" : "/");
                sb.Append(parts[rng.Next(parts.Length)]);
            }
            if (rng.Next(4) == 0) sb.Append('/');
            byte[] data = B(sb.ToString());
            int n = SchemePath.Normalize(B("x:" + sb), into);
            bool normal;
            fixed (byte* p = data) normal = SchemePath.IsNormal(p, data.Length);
            int m = SchemePath.NormalizeInPlace(data, pair: false);
            Assert.Equal(Encoding.ASCII.GetString(into, 2, n - 2), Encoding.ASCII.GetString(data, 0, m));
            Assert.Equal(sb.ToString() == Encoding.ASCII.GetString(data, 0, m), normal);   // the fast path: exactly when nothing changes
        }
    }

    [Fact]
    public void Normalize_says_when_it_does_not_fit()
    {
        Assert.Equal(-1, SchemePath.Normalize(B("file:/abc"), new byte[8]));
        Assert.Equal(9, SchemePath.Normalize(B("file:/abc"), new byte[9]));
        Assert.Equal(-1, SchemePath.Normalize(B("file:/"), new byte[5]));
        Assert.Equal(-1, SchemePath.Normalize(B("file:x"), new byte[3]));
    }

    [Fact]
    public void Normalize_is_idempotent_over_random_paths()
    {
        var rng = new Random(7);
        string[] parts = { "a", "bc", ".", "..", "", "d" };
        var once = new byte[300];
        var twice = new byte[300];
        for (int i = 0; i < 2000; i++)
        {
            var sb = new StringBuilder("file:");
            int count = rng.Next(8);
            for (int k = 0; k < count; k++) sb.Append(rng.Next(2) == 0 ? "/" : "//").Append(parts[rng.Next(parts.Length)]);
            int n1 = SchemePath.Normalize(B(sb.ToString()), once);
            int n2 = SchemePath.Normalize(once.AsSpan(0, n1), twice);
            Assert.Equal(Encoding.ASCII.GetString(once, 0, n1), Encoding.ASCII.GetString(twice, 0, n2));
            string rest = Encoding.ASCII.GetString(once, 5, n1 - 5);
            Assert.DoesNotContain("//", rest);
            Assert.DoesNotContain("/./", rest + "/");
            Assert.DoesNotContain("..", rest);
        }
    }
}
