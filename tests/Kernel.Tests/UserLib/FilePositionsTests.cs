// Seek and Fcntl as ramfs and diskfs answer them (user/lib/Schemes/FilePositions.cs), on the host.
using Vireo.Abi;
using Vireo.User.Schemes;
using Xunit;

namespace Vireo.Tests.UserLib;

public class FilePositionsTests
{
    [Theory]
    [InlineData(5UL, 100UL, 10L, SeekFrom.Start, 10UL)]
    [InlineData(5UL, 100UL, 10L, SeekFrom.Current, 15UL)]
    [InlineData(5UL, 100UL, -10L, SeekFrom.End, 90UL)]
    [InlineData(5UL, 100UL, 20L, SeekFrom.End, 120UL)]   // past the end: a later write leaves a hole
    [InlineData(5UL, 100UL, -5L, SeekFrom.Current, 0UL)]
    public void Seek_counts_from_its_origin(ulong position, ulong size, long offset, SeekFrom from, ulong expected)
    {
        Assert.Equal(Status.Ok, FilePositions.Seek(position, size, offset, from, out ulong to));
        Assert.Equal(expected, to);
    }

    [Theory]
    [InlineData(5UL, -6L, SeekFrom.Current)]            // before the start
    [InlineData(0UL, long.MaxValue, SeekFrom.Current)]  // with position 1: overflows
    [InlineData(5UL, 0L, (SeekFrom)7)]                  // no such origin
    public void Seek_refuses_what_is_not_a_position(ulong position, long offset, SeekFrom from)
    {
        Assert.Equal(Status.InvalidArgument, FilePositions.Seek(position + (offset == long.MaxValue ? 1UL : 0UL), 0, offset, from, out _));
    }

    [Fact]
    public void Fcntl_changes_only_append()
    {
        OpenFlags flags = OpenFlags.Read;
        Assert.Equal(Status.Ok, FilePositions.Fcntl(ref flags, FcntlCommand.SetFlags, (ulong)(OpenFlags.Append | OpenFlags.Write)));
        Assert.Equal(OpenFlags.Read | OpenFlags.Append, flags);
        Assert.Equal(Status.Ok, FilePositions.Fcntl(ref flags, FcntlCommand.SetFlags, 0));
        Assert.Equal(OpenFlags.Read, flags);
        Assert.Equal(Status.Ok, FilePositions.Fcntl(ref flags, FcntlCommand.GetFlags, 99));
        Assert.Equal(OpenFlags.Read, flags);
        Assert.Equal(Status.InvalidArgument, FilePositions.Fcntl(ref flags, (FcntlCommand)9, 0));
    }
}
