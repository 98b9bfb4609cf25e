// What a file system needs of a disk: read and write whole sectors at a sector number, and make
// written sectors durable. File systems take the device as a struct type argument
// (`where TDevice : struct, IBlockDevice`), so ilc specialises them for each device and every call
// below is a direct call: the virtio-blk client in a daemon, a memory image in the host tests.
using System;
using Vireo.Abi;

namespace Vireo.User.FileSystems;

public unsafe interface IBlockDevice
{
    /// <summary>Bytes per sector (512 or a larger power of two up to 4096).</summary>
    int SectorSize { get; }

    /// <summary>Sectors on the device.</summary>
    ulong SectorCount { get; }

    /// <summary>Reads `into.Length / SectorSize` sectors starting at `sector`.</summary>
    Status Read(ulong sector, Span<byte> into);

    /// <summary>Reads `count` pieces of `pieceBytes` bytes (whole sectors) from `sector` on, piece i
    /// into `pieces[i]`: a run of sectors scattered into pages, as few requests and one copy (a page
    /// cache filling its pages straight from the disk, where Read needs the run in one span).</summary>
    Status ReadPieces(ulong sector, int pieceBytes, byte** pieces, int count);

    /// <summary>Writes `from.Length / SectorSize` sectors starting at `sector`. The write may sit in a
    /// volatile device cache until Flush.</summary>
    Status Write(ulong sector, ReadOnlySpan<byte> from);

    /// <summary>Makes every completed write durable (virtio-blk's flush request).</summary>
    Status Flush();
}
