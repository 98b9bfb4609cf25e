using System;
using System.Text;
using Vireo.Kernel.Multiboot;
using Vireo.Tests.Memory;
using Xunit;

namespace Vireo.Tests.Boot;

public class Multiboot2InfoTests
{
    private const ulong MemorySize = 1 << 20;
    private const ulong InfoPhys = 0x10000;

    private static BootParseStatus Create(EmulatedPhysMemory memory, Multiboot2Builder builder, out Multiboot2Info info)
    {
        builder.WriteTo(memory, InfoPhys);
        return Multiboot2Info.TryCreate(memory.Map, Multiboot2Info.BootloaderMagic, InfoPhys, out info);
    }

    private static byte[] Rsdp(int length, byte fill)
    {
        var bytes = new byte[length];
        Array.Fill(bytes, fill);
        return bytes;
    }

    [Fact]
    public void ReadsAllTags()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        var builder = new Multiboot2Builder()
            .Tag(21, new byte[] { 1, 2, 3, 4 })
            .Cmdline("root=ram quiet")
            .BasicMemory(639, 261120)
            .Module(0x400000, 0x480000, "init.elf")
            .MemoryMap(new[] { (0ul, 0x9FC00ul, 1u), (0x100000ul, 0xFF00000ul, 1u), (0xFEE00000ul, 0x1000ul, 2u) })
            .Module(0x500000, 0x500800, "")
            .Tag(14, Rsdp(20, 0xAA))
            .End();

        Assert.Equal(BootParseStatus.Ok, Create(memory, builder, out var info));
        Assert.Equal((uint)builder.Length, info.TotalSize);

        var cmdline = new byte[32];
        Assert.Equal(BootParseStatus.Ok, info.CopyCmdline(cmdline, out int length));
        Assert.Equal("root=ram quiet", Encoding.ASCII.GetString(cmdline, 0, length));

        Assert.Equal(BootParseStatus.Ok, info.GetMemoryBounds(out uint lower, out uint upper));
        Assert.Equal(639u, lower);
        Assert.Equal(261120u, upper);

        var modules = new BootModule[4];
        Assert.Equal(BootParseStatus.Ok, info.ReadModules(modules, out int moduleCount));
        Assert.Equal(2, moduleCount);
        Assert.Equal(new BootModule(0x400000, 0x480000, modules[0].CmdlinePhys), modules[0]);
        Assert.Equal((byte)'i', memory.ReadU8(modules[0].CmdlinePhys));
        Assert.Equal(0x500000ul, modules[1].Start);
        Assert.Equal((byte)0, memory.ReadU8(modules[1].CmdlinePhys));

        var regions = new MemoryRegion[8];
        Assert.Equal(BootParseStatus.Ok, info.ReadMemoryMap(regions, out int regionCount));
        Assert.Equal(3, regionCount);
        Assert.Equal(new MemoryRegion(0x100000, 0xFF00000, MemoryRegionType.Usable), regions[1]);
        Assert.Equal(MemoryRegionType.Reserved, regions[2].Type);

        Assert.NotEqual(0ul, info.RsdpPhys);
        Assert.Equal(20u, info.RsdpLength);
        Assert.Equal((byte)0xAA, memory.ReadU8(info.RsdpPhys));
        Assert.Equal((byte)0xAA, memory.ReadU8(info.RsdpPhys + 19));
    }

    [Fact]
    public void NewRsdpWinsOverOld()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        var builder = new Multiboot2Builder().Tag(14, Rsdp(20, 0x11)).Tag(15, Rsdp(36, 0x22)).End();

        Assert.Equal(BootParseStatus.Ok, Create(memory, builder, out var info));
        Assert.Equal(36u, info.RsdpLength);
        Assert.Equal((byte)0x22, memory.ReadU8(info.RsdpPhys + 35));
    }

    [Fact]
    public void AbsentTagsReportMissingOrZero()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        Assert.Equal(BootParseStatus.Ok, Create(memory, new Multiboot2Builder().End(), out var info));

        Assert.Equal(BootParseStatus.Missing, info.CopyCmdline(new byte[4], out _));
        Assert.Equal(BootParseStatus.Missing, info.ReadMemoryMap(new MemoryRegion[4], out _));
        Assert.Equal(BootParseStatus.Missing, info.GetMemoryBounds(out _, out _));
        Assert.Equal(BootParseStatus.Ok, info.ReadModules(new BootModule[4], out int modules));
        Assert.Equal(0, modules);
        Assert.Equal(0ul, info.RsdpPhys);
        Assert.Equal(0u, info.RsdpLength);
    }

    [Fact]
    public void RejectsWrongMagic()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        new Multiboot2Builder().End().WriteTo(memory, InfoPhys);

        Assert.Equal(BootParseStatus.BadMagic,
            Multiboot2Info.TryCreate(memory.Map, Multiboot1Info.BootloaderMagic, InfoPhys, out _));
    }

    [Fact]
    public void TagRunningPastTotalSizeIsMalformed()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        var builder = new Multiboot2Builder().Cmdline("abc").Tag(21, new byte[8], sizeOverride: 64).End();

        Assert.Equal(BootParseStatus.Malformed, Create(memory, builder, out _));
    }

    [Fact]
    public void ZeroSizeTagIsMalformed()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        var builder = new Multiboot2Builder().Tag(21, Array.Empty<byte>(), sizeOverride: 0).End();

        Assert.Equal(BootParseStatus.Malformed, Create(memory, builder, out _));
    }

    [Fact]
    public void MissingEndTagIsMalformed()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        var builder = new Multiboot2Builder().Cmdline("abc").Tag(21, new byte[8]);

        Assert.Equal(BootParseStatus.Malformed, Create(memory, builder, out _));
    }

    [Fact]
    public void TotalSizeSmallerThanChainIsMalformed()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        var builder = new Multiboot2Builder().Cmdline("abcdefgh").End();
        builder.TotalSizeOverride = 20;

        Assert.Equal(BootParseStatus.Malformed, Create(memory, builder, out _));
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(7u)]
    public void TotalSizeTooSmallForAnyTagIsMalformed(uint totalSize)
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        var builder = new Multiboot2Builder().End();
        builder.TotalSizeOverride = totalSize;

        Assert.Equal(BootParseStatus.Malformed, Create(memory, builder, out _));
    }

    [Fact]
    public void TotalSizeBeyondMappedMemoryIsMalformed()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        var builder = new Multiboot2Builder().End();
        builder.TotalSizeOverride = (uint)MemorySize;

        Assert.Equal(BootParseStatus.Malformed, Create(memory, builder, out _));
    }

    [Theory]
    [InlineData(16u)]
    [InlineData(28u)]
    public void BadMemoryMapEntrySizeIsMalformed(uint entrySize)
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        var builder = new Multiboot2Builder().MemoryMap(new[] { (0x100000ul, 0x100000ul, 1u) }, entrySize).End();

        Assert.Equal(BootParseStatus.Malformed, Create(memory, builder, out _));
    }

    [Fact]
    public void ShortRsdpTagIsMalformed()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        var builder = new Multiboot2Builder().Tag(15, Rsdp(20, 0x22)).End();

        Assert.Equal(BootParseStatus.Malformed, Create(memory, builder, out _));
    }

    [Fact]
    public void LargerEntrySizeIsHonoured()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        var builder = new Multiboot2Builder()
            .MemoryMap(new[] { (0x100000ul, 0x1000ul, 1u), (0x200000ul, 0x2000ul, 4u) }, entrySize: 32).End();
        Assert.Equal(BootParseStatus.Ok, Create(memory, builder, out var info));

        var regions = new MemoryRegion[4];
        Assert.Equal(BootParseStatus.Ok, info.ReadMemoryMap(regions, out int count));
        Assert.Equal(2, count);
        Assert.Equal(new MemoryRegion(0x200000, 0x2000, MemoryRegionType.AcpiNvs), regions[1]);
    }

    [Fact]
    public void TooManyRegionsAndModulesTruncate()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        var entries = new (ulong, ulong, uint)[10];
        for (int i = 0; i < entries.Length; i++)
            entries[i] = ((ulong)(i + 1) << 20, 0x1000, 1);
        var builder = new Multiboot2Builder().MemoryMap(entries)
            .Module(0x1000000, 0x1001000, "a").Module(0x1002000, 0x1003000, "b").Module(0x1004000, 0x1005000, "c")
            .End();
        Assert.Equal(BootParseStatus.Ok, Create(memory, builder, out var info));

        var regions = new MemoryRegion[4];
        Assert.Equal(BootParseStatus.Truncated, info.ReadMemoryMap(regions, out int regionCount));
        Assert.Equal(4, regionCount);
        Assert.Equal(4ul << 20, regions[3].Base);

        var modules = new BootModule[2];
        Assert.Equal(BootParseStatus.Truncated, info.ReadModules(modules, out int moduleCount));
        Assert.Equal(2, moduleCount);
    }

    [Fact]
    public void CmdlineIsBoundedByItsTagWhenNotTerminated()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        // Eight payload bytes without a NUL; the padding after the tag is non-zero junk.
        var builder = new Multiboot2Builder().Tag(1, Encoding.ASCII.GetBytes("abcdefgh")).Tag(21, Rsdp(8, 0x41)).End();
        Assert.Equal(BootParseStatus.Ok, Create(memory, builder, out var info));

        var dest = new byte[32];
        Assert.Equal(BootParseStatus.Ok, info.CopyCmdline(dest, out int length));
        Assert.Equal("abcdefgh", Encoding.ASCII.GetString(dest, 0, length));
    }
}
