// A disk that fails (the device's I/O error, which the virtio-blk driver answers as IoError): every
// ext2 operation that needs the failed read or write answers IoError, not Corrupt (BadState, for a
// structure that contradicts itself), and the volume works again once the device does.
using Vireo.Abi;
using Vireo.User.FileSystems.Ext2;
using Vireo.Virtio;
using Xunit;
using static Vireo.Tests.FileSystems.Ext2TestSupport;

namespace Vireo.Tests.FileSystems;

public sealed class Ext2DeviceErrorTests
{
    private const uint Root = 2;

    [Fact]
    public void AFailedReadIsIoErrorNotCorrupt()
    {
        var image = new DiskImage(E2fsprogs.MakeImage(1024, 2048));
        var v = Mount(image, cacheBlocks: 16);
        uint ino = CreateFile(v, Root, "big", Pattern(64 * 1024, 1));
        Ok(v.Sync());
        // A small cache: most of the file's blocks are no longer held and must come from the device.
        image.FailReads = true;
        var into = new byte[64 * 1024];
        Assert.Equal(Status.IoError, v.Read(ino, 0, into, out _));
        image.FailReads = false;
        Ok(v.Read(ino, 0, into, out int read));
        Assert.Equal(into.Length, read);
        Assert.Equal(Pattern(64 * 1024, 1), into);
    }

    [Fact]
    public void AFailedWriteOrFlushIsIoError()
    {
        var image = new DiskImage(E2fsprogs.MakeImage(1024, 2048));
        var v = Mount(image, cacheBlocks: 16);
        uint ino = CreateFile(v, Root, "f", Pattern(4096, 2));
        image.FailWrites = true;
        Assert.Equal(Status.IoError, v.Fsync(ino));
        image.FailWrites = false;
        Ok(v.Fsync(ino));
        Ok(v.Unmount());
        E2fsprogs.AssertClean(image);
    }

    [Fact]
    public void VirtioBlkStatusBytesMapToStatuses()
    {
        Assert.Equal(Status.Ok, VirtioBlk.StatusOf(VirtioBlk.StatusOk));
        Assert.Equal(Status.IoError, VirtioBlk.StatusOf(VirtioBlk.StatusIoError));
        Assert.Equal(Status.NotSupported, VirtioBlk.StatusOf(VirtioBlk.StatusUnsupported));
        Assert.Equal(Status.IoError, VirtioBlk.StatusOf(0xFF));   // a byte the device never wrote
    }
}
