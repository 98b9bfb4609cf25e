using System.Text;
using Vireo.Kernel.Multiboot;
using Vireo.Tests.Memory;
using Xunit;

namespace Vireo.Tests.Boot;

public class BootInfoTests
{
    private const ulong MemorySize = 1 << 20;
    private const ulong Mb2InfoPhys = 0x10000;

    [Fact]
    public void LayoutMatchesThreeSlotsPerElement()
    {
        unsafe
        {
            Assert.Equal(24, sizeof(MemoryRegion));
            Assert.Equal(24, sizeof(BootModule));
        }
    }

    [Fact]
    public void UnknownMagicIsRejected()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);

        Assert.Equal(BootParseStatus.BadMagic, BootInfo.Parse(memory.Map, 0x12345678, 0x9000, out var info));
        Assert.Equal(BootProtocol.None, info.Protocol);
    }

    [Fact]
    public void FillsFromMultiboot1()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        ulong infoPhys = new Multiboot1Builder(memory)
            .MemoryBounds(639, 65536)
            .Cmdline("init=/srv/root")
            .Modules((0x200000, 0x210000, "root"))
            .MapEntry(0, 0x9F000, 1)
            .MapEntry(0x100000, 0x3F00000, 1)
            .Write();

        Assert.Equal(BootParseStatus.Ok, BootInfo.Parse(memory.Map, Multiboot1Info.BootloaderMagic, infoPhys, out var info));

        Assert.Equal(BootProtocol.Multiboot1, info.Protocol);
        Assert.Equal(infoPhys, info.InfoPhys);
        Assert.Equal(Multiboot1Info.StructSize, info.InfoLength);
        Assert.True(info.HasFirmwareMemoryMap);
        Assert.Equal(2, info.RegionCount);
        Assert.Equal(new MemoryRegion(0x100000, 0x3F00000, MemoryRegionType.Usable), info.Region(1));
        Assert.Equal(1, info.ModuleCount);
        Assert.Equal(0x210000ul, info.Module(0).End);
        Assert.True(info.HasMemoryBounds);
        Assert.Equal(65536u, info.MemUpperKiB);
        Assert.Equal(0ul, info.RsdpPhys);

        var cmdline = new byte[BootInfo.CmdlineCapacity];
        int length = info.CopyCmdline(cmdline);
        Assert.Equal("init=/srv/root", Encoding.ASCII.GetString(cmdline, 0, length));
        Assert.False(info.CmdlineTruncated);
    }

    [Fact]
    public void Multiboot1WithoutMapFallsBackToMemoryBounds()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        ulong infoPhys = new Multiboot1Builder(memory).MemoryBounds(640, 31744).Write();

        Assert.Equal(BootParseStatus.Ok, BootInfo.Parse(memory.Map, Multiboot1Info.BootloaderMagic, infoPhys, out var info));

        Assert.False(info.HasFirmwareMemoryMap);
        Assert.Equal(2, info.RegionCount);
        Assert.Equal(new MemoryRegion(0, 640 * 1024, MemoryRegionType.Usable), info.Region(0));
        Assert.Equal(new MemoryRegion(1 << 20, 31744ul * 1024, MemoryRegionType.Usable), info.Region(1));
    }

    [Fact]
    public void Multiboot1WithoutMapOrBoundsHasNoRegions()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        ulong infoPhys = new Multiboot1Builder(memory).Cmdline("x").Write();

        Assert.Equal(BootParseStatus.Ok, BootInfo.Parse(memory.Map, Multiboot1Info.BootloaderMagic, infoPhys, out var info));
        Assert.Equal(0, info.RegionCount);
        Assert.False(info.HasFirmwareMemoryMap);
    }

    [Fact]
    public void MalformedMultiboot1MapFailsTheWholeParse()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        ulong infoPhys = new Multiboot1Builder(memory).MapEntry(0x100000, 0x1000, 1, size: 4).Write();

        Assert.Equal(BootParseStatus.Malformed, BootInfo.Parse(memory.Map, Multiboot1Info.BootloaderMagic, infoPhys, out _));
    }

    [Fact]
    public void FillsFromMultiboot2()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        var builder = new Multiboot2Builder()
            .Cmdline("debug")
            .Module(0x400000, 0x401000, "a")
            .MemoryMap(new[] { (0x100000ul, 0x7F00000ul, 1u), (0xE0000ul, 0x20000ul, 2u) })
            .Tag(15, new byte[36])
            .End();
        ulong size = builder.WriteTo(memory, Mb2InfoPhys);

        Assert.Equal(BootParseStatus.Ok, BootInfo.Parse(memory.Map, Multiboot2Info.BootloaderMagic, Mb2InfoPhys, out var info));

        Assert.Equal(BootProtocol.Multiboot2, info.Protocol);
        Assert.Equal(size, info.InfoLength);
        Assert.Equal(2, info.RegionCount);
        Assert.Equal(MemoryRegionType.Reserved, info.Region(1).Type);
        Assert.Equal(1, info.ModuleCount);
        Assert.Equal(5, info.CmdlineLength);
        Assert.Equal((byte)'d', info.CmdlineByte(0));
        Assert.InRange(info.RsdpPhys, Mb2InfoPhys, Mb2InfoPhys + size - 36);
        Assert.Equal(36u, info.RsdpLength);
    }

    [Fact]
    public void MalformedMultiboot2IsRejected()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        new Multiboot2Builder().Tag(21, new byte[0], sizeOverride: 4).End().WriteTo(memory, Mb2InfoPhys);

        Assert.Equal(BootParseStatus.Malformed, BootInfo.Parse(memory.Map, Multiboot2Info.BootloaderMagic, Mb2InfoPhys, out var info));
        Assert.Equal(0, info.RegionCount);
    }

    [Fact]
    public void OverCapacityInputIsTruncatedAndFlagged()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        var entries = new (ulong, ulong, uint)[BootInfo.RegionCapacity + 3];
        for (int i = 0; i < entries.Length; i++)
            entries[i] = ((ulong)(i + 1) << 20, 0x1000, 1);
        var builder = new Multiboot2Builder().MemoryMap(entries).Cmdline(new string('c', BootInfo.CmdlineCapacity + 10));
        for (uint i = 0; i < BootInfo.ModuleCapacity + 1; i++)
            builder.Module(0x800000 + i * 0x1000, 0x800800 + i * 0x1000, "m");
        builder.End().WriteTo(memory, Mb2InfoPhys);

        Assert.Equal(BootParseStatus.Ok, BootInfo.Parse(memory.Map, Multiboot2Info.BootloaderMagic, Mb2InfoPhys, out var info));

        Assert.Equal(BootInfo.RegionCapacity, info.RegionCount);
        Assert.True(info.RegionsTruncated);
        Assert.Equal((ulong)BootInfo.RegionCapacity << 20, info.Region(BootInfo.RegionCapacity - 1).Base);
        Assert.Equal(BootInfo.ModuleCapacity, info.ModuleCount);
        Assert.True(info.ModulesTruncated);
        Assert.Equal(BootInfo.CmdlineCapacity, info.CmdlineLength);
        Assert.True(info.CmdlineTruncated);
    }

    [Fact]
    public void CopyHelpersStopAtDestinationLength()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        ulong infoPhys = new Multiboot1Builder(memory)
            .MapEntry(0x100000, 0x1000, 1).MapEntry(0x200000, 0x1000, 1).MapEntry(0x300000, 0x1000, 1)
            .Modules((0x400000, 0x401000, "a"), (0x402000, 0x403000, "b"))
            .Write();
        BootInfo.Parse(memory.Map, Multiboot1Info.BootloaderMagic, infoPhys, out var info);

        var regions = new MemoryRegion[2];
        Assert.Equal(2, info.CopyRegions(regions));
        Assert.Equal(0x200000ul, regions[1].Base);
        var modules = new BootModule[1];
        Assert.Equal(1, info.CopyModules(modules));
        Assert.Equal(0x400000ul, modules[0].Start);
    }
}
