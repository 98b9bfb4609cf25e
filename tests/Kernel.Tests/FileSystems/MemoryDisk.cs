// A block device over a byte array for the file-system tests, with a power cut: after `CutAfter`
// writes the device silently drops every further write and fails every read (the machine is off;
// what the code does after that never reaches the disk), and it records the order of the writes
// and every request's size (each call is one device request). FailReads and FailWrites make it
// answer IoError, as the virtio-blk driver does for the device's I/O error status.
using System;
using System.Collections.Generic;
using Vireo.Abi;
using Vireo.User.FileSystems;

namespace Vireo.Tests.FileSystems;

public sealed class DiskImage
{
    public byte[] Bytes;
    public long CutAfter = long.MaxValue;
    public long Writes;
    public long Reads;
    public bool FailReads;
    public bool FailWrites;
    public readonly List<ulong> WrittenSectors = new();
    public readonly List<int> WrittenLengths = new();
    public readonly List<(ulong Sector, int Bytes)> ReadRequests = new();

    public DiskImage(byte[] bytes) => Bytes = bytes;

    public bool PowerLost => Writes >= CutAfter;
}

public unsafe struct MemoryDisk : IBlockDevice
{
    public const int Sector = 512;
    private readonly DiskImage _image;

    public MemoryDisk(DiskImage image) => _image = image;

    public int SectorSize => Sector;
    public ulong SectorCount => (ulong)(_image.Bytes.Length / Sector);

    public Status Read(ulong sector, Span<byte> into)
    {
        if (_image.FailReads || _image.PowerLost) return Status.IoError;
        if (sector * Sector + (ulong)into.Length > (ulong)_image.Bytes.Length) return Status.OutOfRange;
        _image.Reads++;
        _image.ReadRequests.Add((sector, into.Length));
        new ReadOnlySpan<byte>(_image.Bytes, (int)(sector * Sector), into.Length).CopyTo(into);
        return Status.Ok;
    }

    // One request, as the virtio-blk client's (recorded once in ReadRequests).
    public Status ReadPieces(ulong sector, int pieceBytes, byte** pieces, int count)
    {
        if (_image.FailReads || _image.PowerLost) return Status.IoError;
        if (sector * Sector + (ulong)(pieceBytes * count) > (ulong)_image.Bytes.Length) return Status.OutOfRange;
        _image.Reads++;
        _image.ReadRequests.Add((sector, pieceBytes * count));
        for (int i = 0; i < count; i++)
            new ReadOnlySpan<byte>(_image.Bytes, (int)(sector * Sector) + i * pieceBytes, pieceBytes).CopyTo(new Span<byte>(pieces[i], pieceBytes));
        return Status.Ok;
    }

    public Status Write(ulong sector, ReadOnlySpan<byte> from)
    {
        if (sector * Sector + (ulong)from.Length > (ulong)_image.Bytes.Length) return Status.OutOfRange;
        if (_image.PowerLost) return Status.Ok;
        if (_image.FailWrites) return Status.IoError;
        _image.Writes++;
        _image.WrittenSectors.Add(sector);
        _image.WrittenLengths.Add(from.Length);
        from.CopyTo(new Span<byte>(_image.Bytes, (int)(sector * Sector), from.Length));
        return Status.Ok;
    }

    public Status Flush() => _image.FailWrites ? Status.IoError : Status.Ok;
}
