using Vireo.Abi;
using Vireo.Linux.Abi;
using Xunit;

namespace Vireo.Tests.Linux;

// Vireo's scheme statuses as the errno Linux gives for the same failure.
public class ErrnoTests
{
    [Theory]
    [InlineData(Status.Ok, 0)]
    [InlineData(Status.NotFound, 2)]          // ENOENT
    [InlineData(Status.UnknownScheme, 2)]     // a /scheme/NAME nobody serves: ENOENT
    [InlineData(Status.Exists, 17)]           // EEXIST
    [InlineData(Status.NotDirectory, 20)]     // ENOTDIR
    [InlineData(Status.IsDirectory, 21)]      // EISDIR
    [InlineData(Status.NotEmpty, 39)]         // ENOTEMPTY
    [InlineData(Status.NameTooLong, 36)]      // ENAMETOOLONG
    [InlineData(Status.BadDescriptor, 9)]     // EBADF
    [InlineData(Status.InsufficientRights, 13)]   // EACCES
    [InlineData(Status.InvalidArgument, 22)]  // EINVAL
    [InlineData(Status.BrokenPipe, 32)]       // EPIPE
    [InlineData(Status.NoSpace, 28)]          // ENOSPC
    [InlineData(Status.OutOfMemory, 12)]      // ENOMEM
    [InlineData(Status.BadAddress, 14)]       // EFAULT
    [InlineData(Status.WouldBlock, 11)]       // EAGAIN
    [InlineData(Status.SymlinkLoop, 40)]      // ELOOP
    [InlineData(Status.IoError, 5)]           // EIO
    [InlineData(Status.PeerDied, 5)]          // a dead daemon: EIO
    [InlineData(Status.BadReply, 5)]
    public void StatusesMapToLinuxErrnos(Status s, long errno) => Assert.Equal(errno, Errno.From(s));
}
