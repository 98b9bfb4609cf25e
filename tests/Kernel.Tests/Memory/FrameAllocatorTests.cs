using System;
using System.Collections.Generic;
using Vireo.Kernel.Multiboot;
using Vireo.Kernel.Memory;
using Xunit;

namespace Vireo.Tests.Memory;

public class FrameAllocatorTests
{
    private const ulong MiB = 1 << 20;
    private const ulong Frame = FrameAllocator.FrameSize;
    private const ulong MemorySize = 32 * MiB;

    private static readonly MemoryRegion[] PcMap =
    {
        new MemoryRegion(0, 0x9F000, MemoryRegionType.Usable),
        new MemoryRegion(0x9F000, 0x61000, MemoryRegionType.Reserved),
        new MemoryRegion(MiB, MemorySize - MiB, MemoryRegionType.Usable),
    };

    // Kernel image and one boot module whose end is not frame aligned.
    private static readonly PhysRange[] PcReserved =
    {
        new PhysRange(MiB, MiB),
        new PhysRange(4 * MiB, 0x80800),
    };

    // 8192 frames: 2 × 128 words of bitmap + 8 bytes per frame of stack and positions = 67584 bytes, 17 frames.
    private const ulong PcMetadataFrames = 17;

    private const ulong PcTotalFrames = (MemorySize - MiB) / Frame - 256 - 129 - PcMetadataFrames;

    private static PhysAddr P(ulong value) => new(value);

    private static FrameAllocator CreatePc(EmulatedPhysMemory memory)
    {
        Assert.True(FrameAllocator.TryCreate(memory.Map, PcMap, PcReserved, out var allocator));
        return allocator;
    }

    private static bool InReserved(PhysAddr phys)
    {
        foreach (var r in PcReserved)
            if (phys.Value + Frame > r.Base && phys.Value < r.End)
                return true;
        return false;
    }

    [Fact]
    public void AccountsForReservationsAndMetadata()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        var allocator = CreatePc(memory);

        Assert.Equal(PcTotalFrames, allocator.TotalFrames);
        Assert.Equal(PcTotalFrames, allocator.FreeFrames);
        // First usable frame at or above 1 MiB that no reservation covers.
        Assert.Equal(P(2 * MiB), allocator.MetadataPhys);
        Assert.Equal(PcMetadataFrames * Frame, allocator.MetadataLength);
        Assert.False(allocator.IsManaged(allocator.MetadataPhys));
        Assert.False(allocator.IsManaged(allocator.MetadataPhys + allocator.MetadataLength - Frame));
        Assert.True(allocator.IsFree(allocator.MetadataPhys + allocator.MetadataLength));
        Assert.False(allocator.IsManaged(P(0x80000)));
        Assert.False(allocator.IsManaged(P(MiB)));
        Assert.False(allocator.IsManaged(P(4 * MiB + 0x80000)));
        Assert.True(allocator.IsManaged(P(4 * MiB + 0x81000)));
        Assert.True(allocator.CheckConsistency());
    }

    [Fact]
    public void AllocAllThenFreeAllRestoresCounts()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        var allocator = CreatePc(memory);
        var handedOut = new HashSet<PhysAddr>();

        while (allocator.TryAlloc(out PhysAddr phys))
        {
            Assert.True(handedOut.Add(phys), "frame handed out twice");
            Assert.True(phys.IsAligned(Frame));
            Assert.True(phys >= P(MiB) && phys < P(MemorySize));
            Assert.False(InReserved(phys));
            Assert.False(phys >= allocator.MetadataPhys && phys < allocator.MetadataPhys + allocator.MetadataLength);
            Assert.Equal(PcTotalFrames - (ulong)handedOut.Count, allocator.FreeFrames);
        }
        Assert.Equal(PcTotalFrames, (ulong)handedOut.Count);
        Assert.Equal(0ul, allocator.FreeFrames);
        Assert.False(allocator.TryAllocContiguous(1, 1, out _));
        Assert.True(allocator.CheckConsistency());

        foreach (PhysAddr phys in handedOut)
            Assert.True(allocator.Free(phys));
        Assert.Equal(PcTotalFrames, allocator.FreeFrames);
        Assert.Equal(PcTotalFrames, allocator.TotalFrames);
        Assert.True(allocator.CheckConsistency());
    }

    [Fact]
    public void HandsOutHighMemoryFirst()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        var allocator = CreatePc(memory);

        Assert.True(allocator.TryAlloc(out PhysAddr first));
        Assert.True(allocator.TryAlloc(out PhysAddr second));
        Assert.Equal(P(MemorySize - Frame), first);
        Assert.Equal(P(MemorySize - 2 * Frame), second);
    }

    [Fact]
    public void FreedFrameIsReusedFirst()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        var allocator = CreatePc(memory);
        allocator.TryAlloc(out _);
        allocator.TryAlloc(out PhysAddr phys);
        allocator.TryAlloc(out _);

        Assert.True(allocator.Free(phys));
        Assert.True(allocator.TryAlloc(out PhysAddr again));
        Assert.Equal(phys, again);
    }

    [Fact]
    public void DoubleFreeIsRejectedWithoutSideEffects()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        var allocator = CreatePc(memory);
        allocator.TryAlloc(out PhysAddr phys);
        allocator.TryAlloc(out _);

        Assert.True(allocator.Free(phys));
        ulong free = allocator.FreeFrames;
        Assert.False(allocator.Free(phys));
        Assert.Equal(free, allocator.FreeFrames);
        Assert.True(allocator.CheckConsistency());
    }

    [Fact]
    public void FreeingNeverAllocatedFramesIsRejected()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        var allocator = CreatePc(memory);
        allocator.TryAlloc(out PhysAddr allocated);

        // Never-allocated free frame, low memory, kernel image, module tail, metadata, beyond RAM, misaligned.
        PhysAddr[] bad =
        {
            allocated - Frame, P(0), P(0x50000), P(MiB + 0x10000), P(4 * MiB + 0x80000), allocator.MetadataPhys,
            P(MemorySize), P(64 * 1024 * MiB), P(ulong.MaxValue & ~(Frame - 1)), allocated + 8, allocated + Frame / 2,
        };
        foreach (PhysAddr phys in bad)
            Assert.False(allocator.Free(phys), $"freed 0x{phys.Value:X}");

        Assert.Equal(PcTotalFrames - 1, allocator.FreeFrames);
        Assert.True(allocator.CheckConsistency());
        Assert.True(allocator.Free(allocated));
    }

    [Fact]
    public void ZeroedAllocationIsZero()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        var allocator = CreatePc(memory);
        allocator.TryAlloc(out PhysAddr dirty);
        for (ulong i = 0; i < Frame; i += 8)
            memory.WriteU64(dirty + i, 0xDEADBEEFDEADBEEF);
        allocator.Free(dirty);

        Assert.True(allocator.TryAllocZeroed(out PhysAddr phys));
        Assert.Equal(dirty, phys);
        for (ulong i = 0; i < Frame; i += 8)
            Assert.Equal(0ul, memory.ReadU64(phys + i));
    }

    [Theory]
    [InlineData(1ul, 1ul)]
    [InlineData(16ul, 16ul)]
    [InlineData(3ul, 0ul)]
    [InlineData(512ul, 512ul)]
    [InlineData(7ul, 5ul)]
    public void ContiguousRunIsAlignedAndExclusive(ulong count, ulong align)
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        var allocator = CreatePc(memory);

        Assert.True(allocator.TryAllocContiguous(count, align, out PhysAddr phys));
        Assert.Equal(0ul, (phys.Value / Frame) % (align == 0 ? 1 : align));
        Assert.Equal(PcTotalFrames - count, allocator.FreeFrames);
        for (ulong i = 0; i < count; i++)
        {
            PhysAddr frame = phys + i * Frame;
            Assert.True(allocator.IsManaged(frame));
            Assert.False(allocator.IsFree(frame));
            Assert.False(InReserved(frame));
        }
        Assert.True(allocator.CheckConsistency());

        var run = new HashSet<PhysAddr>();
        for (ulong i = 0; i < count; i++)
            run.Add(phys + i * Frame);
        while (allocator.TryAlloc(out PhysAddr single))
            Assert.DoesNotContain(single, run);

        Assert.True(allocator.FreeContiguous(phys, count));
        Assert.Equal(count, allocator.FreeFrames);
        Assert.False(allocator.FreeContiguous(phys, count));
        Assert.True(allocator.CheckConsistency());
    }

    [Fact]
    public void ContiguousSearchSkipsAllocatedFramesAndReservations()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        var allocator = CreatePc(memory);
        var all = new List<PhysAddr>();
        while (allocator.TryAlloc(out PhysAddr phys))
            all.Add(phys);

        // Free frames 1..3 after 8 MiB and 0..7 after 12 MiB: only the second hole fits 4 frames.
        for (ulong i = 1; i < 4; i++)
            Assert.True(allocator.Free(P(8 * MiB + i * Frame)));
        for (ulong i = 0; i < 8; i++)
            Assert.True(allocator.Free(P(12 * MiB + i * Frame)));

        Assert.False(allocator.TryAllocContiguous(9, 1, out _));
        Assert.True(allocator.TryAllocContiguous(4, 1, out PhysAddr run));
        Assert.Equal(P(12 * MiB), run);
        // Aligned to 2 frames, the first hole offers only frames 2..3, too few for 3.
        Assert.True(allocator.TryAllocContiguous(3, 2, out PhysAddr aligned));
        Assert.Equal(P(12 * MiB + 4 * Frame), aligned);
        Assert.True(allocator.TryAllocContiguous(2, 1, out PhysAddr low));
        Assert.Equal(P(8 * MiB + Frame), low);
        Assert.Equal(2ul, allocator.FreeFrames);
        Assert.True(allocator.IsFree(P(8 * MiB + 3 * Frame)));
        Assert.True(allocator.IsFree(P(12 * MiB + 7 * Frame)));
        Assert.True(allocator.CheckConsistency());
    }

    [Fact]
    public void ContiguousRunNeverSpansAReservation()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        var allocator = CreatePc(memory);
        // Usable free stretch below the module is [2 MiB + 17 frames, 4 MiB): 495 frames; a 512-frame run with
        // no alignment must still go above the module.
        Assert.True(allocator.TryAllocContiguous(512, 1, out PhysAddr phys));
        Assert.Equal(P(4 * MiB + 0x81000), phys);
    }

    [Fact]
    public void ImpossibleContiguousRequestsChangeNothing()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        var allocator = CreatePc(memory);

        Assert.False(allocator.TryAllocContiguous(0, 1, out _));
        Assert.False(allocator.TryAllocContiguous(PcTotalFrames + 1, 1, out _));
        Assert.False(allocator.TryAllocContiguous(PcTotalFrames, 1, out _));
        Assert.False(allocator.TryAllocContiguous(1, ulong.MaxValue, out _));
        Assert.False(allocator.TryAllocContiguous(1, 1ul << 40, out _));
        Assert.False(allocator.TryAllocContiguous(1, 8192, out _));
        Assert.Equal(PcTotalFrames, allocator.FreeFrames);
        Assert.True(allocator.CheckConsistency());
    }

    [Fact]
    public void FreeContiguousIsAllOrNothing()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        var allocator = CreatePc(memory);
        Assert.True(allocator.TryAllocContiguous(8, 8, out PhysAddr phys));
        Assert.True(allocator.Free(phys + 5 * Frame));
        ulong free = allocator.FreeFrames;

        Assert.False(allocator.FreeContiguous(phys, 8));
        Assert.Equal(free, allocator.FreeFrames);
        Assert.False(allocator.IsFree(phys));
        Assert.False(allocator.FreeContiguous(phys + 1, 1));
        Assert.False(allocator.FreeContiguous(phys, 0));
        Assert.False(allocator.FreeContiguous(P(ulong.MaxValue & ~(Frame - 1)), 2));
        Assert.False(allocator.FreeContiguous(P(MemorySize - Frame), ulong.MaxValue));
        Assert.True(allocator.CheckConsistency());

        Assert.True(allocator.FreeContiguous(phys, 5));
        Assert.True(allocator.FreeContiguous(phys + 6 * Frame, 2));
        Assert.Equal(PcTotalFrames, allocator.FreeFrames);
    }

    [Fact]
    public void RandomOperationsMatchReferenceModel()
    {
        using var memory = new EmulatedPhysMemory(16 * MiB);
        var map = new[] { new MemoryRegion(0, 16 * MiB, MemoryRegionType.Usable) };
        var reserved = new[] { new PhysRange(MiB, 0x123456) };
        Assert.True(FrameAllocator.TryCreate(memory.Map, map, reserved, out var allocator));
        ulong total = allocator.TotalFrames;

        var allocated = new HashSet<PhysAddr>();
        var allocatedList = new List<PhysAddr>();
        var released = new List<PhysAddr>();
        var random = new Random(42);
        for (int step = 0; step < 20000; step++)
        {
            int op = random.Next(100);
            if (op < 55)
            {
                bool ok = allocator.TryAlloc(out PhysAddr phys);
                Assert.Equal(allocated.Count < (int)total, ok);
                if (ok)
                {
                    Assert.True(allocated.Add(phys));
                    allocatedList.Add(phys);
                }
            }
            else if (op < 90 && allocatedList.Count > 0)
            {
                int index = random.Next(allocatedList.Count);
                PhysAddr phys = allocatedList[index];
                allocatedList[index] = allocatedList[^1];
                allocatedList.RemoveAt(allocatedList.Count - 1);
                allocated.Remove(phys);
                released.Add(phys);
                Assert.True(allocator.Free(phys));
            }
            else if (op < 95 && released.Count > 0)
            {
                PhysAddr phys = released[random.Next(released.Count)];
                Assert.Equal(allocated.Contains(phys), allocator.Free(phys));
                if (allocated.Remove(phys))
                    allocatedList.Remove(phys);
            }
            else
            {
                ulong count = (ulong)random.Next(1, 9);
                ulong align = 1ul << random.Next(0, 4);
                if (allocator.TryAllocContiguous(count, align, out PhysAddr phys))
                {
                    Assert.Equal(0ul, (phys.Value / Frame) % align);
                    for (ulong i = 0; i < count; i++)
                    {
                        Assert.True(allocated.Add(phys + i * Frame));
                        allocatedList.Add(phys + i * Frame);
                    }
                }
            }

            Assert.Equal(total - (ulong)allocated.Count, allocator.FreeFrames);
            Assert.Equal(total, allocator.TotalFrames);
            if (step % 50 == 0)
                Assert.True(allocator.CheckConsistency());
        }
        foreach (PhysAddr phys in allocated)
        {
            Assert.False(allocator.IsFree(phys));
            Assert.True(phys >= P(MiB + 0x124000) || phys < P(MiB));
        }
        Assert.True(allocator.CheckConsistency());
    }

    [Fact]
    public void UnnormalisedMapStillHonoursReservedRegions()
    {
        using var memory = new EmulatedPhysMemory(8 * MiB);
        var map = new[]
        {
            new MemoryRegion(0x100800, 8 * MiB, MemoryRegionType.Usable),
            new MemoryRegion(3 * MiB + 0x10, 0x10, MemoryRegionType.AcpiNvs),
            new MemoryRegion(2 * MiB, 4 * MiB, MemoryRegionType.Usable),
        };
        Assert.True(FrameAllocator.TryCreate(memory.Map, map, ReadOnlySpan<PhysRange>.Empty, out var allocator));

        // [1 MiB + 0x1000, 8 MiB) minus the one NVS frame and 5 metadata frames; the buffer ends at 8 MiB.
        Assert.Equal((7 * MiB - Frame) / Frame - 1 - 5, allocator.TotalFrames);
        Assert.Equal(5 * Frame, allocator.MetadataLength);
        Assert.Equal(P(MiB + Frame), allocator.MetadataPhys);
        Assert.False(allocator.IsManaged(P(3 * MiB)));
        Assert.False(allocator.IsManaged(P(MiB)));
        Assert.True(allocator.CheckConsistency());
    }

    [Fact]
    public void MetadataSpanningSeveralFramesAvoidsTooSmallRegionsAndReservations()
    {
        using var memory = new EmulatedPhysMemory(96 * MiB);
        var map = new[]
        {
            new MemoryRegion(MiB, Frame, MemoryRegionType.Usable),
            new MemoryRegion(2 * MiB, 94 * MiB, MemoryRegionType.Usable),
        };
        var reserved = new[] { new PhysRange(2 * MiB, Frame), new PhysRange(2 * MiB + 2 * Frame, 1) };
        Assert.True(FrameAllocator.TryCreate(memory.Map, map, reserved, out var allocator));

        // 24576 frames: 2 × 384 words of bitmap + 8 bytes per frame = 202752 bytes, 50 frames.
        Assert.Equal(50 * Frame, allocator.MetadataLength);
        Assert.Equal(P(2 * MiB + 3 * Frame), allocator.MetadataPhys);
        Assert.Equal(1 + 94 * MiB / Frame - 2 - 50, allocator.TotalFrames);
        Assert.True(allocator.IsManaged(P(MiB)));
        Assert.True(allocator.IsManaged(P(2 * MiB + Frame)));
        Assert.True(allocator.CheckConsistency());
    }

    [Fact]
    public void MemoryBeyondTheDirectMapIsNotManaged()
    {
        using var memory = new EmulatedPhysMemory(4 * MiB);
        var map = new[] { new MemoryRegion(0, 64 * MiB, MemoryRegionType.Usable) };
        Assert.True(FrameAllocator.TryCreate(memory.Map, map, ReadOnlySpan<PhysRange>.Empty, out var allocator));

        // 1024 frames: 8448 bytes of metadata, 3 frames.
        Assert.Equal(3 * MiB / Frame - 3, allocator.TotalFrames);
        Assert.False(allocator.IsManaged(P(4 * MiB)));
    }

    [Fact]
    public void FailsWithoutUsableMemoryAboveOneMiB()
    {
        using var memory = new EmulatedPhysMemory(4 * MiB);

        Assert.False(FrameAllocator.TryCreate(memory.Map, ReadOnlySpan<MemoryRegion>.Empty, ReadOnlySpan<PhysRange>.Empty, out var none));
        Assert.Null(none);
        var lowOnly = new[] { new MemoryRegion(0, 0x9F000, MemoryRegionType.Usable), new MemoryRegion(MiB, 4 * MiB, MemoryRegionType.Reserved) };
        Assert.False(FrameAllocator.TryCreate(memory.Map, lowOnly, ReadOnlySpan<PhysRange>.Empty, out _));
        var subPage = new[] { new MemoryRegion(MiB + 1, Frame, MemoryRegionType.Usable) };
        Assert.False(FrameAllocator.TryCreate(memory.Map, subPage, ReadOnlySpan<PhysRange>.Empty, out _));
    }

    [Fact]
    public void FailsWhenEverythingIsReserved()
    {
        using var memory = new EmulatedPhysMemory(4 * MiB);
        var map = new[] { new MemoryRegion(MiB, 3 * MiB, MemoryRegionType.Usable) };
        var reserved = new[] { new PhysRange(0, 4 * MiB) };

        Assert.False(FrameAllocator.TryCreate(memory.Map, map, reserved, out _));
    }

    [Fact]
    public void OnlyTheMetadataFrameIsUsableLeavesAnEmptyAllocator()
    {
        using var memory = new EmulatedPhysMemory(4 * MiB);
        var map = new[] { new MemoryRegion(MiB, Frame, MemoryRegionType.Usable) };
        Assert.True(FrameAllocator.TryCreate(memory.Map, map, ReadOnlySpan<PhysRange>.Empty, out var allocator));

        Assert.Equal(0ul, allocator.TotalFrames);
        Assert.False(allocator.TryAlloc(out _));
        Assert.False(allocator.Free(P(MiB)));
        Assert.True(allocator.CheckConsistency());
    }

    [Fact]
    public void BuildingWritesOnlyTheMetadata()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        for (ulong phys = 0; phys < MemorySize; phys += 8)
            memory.WriteU64(phys, Pattern(phys));
        var allocator = CreatePc(memory);

        ulong metadataStart = allocator.MetadataPhys.Value, metadataEnd = metadataStart + allocator.MetadataLength;
        for (ulong phys = 0; phys < MemorySize; phys += 8)
        {
            if (phys >= metadataStart && phys < metadataEnd)
                continue;
            if (memory.ReadU64(phys) != Pattern(phys))
                Assert.Fail($"build wrote to 0x{phys:X}");
        }
        Assert.True(allocator.CheckConsistency());
    }

    [Fact]
    public void AllocAndFreeNeverTouchTheFrames()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        var allocator = CreatePc(memory);
        ulong metadataStart = allocator.MetadataPhys.Value, metadataEnd = metadataStart + allocator.MetadataLength;
        for (ulong phys = 0; phys < MemorySize; phys += 8)
        {
            if (phys < metadataStart || phys >= metadataEnd)
                memory.WriteU64(phys, Pattern(phys));
        }

        var all = new List<PhysAddr>();
        while (allocator.TryAlloc(out PhysAddr phys))
            all.Add(phys);
        foreach (PhysAddr phys in all)
            Assert.True(allocator.Free(phys));
        Assert.True(allocator.TryAllocContiguous(64, 64, out PhysAddr run));
        Assert.True(allocator.FreeContiguous(run, 64));
        Assert.True(allocator.CheckConsistency());

        for (ulong phys = 0; phys < MemorySize; phys += 8)
        {
            if (phys >= metadataStart && phys < metadataEnd)
                continue;
            if (memory.ReadU64(phys) != Pattern(phys))
                Assert.Fail($"allocator wrote to 0x{phys:X}");
        }
    }

    [Fact]
    public void WritingToFreeFramesCannotCorruptTheAllocator()
    {
        using var memory = new EmulatedPhysMemory(MemorySize);
        var allocator = CreatePc(memory);
        allocator.TryAlloc(out PhysAddr phys);
        allocator.Free(phys);

        // Use after free, and stray writes over every other free frame too.
        PhysAddr metadataEnd = allocator.MetadataPhys + allocator.MetadataLength;
        for (ulong p = MiB; p < MemorySize; p += 8)
        {
            if (allocator.IsFree(P(p).AlignDown(Frame)))
                memory.WriteU64(p, ulong.MaxValue);
        }
        Assert.True(allocator.CheckConsistency());
        Assert.True(allocator.TryAlloc(out PhysAddr again));
        Assert.Equal(phys, again);

        ulong count = 1;
        while (allocator.TryAlloc(out PhysAddr other))
        {
            Assert.True(allocator.IsManaged(other));
            Assert.False(other >= allocator.MetadataPhys && other < metadataEnd);
            count++;
        }
        Assert.Equal(PcTotalFrames, count);
        Assert.True(allocator.CheckConsistency());
    }

    // Metadata layout (see FrameAllocator's header): managed bitmap, free bitmap, uint stack, uint pos.
    // Over [1 MiB, 4 MiB): 1024 frames, 16 words per bitmap, the stack at +256 and pos at +256 + 4096.
    private static FrameAllocator CreateSmall(EmulatedPhysMemory memory)
    {
        var map = new[] { new MemoryRegion(MiB, 3 * MiB, MemoryRegionType.Usable) };
        Assert.True(FrameAllocator.TryCreate(memory.Map, map, ReadOnlySpan<PhysRange>.Empty, out var allocator));
        Assert.True(allocator.CheckConsistency());
        return allocator;
    }

    [Fact]
    public void ConsistencyCheckDetectsADuplicatedStackEntry()
    {
        using var memory = new EmulatedPhysMemory(4 * MiB);
        var allocator = CreateSmall(memory);
        PhysAddr stack = allocator.MetadataPhys + 256;
        ulong top = allocator.FreeFrames - 1;

        Assert.Equal((4 * MiB - Frame) / Frame, memory.ReadU32(stack + top * 4));
        memory.WriteU32(stack + top * 4, memory.ReadU32(stack + (top - 1) * 4));
        Assert.False(allocator.CheckConsistency());
    }

    [Fact]
    public void ConsistencyCheckDetectsAWrongPosition()
    {
        using var memory = new EmulatedPhysMemory(4 * MiB);
        var allocator = CreateSmall(memory);
        PhysAddr pos = allocator.MetadataPhys + 256 + 1024 * 4;
        ulong topFrame = (4 * MiB - Frame) / Frame;

        Assert.Equal((uint)(allocator.FreeFrames - 1), memory.ReadU32(pos + topFrame * 4));
        memory.WriteU32(pos + topFrame * 4, 0);
        Assert.False(allocator.CheckConsistency());
    }

    [Fact]
    public void ConsistencyCheckDetectsAFreeBitOutsideTheStack()
    {
        using var memory = new EmulatedPhysMemory(4 * MiB);
        var allocator = CreateSmall(memory);
        Assert.True(allocator.TryAlloc(out PhysAddr phys));
        ulong frame = phys.Value / Frame;
        PhysAddr word = allocator.MetadataPhys + 16 * 8 + frame / 64 * 8;

        memory.WriteU64(word, memory.ReadU64(word) | (1ul << (int)(frame % 64)));
        Assert.False(allocator.CheckConsistency());
    }

    [Fact]
    public void ContiguousRemovalFromTheMiddleKeepsTheStackConsistent()
    {
        using var memory = new EmulatedPhysMemory(4 * MiB);
        var allocator = CreateSmall(memory);
        ulong total = allocator.FreeFrames;

        // Lowest aligned runs sit deep in the stack, so each removal moves the top entry down.
        Assert.True(allocator.TryAllocContiguous(8, 8, out PhysAddr a));
        Assert.True(allocator.TryAllocContiguous(3, 1, out PhysAddr b));
        Assert.True(allocator.CheckConsistency());
        Assert.Equal(total - 11, allocator.FreeFrames);

        Assert.True(allocator.FreeContiguous(a, 8));
        Assert.True(allocator.CheckConsistency());
        var seen = new HashSet<PhysAddr>();
        while (allocator.TryAlloc(out PhysAddr phys))
        {
            Assert.True(seen.Add(phys));
            Assert.False(phys >= b && phys < b + 3 * Frame);
        }
        Assert.Equal(total - 3, (ulong)seen.Count);
        Assert.True(allocator.CheckConsistency());
    }

    private static ulong Pattern(ulong phys) => (phys * 0x9E3779B97F4A7C15) ^ 0x5A5A5A5A5A5A5A5A;
}

public class FrameAllocatorFrameSourceTests
{
    [Fact]
    public void ForwardsToTheSharedAllocator()
    {
        using var memory = new EmulatedPhysMemory(4 << 20);
        var map = new[] { new MemoryRegion(1 << 20, 3 << 20, MemoryRegionType.Usable) };
        Assert.True(FrameAllocator.TryCreate(memory.Map, map, ReadOnlySpan<PhysRange>.Empty, out var allocator));
        var source = new FrameAllocatorFrameSource(allocator);
        var copy = source;
        ulong before = allocator.FreeFrames;

        memory.WriteU64((4 << 20) - 8, 0x1234);
        Assert.True(source.TryAllocZeroedFrame(out PhysAddr phys));
        Assert.Equal(new PhysAddr((4ul << 20) - 4096), phys);
        Assert.Equal(0ul, memory.ReadU64(phys + 4088));
        Assert.Equal(before - 1, allocator.FreeFrames);

        copy.FreeFrame(phys);
        Assert.Equal(before, allocator.FreeFrames);
        copy.FreeFrame(phys);
        Assert.Equal(before, allocator.FreeFrames);
    }
}
