using System.Linq;
using System.Text;
using Vireo.Linux.Abi;
using Xunit;

namespace Vireo.Tests.Linux;

// `linux`'s arguments: the login shell, a program by Linux or Vireo path, -t and -o.
public class LinuxCommandTests
{
    private static LinuxCommand Parse(params string[] args) => LinuxCommand.Parse(args.Select(Encoding.ASCII.GetBytes).ToArray());
    private static string S(byte[] b) => b == null ? null : Encoding.ASCII.GetString(b);

    [Fact]
    public void NoArgumentsIsTheLoginShell()
    {
        LinuxCommand c = Parse();
        Assert.True(c.Login);
        Assert.Equal("/bin/sh", S(c.Path));
        Assert.Equal(new[] { "-sh" }, c.Argv.Select(S));
        Assert.False(c.Trace);
    }

    [Fact]
    public void APathAndItsArguments()
    {
        LinuxCommand c = Parse("/bin/busybox", "ls", "-l", "/");
        Assert.False(c.Login);
        Assert.Equal(new[] { "/bin/busybox", "ls", "-l", "/" }, c.Argv.Select(S));
    }

    [Fact]
    public void TraceOptionsComeFirst()
    {
        LinuxCommand c = Parse("-t", "/bin/cat", "-t");
        Assert.True(c.Trace);
        Assert.Null(c.TraceFile);
        Assert.Equal(new[] { "/bin/cat", "-t" }, c.Argv.Select(S));
        c = Parse("-o", "/tmp/trace", "/bin/true");
        Assert.True(c.Trace);
        Assert.Equal("/tmp/trace", S(c.TraceFile));
        Assert.Equal("/bin/true", S(c.Path));
        Assert.True(Parse("-t").Login);   // a traced login shell
    }

    [Theory]
    [InlineData("-x")]
    [InlineData("-o")]
    public void AnUnknownOptionOrAMissingFileIsAUsageError(string option) => Assert.Equal(LinuxCommand.Usage, Parse(option, "/bin/true").Error ?? Parse(option).Error);

    [Theory]
    [InlineData("initfs:/bin/busybox", "initfs:/bin/busybox", "/bin/busybox")]
    [InlineData("/bin/busybox", "disk:/bin/busybox", "/bin/busybox")]
    [InlineData("bin//sh", "disk:/bin/sh", "/bin/sh")]
    [InlineData("/tmp/a.out", "file:/tmp/a.out", "/tmp/a.out")]
    [InlineData("/scheme/initfs/bin/x", "initfs:/bin/x", "/scheme/initfs/bin/x")]
    [InlineData("/tmp/a:b", "file:/tmp/a:b", "/tmp/a:b")]
    public void APathIsLocatedAsVireoAndLinuxPaths(string given, string vireo, string linux)
    {
        LinuxCommand.Locate(Encoding.ASCII.GetBytes(given), out byte[] v, out byte[] l);
        Assert.Equal(vireo, S(v));
        Assert.Equal(linux, S(l));
    }
}
