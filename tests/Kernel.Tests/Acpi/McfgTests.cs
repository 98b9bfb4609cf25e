// The MCFG parser (McfgInfo): q35's single entry, the window it describes, malformed entries refused,
// and the root-table walk recording it (absent on the pc machine).
using System;
using Vireo.Kernel.Acpi;
using Xunit;
using static Vireo.Tests.Acpi.AcpiTableBuilder;

namespace Vireo.Tests.Acpi;

public class McfgTests
{
    private const ulong MemorySize = 0x200000;
    private const ulong TableAt = 0x104000, XsdtAt = 0x101000, RsdpAt = 0xF6A40;

    // 8 reserved bytes, then entries of 16: address, segment, start bus, end bus, 4 reserved.
    private static byte[] Mcfg(params (ulong Address, ushort Segment, byte Start, byte End)[] entries)
    {
        var body = new byte[8 + 16 * entries.Length];
        for (int i = 0; i < entries.Length; i++)
        {
            int at = 8 + 16 * i;
            BitConverter.GetBytes(entries[i].Address).CopyTo(body, at);
            BitConverter.GetBytes(entries[i].Segment).CopyTo(body, at + 8);
            body[at + 10] = entries[i].Start;
            body[at + 11] = entries[i].End;
        }
        return Table("MCFG", 1, body);
    }

    private static AcpiStatus Parse(FakePhysicalMemory mem, byte[] table, out McfgInfo mcfg)
    {
        mem.Write(TableAt, table);
        Assert.Equal(AcpiStatus.Ok, AcpiTable.Open(mem.Map, TableAt, AcpiSignature.Mcfg, out AcpiTable t));
        return McfgInfo.Parse(t, out mcfg);
    }

    [Fact]
    public void ParsesQ35sEntry()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        Assert.Equal(AcpiStatus.Ok, Parse(mem, Mcfg((0xB000_0000, 0, 0, 255)), out McfgInfo m));
        Assert.Equal(0xB000_0000UL, m.BaseAddress);
        Assert.Equal(0, m.Segment);
        Assert.Equal(0, m.StartBus);
        Assert.Equal(255, m.EndBus);
        Assert.Equal(0xB000_0000UL, m.WindowStart);
        Assert.Equal(0xC000_0000UL, m.WindowEnd);   // 256 buses of 1 MiB
    }

    [Fact]
    public void FirstEntryOnlyAndWindowFromItsStartBus()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        Assert.Equal(AcpiStatus.Ok, Parse(mem, Mcfg((0xE000_0000, 1, 16, 31), (0xF000_0000, 2, 0, 7)), out McfgInfo m));
        Assert.Equal(0xE000_0000UL, m.BaseAddress);
        Assert.Equal(1, m.Segment);
        Assert.Equal(0xE100_0000UL, m.WindowStart);
        Assert.Equal(0xE200_0000UL, m.WindowEnd);
    }

    [Fact]
    public void RefusesWhatDescribesNoWindow()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        Assert.Equal(AcpiStatus.BadLength, Parse(mem, Mcfg(), out _));
        Assert.Equal(AcpiStatus.MalformedEntry, Parse(mem, Mcfg((0xB000_8000, 0, 0, 255)), out _));
        Assert.Equal(AcpiStatus.MalformedEntry, Parse(mem, Mcfg((0xB000_0000, 0, 9, 8)), out McfgInfo m));
        Assert.Equal(0UL, m.BaseAddress);
    }

    [Fact]
    public void ParserRecordsItOrItsAbsence()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        mem.Write(TableAt, Mcfg((0xB000_0000, 0, 0, 255)));
        mem.Write(0x102000, Madt(0xFEE00000, 1, LocalApic(0, 0)));
        mem.Write(XsdtAt, Xsdt(0x102000, TableAt));
        mem.Write(RsdpAt, Rsdp(2, 0, XsdtAt));
        Assert.Equal(AcpiStatus.Ok, AcpiParser.Parse(mem.Map, RsdpAt, out AcpiInfo info));
        Assert.True(info.HasMcfg);
        Assert.Equal(0xB000_0000UL, info.Mcfg.BaseAddress);

        mem.Write(XsdtAt, Xsdt(0x102000));
        Assert.Equal(AcpiStatus.Ok, AcpiParser.Parse(mem.Map, RsdpAt, out AcpiInfo pc));
        Assert.False(pc.HasMcfg);
        Assert.Equal(AcpiStatus.NotFound, pc.McfgStatus);
        Assert.Equal(0UL, pc.Mcfg.BaseAddress);
    }
}
