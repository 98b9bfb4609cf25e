// The disk daemon's one choice of block device: the type every other file names as `Disk` (through
// the global alias below) and the way it is opened from the DEVICE argument. A device that answers
// BlockInfo (the raw disk the virtio-blk driver serves as blk:/vda) is used through its fast path,
// BlockClient: whole blocks move through the driver's DMA area mapped here, one request each. Any
// other scheme file (an image in file:, as the tests and the disk-shell session use) is a
// FileBlockDevice (Seek/Read/Write of 480 bytes a message). Choosing by what the device answers, not
// by its scheme name, keeps a file: image and a renamed driver both working.
//
// A driver that dies is started again by pcid's driver manager, which registers blk: anew: the block
// client reconnects (BlockClient.Reconnects: a request that finds the driver gone reopens DEVICE,
// waiting up to 5 s for the name, and is made once more; else IoError, and the next one tries again).
// The block cache keeps what was dirty, so nothing written before the restart is lost.
global using Disk = DiskDevice;

using System;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.FileSystems;
using Vireo.User.Schemes;

struct DiskDevice : IBlockDevice
{
    // Beside LongPaths' daemon window (0x7E10_0000, 16 KiB), in the page table that window already
    // needs: the area costs no page-table page from the address space's small pool.
    private const ulong AreaAddress = 0x0000_0000_7E11_0000;

    // The driver restarted: how long a request waits for blk: to be registered again.
    private const ulong ReconnectWaitMs = 5000;

    private bool _fast;
    private BlockClient _block;
    private FileBlockDevice _file;

    /// <summary>Opens the device at `path` for reading and writing. UnknownScheme when its scheme is
    /// not registered (no disk attached: the driver did not start, or found nothing).</summary>
    public static Status Open(ReadOnlySpan<byte> path, out Disk device)
    {
        device = default;
        Status s = File.Open(path, OpenFlags.Read | OpenFlags.Write, out Fd fd);
        if (s != Status.Ok) return s;
        s = BlockClient.Over(fd, AreaAddress, out device._block);
        if (s == Status.Ok)
        {
            device._fast = true;
            device._block.Reconnects(path, ReconnectWaitMs);
            return s;
        }
        // Not a block device (NotSupported), or its area could not be had: the file path still works.
        s = FileBlockDevice.Over(fd, out device._file);
        if (s != Status.Ok) _ = Fs.Close(fd);   // nothing was written through it
        return s;
    }

    public int SectorSize => _fast ? _block.SectorSize : _file.SectorSize;
    public ulong SectorCount => _fast ? _block.SectorCount : _file.SectorCount;

    public Status Read(ulong sector, Span<byte> into) => _fast ? _block.Read(sector, into) : _file.Read(sector, into);

    public unsafe Status ReadPieces(ulong sector, int pieceBytes, byte** pieces, int count) =>
        _fast ? _block.ReadPieces(sector, pieceBytes, pieces, count) : _file.ReadPieces(sector, pieceBytes, pieces, count);

    public Status Write(ulong sector, ReadOnlySpan<byte> from) => _fast ? _block.Write(sector, from) : _file.Write(sector, from);

    public Status Flush() => _fast ? _block.Flush() : _file.Flush();
}
