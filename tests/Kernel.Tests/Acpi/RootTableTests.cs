using Vireo.Kernel.Acpi;
using Xunit;
using static Vireo.Tests.Acpi.AcpiTableBuilder;

namespace Vireo.Tests.Acpi;

public class RootTableTests
{
    private const ulong MemorySize = 0x200000;
    private const ulong RsdpAt = 0xF0000;
    private const ulong RsdtAt = 0x100000;
    private const ulong XsdtAt = 0x101000;
    private const ulong MadtAt = 0x102000;
    private const ulong HpetAt = 0x103000;

    private static byte[] SimpleMadt() => Madt(0xFEE00000, 1, LocalApic(0, 0));

    private static byte[] SimpleHpet() => Hpet(0x8086A201, 0xFED00000, 0, 0x80);

    [Fact]
    public void RsdtEnumeratesEntriesAndFindsTableBySignature()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        mem.Write(RsdtAt, Rsdt((uint)MadtAt, (uint)HpetAt));
        mem.Write(MadtAt, SimpleMadt());
        mem.Write(HpetAt, SimpleHpet());

        Assert.Equal(AcpiStatus.Ok, RootTable.OpenRsdt(mem.Map, RsdtAt, out RootTable root));
        Assert.False(root.IsXsdt);
        Assert.Equal(2, root.Count);
        Assert.Equal(MadtAt, root.EntryAt(0));
        Assert.Equal(HpetAt, root.EntryAt(1));
        Assert.Equal(0UL, root.EntryAt(2));
        Assert.Equal(0UL, root.EntryAt(-1));

        Assert.True(root.TryFindTable(AcpiSignature.Hpet, out ulong hpet));
        Assert.Equal(HpetAt, hpet);
        Assert.Equal(AcpiStatus.NotFound, root.FindTable(AcpiSignature.Fadt, out _));
        Assert.False(root.TryFindTable(AcpiSignature.Fadt, out ulong none));
        Assert.Equal(0UL, none);
    }

    [Fact]
    public void XsdtEntriesAre64Bit()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        mem.Write(XsdtAt, Xsdt(MadtAt, 0x1_2345_6789));

        Assert.Equal(AcpiStatus.Ok, RootTable.OpenXsdt(mem.Map, XsdtAt, out RootTable root));
        Assert.True(root.IsXsdt);
        Assert.Equal(2, root.Count);
        Assert.Equal(0x1_2345_6789UL, root.EntryAt(1));
    }

    [Fact]
    public void Revision2RsdpPrefersXsdt()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        mem.Write(RsdpAt, Rsdp(2, (uint)RsdtAt, XsdtAt));
        mem.Write(RsdtAt, Rsdt((uint)HpetAt));
        mem.Write(XsdtAt, Xsdt(MadtAt));
        mem.Write(MadtAt, SimpleMadt());
        mem.Write(HpetAt, SimpleHpet());
        Assert.True(RsdpLocator.TryParseRsdp(mem.Map, RsdpAt, out Rsdp rsdp));

        Assert.Equal(AcpiStatus.Ok, RootTable.Open(mem.Map, rsdp, out RootTable root));
        Assert.True(root.IsXsdt);
        Assert.Equal(XsdtAt, root.Phys);
        Assert.True(root.TryFindTable(AcpiSignature.Madt, out _));
        Assert.False(root.TryFindTable(AcpiSignature.Hpet, out _));
    }

    [Fact]
    public void Revision2RsdpWithZeroXsdtUsesRsdt()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        mem.Write(RsdpAt, Rsdp(2, (uint)RsdtAt, 0));
        mem.Write(RsdtAt, Rsdt((uint)HpetAt));
        Assert.True(RsdpLocator.TryParseRsdp(mem.Map, RsdpAt, out Rsdp rsdp));

        Assert.Equal(AcpiStatus.Ok, RootTable.Open(mem.Map, rsdp, out RootTable root));
        Assert.False(root.IsXsdt);
    }

    [Fact]
    public void CorruptXsdtFallsBackToRsdt()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        mem.Write(RsdpAt, Rsdp(2, (uint)RsdtAt, XsdtAt));
        mem.Write(RsdtAt, Rsdt((uint)HpetAt));
        var xsdt = Xsdt(MadtAt);
        xsdt[36] ^= 0x40;
        mem.Write(XsdtAt, xsdt);
        Assert.True(RsdpLocator.TryParseRsdp(mem.Map, RsdpAt, out Rsdp rsdp));

        Assert.Equal(AcpiStatus.Ok, RootTable.Open(mem.Map, rsdp, out RootTable root));
        Assert.False(root.IsXsdt);
        Assert.Equal(RsdtAt, root.Phys);
    }

    [Fact]
    public void CorruptXsdtWithoutRsdtReportsXsdtFailure()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        mem.Write(RsdpAt, Rsdp(2, 0, XsdtAt));
        var xsdt = Xsdt(MadtAt);
        xsdt[36] ^= 0x40;
        mem.Write(XsdtAt, xsdt);
        Assert.True(RsdpLocator.TryParseRsdp(mem.Map, RsdpAt, out Rsdp rsdp));

        Assert.Equal(AcpiStatus.BadChecksum, RootTable.Open(mem.Map, rsdp, out _));
    }

    [Fact]
    public void RsdtWithWrongSignatureIsRejected()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        mem.Write(RsdtAt, Xsdt(MadtAt));

        Assert.Equal(AcpiStatus.BadSignature, RootTable.OpenRsdt(mem.Map, RsdtAt, out _));
    }

    [Fact]
    public void RootTableWithBadChecksumIsRejected()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        var rsdt = Rsdt((uint)MadtAt);
        rsdt[9] ^= 1;
        mem.Write(RsdtAt, rsdt);

        Assert.Equal(AcpiStatus.BadChecksum, RootTable.OpenRsdt(mem.Map, RsdtAt, out _));
    }

    [Fact]
    public void TableLengthBeyondMemoryIsRejected()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        var rsdt = Rsdt((uint)MadtAt);
        mem.Write(MemorySize - (ulong)rsdt.Length + 4, rsdt[..(rsdt.Length - 4)]);

        Assert.Equal(AcpiStatus.OutOfRange, RootTable.OpenRsdt(mem.Map, MemorySize - (ulong)rsdt.Length + 4, out _));
    }

    [Fact]
    public void DeclaredLengthPastMemoryEndIsRejectedBeforeChecksumming()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        var rsdt = Rsdt((uint)MadtAt);
        rsdt[4] = 0x00;
        rsdt[5] = 0x00;
        rsdt[6] = 0x01; // 64 KiB: sane, but the table starts 4 KiB before the end of memory
        FixChecksum(rsdt);
        mem.Write(MemorySize - 0x1000, rsdt);

        Assert.Equal(AcpiStatus.OutOfRange, RootTable.OpenRsdt(mem.Map, MemorySize - 0x1000, out _));
    }

    [Fact]
    public void AbsurdLengthIsRejected()
    {
        using var mem = new FakePhysicalMemory(0x400000);
        var rsdt = Rsdt((uint)MadtAt);
        rsdt[6] = 0x20; // 2 MiB: fits in memory but exceeds AcpiTable.MaxLength
        FixChecksum(rsdt);
        mem.Write(0x100000, rsdt);

        Assert.Equal(AcpiStatus.BadLength, RootTable.OpenRsdt(mem.Map, 0x100000, out _));
    }

    [Fact]
    public void LengthShorterThanHeaderIsRejected()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        var rsdt = Rsdt((uint)MadtAt);
        rsdt[4] = 20;
        FixChecksum(rsdt);
        mem.Write(RsdtAt, rsdt);

        Assert.Equal(AcpiStatus.BadLength, RootTable.OpenRsdt(mem.Map, RsdtAt, out _));
    }

    [Fact]
    public void NullOrOutOfRangeRootAddressIsRejected()
    {
        using var mem = new FakePhysicalMemory(MemorySize);

        Assert.Equal(AcpiStatus.NotFound, RootTable.OpenRsdt(mem.Map, 0, out _));
        Assert.Equal(AcpiStatus.OutOfRange, RootTable.OpenXsdt(mem.Map, 0xFFFF_FFFF_0000, out _));
    }

    [Fact]
    public void FindSkipsNullAndOutOfRangeEntries()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        mem.Write(XsdtAt, Xsdt(0, 0xFFFF_FFFF_FFFF_FFF0, HpetAt));
        mem.Write(HpetAt, SimpleHpet());

        Assert.Equal(AcpiStatus.Ok, RootTable.OpenXsdt(mem.Map, XsdtAt, out RootTable root));
        Assert.True(root.TryFindTable(AcpiSignature.Hpet, out ulong phys));
        Assert.Equal(HpetAt, phys);
    }

    [Fact]
    public void FindReportsCorruptTableAndPrefersLaterValidCopy()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        var bad = SimpleHpet();
        bad[40] ^= 0xFF;
        mem.Write(HpetAt, bad);
        mem.Write(RsdtAt, Rsdt((uint)HpetAt));
        Assert.Equal(AcpiStatus.Ok, RootTable.OpenRsdt(mem.Map, RsdtAt, out RootTable onlyBad));
        Assert.Equal(AcpiStatus.BadChecksum, onlyBad.FindTable(AcpiSignature.Hpet, out _));

        mem.Write(HpetAt + 0x100, SimpleHpet());
        mem.Write(RsdtAt, Rsdt((uint)HpetAt, (uint)HpetAt + 0x100));
        Assert.Equal(AcpiStatus.Ok, RootTable.OpenRsdt(mem.Map, RsdtAt, out RootTable both));
        Assert.Equal(AcpiStatus.Ok, both.FindTable(AcpiSignature.Hpet, out AcpiTable table));
        Assert.Equal(HpetAt + 0x100, table.Phys);
    }

    [Fact]
    public void TrailingPartialEntryIsIgnored()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        var body = new byte[8 + 3];
        System.BitConverter.GetBytes(MadtAt).CopyTo(body, 0);
        mem.Write(XsdtAt, Table("XSDT", 1, body));

        Assert.Equal(AcpiStatus.Ok, RootTable.OpenXsdt(mem.Map, XsdtAt, out RootTable root));
        Assert.Equal(1, root.Count);
    }

    [Fact]
    public void SignatureConstantsMatchAsciiBytes()
    {
        Assert.Equal(AcpiSignature.Madt, AcpiSignature.FromBytes((byte)'A', (byte)'P', (byte)'I', (byte)'C'));
        Assert.Equal(0x50434146u, AcpiSignature.Fadt);
        Assert.Equal(0x54455048u, AcpiSignature.Hpet);
    }
}
