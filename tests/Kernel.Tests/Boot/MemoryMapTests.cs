using Vireo.Kernel.Multiboot;
using Xunit;

namespace Vireo.Tests.Boot;

public class MemoryMapTests
{
    private static MemoryRegion U(ulong b, ulong l) => new MemoryRegion(b, l, MemoryRegionType.Usable);
    private static MemoryRegion R(ulong b, ulong l) => new MemoryRegion(b, l, MemoryRegionType.Reserved);

    private static MemoryRegion[] Normalize(MemoryRegion[] input, int capacity = 32)
    {
        var output = new MemoryRegion[capacity];
        int count = MemoryMap.Normalize(input, output, out bool truncated);
        Assert.False(truncated);
        return output[..count];
    }

    [Fact]
    public void EmptyInputGivesEmptyOutput()
    {
        Assert.Empty(Normalize(new MemoryRegion[0]));
        Assert.Empty(Normalize(new[] { U(0x1000, 0) }));
    }

    [Fact]
    public void SortsAndMergesOverlappingAndAdjacentUsable()
    {
        var result = Normalize(new[] { U(0x300000, 0x100000), U(0x100000, 0x100000), U(0x180000, 0x180000) });

        Assert.Equal(new[] { U(0x100000, 0x300000) }, result);
    }

    [Fact]
    public void ReservedWinsOverUsableAndSplitsIt()
    {
        var result = Normalize(new[] { U(0x100000, 0x400000), R(0x200000, 0x1000) });

        Assert.Equal(new[] { U(0x100000, 0x100000), R(0x200000, 0x1000), U(0x201000, 0x2FF000) }, result);
    }

    [Fact]
    public void ReservedWinsRegardlessOfInputOrder()
    {
        var result = Normalize(new[] { R(0x200000, 0x1000), U(0x100000, 0x400000) });

        Assert.Equal(MemoryRegionType.Reserved, result[1].Type);
        Assert.Equal(3, result.Length);
    }

    [Fact]
    public void UsableIsPageAlignedInward()
    {
        var result = Normalize(new[] { U(0x100123, 0x2000), R(0x0, 0x10) });

        Assert.Equal(new[] { R(0, 0x10), U(0x101000, 0x1000) }, result);
    }

    [Fact]
    public void UsableBesideUnalignedReservationLosesThePartialPage()
    {
        var result = Normalize(new[] { U(0x100000, 0x10000), R(0x104800, 0x100) });

        Assert.Equal(new[] { U(0x100000, 0x4000), R(0x104800, 0x100), U(0x105000, 0xB000) }, result);
    }

    [Fact]
    public void UsableSmallerThanAPageDisappears()
    {
        Assert.Empty(Normalize(new[] { U(0x100100, 0xE00) }));
    }

    [Fact]
    public void StrongestReservationWins()
    {
        var result = Normalize(new[]
        {
            new MemoryRegion(0x1000, 0x3000, MemoryRegionType.AcpiReclaimable),
            new MemoryRegion(0x2000, 0x1000, MemoryRegionType.Bad),
            new MemoryRegion(0x1000, 0x1000, MemoryRegionType.AcpiNvs),
        });

        Assert.Equal(new[]
        {
            new MemoryRegion(0x1000, 0x1000, MemoryRegionType.AcpiNvs),
            new MemoryRegion(0x2000, 0x1000, MemoryRegionType.Bad),
            new MemoryRegion(0x3000, 0x1000, MemoryRegionType.AcpiReclaimable),
        }, result);
    }

    [Fact]
    public void GapsStayUnlisted()
    {
        var result = Normalize(new[] { U(0x100000, 0x1000), U(0x300000, 0x1000) });

        Assert.Equal(new[] { U(0x100000, 0x1000), U(0x300000, 0x1000) }, result);
    }

    [Fact]
    public void RegionReachingTopOfAddressSpaceSaturates()
    {
        var result = Normalize(new[] { R(0xFFFFFFFF00000000, ulong.MaxValue), U(0x100000, 0x1000) });

        Assert.Equal(2, result.Length);
        Assert.Equal(ulong.MaxValue, result[1].End);
    }

    [Fact]
    public void SmallOutputTruncatesToLowestRegions()
    {
        var output = new MemoryRegion[2];
        int count = MemoryMap.Normalize(new[] { U(0x300000, 0x1000), U(0x100000, 0x1000), U(0x200000, 0x1000) },
            output, out bool truncated);

        Assert.True(truncated);
        Assert.Equal(2, count);
        Assert.Equal(new[] { U(0x100000, 0x1000), U(0x200000, 0x1000) }, output);
    }

    [Fact]
    public void RandomMapsSatisfyTheOutputInvariants()
    {
        var random = new System.Random(1234);
        for (int round = 0; round < 200; round++)
        {
            var input = new MemoryRegion[random.Next(1, 12)];
            for (int i = 0; i < input.Length; i++)
                input[i] = new MemoryRegion((ulong)random.Next(0, 64) * 0x800, (ulong)random.Next(0, 16) * 0x600,
                    (MemoryRegionType)random.Next(0, 5));
            var output = Normalize(input, 64);

            for (int i = 0; i < output.Length; i++)
            {
                Assert.True(output[i].Length > 0);
                if (output[i].Type == MemoryRegionType.Usable)
                    Assert.True(output[i].Base % 4096 == 0 && output[i].Length % 4096 == 0);
                if (i > 0)
                {
                    Assert.True(output[i - 1].End <= output[i].Base);
                    if (output[i - 1].Type == output[i].Type && output[i].Type != MemoryRegionType.Usable)
                        Assert.True(output[i - 1].End < output[i].Base);
                }
                // Every byte of an output region has exactly that type as the strongest input cover.
                for (ulong at = output[i].Base; at < output[i].End; at += 0x100)
                    Assert.Equal(output[i].Type, Strongest(input, at));
            }
            // Every usable-covered, otherwise unreserved whole page is listed as usable.
            for (ulong page = 0; page < 64 * 0x800 + 16 * 0x600; page += 4096)
            {
                bool wholePageUsable = true;
                for (ulong at = page; at < page + 4096; at += 0x100)
                    wholePageUsable &= Strongest(input, at) == MemoryRegionType.Usable;
                if (wholePageUsable)
                    Assert.Contains(output, r => r.Type == MemoryRegionType.Usable && r.Base <= page && page + 4096 <= r.End);
            }
        }
    }

    private static MemoryRegionType? Strongest(MemoryRegion[] input, ulong at)
    {
        int[] rank = { 0, 3, 1, 2, 4 };
        MemoryRegionType? best = null;
        foreach (var r in input)
        {
            if (r.Base <= at && at < r.End && (best == null || rank[(int)r.Type] > rank[(int)best.Value]))
                best = r.Type;
        }
        return best;
    }
}
