using System.Text;
using Vireo.Kernel.Multiboot;
using Vireo.Tests.Memory;
using Xunit;

namespace Vireo.Tests.Boot;

public class Multiboot1InfoTests
{
    private const ulong MemorySize = 1 << 20;

    [Fact]
    public void RejectsWrongMagic()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        ulong info = new Multiboot1Builder(memory).MemoryBounds(640, 1024).Write();

        Assert.Equal(BootParseStatus.BadMagic, Multiboot1Info.TryCreate(memory.Map, Multiboot2Info.BootloaderMagic, info, out _));
    }

    [Fact]
    public void RejectsInfoOutsideMappedMemory()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);

        Assert.Equal(BootParseStatus.Malformed,
            Multiboot1Info.TryCreate(memory.Map, Multiboot1Info.BootloaderMagic, MemorySize - 16, out _));
    }

    [Fact]
    public void ReadsBoundsCmdlineModulesAndMap()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        ulong infoPhys = new Multiboot1Builder(memory)
            .MemoryBounds(639, 130048)
            .Cmdline("console=serial verbose")
            .Modules((0x200000, 0x201234, "init"), (0x300000, 0x300000, "empty"))
            .MapEntry(0, 0x9FC00, 1)
            .MapEntry(0x9FC00, 0x400, 2)
            .MapEntry(0x100000, 0x7EE0000, 1, size: 24)
            .MapEntry(0x7FE0000, 0x20000, 3)
            .MapEntry(0xFEC00000, 0x1000, 4)
            .MapEntry(0xFFF00000, 0x1000, 5)
            .MapEntry(0xFFF10000, 0x1000, 99)
            .Write();

        Assert.Equal(BootParseStatus.Ok, Multiboot1Info.TryCreate(memory.Map, Multiboot1Info.BootloaderMagic, infoPhys, out var info));

        Assert.Equal(BootParseStatus.Ok, info.GetMemoryBounds(out uint lower, out uint upper));
        Assert.Equal(639u, lower);
        Assert.Equal(130048u, upper);

        var cmdline = new byte[64];
        Assert.Equal(BootParseStatus.Ok, info.CopyCmdline(cmdline, out int length));
        Assert.Equal("console=serial verbose", Encoding.ASCII.GetString(cmdline, 0, length));

        var modules = new BootModule[4];
        Assert.Equal(BootParseStatus.Ok, info.ReadModules(modules, out int moduleCount));
        Assert.Equal(2, moduleCount);
        Assert.Equal(0x200000ul, modules[0].Start);
        Assert.Equal(0x201234ul, modules[0].End);
        Assert.Equal(0x1234ul, modules[0].Length);
        Assert.Equal(Multiboot1Builder.ModuleStringsPhys, modules[0].CmdlinePhys);
        Assert.Equal(Multiboot1Builder.ModuleStringsPhys + 5, modules[1].CmdlinePhys);
        Assert.Equal(0ul, modules[1].Length);

        var regions = new MemoryRegion[16];
        Assert.Equal(BootParseStatus.Ok, info.ReadMemoryMap(regions, out int regionCount));
        Assert.Equal(7, regionCount);
        Assert.Equal(new MemoryRegion(0, 0x9FC00, MemoryRegionType.Usable), regions[0]);
        Assert.Equal(MemoryRegionType.Reserved, regions[1].Type);
        Assert.Equal(new MemoryRegion(0x100000, 0x7EE0000, MemoryRegionType.Usable), regions[2]);
        Assert.Equal(MemoryRegionType.AcpiReclaimable, regions[3].Type);
        Assert.Equal(MemoryRegionType.AcpiNvs, regions[4].Type);
        Assert.Equal(MemoryRegionType.Bad, regions[5].Type);
        Assert.Equal(MemoryRegionType.Reserved, regions[6].Type);
    }

    [Fact]
    public void MissingFlagsReportMissing()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        // Data is present but the flags say otherwise: the flags are authoritative.
        ulong infoPhys = new Multiboot1Builder(memory)
            .Cmdline("x").Modules((0x200000, 0x201000, "m")).MapEntry(0x100000, 0x100000, 1)
            .ClearFlags(0xFFFFFFFF)
            .Write();
        Assert.Equal(BootParseStatus.Ok, Multiboot1Info.TryCreate(memory.Map, Multiboot1Info.BootloaderMagic, infoPhys, out var info));

        Assert.Equal(BootParseStatus.Missing, info.GetMemoryBounds(out _, out _));
        Assert.Equal(BootParseStatus.Missing, info.CopyCmdline(new byte[8], out int length));
        Assert.Equal(0, length);
        Assert.Equal(BootParseStatus.Missing, info.ReadModules(new BootModule[2], out int modules));
        Assert.Equal(0, modules);
        Assert.Equal(BootParseStatus.Missing, info.ReadMemoryMap(new MemoryRegion[2], out int regions));
        Assert.Equal(0, regions);
    }

    [Fact]
    public void TooManyRegionsTruncatesToSpan()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        var builder = new Multiboot1Builder(memory);
        for (uint i = 0; i < 5; i++)
            builder.MapEntry(0x100000ul * (i + 1), 0x1000, 1);
        Multiboot1Info.TryCreate(memory.Map, Multiboot1Info.BootloaderMagic, builder.Write(), out var info);

        var regions = new MemoryRegion[3];
        Assert.Equal(BootParseStatus.Truncated, info.ReadMemoryMap(regions, out int count));
        Assert.Equal(3, count);
        Assert.Equal(0x300000ul, regions[2].Base);
    }

    [Fact]
    public void ExactFitIsNotTruncated()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        var builder = new Multiboot1Builder(memory).MapEntry(0x100000, 0x1000, 1).MapEntry(0x200000, 0x1000, 1);
        Multiboot1Info.TryCreate(memory.Map, Multiboot1Info.BootloaderMagic, builder.Write(), out var info);

        Assert.Equal(BootParseStatus.Ok, info.ReadMemoryMap(new MemoryRegion[2], out int count));
        Assert.Equal(2, count);
    }

    [Fact]
    public void TooManyModulesTruncates()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        ulong infoPhys = new Multiboot1Builder(memory)
            .Modules((0x200000, 0x201000, "a"), (0x202000, 0x203000, "b"), (0x204000, 0x205000, "c"))
            .Write();
        Multiboot1Info.TryCreate(memory.Map, Multiboot1Info.BootloaderMagic, infoPhys, out var info);

        var modules = new BootModule[2];
        Assert.Equal(BootParseStatus.Truncated, info.ReadModules(modules, out int count));
        Assert.Equal(2, count);
        Assert.Equal(0x202000ul, modules[1].Start);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(19u)]
    public void MapEntryWithTooSmallSizeIsMalformed(uint size)
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        var builder = new Multiboot1Builder(memory).MapEntry(0x100000, 0x1000, 1).MapEntry(0x200000, 0x1000, 1, size);
        Multiboot1Info.TryCreate(memory.Map, Multiboot1Info.BootloaderMagic, builder.Write(), out var info);

        Assert.Equal(BootParseStatus.Malformed, info.ReadMemoryMap(new MemoryRegion[8], out int count));
        Assert.Equal(1, count);
    }

    [Fact]
    public void MapEntryRunningPastMapLengthIsMalformed()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        var builder = new Multiboot1Builder(memory).MapEntry(0x100000, 0x1000, 1).MapEntry(0x200000, 0x1000, 1);
        builder.Raw(44, 24 + 20);
        Multiboot1Info.TryCreate(memory.Map, Multiboot1Info.BootloaderMagic, builder.Write(), out var info);

        Assert.Equal(BootParseStatus.Malformed, info.ReadMemoryMap(new MemoryRegion[8], out _));
    }

    [Fact]
    public void MapOutsideMappedMemoryIsMalformed()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        var builder = new Multiboot1Builder(memory).MapEntry(0x100000, 0x1000, 1);
        builder.Raw(48, (uint)MemorySize - 8);
        Multiboot1Info.TryCreate(memory.Map, Multiboot1Info.BootloaderMagic, builder.Write(), out var info);

        Assert.Equal(BootParseStatus.Malformed, info.ReadMemoryMap(new MemoryRegion[8], out _));
    }

    [Fact]
    public void ModuleTableOutsideMappedMemoryIsMalformed()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        var builder = new Multiboot1Builder(memory).Modules((0x200000, 0x201000, "a"));
        builder.Raw(20, 0x10000000);
        Multiboot1Info.TryCreate(memory.Map, Multiboot1Info.BootloaderMagic, builder.Write(), out var info);

        Assert.Equal(BootParseStatus.Malformed, info.ReadModules(new BootModule[2], out _));
    }

    [Fact]
    public void ModuleEndingBeforeItStartsIsMalformed()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        ulong infoPhys = new Multiboot1Builder(memory).Modules((0x300000, 0x200000, "backwards")).Write();
        Multiboot1Info.TryCreate(memory.Map, Multiboot1Info.BootloaderMagic, infoPhys, out var info);

        Assert.Equal(BootParseStatus.Malformed, info.ReadModules(new BootModule[2], out _));
    }

    [Fact]
    public void LongCmdlineTruncatesToDestination()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        ulong infoPhys = new Multiboot1Builder(memory).Cmdline("abcdefgh").Write();
        Multiboot1Info.TryCreate(memory.Map, Multiboot1Info.BootloaderMagic, infoPhys, out var info);

        var dest = new byte[5];
        Assert.Equal(BootParseStatus.Truncated, info.CopyCmdline(dest, out int length));
        Assert.Equal(5, length);
        Assert.Equal("abcde", Encoding.ASCII.GetString(dest));

        Assert.Equal(BootParseStatus.Ok, info.CopyCmdline(new byte[8], out length));
        Assert.Equal(8, length);
    }

    [Fact]
    public void UnterminatedCmdlineAtEndOfMemoryIsMalformed()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        ulong at = MemorySize - 3;
        memory.WriteBytes(at, new byte[] { (byte)'a', (byte)'b', (byte)'c' });
        var builder = new Multiboot1Builder(memory).Cmdline("x");
        builder.Raw(16, (uint)at);
        Multiboot1Info.TryCreate(memory.Map, Multiboot1Info.BootloaderMagic, builder.Write(), out var info);

        Assert.Equal(BootParseStatus.Malformed, info.CopyCmdline(new byte[64], out _));
    }

    [Fact]
    public void DefaultReaderReportsEverythingMissing()
    {
        Multiboot1Info info = default;

        Assert.Equal(BootParseStatus.Missing, info.ReadMemoryMap(new MemoryRegion[1], out _));
        Assert.Equal(BootParseStatus.Missing, info.CopyCmdline(new byte[1], out _));
    }
}
