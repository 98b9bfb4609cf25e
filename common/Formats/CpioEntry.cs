// One member of a cpio "newc" archive as CpioReader found it. Name and Data are views into the
// archive (nothing is copied), so an entry is only valid while the archive bytes stay mapped;
// DataOffset lets a caller that knows where the archive lives (e.g. in physical memory) address
// the file contents without the span.
using System;

namespace Vireo.Formats;

public readonly ref struct CpioEntry
{
    /// <summary>Raw name bytes as stored, without the terminating NUL (may start with "./").</summary>
    public readonly ReadOnlySpan<byte> Name;

    /// <summary>The file contents: FileSize bytes starting at DataOffset.</summary>
    public readonly ReadOnlySpan<byte> Data;

    /// <summary>st_mode: file type in bits 12..15 (see CpioReader.TypeMask), permissions below.</summary>
    public readonly uint Mode;

    public readonly uint Inode;

    /// <summary>Offset of this entry's 110-byte header in the archive.</summary>
    public readonly int HeaderOffset;

    /// <summary>Offset of the first data byte in the archive (a multiple of 4).</summary>
    public readonly int DataOffset;

    /// <summary>Offset of the next header (a multiple of 4); may equal the archive length.</summary>
    public readonly int NextOffset;

    public readonly bool IsTrailer;

    public CpioEntry(ReadOnlySpan<byte> name, ReadOnlySpan<byte> data, uint mode, uint inode,
        int headerOffset, int dataOffset, int nextOffset, bool isTrailer)
    {
        Name = name;
        Data = data;
        Mode = mode;
        Inode = inode;
        HeaderOffset = headerOffset;
        DataOffset = dataOffset;
        NextOffset = nextOffset;
        IsTrailer = isTrailer;
    }

    public int FileSize => Data.Length;

    public bool IsDirectory => (Mode & CpioReader.TypeMask) == CpioReader.TypeDirectory;

    public bool IsRegularFile => (Mode & CpioReader.TypeMask) == CpioReader.TypeRegular;

    /// <summary>Any of the execute bits (user, group, other) is set.</summary>
    public bool IsExecutable => (Mode & 0x49) != 0;
}
