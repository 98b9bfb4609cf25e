using System.Text;
using Vireo.Linux.Abi;
using Xunit;

namespace Vireo.Tests.Linux;

// The Linux path namespace: absolute and normal against a working directory, then a Vireo path.
public class LinuxPathsTests
{
    private static string Absolute(string cwd, string path) =>
        Encoding.ASCII.GetString(LinuxPaths.Absolute(Encoding.ASCII.GetBytes(cwd), Encoding.ASCII.GetBytes(path)));

    private static string ToVireo(string linux)
    {
        byte[] v = LinuxPaths.ToVireo(Encoding.ASCII.GetBytes(linux));
        return v == null ? null : Encoding.ASCII.GetString(v);
    }

    [Theory]
    [InlineData("/", "etc/passwd", "/etc/passwd")]
    [InlineData("/root", "x", "/root/x")]
    [InlineData("/root", "/etc//passwd", "/etc/passwd")]
    [InlineData("/root", "..", "/")]
    [InlineData("/", "..", "/")]
    [InlineData("/", "../../etc", "/etc")]
    [InlineData("/root", "./a/./b/../c/", "/root/a/c")]
    [InlineData("/", ".", "/")]
    [InlineData("/tmp", "a:b", "/tmp/a:b")]
    public void PathsAreMadeAbsoluteAndNormal(string cwd, string path, string want) => Assert.Equal(want, Absolute(cwd, path));

    [Fact]
    public void APathPastPathMaxIsRefused() =>
        Assert.Null(LinuxPaths.Absolute("/"u8, new byte[LinuxPaths.Max]));

    [Theory]
    [InlineData("/", "disk:/")]
    [InlineData("/etc/passwd", "disk:/etc/passwd")]
    [InlineData("/dev/null", "null:/")]
    [InlineData("/dev/zero", "zero:/")]
    [InlineData("/dev/urandom", "rand:/")]
    [InlineData("/dev/random", "rand:/")]
    [InlineData("/dev/tty", "tty:/")]
    [InlineData("/dev/console", "tty:/")]
    [InlineData("/dev/nosuch", "disk:/dev/nosuch")]
    [InlineData("/tmp", "file:/tmp")]
    [InlineData("/tmp/x", "file:/tmp/x")]
    [InlineData("/tmpx", "disk:/tmpx")]
    [InlineData("/scheme/sys", "sys:/")]
    [InlineData("/scheme/sys/ps", "sys:/ps")]
    [InlineData("/scheme/initfs/bin/busybox", "initfs:/bin/busybox")]
    [InlineData("/schemes", "disk:/schemes")]
    [InlineData("/scheme", null)]
    public void LinuxPathsNameSchemes(string linux, string vireo)
    {
        Assert.Equal(vireo, ToVireo(linux));
        // open's way: a prefix written before the Linux path makes the same Vireo path, when there is one.
        string prefix = Encoding.ASCII.GetString(LinuxPaths.Prefix(Encoding.ASCII.GetBytes(linux)));
        if (prefix.Length > 0) Assert.Equal(vireo, prefix + linux);
        Assert.True(prefix.Length == 0 || prefix.Length == LinuxPaths.MaxVireo - LinuxPaths.Max);
    }

    [Theory]
    [InlineData("/etc/passwd", "disk:")]
    [InlineData("/tmp/x", "file:")]
    [InlineData("/tmp", "file:")]
    [InlineData("/tmpx", "disk:")]
    [InlineData("/dev/null", "")]
    [InlineData("/scheme/sys", "")]
    public void MostPathsNeedOnlyAPrefix(string linux, string prefix) =>
        Assert.Equal(prefix, Encoding.ASCII.GetString(LinuxPaths.Prefix(Encoding.ASCII.GetBytes(linux))));

    [Theory]
    [InlineData("/scheme/sys", true)]
    [InlineData("/scheme/sys/ps", false)]
    [InlineData("/scheme", false)]
    [InlineData("/sys", false)]
    public void SchemeRootsAreKnown(string linux, bool root) => Assert.Equal(root, LinuxPaths.IsSchemeRoot(Encoding.ASCII.GetBytes(linux)));
}
