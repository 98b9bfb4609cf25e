using Vireo.Kernel.Acpi;
using Xunit;
using static Vireo.Tests.Acpi.AcpiTableBuilder;

namespace Vireo.Tests.Acpi;

public class RsdpLocatorTests
{
    private const ulong MemorySize = 0x200000;

    [Fact]
    public void ParsesRevision0Rsdp()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        mem.Write(0xF0000, Rsdp(0, 0x100000, oem: "BOCHS "));

        Assert.True(RsdpLocator.TryParseRsdp(mem.Map, 0xF0000, out Rsdp rsdp));
        Assert.Equal(0xF0000UL, rsdp.Phys);
        Assert.Equal(0, rsdp.Revision);
        Assert.Equal(0x100000u, rsdp.RsdtAddress);
        Assert.Equal(0UL, rsdp.XsdtAddress);
        Assert.Equal(20u, rsdp.Length);
        Assert.False(rsdp.PrefersXsdt);
        Assert.Equal((byte)'B', rsdp.OemIdByte(0));
        Assert.Equal((byte)' ', rsdp.OemIdByte(5));
        Assert.Equal(0, rsdp.OemIdByte(6));
    }

    [Fact]
    public void Revision0IgnoresBytesAfterTheFirst20()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        mem.Write(0xF0000, Rsdp(0, 0x100000));
        mem.Write(0xF0014, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4, 5, 6, 7, 8 });

        Assert.True(RsdpLocator.TryParseRsdp(mem.Map, 0xF0000, out Rsdp rsdp));
        Assert.Equal(0UL, rsdp.XsdtAddress);
    }

    [Fact]
    public void ParsesRevision2Rsdp()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        mem.Write(0xF0000, Rsdp(2, 0x100000, 0x1_0000_1000, oem: "ABCDEF"));

        Assert.True(RsdpLocator.TryParseRsdp(mem.Map, 0xF0000, out Rsdp rsdp));
        Assert.Equal(2, rsdp.Revision);
        Assert.Equal((byte)'A', rsdp.OemIdByte(0));
        Assert.Equal((byte)'F', rsdp.OemIdByte(5));
        Assert.Equal(0x464544434241UL, rsdp.OemId);
        Assert.Equal(0x1_0000_1000UL, rsdp.XsdtAddress);
        Assert.Equal(36u, rsdp.Length);
        Assert.True(rsdp.PrefersXsdt);
    }

    [Fact]
    public void RejectsBadSignature()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        var bytes = Rsdp(0, 0x100000);
        bytes[4] = (byte)'Q';
        bytes[8] -= (byte)('Q' - 'P'); // keep the checksum valid so only the signature is wrong
        mem.Write(0xF0000, bytes);

        Assert.Equal(AcpiStatus.BadSignature, RsdpLocator.ParseRsdp(mem.Map, 0xF0000, out _));
    }

    [Fact]
    public void RejectsBadV1Checksum()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        var bytes = Rsdp(0, 0x100000);
        bytes[16] ^= 0x10;
        mem.Write(0xF0000, bytes);

        Assert.Equal(AcpiStatus.BadChecksum, RsdpLocator.ParseRsdp(mem.Map, 0xF0000, out Rsdp rsdp));
        Assert.Equal(0UL, rsdp.Phys);
    }

    [Fact]
    public void RejectsBadExtendedChecksumEvenWhenV1ChecksumHolds()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        var bytes = Rsdp(2, 0x100000, 0x101000);
        bytes[33] = 0x5A; // reserved byte: covered only by the extended checksum
        mem.Write(0xF0000, bytes);

        Assert.Equal(AcpiStatus.BadChecksum, RsdpLocator.ParseRsdp(mem.Map, 0xF0000, out _));
    }

    [Fact]
    public void RejectsRevision2LengthSmallerThanStructure()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        var bytes = Rsdp(2, 0x100000, 0x101000);
        bytes[20] = 24;
        bytes[32] = 0;
        bytes[32] = (byte)(256 - Sum(bytes) & 0xFF);
        mem.Write(0xF0000, bytes);

        Assert.Equal(AcpiStatus.BadLength, RsdpLocator.ParseRsdp(mem.Map, 0xF0000, out _));
    }

    [Fact]
    public void RejectsRsdpRunningPastMemoryEnd()
    {
        using var mem = new FakePhysicalMemory(0x1000);
        mem.Write(0xFF0, Rsdp(0, 0x100000)[..16]);

        Assert.Equal(AcpiStatus.OutOfRange, RsdpLocator.ParseRsdp(mem.Map, 0xFF0, out _));
        Assert.Equal(AcpiStatus.OutOfRange, RsdpLocator.ParseRsdp(mem.Map, ulong.MaxValue - 4, out _));
    }

    [Fact]
    public void Revision2RsdpWhoseExtendedPartIsOutsideMemoryIsRejected()
    {
        using var mem = new FakePhysicalMemory(0x1000);
        mem.Write(0x1000 - 24, Rsdp(2, 0x100, 0x200)[..24]);

        Assert.Equal(AcpiStatus.OutOfRange, RsdpLocator.ParseRsdp(mem.Map, 0x1000 - 24, out _));
    }

    [Fact]
    public void FindsRsdpInBiosArea()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        mem.Write(0xF5A30, Rsdp(0, 0x100000));

        Assert.True(RsdpLocator.TryFindRsdp(mem.Map, out ulong phys));
        Assert.Equal(0xF5A30UL, phys);
    }

    [Fact]
    public void FindsRsdpAtTheLastParagraphOfBiosArea()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        mem.Write(0xFFFE0, Rsdp(0, 0x100000));

        Assert.True(RsdpLocator.TryFindRsdp(mem.Map, out ulong phys));
        Assert.Equal(0xFFFE0UL, phys);
    }

    [Fact]
    public void EbdaIsSearchedBeforeBiosArea()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        mem.Write16(0x40E, 0x9FC0);
        mem.Write(0x9FC00 + 0x40, Rsdp(0, 0x100000));
        mem.Write(0xE0000, Rsdp(0, 0x200000));

        Assert.True(RsdpLocator.TryFindRsdp(mem.Map, out ulong phys));
        Assert.Equal(0x9FC40UL, phys);
    }

    [Fact]
    public void EbdaScanCoversOnlyItsFirstKilobyte()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        mem.Write16(0x40E, 0x9000);
        mem.Write(0x90000 + 0x400, Rsdp(0, 0x100000));

        Assert.False(RsdpLocator.TryFindRsdp(mem.Map, out _));
    }

    [Fact]
    public void EbdaPointerOutsideConventionalMemoryIsIgnored()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        mem.Write16(0x40E, 0xC000); // 0xC0000: video ROM, not an EBDA
        mem.Write(0xC0000, Rsdp(0, 0x100000));

        Assert.False(RsdpLocator.TryFindRsdp(mem.Map, out _));
    }

    [Fact]
    public void ScanIgnoresMisalignedSignature()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        mem.Write(0xE0008, Rsdp(0, 0x100000));

        Assert.False(RsdpLocator.TryFindRsdp(mem.Map, out ulong phys));
        Assert.Equal(0UL, phys);
    }

    [Fact]
    public void ScanSkipsCandidateWithBadChecksum()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        var bad = Rsdp(0, 0x100000);
        bad[8] ^= 1;
        mem.Write(0xE0000, bad);
        mem.Write(0xE1000, Rsdp(0, 0x100000));

        Assert.True(RsdpLocator.TryFindRsdp(mem.Map, out ulong phys));
        Assert.Equal(0xE1000UL, phys);
    }

    [Fact]
    public void ScanOfTooSmallMemoryFindsNothing()
    {
        using var mem = new FakePhysicalMemory(0x1000); // BDA mapped, EBDA and BIOS area are not
        mem.Write16(0x40E, 0x9FC0);

        Assert.False(RsdpLocator.TryFindRsdp(mem.Map, out _));
    }

    private static int Sum(byte[] b)
    {
        int s = 0;
        foreach (var x in b)
            s += x;
        return s;
    }
}
