// Reader for the initial file system: a cpio archive in SVR4 "newc" format (what Linux
// initramfs and `cpio -H newc` use). Layout, repeated per member, every header 4-byte aligned:
//
//   110-byte ASCII header: "070701" then 13 fields of 8 hex digits each:
//     ino mode uid gid nlink mtime filesize devmajor devminor rdevmajor rdevminor namesize check
//   name: namesize bytes including the terminating NUL, then NUL padding to a multiple of 4
//   data: filesize bytes, then NUL padding to a multiple of 4
//
// The last member is named "TRAILER!!!"; bytes after it (vireo-tools pads to a whole page) are
// ignored. The archive is untrusted: ReadEntry checks magic, every hex digit, the name's NUL and
// every size against the bytes present before it builds a span, so a corrupt archive yields a
// status, never a read outside it. Only the fields the system uses are decoded; uid/gid/mtime/
// device numbers must still be valid hex but are otherwise ignored (initfs is owned by nobody).
//
// Names are compared after normalisation: leading "./" and "/" and trailing "/" are dropped and
// "." means the root, so "bin/init", "./bin/init" and "/bin/init" are the same member.
using System;

namespace Vireo.Formats;

public readonly ref struct CpioReader
{
    public const int HeaderSize = 110;

    /// <summary>S_IFMT and the two file types the system understands (octal 0170000, 0040000, 0100000).</summary>
    public const uint TypeMask = 0xF000;
    public const uint TypeDirectory = 0x4000;
    public const uint TypeRegular = 0x8000;

    private const int FieldCount = 13;
    private const int FieldInode = 0;
    private const int FieldMode = 1;
    private const int FieldFileSize = 6;
    private const int FieldNameSize = 11;

    private readonly ReadOnlySpan<byte> _archive;

    public CpioReader(ReadOnlySpan<byte> archive)
    {
        _archive = archive;
    }

    /// <summary>Wraps [archive, archive+length), e.g. an initfs module seen through the PhysMap. Archives of 2 GiB or more are Unsupported.</summary>
    public static unsafe FormatStatus TryCreate(byte* archive, ulong length, out CpioReader reader)
    {
        reader = default;
        if (length > int.MaxValue)
            return FormatStatus.Unsupported;
        if (archive == null && length != 0)
            return FormatStatus.Malformed;
        reader = new CpioReader(new ReadOnlySpan<byte>(archive, (int)length));
        return FormatStatus.Ok;
    }

    public int Length => _archive.Length;

    /// <summary>
    /// Decodes the member whose header starts at offset (0 for the first, then entry.NextOffset).
    /// Returns Ok for the trailer too (entry.IsTrailer); a walk that runs off the end before the
    /// trailer gets Truncated.
    /// </summary>
    public FormatStatus ReadEntry(int offset, out CpioEntry entry)
    {
        entry = default;
        if (offset < 0 || offset > _archive.Length || _archive.Length - offset < HeaderSize)
            return FormatStatus.Truncated;
        if ((offset & 3) != 0)
            return FormatStatus.Malformed;

        FormatStatus magic = CheckMagic(offset);
        if (magic != FormatStatus.Ok)
            return magic;

        uint inode = 0, mode = 0, fileSize = 0, nameSize = 0;
        for (int field = 0; field < FieldCount; field++)
        {
            if (!TryParseHex(offset + 6 + field * 8, out uint value))
                return FormatStatus.Malformed;
            if (field == FieldInode)
                inode = value;
            else if (field == FieldMode)
                mode = value;
            else if (field == FieldFileSize)
                fileSize = value;
            else if (field == FieldNameSize)
                nameSize = value;
        }

        // Every quantity below is computed in long: offsets are < 2^31 and sizes < 2^32, so no sum overflows.
        long nameStart = (long)offset + HeaderSize;
        if (nameSize < 2)
            return FormatStatus.Malformed; // at least one name byte and the NUL
        if (nameSize > _archive.Length - nameStart)
            return FormatStatus.Truncated;
        int nameLength = (int)nameSize - 1;
        if (_archive[(int)nameStart + nameLength] != 0)
            return FormatStatus.Malformed;
        ReadOnlySpan<byte> name = _archive.Slice((int)nameStart, nameLength);
        for (int i = 0; i < name.Length; i++)
        {
            if (name[i] == 0)
                return FormatStatus.Malformed;
        }

        long dataStart = Align4(nameStart + nameSize);
        if (dataStart > _archive.Length || fileSize > _archive.Length - dataStart)
            return FormatStatus.Truncated;
        if ((mode & TypeMask) == TypeDirectory && fileSize != 0)
            return FormatStatus.Malformed;

        long next = Align4(dataStart + fileSize);
        if (next > _archive.Length)
            next = _archive.Length; // missing final padding: the next ReadEntry reports Truncated

        entry = new CpioEntry(name, _archive.Slice((int)dataStart, (int)fileSize), mode, inode,
            offset, (int)dataStart, (int)next, IsTrailerName(name));
        return FormatStatus.Ok;
    }

    /// <summary>First member whose normalised name equals the normalised name; the trailer never matches.</summary>
    public FormatStatus Find(ReadOnlySpan<byte> name, out CpioEntry entry)
    {
        ReadOnlySpan<byte> wanted = Normalize(name);
        int offset = 0;
        while (true)
        {
            FormatStatus status = ReadEntry(offset, out entry);
            if (status != FormatStatus.Ok)
                return status;
            if (entry.IsTrailer)
            {
                entry = default;
                return FormatStatus.NotFound;
            }

            if (BytesEqual(Normalize(entry.Name), wanted))
                return FormatStatus.Ok;
            offset = entry.NextOffset;
        }
    }

    /// <summary>As Find(span) for an ASCII string literal (the kernel's "bin/bootstrap"): the name is
    /// copied to bytes and looked up by Find(span). A character above 0x7F, or a name longer than
    /// MaxStringName, never matches.</summary>
    public unsafe FormatStatus Find(string name, out CpioEntry entry)
    {
        entry = default;
        if (name.Length > MaxStringName)
            return FormatStatus.NotFound;
        byte* bytes = stackalloc byte[MaxStringName];   // a pointer: the entry found cannot point into it
        for (int i = 0; i < name.Length; i++)
        {
            if (name[i] > 0x7F)
                return FormatStatus.NotFound;
            bytes[i] = (byte)name[i];
        }

        return Find(new ReadOnlySpan<byte>(bytes, name.Length), out entry);
    }

    /// <summary>The longest name Find(string) takes.</summary>
    public const int MaxStringName = 256;

    /// <summary>Walks the whole archive up to the trailer; count excludes the trailer. Ok means every member decodes.</summary>
    public FormatStatus Validate(out int entryCount)
    {
        entryCount = 0;
        int offset = 0;
        while (true)
        {
            FormatStatus status = ReadEntry(offset, out CpioEntry entry);
            if (status != FormatStatus.Ok)
                return status;
            if (entry.IsTrailer)
                return FormatStatus.Ok;
            entryCount++;
            offset = entry.NextOffset;
        }
    }

    /// <summary>Drops leading "./" and "/" and trailing "/"; "." becomes empty (the root).</summary>
    public static ReadOnlySpan<byte> Normalize(ReadOnlySpan<byte> name)
    {
        int start = 0;
        int end = name.Length;
        while (true)
        {
            if (end - start >= 2 && name[start] == (byte)'.' && name[start + 1] == (byte)'/')
                start += 2;
            else if (end - start >= 1 && name[start] == (byte)'/')
                start += 1;
            else
                break;
        }

        while (end > start && name[end - 1] == (byte)'/')
            end--;
        if (end - start == 1 && name[start] == (byte)'.')
            start = end;
        return name.Slice(start, end - start);
    }

    private static bool AsciiEqual(ReadOnlySpan<byte> bytes, string text, int start, int end)
    {
        if (bytes.Length != end - start)
            return false;
        for (int i = 0; i < bytes.Length; i++)
        {
            char c = text[start + i];
            if (c > 0x7F || bytes[i] != (byte)c)
                return false;
        }

        return true;
    }

    private static bool BytesEqual(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length != b.Length)
            return false;
        for (int i = 0; i < a.Length; i++)
        {
            if (a[i] != b[i])
                return false;
        }

        return true;
    }

    private static bool IsTrailerName(ReadOnlySpan<byte> name)
    {
        const string trailer = "TRAILER!!!";
        return AsciiEqual(name, trailer, 0, trailer.Length);
    }

    /// <summary>"070701" is newc; "070702" (newc with checksum) and "070707" (odc) are real cpio formats we do not read.</summary>
    private FormatStatus CheckMagic(int offset)
    {
        for (int i = 0; i < 5; i++)
        {
            if (_archive[offset + i] != (byte)"07070"[i])
                return FormatStatus.BadMagic;
        }

        byte last = _archive[offset + 5];
        if (last == (byte)'1')
            return FormatStatus.Ok;
        if (last == (byte)'2' || last == (byte)'7')
            return FormatStatus.Unsupported;
        return FormatStatus.BadMagic;
    }

    private bool TryParseHex(int offset, out uint value)
    {
        value = 0;
        for (int i = 0; i < 8; i++)
        {
            int c = _archive[offset + i];
            int digit;
            if (c >= '0' && c <= '9')
                digit = c - '0';
            else if (c >= 'a' && c <= 'f')
                digit = c - 'a' + 10;
            else if (c >= 'A' && c <= 'F')
                digit = c - 'A' + 10;
            else
                return false;
            value = value << 4 | (uint)digit;
        }

        return true;
    }

    private static long Align4(long value) => (value + 3) & ~3L;
}
