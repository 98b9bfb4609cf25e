using Vireo.Kernel.Acpi;
using Xunit;
using static Vireo.Tests.Acpi.AcpiTableBuilder;

namespace Vireo.Tests.Acpi;

public class AcpiParserTests
{
    private const ulong MemorySize = 0x200000;
    private const ulong RsdpAt = 0xF6A40;
    private const ulong RsdtAt = 0x100000;
    private const ulong XsdtAt = 0x101000;
    private const ulong MadtAt = 0x102000;
    private const ulong HpetAt = 0x103000;
    private const ulong FadtAt = 0x104000;

    private static byte[] TestMadt() => Madt(0xFEE00000, 1,
        LocalApic(0, 0), LocalApic(1, 1), IoApic(0, 0xFEC00000, 0),
        InterruptOverride(0, 2, 0), InterruptOverride(9, 9, 0x000F));

    private static void WriteLeafTables(FakePhysicalMemory mem)
    {
        mem.Write(MadtAt, TestMadt());
        mem.Write(HpetAt, Hpet(0x8086A201, 0xFED00000, 0, 0x80));
        mem.Write(FadtAt, new FadtSpec { Dsdt = 0x7FE0000, Flags = FadtInfo.FlagResetRegisterSupported }.Build());
    }

    [Fact]
    public void Acpi1PathGoesThroughRsdt()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        WriteLeafTables(mem);
        mem.Write(RsdtAt, Rsdt((uint)FadtAt, (uint)MadtAt, (uint)HpetAt));
        mem.Write(RsdpAt, Rsdp(0, (uint)RsdtAt, oem: "BOCHS "));

        Assert.Equal(AcpiStatus.Ok, AcpiParser.Parse(mem.Map, RsdpAt, out AcpiInfo info));
        Assert.Equal(RsdpAt, info.RsdpPhys);
        Assert.Equal(0, info.Revision);
        Assert.False(info.UsesXsdt);
        Assert.Equal(RsdtAt, info.RootTablePhys);
        Assert.Equal((byte)'B', info.OemIdByte(0));
        Assert.Equal((byte)'S', info.OemIdByte(4));

        Assert.Equal(3, info.TableCount);
        Assert.True(info.TryGetTable(0, out uint sig0, out ulong phys0));
        Assert.Equal(AcpiSignature.Fadt, sig0);
        Assert.Equal(FadtAt, phys0);
        Assert.False(info.TryGetTable(3, out _, out _));
        Assert.True(info.TryFindTable(AcpiSignature.Hpet, out ulong hpetPhys));
        Assert.Equal(HpetAt, hpetPhys);

        Assert.True(info.HasMadt);
        Assert.Equal(2, info.Madt.CpuCount);
        Assert.True(info.Madt.IsaIrqToGsi(0, out uint gsi, out _, out _));
        Assert.Equal(2u, gsi);
        Assert.True(info.Madt.IsaIrqToGsi(9, out _, out bool low, out bool level));
        Assert.True(low);
        Assert.True(level);

        Assert.True(info.HasHpet);
        Assert.Equal(0xFED00000UL, info.Hpet.BaseAddress.Address);

        Assert.True(info.HasFadt);
        Assert.Equal(0x7FE0000UL, info.Fadt.DsdtAddress);
        Assert.True(info.Fadt.ResetSupported);
    }

    [Fact]
    public void Acpi2PathGoesThroughXsdt()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        WriteLeafTables(mem);
        mem.Write(RsdtAt, Rsdt((uint)FadtAt)); // the stale RSDT lists less: proves the XSDT was used
        mem.Write(XsdtAt, Xsdt(FadtAt, MadtAt, HpetAt));
        mem.Write(RsdpAt, Rsdp(2, (uint)RsdtAt, XsdtAt));

        Assert.Equal(AcpiStatus.Ok, AcpiParser.Parse(mem.Map, RsdpAt, out AcpiInfo info));
        Assert.Equal(2, info.Revision);
        Assert.True(info.UsesXsdt);
        Assert.Equal(XsdtAt, info.RootTablePhys);
        Assert.Equal(3, info.TableCount);
        Assert.True(info.HasMadt);
        Assert.True(info.HasHpet);
        Assert.True(info.HasFadt);
    }

    [Fact]
    public void DiscoverFindsRsdpByBiosScan()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        WriteLeafTables(mem);
        mem.Write(XsdtAt, Xsdt(MadtAt));
        mem.Write(RsdpAt, Rsdp(2, 0, XsdtAt));

        Assert.Equal(AcpiStatus.Ok, AcpiParser.Discover(mem.Map, out AcpiInfo info));
        Assert.Equal(RsdpAt, info.RsdpPhys);
        Assert.True(info.HasMadt);
        Assert.Equal(AcpiStatus.NotFound, info.HpetStatus);
        Assert.False(info.HasHpet);
        Assert.False(info.HasFadt);
    }

    [Fact]
    public void DiscoverWithoutRsdpReportsNotFound()
    {
        using var mem = new FakePhysicalMemory(MemorySize);

        Assert.Equal(AcpiStatus.NotFound, AcpiParser.Discover(mem.Map, out AcpiInfo info));
        Assert.Equal(0, info.TableCount);
    }

    [Fact]
    public void BadRsdpFailsTheWholeParse()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        var rsdp = Rsdp(0, (uint)RsdtAt);
        rsdp[8] ^= 0x80;
        mem.Write(RsdpAt, rsdp);

        Assert.Equal(AcpiStatus.BadChecksum, AcpiParser.Parse(mem.Map, RsdpAt, out AcpiInfo info));
        Assert.Equal(0UL, info.RsdpPhys);
    }

    [Fact]
    public void RootTableBeyondMemoryFailsTheWholeParse()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        mem.Write(RsdpAt, Rsdp(0, 0x7FFF0000));

        Assert.Equal(AcpiStatus.OutOfRange, AcpiParser.Parse(mem.Map, RsdpAt, out _));
    }

    [Fact]
    public void CorruptLeafTablesAreReportedIndividually()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        WriteLeafTables(mem);
        var madt = Madt(0xFEE00000, 1, LocalApic(0, 0), new byte[] { 1, 0 });
        mem.Write(MadtAt, madt);
        mem.Write8(HpetAt + 40, (byte)(mem.Read8(HpetAt + 40) ^ 0xFF));
        mem.Write(RsdtAt, Rsdt((uint)MadtAt, (uint)HpetAt, (uint)FadtAt));
        mem.Write(RsdpAt, Rsdp(0, (uint)RsdtAt));

        Assert.Equal(AcpiStatus.Ok, AcpiParser.Parse(mem.Map, RsdpAt, out AcpiInfo info));
        Assert.Equal(AcpiStatus.MalformedEntry, info.MadtStatus);
        Assert.False(info.HasMadt);
        Assert.Equal(AcpiStatus.BadChecksum, info.HpetStatus);
        Assert.True(info.HasFadt);
        Assert.Equal(3, info.TableCount);
    }

    [Fact]
    public void TableListIsCappedAndNullEntriesAreSkipped()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        var entries = new uint[AcpiInfo.MaxTables + 3];
        entries[0] = 0;
        for (int i = 1; i < entries.Length; i++)
            entries[i] = (uint)(0x110000 + i * 0x100);
        for (int i = 1; i < entries.Length; i++)
            mem.Write(entries[i], Table("SSDT", 2, new byte[4]));
        mem.Write(RsdtAt, Rsdt(entries));
        mem.Write(RsdpAt, Rsdp(0, (uint)RsdtAt));

        Assert.Equal(AcpiStatus.Ok, AcpiParser.Parse(mem.Map, RsdpAt, out AcpiInfo info));
        Assert.Equal(AcpiInfo.MaxTables, info.TableCount);
        Assert.True(info.TablesTruncated);
        Assert.True(info.TryGetTable(0, out uint sig, out ulong phys));
        Assert.Equal(AcpiSignature.Ssdt, sig);
        Assert.Equal(entries[1], phys);
        Assert.Equal(AcpiStatus.NotFound, info.MadtStatus);
    }

    [Fact]
    public void EntryOutsideMemoryIsListedWithZeroSignature()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        mem.Write(XsdtAt, Xsdt(0x1_0000_0000));
        mem.Write(RsdpAt, Rsdp(2, 0, XsdtAt));

        Assert.Equal(AcpiStatus.Ok, AcpiParser.Parse(mem.Map, RsdpAt, out AcpiInfo info));
        Assert.True(info.TryGetTable(0, out uint sig, out ulong phys));
        Assert.Equal(0u, sig);
        Assert.Equal(0x1_0000_0000UL, phys);
    }
}
