using System.Collections.Generic;
using Vireo.Kernel.Acpi;
using Xunit;
using static Vireo.Tests.Acpi.AcpiTableBuilder;

namespace Vireo.Tests.Acpi;

public class MadtParserTests
{
    private const ulong MemorySize = 0x200000;
    private const ulong MadtAt = 0x102000;

    private static AcpiStatus ParseAt(byte[] table, out MadtInfo madt)
    {
        using var mem = new FakePhysicalMemory(MemorySize);
        mem.Write(MadtAt, table);
        return MadtParser.Parse(mem.Map, MadtAt, out madt);
    }

    private static byte[] QemuLikeMadt() => Madt(0xFEE00000, MadtInfo.FlagPcAtCompat,
        LocalApic(0, 0, 1),
        LocalApic(1, 2, 1),
        LocalApic(2, 4, 2),
        IoApic(8, 0xFEC00000, 0),
        InterruptOverride(0, 2, 0),
        InterruptOverride(9, 9, 0x000D),
        LocalApicNmi(0xFF, 0x0005, 1));

    [Fact]
    public void ParsesProcessorsIoApicsOverridesAndNmis()
    {
        Assert.Equal(AcpiStatus.Ok, ParseAt(QemuLikeMadt(), out MadtInfo madt));

        Assert.Equal(0xFEE00000UL, madt.LocalApicAddress);
        Assert.False(madt.LocalApicAddressOverridden);
        Assert.True(madt.HasLegacyPics);
        Assert.False(madt.Truncated);

        Assert.Equal(3, madt.CpuCount);
        Assert.Equal(2, madt.EnabledCpuCount);
        MadtProcessor cpu1 = madt.GetCpu(1);
        Assert.Equal(1, cpu1.ProcessorUid);
        Assert.Equal(2, cpu1.ApicId);
        Assert.True(cpu1.Enabled);
        MadtProcessor cpu2 = madt.GetCpu(2);
        Assert.False(cpu2.Enabled);
        Assert.True(cpu2.OnlineCapable);
        Assert.Equal(default(MadtProcessor).Flags, madt.GetCpu(3).Flags);

        Assert.Equal(1, madt.IoApicCount);
        MadtIoApic io = madt.GetIoApic(0);
        Assert.Equal(8, io.Id);
        Assert.Equal(0xFEC00000u, io.Address);
        Assert.Equal(0u, io.GsiBase);

        Assert.Equal(2, madt.OverrideCount);
        MadtInterruptOverride sci = madt.GetOverride(1);
        Assert.Equal(9, sci.SourceIrq);
        Assert.Equal(9u, sci.Gsi);
        Assert.True(sci.LevelTriggered);
        Assert.False(sci.ActiveLow);

        Assert.Equal(1, madt.LocalApicNmiCount);
        MadtLocalApicNmi nmi = madt.GetLocalApicNmi(0);
        Assert.True(nmi.AppliesToAll);
        Assert.Equal(1, nmi.Lint);
        Assert.Equal(0x0005, nmi.Flags);
        Assert.False(nmi.LevelTriggered);
    }

    [Fact]
    public void PcAtCompatFlagClearMeansNoLegacyPics()
    {
        Assert.Equal(AcpiStatus.Ok, ParseAt(Madt(0xFEE00000, 0, LocalApic(0, 0)), out MadtInfo madt));
        Assert.False(madt.HasLegacyPics);
    }

    [Fact]
    public void LocalApicAddressOverrideReplacesHeaderAddressWhereverItAppears()
    {
        var table = Madt(0xFEE00000, 0, LocalApicAddressOverride(0x1_FEE0_0000), LocalApic(0, 0));

        Assert.Equal(AcpiStatus.Ok, ParseAt(table, out MadtInfo madt));
        Assert.Equal(0x1_FEE0_0000UL, madt.LocalApicAddress);
        Assert.True(madt.LocalApicAddressOverridden);
        Assert.Equal(1, madt.CpuCount);
    }

    [Fact]
    public void IrqZeroOverrideMapsToGsiTwo()
    {
        Assert.Equal(AcpiStatus.Ok, ParseAt(QemuLikeMadt(), out MadtInfo madt));

        Assert.True(madt.IsaIrqToGsi(0, out uint gsi, out bool activeLow, out bool level));
        Assert.Equal(2u, gsi);
        Assert.False(activeLow);
        Assert.False(level);
    }

    [Fact]
    public void IrqWithoutOverrideIsIdentityActiveHighEdge()
    {
        Assert.Equal(AcpiStatus.Ok, ParseAt(QemuLikeMadt(), out MadtInfo madt));

        Assert.False(madt.IsaIrqToGsi(4, out uint gsi, out bool activeLow, out bool level));
        Assert.Equal(4u, gsi);
        Assert.False(activeLow);
        Assert.False(level);
    }

    [Theory]
    [InlineData((ushort)0x0000, false, false)] // bus defaults: ISA is active-high, edge
    [InlineData((ushort)0x0005, false, false)] // explicit active-high, edge
    [InlineData((ushort)0x000F, true, true)]   // active-low, level
    [InlineData((ushort)0x000D, false, true)]  // active-high, level
    [InlineData((ushort)0x0007, true, false)]  // active-low, edge
    [InlineData((ushort)0x000A, false, false)] // reserved encodings (10) are not low/level
    public void OverrideFlagsDecodePolarityAndTrigger(ushort flags, bool expectLow, bool expectLevel)
    {
        var table = Madt(0xFEE00000, 1, InterruptOverride(9, 20, flags));
        Assert.Equal(AcpiStatus.Ok, ParseAt(table, out MadtInfo madt));

        Assert.True(madt.IsaIrqToGsi(9, out uint gsi, out bool activeLow, out bool level));
        Assert.Equal(20u, gsi);
        Assert.Equal(expectLow, activeLow);
        Assert.Equal(expectLevel, level);
    }

    [Fact]
    public void OverrideForNonIsaBusIsIgnored()
    {
        var table = Madt(0xFEE00000, 1, InterruptOverride(5, 30, 0x000F, bus: 1));
        Assert.Equal(AcpiStatus.Ok, ParseAt(table, out MadtInfo madt));

        Assert.False(madt.IsaIrqToGsi(5, out uint gsi, out bool activeLow, out _));
        Assert.Equal(5u, gsi);
        Assert.False(activeLow);
    }

    [Fact]
    public void FirstOverrideForAnIrqWins()
    {
        var table = Madt(0xFEE00000, 1, InterruptOverride(0, 2, 0), InterruptOverride(0, 7, 0));
        Assert.Equal(AcpiStatus.Ok, ParseAt(table, out MadtInfo madt));

        Assert.True(madt.IsaIrqToGsi(0, out uint gsi, out _, out _));
        Assert.Equal(2u, gsi);
    }

    [Fact]
    public void ZeroLengthEntryStopsParsingAndKeepsEarlierEntries()
    {
        var table = Madt(0xFEE00000, 1, LocalApic(0, 0), new byte[] { 0, 0, 0, 0, 0, 0, 0, 0 }, LocalApic(1, 1));

        Assert.Equal(AcpiStatus.MalformedEntry, ParseAt(table, out MadtInfo madt));
        Assert.Equal(1, madt.CpuCount);
    }

    [Fact]
    public void EntryRunningPastTableEndIsMalformed()
    {
        var entry = IoApic(1, 0xFEC00000, 0);
        var table = Madt(0xFEE00000, 1, LocalApic(0, 0), entry[..6]); // header says 12, only 6 present

        Assert.Equal(AcpiStatus.MalformedEntry, ParseAt(table, out MadtInfo madt));
        Assert.Equal(1, madt.CpuCount);
        Assert.Equal(0, madt.IoApicCount);
    }

    [Fact]
    public void SingleTrailingByteIsMalformed()
    {
        var table = Madt(0xFEE00000, 1, LocalApic(0, 0), new byte[] { 0 });

        Assert.Equal(AcpiStatus.MalformedEntry, ParseAt(table, out _));
    }

    [Fact]
    public void EntryShorterThanItsTypeRequiresIsMalformed()
    {
        var shortIoApic = IoApic(1, 0xFEC00000, 0)[..8];
        shortIoApic[1] = 8;
        var table = Madt(0xFEE00000, 1, shortIoApic);

        Assert.Equal(AcpiStatus.MalformedEntry, ParseAt(table, out MadtInfo madt));
        Assert.Equal(0, madt.IoApicCount);
    }

    [Fact]
    public void UnknownAndLongerEntriesAreSkippedByLength()
    {
        var x2Apic = new byte[16];
        x2Apic[0] = 9;
        x2Apic[1] = 16;
        var longLocalApic = new byte[10];
        LocalApic(3, 6).CopyTo(longLocalApic, 0);
        longLocalApic[1] = 10;
        var table = Madt(0xFEE00000, 1, x2Apic, longLocalApic, IoApic(2, 0xFEC01000, 24));

        Assert.Equal(AcpiStatus.Ok, ParseAt(table, out MadtInfo madt));
        Assert.Equal(1, madt.CpuCount);
        Assert.Equal(6, madt.GetCpu(0).ApicId);
        Assert.Equal(24u, madt.GetIoApic(0).GsiBase);
    }

    [Fact]
    public void EntriesBeyondCapacityAreDroppedAndFlagged()
    {
        var entries = new List<byte[]>();
        for (int i = 0; i < MadtInfo.MaxCpus + 4; i++)
            entries.Add(LocalApic((byte)i, (byte)i));
        for (int i = 0; i < MadtInfo.MaxIoApics + 1; i++)
            entries.Add(IoApic((byte)i, 0xFEC00000u + (uint)i * 0x1000, (uint)i * 24));

        Assert.Equal(AcpiStatus.Ok, ParseAt(Madt(0xFEE00000, 1, entries.ToArray()), out MadtInfo madt));
        Assert.True(madt.Truncated);
        Assert.Equal(MadtInfo.MaxCpus, madt.CpuCount);
        Assert.Equal(MadtInfo.MaxCpus - 1, madt.GetCpu(MadtInfo.MaxCpus - 1).ApicId);
        Assert.Equal(MadtInfo.MaxIoApics, madt.IoApicCount);
    }

    [Fact]
    public void FindsIoApicServingGsi()
    {
        var table = Madt(0xFEE00000, 1, IoApic(1, 0xFEC01000, 24), IoApic(0, 0xFEC00000, 0));
        Assert.Equal(AcpiStatus.Ok, ParseAt(table, out MadtInfo madt));

        Assert.True(madt.TryFindIoApicForGsi(23, out int low));
        Assert.Equal(0, madt.GetIoApic(low).Id);
        Assert.True(madt.TryFindIoApicForGsi(30, out int high));
        Assert.Equal(1, madt.GetIoApic(high).Id);
    }

    [Fact]
    public void NoIoApicForGsiBelowEveryBase()
    {
        var table = Madt(0xFEE00000, 1, IoApic(1, 0xFEC01000, 24));
        Assert.Equal(AcpiStatus.Ok, ParseAt(table, out MadtInfo madt));

        Assert.False(madt.TryFindIoApicForGsi(3, out int index));
        Assert.Equal(-1, index);
    }

    [Fact]
    public void TableTooShortForMadtHeaderIsBadLength()
    {
        var table = Table("APIC", 4, new byte[4]);

        Assert.Equal(AcpiStatus.BadLength, ParseAt(table, out _));
    }

    [Fact]
    public void MadtWithBadChecksumIsRejected()
    {
        var table = QemuLikeMadt();
        table[50] ^= 1;

        Assert.Equal(AcpiStatus.BadChecksum, ParseAt(table, out MadtInfo madt));
        Assert.Equal(0, madt.CpuCount);
    }

    [Fact]
    public void NonMadtSignatureIsRejected()
    {
        var table = Hpet(0, 0xFED00000, 0, 0);

        Assert.Equal(AcpiStatus.BadSignature, ParseAt(table, out _));
    }
}
