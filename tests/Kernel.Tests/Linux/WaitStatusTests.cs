using Vireo.Linux.Abi;
using Xunit;

namespace Vireo.Tests.Linux;

// The wait status word and waitid's siginfo as Linux encodes them (glibc's WIFEXITED and friends
// decode the word), the pid selectors and the options each call accepts.
public class WaitStatusTests
{
    [Fact]
    public void StatusWords()
    {
        Assert.Equal(0x2A00, WaitStatus.Exited(42));
        Assert.Equal(0x0100, WaitStatus.Exited(257));   // the low byte only
        Assert.Equal(11, WaitStatus.Killed(11));
        Assert.Equal(0x8B, WaitStatus.Killed(11, core: true));
        Assert.Equal(0x137F, WaitStatus.Stopped(19));   // WIFSTOPPED, WSTOPSIG 19 (SIGSTOP)
        Assert.Equal(0xFFFF, WaitStatus.Continued);
        Assert.True(WaitStatus.IsExited(WaitStatus.Exited(3)));
        Assert.True(WaitStatus.IsSignaled(WaitStatus.Killed(9)));
        Assert.False(WaitStatus.IsSignaled(WaitStatus.Stopped(19)));
    }

    [Theory]
    [InlineData(0x0500, WaitStatus.CldExited, 5)]
    [InlineData(9, WaitStatus.CldKilled, 9)]
    [InlineData(0x8B, WaitStatus.CldDumped, 11)]
    public void Siginfo(int status, int code, int value)
    {
        WaitStatus.Siginfo(status, out int c, out int v);
        Assert.Equal(code, c);
        Assert.Equal(value, v);
    }

    [Fact]
    public void Options()
    {
        Assert.Equal(0, WaitStatus.CheckWait4(WaitStatus.WNohang | WaitStatus.WUntraced | WaitStatus.WContinued | WaitStatus.WAll));
        Assert.Equal(Errno.EINVAL, WaitStatus.CheckWait4(WaitStatus.WNowait));   // waitid's only
        Assert.Equal(Errno.EINVAL, WaitStatus.CheckWait4(0x1000));
        Assert.Equal(0, WaitStatus.CheckWaitid(WaitStatus.WExited | WaitStatus.WNowait));
        Assert.Equal(Errno.EINVAL, WaitStatus.CheckWaitid(WaitStatus.WNohang));   // no kind of event
        Assert.Equal(Errno.EINVAL, WaitStatus.CheckWaitid(WaitStatus.WExited | 0x1000));
    }

    [Fact]
    public void CloneChildrenNeedWclone()
    {
        Assert.True(WaitStatus.ExitSignalMatches(17, 0));
        Assert.False(WaitStatus.ExitSignalMatches(0, 0));
        Assert.True(WaitStatus.ExitSignalMatches(0, WaitStatus.WClone));
        Assert.False(WaitStatus.ExitSignalMatches(17, WaitStatus.WClone));
        Assert.True(WaitStatus.ExitSignalMatches(0, WaitStatus.WAll));
        Assert.True(WaitStatus.ExitSignalMatches(17, WaitStatus.WAll));
    }

    [Fact]
    public void Wait4Selectors()
    {
        Assert.Equal(0, WaitSelector.ForWait4(-1, 100, out WaitSelector any));
        Assert.True(any.Selects(123, 456));
        Assert.Equal(0, WaitSelector.ForWait4(0, 100, out WaitSelector own));
        Assert.True(own.Selects(123, 100));
        Assert.False(own.Selects(123, 101));
        Assert.Equal(0, WaitSelector.ForWait4(-200, 100, out WaitSelector group));
        Assert.True(group.Selects(5, 200));
        Assert.False(group.Selects(200, 100));
        Assert.Equal(0, WaitSelector.ForWait4(123, 100, out WaitSelector one));
        Assert.True(one.Selects(123, 7));
        Assert.False(one.Selects(124, 7));
        Assert.Equal(Errno.ESRCH, WaitSelector.ForWait4(int.MinValue, 100, out _));
    }

    [Fact]
    public void WaitidSelectors()
    {
        Assert.Equal(0, WaitSelector.ForWaitid(WaitStatus.PAll, 99, 100, out WaitSelector any));
        Assert.True(any.Selects(1, 2));
        Assert.Equal(Errno.EINVAL, WaitSelector.ForWaitid(WaitStatus.PPid, 0, 100, out _));
        Assert.Equal(0, WaitSelector.ForWaitid(WaitStatus.PPgid, 0, 100, out WaitSelector own));
        Assert.True(own.Selects(3, 100));
        Assert.Equal(Errno.EINVAL, WaitSelector.ForWaitid(WaitStatus.PPgid, -1, 100, out _));
        Assert.Equal(Errno.EBADF, WaitSelector.ForWaitid(WaitStatus.PPidfd, 3, 100, out _));
        Assert.Equal(Errno.EINVAL, WaitSelector.ForWaitid(7, 0, 100, out _));
    }
}
