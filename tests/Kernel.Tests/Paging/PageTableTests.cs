using System;
using Vireo.Kernel.Memory;
using Vireo.Kernel.Paging;
using Xunit;

namespace Vireo.Tests.Paging;

public sealed class PageTableTests : IDisposable
{
    private const PageFlags Present = PageFlags.Present;
    private const PageFlags Writable = PageFlags.Writable;
    private const PageFlags User = PageFlags.User;
    private const PageFlags NoExecute = PageFlags.NoExecute;
    private const PageFlags Data = Writable | NoExecute;

    private const ulong UserVirt = 0x0000_0040_1234_5000;
    private const ulong KernelVirt = 0xFFFF_FFFF_8010_0000;
    private static readonly PhysAddr Frame = new(0x0000_0001_2345_6000);
    private static readonly PhysAddr Frame2M = new(0x0000_0000_4020_0000);

    private readonly EmulatedPhysicalMemory _memory = new(256);
    private TestFrameSource _frames;
    private readonly PageTable _table;

    public PageTableTests()
    {
        _frames = new TestFrameSource(_memory);
        Assert.Equal(MapStatus.Ok, PageTable.TryCreate(_memory.Map, ref _frames, out _table));
    }

    public void Dispose() => _memory.Dispose();

    [Fact]
    public void Map4K_ThenTranslate_GivesFrameAndOffset()
    {
        Assert.Equal(MapStatus.Ok, _table.Map4K(ref _frames, UserVirt, Frame, Data));

        Assert.True(_table.TryTranslate(UserVirt + 0x123, out PhysAddr phys, out PageFlags flags));
        Assert.Equal(Frame + 0x123, phys);
        Assert.Equal(Present | Data, flags);
        Assert.False(_table.TryTranslate(UserVirt + 0x1000, out _, out _));
        Assert.False(_table.TryTranslate(UserVirt - 0x1000, out _, out _));
    }

    [Fact]
    public void Map4K_PreservesCallerFlags_AndAlwaysSetsPresent()
    {
        PageFlags chosen = PageFlags.WriteThrough | PageFlags.CacheDisable | PageFlags.Global | PageFlags.Accessed | PageFlags.Dirty;
        Assert.Equal(MapStatus.Ok, _table.Map4K(ref _frames, KernelVirt, Frame, chosen));

        Assert.True(_table.TryTranslate(KernelVirt, out _, out PageFlags flags));
        Assert.Equal(chosen | Present, flags);
    }

    [Fact]
    public void Map4K_StripsHugeBit_BecauseBit7IsPatInAPageTableEntry()
    {
        Assert.Equal(MapStatus.Ok, _table.Map4K(ref _frames, KernelVirt, Frame, PageFlags.Huge));

        Assert.True(_table.TryTranslate(KernelVirt, out PhysAddr phys, out PageFlags flags));
        Assert.Equal(Frame, phys);
        Assert.Equal(Present, flags);
    }

    [Fact]
    public void Map4K_CreatesThreeIntermediateTables_PresentWritableWithoutUserOrNx()
    {
        Assert.Equal(MapStatus.Ok, _table.Map4K(ref _frames, KernelVirt, Frame, NoExecute));

        Assert.Equal(4, _frames.Live.Count);
        PhysAddr table = _table.Root;
        int[] indices = { 511, 510, 0, 256 };
        for (int level = 0; level < 3; level++)
        {
            ulong entry = _memory.ReadEntry(table, indices[level]);
            Assert.Equal((ulong)(Present | Writable), entry & 0x8000_0000_0000_0FFF);
            table = new PhysAddr(entry & PageTable.AddressMask);
            Assert.Contains(table, _frames.Live);
        }

        Assert.Equal(Frame.Value | (ulong)(Present | NoExecute), _memory.ReadEntry(table, indices[3]));
    }

    [Fact]
    public void UserPage_SetsUserOnEveryIntermediateLevel()
    {
        Assert.Equal(MapStatus.Ok, _table.Map4K(ref _frames, UserVirt, Frame, User | NoExecute));

        PhysAddr table = _table.Root;
        for (int level = 3; level >= 1; level--)
        {
            ulong entry = _memory.ReadEntry(table, (int)((UserVirt >> (12 + 9 * level)) & 511));
            Assert.Equal((ulong)User, entry & (ulong)User);
            table = new PhysAddr(entry & PageTable.AddressMask);
        }

        Assert.True(_table.TryTranslate(UserVirt, out _, out PageFlags flags));
        Assert.Equal(Present | User | NoExecute, flags);
    }

    [Fact]
    public void UserPage_WidensExistingKernelIntermediates_WithoutMakingKernelPagesUser()
    {
        Assert.Equal(MapStatus.Ok, _table.Map4K(ref _frames, UserVirt, Frame, NoExecute));
        Assert.Equal(MapStatus.Ok, _table.Map4K(ref _frames, UserVirt + 0x1000, Frame + 0x1000, User | NoExecute));

        Assert.Equal(4, _frames.Live.Count);
        Assert.True(_table.TryTranslate(UserVirt + 0x1000, out _, out PageFlags userFlags));
        Assert.Equal(User, userFlags & User);
        Assert.True(_table.TryTranslate(UserVirt, out _, out PageFlags kernelFlags));
        Assert.Equal(PageFlags.None, kernelFlags & User);
    }

    [Fact]
    public void TryTranslate_ReportsEffectiveRights_AcrossLevels()
    {
        Assert.Equal(MapStatus.Ok, _table.Map4K(ref _frames, UserVirt, Frame, User | Writable, MapOptions.AllowWriteExecute));
        int pml4Index = (int)((UserVirt >> 39) & 511);
        ulong pml4e = _memory.ReadEntry(_table.Root, pml4Index);

        // A read-only, no-execute intermediate entry overrides a writable, executable leaf.
        _memory.WriteEntry(_table.Root, pml4Index, (pml4e & ~(ulong)Writable) | (ulong)NoExecute);

        Assert.True(_table.TryTranslate(UserVirt, out _, out PageFlags flags));
        Assert.Equal(Present | User | NoExecute, flags);
    }

    [Fact]
    public void Unmap4K_ReturnsFrame_AndTranslationDisappears()
    {
        Assert.Equal(MapStatus.Ok, _table.Map4K(ref _frames, UserVirt, Frame, Data));

        Assert.Equal(MapStatus.Ok, _table.Unmap4K(ref _frames, UserVirt, out PhysAddr phys));
        Assert.Equal(Frame, phys);
        Assert.False(_table.TryTranslate(UserVirt, out _, out _));
        Assert.Equal(MapStatus.NotMapped, _table.Unmap4K(ref _frames, UserVirt, out _));
    }

    [Fact]
    public void Unmap4K_OfLastPage_ReturnsAllIntermediateTables()
    {
        Assert.Equal(MapStatus.Ok, _table.Map4K(ref _frames, UserVirt, Frame, Data));
        Assert.Equal(4, _frames.Live.Count);

        Assert.Equal(MapStatus.Ok, _table.Unmap4K(ref _frames, UserVirt, out _));

        Assert.Equal(3, _frames.Frees);
        Assert.Equal(new[] { _table.Root }, _frames.Live);
        Assert.Equal(0UL, _memory.ReadEntry(_table.Root, (int)((UserVirt >> 39) & 511)));
    }

    [Fact]
    public void Unmap4K_KeepsTablesThatStillHoldMappings()
    {
        Assert.Equal(MapStatus.Ok, _table.Map4K(ref _frames, UserVirt, Frame, Data));
        Assert.Equal(MapStatus.Ok, _table.Map4K(ref _frames, UserVirt + 0x1000, Frame + 0x1000, Data));
        // Same PD, different PT: only that PT should go when its page goes.
        Assert.Equal(MapStatus.Ok, _table.Map4K(ref _frames, UserVirt + PageTable.Size2M, Frame, Data));
        Assert.Equal(5, _frames.Live.Count);

        Assert.Equal(MapStatus.Ok, _table.Unmap4K(ref _frames, UserVirt, out _));
        Assert.Equal(0, _frames.Frees);
        Assert.Equal(MapStatus.Ok, _table.Unmap4K(ref _frames, UserVirt + PageTable.Size2M, out _));
        Assert.Equal(1, _frames.Frees);

        Assert.True(_table.TryTranslate(UserVirt + 0x1000, out PhysAddr phys, out _));
        Assert.Equal(Frame + 0x1000, phys);
    }

    [Fact]
    public void Unmap4K_InKernelHalf_KeepsThePdptBecauseThePml4SlotIsShared()
    {
        Assert.Equal(MapStatus.Ok, _table.Map4K(ref _frames, KernelVirt, Frame, Data));

        Assert.Equal(MapStatus.Ok, _table.Unmap4K(ref _frames, KernelVirt, out _));

        Assert.Equal(2, _frames.Frees);
        Assert.Equal(2, _frames.Live.Count);
        Assert.NotEqual(0UL, _memory.ReadEntry(_table.Root, 511));
    }

    [Fact]
    public void Map2M_RoundTrip_UsesHugeLeafAndTwoTables()
    {
        Assert.Equal(MapStatus.Ok, _table.Map2M(ref _frames, UserVirt & ~(PageTable.Size2M - 1), Frame2M, Data | User));
        Assert.Equal(3, _frames.Live.Count);

        ulong virt = (UserVirt & ~(PageTable.Size2M - 1)) + 0x1_2345;
        Assert.True(_table.TryTranslate(virt, out PhysAddr phys, out PageFlags flags));
        Assert.Equal(Frame2M + 0x1_2345, phys);
        Assert.Equal(Present | PageFlags.Huge | Data | User, flags);

        Assert.Equal(MapStatus.Ok, _table.Unmap2M(ref _frames, UserVirt & ~(PageTable.Size2M - 1), out PhysAddr unmapped));
        Assert.Equal(Frame2M, unmapped);
        Assert.Equal(new[] { _table.Root }, _frames.Live);
    }

    [Fact]
    public void Map1G_RoundTrip()
    {
        const ulong virt = 0x0000_0080_4000_0000;
        Assert.Equal(MapStatus.Ok, _table.Map1G(ref _frames, virt, new PhysAddr(0x1_4000_0000), NoExecute));
        Assert.Equal(2, _frames.Live.Count);

        Assert.True(_table.TryTranslate(virt + 0x3FFF_FFFF, out PhysAddr phys, out PageFlags flags));
        Assert.Equal(new PhysAddr(0x1_7FFF_FFFFUL), phys);
        Assert.Equal(Present | PageFlags.Huge | NoExecute, flags);
        Assert.Equal(MapStatus.HugePageConflict, _table.Unmap2M(ref _frames, virt, out _));
        Assert.Equal(MapStatus.Ok, _table.Unmap1G(ref _frames, virt, out PhysAddr unmapped));
        Assert.Equal(new PhysAddr(0x1_4000_0000UL), unmapped);
    }

    [Fact]
    public void HugePageConflicts_AreReportedBothWays()
    {
        const ulong huge = 0x0000_0000_4000_0000;
        Assert.Equal(MapStatus.Ok, _table.Map2M(ref _frames, huge, Frame2M, Data));
        Assert.Equal(MapStatus.HugePageConflict, _table.Map4K(ref _frames, huge + 0x5000, Frame, Data));
        Assert.Equal(MapStatus.HugePageConflict, _table.Unmap4K(ref _frames, huge + 0x5000, out _));
        Assert.Equal(MapStatus.AlreadyMapped, _table.Map2M(ref _frames, huge, Frame2M + PageTable.Size2M, Data));

        const ulong small = huge + PageTable.Size2M;
        Assert.Equal(MapStatus.Ok, _table.Map4K(ref _frames, small + 0x3000, Frame, Data));
        Assert.Equal(MapStatus.HugePageConflict, _table.Map2M(ref _frames, small, Frame2M, Data));
        Assert.Equal(MapStatus.HugePageConflict, _table.Unmap2M(ref _frames, small, out _));
    }

    [Fact]
    public void Map4K_Twice_IsAlreadyMapped_AndKeepsTheFirstMapping()
    {
        Assert.Equal(MapStatus.Ok, _table.Map4K(ref _frames, UserVirt, Frame, Data));

        Assert.Equal(MapStatus.AlreadyMapped, _table.Map4K(ref _frames, UserVirt, Frame + 0x1000, NoExecute));

        Assert.True(_table.TryTranslate(UserVirt, out PhysAddr phys, out PageFlags flags));
        Assert.Equal(Frame, phys);
        Assert.Equal(Present | Data, flags);
        Assert.Equal(4, _frames.Live.Count);
    }

    [Theory]
    [InlineData(0x0000_8000_0000_0000UL)]
    [InlineData(0xFFFF_7FFF_FFFF_F000UL)]
    [InlineData(0x8000_0000_0000_0000UL)]
    [InlineData(0x0001_0000_0000_0000UL)]
    public void NonCanonicalAddresses_AreRejectedEverywhere(ulong virt)
    {
        Assert.False(PageTable.IsCanonical(virt));
        Assert.Equal(MapStatus.NonCanonical, _table.Map4K(ref _frames, virt, Frame, Data));
        Assert.Equal(MapStatus.NonCanonical, _table.Map2M(ref _frames, virt, Frame2M, Data));
        Assert.Equal(MapStatus.NonCanonical, _table.Unmap4K(ref _frames, virt, out _));
        Assert.Equal(MapStatus.NonCanonical, _table.Protect(virt, NoExecute));
        Assert.False(_table.TryTranslate(virt, out _, out _));
        Assert.Equal(1, _frames.Allocations);
    }

    [Theory]
    [InlineData(0x0000_7FFF_FFFF_F000UL)]
    [InlineData(0xFFFF_8000_0000_0000UL)]
    [InlineData(0xFFFF_FFFF_FFFF_F000UL)]
    [InlineData(0UL)]
    public void CanonicalEdges_CanBeMapped(ulong virt)
    {
        Assert.True(PageTable.IsCanonical(virt));
        Assert.Equal(MapStatus.Ok, _table.Map4K(ref _frames, virt, Frame, Data));
        Assert.True(_table.TryTranslate(virt + 0xFFF, out PhysAddr phys, out _));
        Assert.Equal(Frame + 0xFFF, phys);
    }

    [Fact]
    public void MisalignedArguments_AreNotAligned()
    {
        Assert.Equal(MapStatus.NotAligned, _table.Map4K(ref _frames, UserVirt + 8, Frame, Data));
        Assert.Equal(MapStatus.NotAligned, _table.Map4K(ref _frames, UserVirt, Frame + 0x800, Data));
        Assert.Equal(MapStatus.NotAligned, _table.Map2M(ref _frames, 0x4000_1000, Frame2M, Data));
        Assert.Equal(MapStatus.NotAligned, _table.Map2M(ref _frames, 0x4000_0000, Frame2M + 0x1000, Data));
        Assert.Equal(MapStatus.NotAligned, _table.Map1G(ref _frames, 0x4000_0000, Frame2M, Data));
        Assert.Equal(MapStatus.NotAligned, _table.Unmap4K(ref _frames, UserVirt + 1, out _));
        Assert.Equal(MapStatus.NotAligned, _table.Unmap2M(ref _frames, UserVirt, out _));
        Assert.Equal(1, _frames.Allocations);
    }

    [Fact]
    public void PhysicalAddressBeyond52Bits_IsRejected()
    {
        Assert.Equal(MapStatus.BadPhysicalAddress, _table.Map4K(ref _frames, UserVirt, new PhysAddr(1UL << 52), Data));
        Assert.Equal(MapStatus.BadPhysicalAddress, _table.Map2M(ref _frames, 0x4000_0000, new PhysAddr(0xFFF0_0000_0000_0000), Data));
        Assert.Equal(MapStatus.Ok, _table.Map4K(ref _frames, UserVirt, new PhysAddr(PageTable.AddressMask), Data));
        Assert.True(_table.TryTranslate(UserVirt, out PhysAddr phys, out _));
        Assert.Equal(PageTable.AddressMask, phys.Value);
    }

    [Fact]
    public void NotMapped_ForUnmapAndProtectOfEmptySlots()
    {
        Assert.Equal(MapStatus.NotMapped, _table.Unmap4K(ref _frames, UserVirt, out PhysAddr phys));
        Assert.True(phys.IsNull);
        Assert.Equal(MapStatus.NotMapped, _table.Unmap2M(ref _frames, 0x4000_0000, out _));
        Assert.Equal(MapStatus.NotMapped, _table.Protect(UserVirt, NoExecute));

        Assert.Equal(MapStatus.Ok, _table.Map4K(ref _frames, UserVirt, Frame, Data));
        Assert.Equal(MapStatus.NotMapped, _table.Unmap4K(ref _frames, UserVirt + 0x1000, out _));
        Assert.Equal(MapStatus.NotMapped, _table.Protect(UserVirt + 0x1000, NoExecute));
    }

    [Fact]
    public void WriteExecute_IsDeniedUnlessExplicitlyAllowed()
    {
        Assert.Equal(MapStatus.WriteExecuteDenied, _table.Map4K(ref _frames, UserVirt, Frame, Writable));
        Assert.Equal(MapStatus.WriteExecuteDenied, _table.Map2M(ref _frames, 0x4000_0000, Frame2M, Writable | User));
        Assert.Equal(1, _frames.Allocations);

        Assert.Equal(MapStatus.Ok, _table.Map4K(ref _frames, UserVirt, Frame, PageFlags.None));
        Assert.Equal(MapStatus.Ok, _table.Map4K(ref _frames, UserVirt + 0x1000, Frame, Writable, MapOptions.AllowWriteExecute));
        Assert.True(_table.TryTranslate(UserVirt + 0x1000, out _, out PageFlags flags));
        Assert.Equal(Present | Writable, flags);

        Assert.Equal(MapStatus.WriteExecuteDenied, _table.Protect(UserVirt, Writable));
        Assert.Equal(MapStatus.Ok, _table.Protect(UserVirt, Writable, MapOptions.AllowWriteExecute));
    }

    [Fact]
    public void OutOfMemory_AtEachLevel_ReturnsTheTablesItCreated()
    {
        for (int budget = 0; budget < 3; budget++)
        {
            _frames.Budget = budget;
            Assert.Equal(MapStatus.OutOfMemory, _table.Map4K(ref _frames, UserVirt, Frame, Data));
            Assert.Equal(new[] { _table.Root }, _frames.Live);
            Assert.Equal(0UL, _memory.ReadEntry(_table.Root, (int)((UserVirt >> 39) & 511)));
        }

        _frames.Budget = 3;
        Assert.Equal(MapStatus.Ok, _table.Map4K(ref _frames, UserVirt, Frame, Data));
    }

    [Fact]
    public void OutOfMemory_DoesNotFreeTablesThatAlreadyExisted()
    {
        Assert.Equal(MapStatus.Ok, _table.Map4K(ref _frames, UserVirt, Frame, Data));
        _frames.Budget = 0;

        // Same PD, needs a new PT.
        Assert.Equal(MapStatus.OutOfMemory, _table.Map4K(ref _frames, UserVirt + PageTable.Size2M, Frame, Data));

        Assert.Equal(4, _frames.Live.Count);
        Assert.True(_table.TryTranslate(UserVirt, out _, out _));
    }

    [Fact]
    public void TryCreate_WithoutMemory_IsOutOfMemory()
    {
        var frames = new TestFrameSource(_memory) { Budget = 0 };
        Assert.Equal(MapStatus.OutOfMemory, PageTable.TryCreate(_memory.Map, ref frames, out PageTable table));
        Assert.True(table.Root.IsNull);
    }

    [Fact]
    public void Protect_ReplacesPermissions_AndKeepsFrameAndAccessedDirty()
    {
        Assert.Equal(MapStatus.Ok, _table.Map4K(ref _frames, UserVirt, Frame, Data | PageFlags.Accessed | PageFlags.Dirty));

        Assert.Equal(MapStatus.Ok, _table.Protect(UserVirt, PageFlags.Global));

        Assert.True(_table.TryTranslate(UserVirt, out PhysAddr phys, out PageFlags flags));
        Assert.Equal(Frame, phys);
        Assert.Equal(Present | PageFlags.Global | PageFlags.Accessed | PageFlags.Dirty, flags);
    }

    [Fact]
    public void Protect_ToUser_GrantsUserOnThePath()
    {
        Assert.Equal(MapStatus.Ok, _table.Map4K(ref _frames, UserVirt, Frame, NoExecute));

        Assert.Equal(MapStatus.Ok, _table.Protect(UserVirt, User | NoExecute));

        Assert.True(_table.TryTranslate(UserVirt, out _, out PageFlags flags));
        Assert.Equal(Present | User | NoExecute, flags);
    }

    [Fact]
    public void Protect_OnHugePage_NeedsThePageStart()
    {
        const ulong huge = 0x0000_0000_4000_0000;
        Assert.Equal(MapStatus.Ok, _table.Map2M(ref _frames, huge, Frame2M, Data));

        Assert.Equal(MapStatus.NotAligned, _table.Protect(huge + 0x1000, NoExecute));
        Assert.Equal(MapStatus.Ok, _table.Protect(huge, NoExecute));

        Assert.True(_table.TryTranslate(huge + 0x1000, out PhysAddr phys, out PageFlags flags));
        Assert.Equal(Frame2M + 0x1000, phys);
        Assert.Equal(Present | PageFlags.Huge | NoExecute, flags);
    }

    [Fact]
    public void ShareKernelHalf_MakesKernelMappingsVisible_AndLeavesUserHalfAlone()
    {
        Assert.Equal(MapStatus.Ok, _table.Map4K(ref _frames, KernelVirt, Frame, Data));
        Assert.Equal(MapStatus.Ok, _table.Map4K(ref _frames, UserVirt, Frame, Data));
        Assert.Equal(MapStatus.Ok, PageTable.TryCreate(_memory.Map, ref _frames, out PageTable other));

        other.ShareKernelHalf(_table);

        Assert.True(other.TryTranslate(KernelVirt, out PhysAddr phys, out _));
        Assert.Equal(Frame, phys);
        Assert.False(other.TryTranslate(UserVirt, out _, out _));
    }
}
