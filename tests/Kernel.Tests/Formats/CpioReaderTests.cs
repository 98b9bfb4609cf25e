using System;
using System.Collections.Generic;
using System.Text;
using Vireo.Formats;
using Vireo.Tools;
using Xunit;

namespace Vireo.Tests.Formats;

public sealed class CpioReaderTests
{
    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] SampleArchive() => Initfs.Write(new[]
    {
        new InitfsEntry("bin/init", Initfs.ExecutableMode, Bytes("\x7f" + "ELF init program")),
        new InitfsEntry("bin", Initfs.DirectoryMode, Array.Empty<byte>()),
        new InitfsEntry("etc/motd", Initfs.FileMode, Bytes("hello")),
        new InitfsEntry("etc", Initfs.DirectoryMode, Array.Empty<byte>()),
        new InitfsEntry("empty", Initfs.FileMode, Array.Empty<byte>()),
    });

    /// <summary>A single newc header with the given field values, as GNU cpio would write it (lowercase hex allowed).</summary>
    private static string Header(uint ino, uint mode, uint fileSize, uint nameSize, string magic = "070701", bool lower = false)
    {
        uint[] fields = { ino, mode, 0, 0, 1, 0, fileSize, 0, 0, 0, 0, nameSize, 0 };
        var text = new StringBuilder(magic);
        foreach (uint field in fields)
            text.Append(field.ToString(lower ? "x8" : "X8"));
        return text.ToString();
    }

    private static byte[] Member(string name, uint mode, string data, string magic = "070701", bool lower = false)
    {
        var bytes = new List<byte>(Encoding.ASCII.GetBytes(Header(1, mode, (uint)data.Length, (uint)name.Length + 1, magic, lower)));
        bytes.AddRange(Encoding.ASCII.GetBytes(name));
        bytes.Add(0);
        while (bytes.Count % 4 != 0)
            bytes.Add(0);
        bytes.AddRange(Encoding.ASCII.GetBytes(data));
        while (bytes.Count % 4 != 0)
            bytes.Add(0);
        return bytes.ToArray();
    }

    private static byte[] Concat(params byte[][] parts)
    {
        var all = new List<byte>();
        foreach (byte[] part in parts)
            all.AddRange(part);
        return all.ToArray();
    }

    private static byte[] Trailer() => Member("TRAILER!!!", 0, "");

    [Fact]
    public void WrittenArchive_ReadsBackSortedWithModesDataAndSequentialInodes()
    {
        byte[] archive = SampleArchive();
        var reader = new CpioReader(archive);

        var names = new List<string>();
        int offset = 0;
        uint expectedInode = 1;
        while (true)
        {
            Assert.Equal(FormatStatus.Ok, reader.ReadEntry(offset, out CpioEntry entry));
            if (entry.IsTrailer)
                break;
            Assert.Equal(expectedInode++, entry.Inode);
            Assert.Equal(0, entry.HeaderOffset % 4);
            Assert.Equal(0, entry.DataOffset % 4);
            names.Add(Encoding.UTF8.GetString(entry.Name));
            offset = entry.NextOffset;
        }

        // Executables are preceded by a padding member that puts their data on a page boundary.
        Assert.Equal(new[] { "bin", ".pad-2", "bin/init", "empty", "etc", "etc/motd" }, names);
        Assert.Equal(FormatStatus.Ok, reader.Validate(out int count));
        Assert.Equal(6, count);
        Assert.Equal(0, archive.Length % 4096);

        Assert.Equal(FormatStatus.Ok, reader.Find("bin/init", out CpioEntry init));
        Assert.True(init.IsRegularFile && init.IsExecutable && !init.IsDirectory);
        Assert.Equal(0x81EDu, init.Mode);
        Assert.Equal(0, init.DataOffset % 4096);
        Assert.Equal("\x7f" + "ELF init program", Encoding.UTF8.GetString(init.Data));
        Assert.Equal(init.FileSize, init.Data.Length);
        Assert.Equal((byte)'E', archive[init.DataOffset + 1]);

        Assert.Equal(FormatStatus.Ok, reader.Find("etc/motd", out CpioEntry motd));
        Assert.True(motd.IsRegularFile && !motd.IsExecutable);
        Assert.Equal("hello", Encoding.UTF8.GetString(motd.Data));

        Assert.Equal(FormatStatus.Ok, reader.Find("etc", out CpioEntry etc));
        Assert.True(etc.IsDirectory && !etc.IsRegularFile);
        Assert.Equal(0, etc.FileSize);

        Assert.Equal(FormatStatus.Ok, reader.Find("empty", out CpioEntry empty));
        Assert.Equal(0, empty.FileSize);
    }

    [Fact]
    public void WrittenArchive_HeaderBytesAreExactlyNewc()
    {
        byte[] archive = Initfs.Write(new[] { new InitfsEntry("a", Initfs.FileMode, Bytes("xyz")) });

        string expected = Header(1, 0x81A4, 3, 2) + "a\0" + "xyz\0" + Header(0, 0, 0, 11) + "TRAILER!!!\0";
        Assert.Equal(expected, Encoding.ASCII.GetString(archive, 0, expected.Length));
        Assert.Equal(4096, archive.Length);
        for (int i = expected.Length; i < archive.Length; i++)
            Assert.Equal(0, archive[i]);
    }

    [Fact]
    public void Write_IsDeterministicWhateverTheInputOrder()
    {
        var entries = new List<InitfsEntry>
        {
            new("z", Initfs.FileMode, Bytes("1")),
            new("a.txt", Initfs.FileMode, Bytes("22")),
            new("a", Initfs.DirectoryMode, Array.Empty<byte>()),
            new("a/b", Initfs.ExecutableMode, Bytes("333")),
        };
        byte[] first = Initfs.Write(entries);
        entries.Reverse();
        byte[] second = Initfs.Write(entries);

        Assert.Equal(first, second);
        var reader = new CpioReader(first);
        Assert.Equal(FormatStatus.Ok, reader.ReadEntry(0, out CpioEntry e0));
        Assert.Equal("a", Encoding.ASCII.GetString(e0.Name));
        Assert.Equal(FormatStatus.Ok, reader.ReadEntry(e0.NextOffset, out CpioEntry e1));
        Assert.Equal("a.txt", Encoding.ASCII.GetString(e1.Name)); // ordinal: '.' < '/'
    }

    [Theory]
    [InlineData("bin/init")]
    [InlineData("./bin/init")]
    [InlineData("/bin/init")]
    [InlineData("././bin/init")]
    public void Find_NormalisesLeadingDotSlashOnBothSides(string query)
    {
        // Archive names as `find . | cpio -o -H newc` writes them, with lowercase hex.
        byte[] archive = Concat(
            Member(".", 0x41ED, "", lower: true),
            Member("./bin", 0x41ED, "", lower: true),
            Member("./bin/init", 0x81ED, "code", lower: true),
            Trailer());
        var reader = new CpioReader(archive);

        Assert.Equal(FormatStatus.Ok, reader.Find(query, out CpioEntry byString));
        Assert.Equal("code", Encoding.ASCII.GetString(byString.Data));
        Assert.Equal(FormatStatus.Ok, reader.Find(Bytes(query), out CpioEntry bySpan));
        Assert.Equal(byString.HeaderOffset, bySpan.HeaderOffset);

        Assert.Equal(FormatStatus.Ok, reader.Find("bin/", out CpioEntry bin));
        Assert.True(bin.IsDirectory);
        Assert.Equal(FormatStatus.Ok, reader.Find(".", out CpioEntry root));
        Assert.Equal(0, root.HeaderOffset);
    }

    [Fact]
    public void Find_ReportsNotFound_AndNeverMatchesPrefixesOrTheTrailer()
    {
        var reader = new CpioReader(SampleArchive());

        Assert.Equal(FormatStatus.NotFound, reader.Find("bin/ini", out _));
        Assert.Equal(FormatStatus.NotFound, reader.Find("bin/init2", out _));
        Assert.Equal(FormatStatus.NotFound, reader.Find("BIN/INIT", out _));
        Assert.Equal(FormatStatus.NotFound, reader.Find("TRAILER!!!", out _));
        Assert.Equal(FormatStatus.NotFound, reader.Find("", out _));
        Assert.Equal(FormatStatus.NotFound, reader.Find("bin/init\u0100", out _));
        Assert.Equal(FormatStatus.NotFound, reader.Find(ReadOnlySpan<byte>.Empty, out CpioEntry none));
        Assert.True(none.Name.IsEmpty);
    }

    [Fact]
    public void Find_ComparesNonAsciiNamesByteWise()
    {
        var reader = new CpioReader(Initfs.Write(new[] { new InitfsEntry("caf\u00e9", Initfs.FileMode, Bytes("x")) }));

        Assert.Equal(FormatStatus.Ok, reader.Find(Bytes("caf\u00e9"), out _));
        Assert.Equal(FormatStatus.NotFound, reader.Find("caf\u00e9", out _)); // string overload is ASCII-only
    }

    [Fact]
    public void EmptyArchive_IsTruncated_TrailerOnlyIsEmptyButValid()
    {
        Assert.Equal(FormatStatus.Truncated, new CpioReader(ReadOnlySpan<byte>.Empty).Validate(out _));
        var only = new CpioReader(Initfs.Write(Array.Empty<InitfsEntry>()));
        Assert.Equal(FormatStatus.Ok, only.Validate(out int count));
        Assert.Equal(0, count);
        Assert.Equal(FormatStatus.NotFound, only.Find("x", out _));
    }

    [Fact]
    public void Magic_OtherCpioFormatsAreUnsupported_GarbageIsBadMagic()
    {
        Assert.Equal(FormatStatus.Unsupported, new CpioReader(Concat(Member("a", 0x81A4, "", magic: "070702"), Trailer())).Validate(out _));
        Assert.Equal(FormatStatus.Unsupported, new CpioReader(Concat(Member("a", 0x81A4, "", magic: "070707"), Trailer())).Validate(out _));
        Assert.Equal(FormatStatus.BadMagic, new CpioReader(Concat(Member("a", 0x81A4, "", magic: "070703"), Trailer())).Validate(out _));
        Assert.Equal(FormatStatus.BadMagic, new CpioReader(Concat(Member("a", 0x81A4, "", magic: "170701"), Trailer())).Validate(out _));
        Assert.Equal(FormatStatus.BadMagic, new CpioReader(new byte[512]).Validate(out _));
    }

    [Fact]
    public void Malformed_HexDigitsNamesAndAlignment()
    {
        byte[] good = Concat(Member("abc", 0x81A4, "data"), Trailer());
        Assert.Equal(FormatStatus.Ok, new CpioReader(good).Validate(out _));

        byte[] badDigit = (byte[])good.Clone();
        badDigit[6 + 8 + 3] = (byte)'g'; // inside the mode field
        Assert.Equal(FormatStatus.Malformed, new CpioReader(badDigit).Validate(out _));

        byte[] spaceDigit = (byte[])good.Clone();
        spaceDigit[6 + 12 * 8] = (byte)' '; // check field: still must be hex
        Assert.Equal(FormatStatus.Malformed, new CpioReader(spaceDigit).Validate(out _));

        byte[] noNul = (byte[])good.Clone();
        noNul[CpioReader.HeaderSize + 3] = (byte)'d';
        Assert.Equal(FormatStatus.Malformed, new CpioReader(noNul).Validate(out _));

        byte[] innerNul = (byte[])good.Clone();
        innerNul[CpioReader.HeaderSize + 1] = 0;
        Assert.Equal(FormatStatus.Malformed, new CpioReader(innerNul).Validate(out _));

        byte[] emptyName = Encoding.ASCII.GetBytes(Header(1, 0x81A4, 0, 1) + "\0\0\0\0\0\0");
        Assert.Equal(FormatStatus.Malformed, new CpioReader(Concat(emptyName, Trailer())).ReadEntry(0, out _));
        byte[] zeroNameSize = Encoding.ASCII.GetBytes(Header(1, 0x81A4, 0, 0) + "\0\0");
        Assert.Equal(FormatStatus.Malformed, new CpioReader(Concat(zeroNameSize, Trailer())).ReadEntry(0, out _));

        Assert.Equal(FormatStatus.Malformed, new CpioReader(Concat(Member("d", 0x41ED, "xx"), Trailer())).Validate(out _));
        Assert.Equal(FormatStatus.Malformed, new CpioReader(good).ReadEntry(2, out _));
    }

    [Fact]
    public void Truncated_SizesRunningPastTheArchive()
    {
        byte[] huge = Concat(Encoding.ASCII.GetBytes(Header(1, 0x81A4, 0xFFFFFFFF, 2) + "a\0"), Trailer());
        Assert.Equal(FormatStatus.Truncated, new CpioReader(huge).Validate(out _));
        byte[] longName = Concat(Encoding.ASCII.GetBytes(Header(1, 0x81A4, 0, 0xFFFFFFFF) + "a\0"), Trailer());
        Assert.Equal(FormatStatus.Truncated, new CpioReader(longName).Validate(out _));
        byte[] noTrailer = Member("a", 0x81A4, "data");
        Assert.Equal(FormatStatus.Truncated, new CpioReader(noTrailer).Validate(out _));
        Assert.Equal(FormatStatus.Truncated, new CpioReader(noTrailer).Find("b", out _));
        Assert.Equal(FormatStatus.Truncated, new CpioReader(noTrailer).ReadEntry(-4, out _));
        Assert.Equal(FormatStatus.Truncated, new CpioReader(noTrailer).ReadEntry(int.MaxValue - 3, out _));
    }

    [Fact]
    public void EveryTruncation_BeforeTheTrailerEnds_IsTruncated_AfterIsOk()
    {
        byte[] archive = SampleArchive();
        var full = new CpioReader(archive);
        int offset = 0;
        CpioEntry entry;
        while (full.ReadEntry(offset, out entry) == FormatStatus.Ok && !entry.IsTrailer)
            offset = entry.NextOffset;
        Assert.True(entry.IsTrailer);
        int trailerEnd = entry.NextOffset;
        // A member reads whole once its data is present (ReadEntry checks the header, the name and
        // then the data against the bytes there), and every member before it ends earlier: Find
        // succeeds exactly from the end of etc/motd's data on.
        Assert.Equal(FormatStatus.Ok, full.Find("etc/motd", out CpioEntry motd));
        int motdEnd = motd.DataOffset + motd.FileSize;

        for (int length = 0; length <= archive.Length; length++)
        {
            var reader = new CpioReader(archive.AsSpan(0, length));
            FormatStatus expected = length < trailerEnd ? FormatStatus.Truncated : FormatStatus.Ok;
            Assert.Equal(expected, reader.Validate(out _));
            FormatStatus find = reader.Find("etc/motd", out _);
            Assert.Equal(length >= motdEnd ? FormatStatus.Ok : FormatStatus.Truncated, find);
        }
    }

    [Fact]
    public void RandomCorruption_NeverThrowsOrEscapesTheArchive()
    {
        byte[] original = SampleArchive();
        int reachedTrailer = 0, rejected = 0;
        var random = new Random(42);
        for (int round = 0; round < 20000; round++)
        {
            byte[] archive = (byte[])original.Clone();
            int flips = random.Next(1, 4);
            for (int f = 0; f < flips; f++)
            {
                // Mostly the used part (headers, names, data), where a flip changes meaning.
                int at = random.Next(8) == 0 ? random.Next(archive.Length) : random.Next(600);
                archive[at] = random.Next(3) == 0 ? (byte)"0123456789abcdefF"[random.Next(17)] : (byte)random.Next(256);
            }

            var reader = new CpioReader(archive);
            FormatStatus valid = reader.Validate(out _);
            reader.Find("etc/motd", out _);
            int offset = 0;
            bool trailer = false;
            for (int steps = 0; steps < 100; steps++)
            {
                if (reader.ReadEntry(offset, out CpioEntry entry) != FormatStatus.Ok)
                {
                    rejected++;
                    break;
                }
                if (entry.IsTrailer)
                {
                    reachedTrailer++;
                    trailer = true;
                    break;
                }
                Assert.True(entry.NextOffset > offset && entry.NextOffset <= archive.Length);
                Assert.True(entry.DataOffset + entry.FileSize <= archive.Length);
                offset = entry.NextOffset;
            }
            // Validate is the same walk: Ok exactly when it reaches the trailer.
            Assert.Equal(trailer, valid == FormatStatus.Ok);
        }

        // The fuzz reaches both ends: archives that still walk to the trailer, and archives refused.
        Assert.True(reachedTrailer > 1000, $"only {reachedTrailer} corrupted archives walked to the trailer");
        Assert.True(rejected > 1000, $"only {rejected} corrupted archives were refused");
    }

    [Fact]
    public unsafe void PointerOverload_WrapsMemory_AndRefusesHugeOrNull()
    {
        byte[] archive = SampleArchive();
        fixed (byte* p = archive)
        {
            Assert.Equal(FormatStatus.Ok, CpioReader.TryCreate(p, (ulong)archive.Length, out CpioReader reader));
            Assert.Equal(archive.Length, reader.Length);
            Assert.Equal(FormatStatus.Ok, reader.Find("./etc/motd", out CpioEntry motd));
            Assert.Equal("hello", Encoding.ASCII.GetString(motd.Data));
            Assert.Equal(FormatStatus.Unsupported, CpioReader.TryCreate(p, 1UL << 31, out _));
        }

        Assert.Equal(FormatStatus.Malformed, CpioReader.TryCreate(null, 16, out _));
        Assert.Equal(FormatStatus.Ok, CpioReader.TryCreate(null, 0, out CpioReader empty));
        Assert.Equal(FormatStatus.Truncated, empty.Validate(out _));
    }

    [Theory]
    [InlineData("TRAILER!!!", "")]
    [InlineData("", "")]
    [InlineData("/abs", "")]
    [InlineData("dir/", "")]
    [InlineData("a//b", "")]
    [InlineData("a/../b", "")]
    [InlineData("./a", "")]
    [InlineData("nul\0", "")]
    [InlineData("dirdata", "x")]
    public void Write_RefusesBadMembers(string name, string directoryData)
    {
        uint mode = directoryData.Length == 0 && name != "dirdata" ? Initfs.FileMode : Initfs.DirectoryMode;
        Assert.Throws<InitfsException>(() => Initfs.Write(new[] { new InitfsEntry(name, mode, Bytes(directoryData)) }));
    }

    [Fact]
    public void Write_RefusesDuplicatesAndOtherFileTypes()
    {
        Assert.Throws<InitfsException>(() => Initfs.Write(new[]
        {
            new InitfsEntry("a", Initfs.FileMode, Bytes("1")),
            new InitfsEntry("a", Initfs.FileMode, Bytes("2")),
        }));
        Assert.Throws<InitfsException>(() => Initfs.Write(new[] { new InitfsEntry("link", 0xA1FF, Bytes("target")) }));
    }
}
