using Vireo.Linux.Abi;
using Xunit;

namespace Vireo.Tests.Linux;

// clone's flags as Linux checks them (copy_process), and what the personality makes of them.
public class CloneTests
{
    private const ulong SigChld = 17;

    [Fact]
    public void GlibcForkIsACopyWithTidWrites()
    {
        // glibc 2.36's _Fork: CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD.
        Assert.Equal(0, CloneRequest.Decode(CloneFlags.ChildSetTid | CloneFlags.ChildClearTid | SigChld, -1, out CloneRequest r));
        Assert.False(r.SharesMemory);
        Assert.False(r.Vfork);
        Assert.True(r.ChildSetTid);
        Assert.True(r.ChildClearTid);
        Assert.False(r.ParentSetTid);
        Assert.Equal(17, r.ExitSignal);
    }

    [Fact]
    public void VforkSharesAndWaits()
    {
        Assert.Equal(0, CloneRequest.Decode(CloneFlags.Vm | CloneFlags.Vfork | SigChld, -1, out CloneRequest r));
        Assert.True(r.SharesMemory);
        Assert.True(r.Vfork);
    }

    [Fact]
    public void VforkWithoutVmIsACopyTheParentWaitsFor()
    {
        Assert.Equal(0, CloneRequest.Decode(CloneFlags.Vfork | SigChld, -1, out CloneRequest r));
        Assert.False(r.SharesMemory);
        Assert.True(r.Vfork);
    }

    [Theory]
    [InlineData(CloneFlags.Thread)]                                       // CLONE_THREAD without CLONE_SIGHAND
    [InlineData(CloneFlags.Sighand)]                                      // CLONE_SIGHAND without CLONE_VM
    [InlineData(CloneFlags.NewNs | CloneFlags.Fs)]
    [InlineData(CloneFlags.NewUser | CloneFlags.Fs)]
    [InlineData(CloneFlags.Pidfd | CloneFlags.Detached)]
    public void LinuxRefusals(ulong flags)
    {
        Assert.Equal(Errno.EINVAL, CloneRequest.Decode(flags, -1, out _));
    }

    [Theory]
    [InlineData(CloneFlags.Vm | SigChld)]                                 // a thread-like child without vfork
    [InlineData(CloneFlags.Vm | CloneFlags.Sighand | CloneFlags.Thread)]  // a thread sharing no files or fs
    [InlineData(CloneFlags.Vm | CloneFlags.Sighand | SigChld)]            // shared handlers, no thread
    [InlineData(ThreadFlags | CloneFlags.Vfork)]                          // a thread that is a vfork
    [InlineData(CloneFlags.Files | SigChld)]
    [InlineData(CloneFlags.NewPid | SigChld)]
    public void WhatThePersonalityDoesNotDo(ulong flags)
    {
        Assert.Equal(Errno.ENOSYS, CloneRequest.Decode(flags, -1, out _));
    }

    // glibc 2.36's pthread_create (clone3's flags).
    private const ulong ThreadFlags = CloneFlags.Vm | CloneFlags.Fs | CloneFlags.Files | CloneFlags.Sighand |
        CloneFlags.Thread | CloneFlags.SysVSem | CloneFlags.SetTls | CloneFlags.ParentSetTid | CloneFlags.ChildClearTid;

    [Fact]
    public void PthreadCreateIsAThreadThatSignalsNobody()
    {
        Assert.Equal(0, CloneRequest.Decode(ThreadFlags, 0, out CloneRequest r));
        Assert.True(r.Thread);
        Assert.True(r.SharesMemory);
        Assert.False(r.Vfork);
        Assert.True(r.SetTls);
        Assert.True(r.ParentSetTid);
        Assert.True(r.ChildClearTid);
        Assert.Equal(0, r.ExitSignal);
        // clone(2)'s form, with a signal in the low byte that a thread does not send.
        Assert.Equal(0, CloneRequest.Decode(ThreadFlags | SigChld, -1, out r));
        Assert.Equal(0, r.ExitSignal);
    }

    [Fact]
    public void CloneKeepsOnlyTheLow32Bits()
    {
        Assert.Equal(0, CloneRequest.Decode((1UL << 40) | SigChld, -1, out CloneRequest r));
        Assert.Equal(17, r.ExitSignal);
    }

    [Fact]
    public void Clone3TakesTheSignalFromItsField()
    {
        Assert.Equal(0, CloneRequest.Decode(CloneFlags.Vm | CloneFlags.Vfork, 17, out CloneRequest r));
        Assert.Equal(17, r.ExitSignal);
        Assert.Equal(Errno.EINVAL, CloneRequest.Decode(SigChld, 17, out _));   // signal bits in clone3's flags
        Assert.Equal(Errno.EINVAL, CloneRequest.Decode(0, 65, out _));         // past _NSIG
        Assert.Equal(Errno.EINVAL, CloneRequest.Decode(1UL << 40, 17, out _)); // an unknown flag
        Assert.Equal(Errno.EINVAL, CloneRequest.Decode(CloneFlags.ClearSighand | CloneFlags.Sighand | CloneFlags.Vm, 17, out _));
    }
}
