using Vireo.Kernel.Acpi;
using Xunit;
using static Vireo.Tests.Acpi.AcpiTableBuilder;

namespace Vireo.Tests.Acpi;

public class HpetFadtTests
{
    private const ulong MemorySize = 0x200000;
    private const ulong TableAt = 0x104000;

    [Fact]
    public void ParsesHpet()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        // Vendor 0x8086, legacy-capable, 64-bit counter, 3 comparators (field = 2), rev 1.
        mem.Write(TableAt, Hpet(0x8086A201, 0xFED00000, 0, 0x0080));

        Assert.Equal(AcpiStatus.Ok, HpetInfo.Parse(mem.Map, TableAt, out HpetInfo hpet));
        Assert.Equal(0xFED00000UL, hpet.BaseAddress.Address);
        Assert.Equal(GenericAddress.SystemMemory, hpet.BaseAddress.AddressSpace);
        Assert.Equal(64, hpet.BaseAddress.BitWidth);
        Assert.Equal(0, hpet.HpetNumber);
        Assert.Equal(0x80, hpet.MinimumTick);
        Assert.Equal(3, hpet.ComparatorCount);
        Assert.True(hpet.Counter64Bit);
        Assert.True(hpet.LegacyReplacementCapable);
        Assert.Equal(0x8086, hpet.PciVendorId);
        Assert.Equal(1, hpet.HardwareRevision);
    }

    [Fact]
    public void HpetShorterThan56BytesIsBadLength()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        mem.Write(TableAt, Table("HPET", 1, new byte[12]));

        Assert.Equal(AcpiStatus.BadLength, HpetInfo.Parse(mem.Map, TableAt, out _));
    }

    [Fact]
    public void ParsesAcpi6Fadt()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        var spec = new FadtSpec
        {
            Dsdt = 0x7FE0000,
            XDsdt = 0x1_0000_0000,
            Pm1bEvent = 0x700,
            Pm1bControl = 0x704,
            Flags = FadtInfo.FlagResetRegisterSupported | FadtInfo.FlagTimerValueExtended,
        };
        mem.Write(TableAt, spec.Build());

        Assert.Equal(AcpiStatus.Ok, FadtInfo.Parse(mem.Map, TableAt, out FadtInfo fadt));
        Assert.Equal(6, fadt.Revision);
        Assert.Equal(4, fadt.MinorVersion);
        Assert.Equal(0x7FE0000u, fadt.Dsdt);
        Assert.Equal(0x1_0000_0000UL, fadt.XDsdt);
        Assert.Equal(0x1_0000_0000UL, fadt.DsdtAddress);
        Assert.Equal(9, fadt.SciInterrupt);
        Assert.Equal(0xB2u, fadt.SmiCommandPort);
        Assert.Equal(0xF1, fadt.AcpiEnableValue);
        Assert.Equal(0xF0, fadt.AcpiDisableValue);
        Assert.Equal(0x600u, fadt.Pm1aEventBlock);
        Assert.Equal(0x700u, fadt.Pm1bEventBlock);
        Assert.Equal(0x604u, fadt.Pm1aControlBlock);
        Assert.Equal(0x604u, fadt.Pm1aControlPort);
        Assert.Equal(0x704u, fadt.Pm1bControlPort);
        Assert.Equal(0x608u, fadt.PmTimerPort);
        Assert.Equal(2, fadt.Pm1ControlLength);
        Assert.Equal(4, fadt.PmTimerLength);
        Assert.Equal(0x32, fadt.Century);
        Assert.Equal(FadtInfo.BootArch8042, fadt.BootArchitectureFlags);
        Assert.True(fadt.PmTimer32Bit);
        Assert.False(fadt.HardwareReduced);
        Assert.True(fadt.ResetSupported);
        Assert.Equal(GenericAddress.SystemIo, fadt.ResetRegister.AddressSpace);
        Assert.Equal(0xCF9UL, fadt.ResetRegister.Address);
        Assert.Equal(8, fadt.ResetRegister.BitWidth);
        Assert.Equal(0x06, fadt.ResetValue);
    }

    [Fact]
    public void ResetRegisterUnusableWithoutSupportFlag()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        mem.Write(TableAt, new FadtSpec { Flags = 0 }.Build());

        Assert.Equal(AcpiStatus.Ok, FadtInfo.Parse(mem.Map, TableAt, out FadtInfo fadt));
        Assert.Equal(0xCF9UL, fadt.ResetRegister.Address);
        Assert.False(fadt.ResetSupported);
    }

    [Fact]
    public void Acpi1FadtReadsLaterFieldsAsZero()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        var spec = new FadtSpec { Length = 116, Revision = 1, Dsdt = 0x7FE0000, XDsdt = 0xDEAD_0000, Flags = FadtInfo.FlagResetRegisterSupported };
        mem.Write(TableAt, spec.Build());
        // Garbage right after the table must not be read as the X_ fields.
        mem.Write(TableAt + 116, new byte[] { 1, 8, 0, 1, 0xF9, 0x0C, 0, 0, 0, 0, 0, 0, 0x06, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF });

        Assert.Equal(AcpiStatus.Ok, FadtInfo.Parse(mem.Map, TableAt, out FadtInfo fadt));
        Assert.Equal(0UL, fadt.XDsdt);
        Assert.Equal(0x7FE0000UL, fadt.DsdtAddress);
        Assert.False(fadt.ResetRegister.IsPresent);
        Assert.False(fadt.ResetSupported);
        Assert.Equal(0x604u, fadt.Pm1aControlPort);
        Assert.Equal(0x32, fadt.Century);
    }

    [Fact]
    public void ExtendedPm1aControlBlockWinsWhenItIsAnIoPort()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        mem.Write(TableAt, new FadtSpec { Pm1aControl = 0x604, XPm1aControl = 0xB004 }.Build());

        Assert.Equal(AcpiStatus.Ok, FadtInfo.Parse(mem.Map, TableAt, out FadtInfo fadt));
        Assert.Equal(0x604u, fadt.Pm1aControlBlock);
        Assert.Equal(0xB004u, fadt.Pm1aControlPort);
    }

    [Fact]
    public void ExtendedPm1aControlBlockInMemorySpaceFallsBackToLegacyPort()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        mem.Write(TableAt, new FadtSpec { Pm1aControl = 0x604, XPm1aControl = 0xB004, XPm1aControlSpace = GenericAddress.SystemMemory }.Build());

        Assert.Equal(AcpiStatus.Ok, FadtInfo.Parse(mem.Map, TableAt, out FadtInfo fadt));
        Assert.Equal(0x604u, fadt.Pm1aControlPort);
    }

    [Fact]
    public void HardwareReducedFlagIsReported()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        mem.Write(TableAt, new FadtSpec { Flags = FadtInfo.FlagHardwareReduced }.Build());

        Assert.Equal(AcpiStatus.Ok, FadtInfo.Parse(mem.Map, TableAt, out FadtInfo fadt));
        Assert.True(fadt.HardwareReduced);
    }

    [Fact]
    public void FadtShorterThanAcpi1LayoutIsBadLength()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        mem.Write(TableAt, new FadtSpec { Length = 100 }.Build());

        Assert.Equal(AcpiStatus.BadLength, FadtInfo.Parse(mem.Map, TableAt, out _));
    }

    [Fact]
    public void FadtWithBadChecksumIsRejected()
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        var table = new FadtSpec().Build();
        table[64] ^= 0x01;
        mem.Write(TableAt, table);

        Assert.Equal(AcpiStatus.BadChecksum, FadtInfo.Parse(mem.Map, TableAt, out FadtInfo fadt));
        Assert.Equal(0u, fadt.Pm1aControlBlock);
    }
}
