using System.Text;
using Vireo.Kernel.Multiboot;
using Xunit;

namespace Vireo.Tests.Boot;

public class KernelCommandLineTests
{
    private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);

    [Fact]
    public void FlagsMatchWholeWordsOnly()
    {
        var c = new KernelCommandLine(B("build/kernel.bin test  fault=pf"));
        Assert.True(c.Has("test"));
        Assert.True(c.Has("fault"));
        Assert.False(c.Has("tes"));
        Assert.False(c.Has("bench"));
        Assert.False(c.Has("kernel.bin"));
    }

    [Fact]
    public void ValuesFollowTheEqualsSign()
    {
        var c = new KernelCommandLine(B("fault=stack bare"));
        Assert.True(c.TryGetValue("fault", out var v));
        Assert.True(KernelCommandLine.Equals(v, "stack"));
        Assert.True(c.TryGetValue("bare", out var empty));
        Assert.Equal(0, empty.Length);
        Assert.False(c.TryGetValue("missing", out _));
    }

    [Fact]
    public void TextEndsAtNulAndEmptyIsFine()
    {
        var c = new KernelCommandLine(B("test\0bench"));
        Assert.True(c.Has("test"));
        Assert.False(c.Has("bench"));
        Assert.False(new KernelCommandLine(default).Has("test"));
    }
}
