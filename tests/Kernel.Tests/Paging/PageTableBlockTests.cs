// PageTable.MapBlock/UnmapBlock/ProtectBlock: frames of 2^n bytes mapped whole, with 2 MiB pages
// from 2 MiB up, checked whole before anything is written.
using System;
using Vireo.Kernel.Memory;
using Vireo.Kernel.Paging;
using Xunit;

namespace Vireo.Tests.Paging;

public sealed class PageTableBlockTests : IDisposable
{
    private const PageFlags Present = PageFlags.Present;
    private const PageFlags User = PageFlags.User;
    private const PageFlags NoExecute = PageFlags.NoExecute;
    private const PageFlags Data = PageFlags.Writable | NoExecute | User;

    private const ulong Virt = 0x0000_0040_0000_0000;   // 1 GiB aligned
    private static readonly PhysAddr Phys = new(0x0000_0001_4000_0000);   // 1 GiB aligned

    private readonly EmulatedPhysicalMemory _memory = new(64);
    private TestFrameSource _frames;
    private readonly PageTable _table;

    public PageTableBlockTests()
    {
        _frames = new TestFrameSource(_memory);
        Assert.Equal(MapStatus.Ok, PageTable.TryCreate(_memory.Map, ref _frames, out _table));
    }

    public void Dispose() => _memory.Dispose();

    [Fact]
    public void TwoMiB_IsOneHugeEntry_WithoutAPageTable()
    {
        Assert.Equal(MapStatus.Ok, _table.MapBlock(ref _frames, Virt, Phys, 21, Data));

        Assert.Equal(3, _frames.Live.Count);   // PML4, PDPT, PD: no page table
        Assert.True(_table.TryTranslate(Virt, out PhysAddr first, out PageFlags flags));
        Assert.Equal(Phys, first);
        Assert.Equal(Present | PageFlags.Huge | Data, flags);
        Assert.True(_table.TryTranslate(Virt + PageTable.Size2M - 8, out PhysAddr last, out _));
        Assert.Equal(Phys + PageTable.Size2M - 8, last);
        Assert.False(_table.TryTranslate(Virt + PageTable.Size2M, out _, out _));

        Assert.Equal(MapStatus.Ok, _table.UnmapBlock(ref _frames, Virt, 21, out PhysAddr unmapped));
        Assert.Equal(Phys, unmapped);
        Assert.False(_table.TryTranslate(Virt, out _, out _));
        Assert.Equal(new[] { _table.Root }, _frames.Live);
    }

    [Fact]
    public void SixteenKiB_IsFourConsecutivePages()
    {
        Assert.Equal(MapStatus.Ok, _table.MapBlock(ref _frames, Virt + 0x4000, Phys + 0x4000, 14, Data));

        for (ulong i = 0; i < 4; i++)
        {
            Assert.True(_table.TryTranslate(Virt + 0x4000 + i * 4096 + 8, out PhysAddr phys, out _));
            Assert.Equal(Phys + 0x4000 + i * 4096 + 8, phys);
        }
        Assert.False(_table.TryTranslate(Virt + 0x3000, out _, out _));
        Assert.False(_table.TryTranslate(Virt + 0x8000, out _, out _));

        Assert.Equal(MapStatus.Ok, _table.UnmapBlock(ref _frames, Virt + 0x4000, 14, out _, keepTables: true));
        for (ulong i = 0; i < 4; i++)
            Assert.False(_table.TryTranslate(Virt + 0x4000 + i * 4096, out _, out _));
        Assert.Equal(4, _frames.Live.Count);   // the emptied page table stays when asked to
    }

    [Fact]
    public void LargerBlocks_UseRunsOfTwoMiBPages()
    {
        Assert.Equal(MapStatus.Ok, _table.MapBlock(ref _frames, Virt, Phys, 30, Data));
        Assert.Equal(3, _frames.Live.Count);
        Assert.True(_table.TryTranslate(Virt + (1UL << 30) - 1, out PhysAddr last, out PageFlags flags));
        Assert.Equal(Phys + (1UL << 30) - 1, last);
        Assert.Equal(PageFlags.Huge, flags & PageFlags.Huge);
        Assert.Equal(MapStatus.Ok, _table.UnmapBlock(ref _frames, Virt, 30, out _));
        Assert.Equal(new[] { _table.Root }, _frames.Live);
    }

    [Fact]
    public void Misaligned_OrBadSize_IsRefused()
    {
        Assert.Equal(MapStatus.NotAligned, _table.MapBlock(ref _frames, Virt + 0x1000, Phys, 14, Data));
        Assert.Equal(MapStatus.NotAligned, _table.MapBlock(ref _frames, Virt, Phys + 0x2000, 14, Data));
        Assert.Equal(MapStatus.NotAligned, _table.MapBlock(ref _frames, Virt + 0x1000, Phys, 21, Data));
        Assert.Equal(MapStatus.NotAligned, _table.MapBlock(ref _frames, Virt + PageTable.Size2M, Phys, 22, Data));
        Assert.Equal(MapStatus.BadSize, _table.MapBlock(ref _frames, Virt, Phys, 11, Data));
        Assert.Equal(MapStatus.BadSize, _table.MapBlock(ref _frames, Virt, Phys, 31, Data));
        Assert.Equal(new[] { _table.Root }, _frames.Live);
    }

    [Fact]
    public void Overlap_IsRefusedWhole_AndNothingIsWritten()
    {
        Assert.Equal(MapStatus.Ok, _table.Map4K(ref _frames, Virt + 0x3000, Phys + 0x10_0000, Data));

        Assert.Equal(MapStatus.AlreadyMapped, _table.MapBlock(ref _frames, Virt, Phys, 14, Data));
        Assert.False(_table.TryTranslate(Virt, out _, out _));
        Assert.Equal(MapStatus.HugePageConflict, _table.MapBlock(ref _frames, Virt, Phys, 21, Data));

        Assert.Equal(MapStatus.Ok, _table.MapBlock(ref _frames, Virt + PageTable.Size2M, Phys, 21, Data));
        Assert.Equal(MapStatus.HugePageConflict, _table.Map4K(ref _frames, Virt + PageTable.Size2M + 0x5000, Phys, Data));
        Assert.Equal(MapStatus.HugePageConflict, _table.MapBlock(ref _frames, Virt, Phys, 22, Data));
        Assert.Equal(MapStatus.AlreadyMapped, _table.MapBlock(ref _frames, Virt + PageTable.Size2M, Phys, 21, Data));
        Assert.True(_table.TryTranslate(Virt + 0x3000, out PhysAddr kept, out _));
        Assert.Equal(Phys + 0x10_0000, kept);
    }

    [Fact]
    public void TwoMiB_OverAnEmptyPageTable_TakesItsPlace()
    {
        Assert.Equal(MapStatus.Ok, _table.Map4K(ref _frames, Virt + 0x7000, Phys, Data));
        Assert.Equal(MapStatus.Ok, _table.Unmap4K(ref _frames, Virt + 0x7000, out _, keepTables: true));
        Assert.Equal(4, _frames.Live.Count);

        Assert.Equal(MapStatus.Ok, _table.MapBlock(ref _frames, Virt, Phys, 21, Data));

        Assert.Equal(3, _frames.Live.Count);   // the empty page table went back
        Assert.True(_table.TryTranslate(Virt + 0x7000, out PhysAddr phys, out PageFlags flags));
        Assert.Equal(Phys + 0x7000, phys);
        Assert.Equal(PageFlags.Huge, flags & PageFlags.Huge);
    }

    [Fact]
    public void Unmap_OfAnotherShape_IsRefusedAndKeepsTheMapping()
    {
        Assert.Equal(MapStatus.Ok, _table.MapBlock(ref _frames, Virt, Phys, 14, Data));

        Assert.Equal(MapStatus.NotMapped, _table.UnmapBlock(ref _frames, Virt, 15, out _));
        Assert.Equal(MapStatus.HugePageConflict, _table.UnmapBlock(ref _frames, Virt, 21, out _));
        Assert.True(_table.TryTranslate(Virt + 0x3000, out _, out _));

        const ulong big = Virt + 2 * PageTable.Size2M;
        Assert.Equal(MapStatus.Ok, _table.MapBlock(ref _frames, big, Phys, 21, Data));
        Assert.Equal(MapStatus.NotMapped, _table.UnmapBlock(ref _frames, big, 22, out _));
        Assert.True(_table.TryTranslate(big, out _, out _));
    }

    [Fact]
    public void Protect_ChangesEveryPageOfTheBlock()
    {
        Assert.Equal(MapStatus.Ok, _table.MapBlock(ref _frames, Virt, Phys, 14, Data));
        const ulong big = Virt + 2 * PageTable.Size2M;
        Assert.Equal(MapStatus.Ok, _table.MapBlock(ref _frames, big, Phys, 22, Data));

        Assert.Equal(MapStatus.Ok, _table.ProtectBlock(Virt, 14, User | NoExecute));
        Assert.Equal(MapStatus.Ok, _table.ProtectBlock(big, 22, User | NoExecute));

        for (ulong v = Virt; v < Virt + 0x4000; v += 4096)
        {
            Assert.True(_table.TryTranslate(v, out _, out PageFlags flags));
            Assert.Equal(Present | User | NoExecute, flags);
        }
        Assert.True(_table.TryTranslate(big + PageTable.Size2M, out _, out PageFlags second));
        Assert.Equal(Present | PageFlags.Huge | User | NoExecute, second);
        Assert.Equal(MapStatus.NotMapped, _table.ProtectBlock(Virt, 15, User));
        Assert.Equal(MapStatus.NotMapped, _table.ProtectBlock(big, 12, User));
    }
}
