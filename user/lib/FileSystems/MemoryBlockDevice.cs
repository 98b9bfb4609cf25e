// A block device over a byte array: a file-system image held in memory (one read from the initfs,
// a RAM disk). Writes change the array; Flush has nothing to do.
using System;
using Vireo.Abi;

namespace Vireo.User.FileSystems;

public readonly unsafe struct MemoryBlockDevice : IBlockDevice
{
    private const int Sector = 512;
    private readonly byte[] _bytes;

    /// <summary>A device of `bytes.Length / 512` sectors over `bytes` (a tail shorter than a sector is not used).</summary>
    public MemoryBlockDevice(byte[] bytes) => _bytes = bytes;

    public int SectorSize => Sector;
    public ulong SectorCount => (ulong)(_bytes.Length / Sector);

    public Status Read(ulong sector, Span<byte> into)
    {
        if (!InRange(sector, into.Length)) return Status.OutOfRange;
        new ReadOnlySpan<byte>(_bytes, (int)(sector * Sector), into.Length).CopyTo(into);
        return Status.Ok;
    }

    public Status ReadPieces(ulong sector, int pieceBytes, byte** pieces, int count)
    {
        if (!InRange(sector, pieceBytes * count) || pieceBytes % Sector != 0) return Status.OutOfRange;
        for (int i = 0; i < count; i++)
            new ReadOnlySpan<byte>(_bytes, (int)(sector * Sector) + i * pieceBytes, pieceBytes).CopyTo(new Span<byte>(pieces[i], pieceBytes));
        return Status.Ok;
    }

    public Status Write(ulong sector, ReadOnlySpan<byte> from)
    {
        if (!InRange(sector, from.Length)) return Status.OutOfRange;
        from.CopyTo(new Span<byte>(_bytes, (int)(sector * Sector), from.Length));
        return Status.Ok;
    }

    public Status Flush() => Status.Ok;

    private bool InRange(ulong sector, int length) =>
        length % Sector == 0 && sector <= SectorCount && (ulong)(length / Sector) <= SectorCount - sector;
}
