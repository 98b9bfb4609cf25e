// A block device over any scheme file: an image file in `file:` or the raw disk a block driver
// serves (`blk:/vda`). Sectors move through Seek, Read and Write requests of at most
// SchemeLimits.MaxData (480) bytes each and Flush is Fsync, so it works on any daemon that
// implements those four operations: slow (a 4 KiB block is about ten messages) but it needs nothing
// else. The disk daemon (user/servers/Diskfs) takes it as its device type until a driver offers a
// shared-buffer device struct. Not compiled into the host tests (it needs the scheme library).
using System;
using Vireo.Abi;
using Vireo.User.Schemes;

namespace Vireo.User.FileSystems;

public readonly unsafe struct FileBlockDevice : IBlockDevice
{
    private const int Sector = 512;
    private readonly Fd _file;
    private readonly ulong _sectors;

    private FileBlockDevice(Fd file, ulong sectors)
    {
        _file = file;
        _sectors = sectors;
    }

    /// <summary>A device over the open file `file` (read and write), as many whole sectors as its size
    /// holds (Fstat). The device uses the file from now on; nothing else should move its position.</summary>
    public static Status Over(Fd file, out FileBlockDevice device)
    {
        device = default;
        Status s = Fs.Fstat(file, out ulong size, out FileKind kind);
        if (s != Status.Ok) return s;
        if (kind == FileKind.Directory) return Status.IsDirectory;
        device = new FileBlockDevice(file, size / Sector);
        return Status.Ok;
    }

    public int SectorSize => Sector;
    public ulong SectorCount => _sectors;

    public Status Read(ulong sector, Span<byte> into)
    {
        Status s = SeekTo(sector, into.Length);
        if (s != Status.Ok) return s;
        fixed (byte* p = into)
        {
            int done = 0;
            while (done < into.Length)
            {
                s = Fs.Read(_file, p + done, into.Length - done, out int n);
                if (s != Status.Ok) return s;
                // The file ended inside the range its size covered: someone shrank it.
                if (n == 0) return Status.OutOfRange;
                done += n;
            }
        }
        return Status.Ok;
    }

    // Each piece is a Read of its own: this device moves 480 bytes a message whatever the run.
    public Status ReadPieces(ulong sector, int pieceBytes, byte** pieces, int count)
    {
        for (int i = 0; i < count; i++)
        {
            Status s = Read(sector + (ulong)(i * pieceBytes / Sector), new Span<byte>(pieces[i], pieceBytes));
            if (s != Status.Ok) return s;
        }
        return Status.Ok;
    }

    public Status Write(ulong sector, ReadOnlySpan<byte> from)
    {
        Status s = SeekTo(sector, from.Length);
        if (s != Status.Ok) return s;
        fixed (byte* p = from) return Fs.Write(_file, p, from.Length, out _);
    }

    public Status Flush() => Fs.Fsync(_file);

    private Status SeekTo(ulong sector, int length)
    {
        if (length % Sector != 0 || sector > _sectors || (ulong)(length / Sector) > _sectors - sector) return Status.OutOfRange;
        Status s = Fs.Seek(_file, (long)(sector * Sector), SeekFrom.Start, out ulong at);
        return s != Status.Ok ? s : at == sector * Sector ? Status.Ok : Status.BadReply;
    }
}
