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
        // open's way, into a buffer: the same path, or -1 where there is none.
        var into = new byte[LinuxPaths.MaxVireo];
        int n = LinuxPaths.ToVireo(Encoding.ASCII.GetBytes(linux), into);
        Assert.Equal(vireo, n < 0 ? null : Encoding.ASCII.GetString(into, 0, n));
    }

    [Fact]
    public void TheLongestPathFitsTheBuffer()
    {
        var linux = new byte[LinuxPaths.Max];
        System.Array.Fill(linux, (byte)'a');
        linux[0] = (byte)'/';
        Assert.Equal(LinuxPaths.MaxVireo, LinuxPaths.ToVireo(linux, new byte[LinuxPaths.MaxVireo]));
    }

    [Theory]
    [InlineData("/scheme/sys", true)]
    [InlineData("/scheme/sys/ps", false)]
    [InlineData("/scheme", false)]
    [InlineData("/sys", false)]
    public void SchemeRootsAreKnown(string linux, bool root) => Assert.Equal(root, LinuxPaths.IsSchemeRoot(Encoding.ASCII.GetBytes(linux)));

    [Fact]
    public void ProcMountsNamesTheNamespacesFileSystems()
    {
        Assert.Equal("disk / ext2 rw 0 0\nfile /tmp tmpfs rw 0 0\n", Encoding.ASCII.GetString(LinuxPaths.Served("/proc/mounts"u8)));
        Assert.NotNull(LinuxPaths.Served("/proc/self/mounts"u8));
        Assert.Null(LinuxPaths.Served("/proc/meminfo"u8));
        Assert.Null(LinuxPaths.Served("/etc/passwd"u8));
    }
}
