// Open inodes (Ext2Volume.Held.cs): a held file that loses its last name keeps its data until its
// last release, its number is not reused meanwhile, and the release (or an unmount) frees it so that
// e2fsck finds a clean image with the free counts of before; holders open for writing and holders
// running the inode as a program exclude each other (ETXTBSY).
using Vireo.Abi;
using Xunit;
using static Vireo.Tests.FileSystems.Ext2TestSupport;

namespace Vireo.Tests.FileSystems;

public sealed class Ext2HeldTests
{
    private const uint Root = 2;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AnUnlinkedHeldFileLivesUntilReleased(bool unmountInstead)
    {
        var image = new DiskImage(E2fsprogs.MakeImage(1024, 2048));
        var v = Mount(image, cacheBlocks: 16);
        ulong freeBlocks = v.FreeBlocks, freeInodes = v.FreeInodes;
        byte[] data = Pattern(50000, 3);
        uint ino = CreateFile(v, Root, "held", data);
        v.Hold(ino);
        v.Hold(ino);
        Ok(v.Unlink(Root, Utf8("held")));
        Assert.Equal(Status.NotFound, v.Lookup(Root, Utf8("held"), out _));
        Assert.Equal(data, ReadAll(v, ino));
        uint other = CreateFile(v, Root, "other", Utf8("new\n"));
        Assert.NotEqual(ino, other);
        Ok(v.Write(ino, 50000, Utf8("more"), out _));   // an unlinked open file still takes writes
        Ok(v.Release(ino));
        Assert.True(v.IsHeld(ino));
        Assert.Equal(data, ReadAll(v, ino)[..50000]);
        if (unmountInstead)
        {
            Ok(v.Unmount());
        }
        else
        {
            Ok(v.Release(ino));
            Assert.False(v.IsHeld(ino));
            Assert.Equal(Status.NotFound, v.Stat(ino, out _));
            Ok(v.Unlink(Root, Utf8("other")));
            Assert.Equal(freeBlocks, v.FreeBlocks);
            Assert.Equal(freeInodes, v.FreeInodes);
            Ok(v.Unmount());
        }
        E2fsprogs.AssertClean(image);
    }

    [Fact]
    public void ReleasingANamedFileChangesNothing()
    {
        var image = new DiskImage(E2fsprogs.MakeImage(1024, 2048));
        var v = Mount(image, cacheBlocks: 16);
        uint ino = CreateFile(v, Root, "kept", Utf8("kept\n"));
        v.Hold(ino);
        Ok(v.Release(ino));
        Ok(v.Release(ino));   // not held: nothing
        Assert.Equal(Utf8("kept\n"), ReadAll(v, ino));
        Ok(v.Unmount());
        E2fsprogs.AssertClean(image);
    }

    [Fact]
    public void WritersAndRunnersExcludeEachOther()
    {
        var image = new DiskImage(E2fsprogs.MakeImage(1024, 2048));
        var v = Mount(image, cacheBlocks: 16);
        uint ino = CreateFile(v, Root, "prog", Utf8("text\n"));
        Assert.False(v.Run(ino));   // not held: nothing runs it
        Assert.True(v.Writable(ino));
        v.Hold(ino, writes: true);
        v.Hold(ino);
        Assert.False(v.Run(ino));   // open for writing
        Ok(v.Release(ino, writes: true));
        Assert.True(v.Run(ino));
        Assert.False(v.Writable(ino));
        v.Hold(ino);
        Assert.True(v.Run(ino));    // a second runner
        Ok(v.Release(ino, runs: true));
        Assert.False(v.Writable(ino));
        Ok(v.Release(ino, runs: true));
        Assert.True(v.Writable(ino));
        v.Hold(ino, writes: true);
        Assert.False(v.Run(ino));   // the last release forgot the count: a new writer counts again
        Ok(v.Release(ino, writes: true));
        Ok(v.Unmount());
        E2fsprogs.AssertClean(image);
    }
}
