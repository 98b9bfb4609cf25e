// The interrupt sources' claim set (VectorPool): lines claimed by number, MSI vectors taken lowest
// first from their range, a released one taken again, an exhausted range answering -1.
using Vireo.Kernel.Irq;
using Xunit;

namespace Vireo.Tests.Irq;

public class VectorPoolTests
{
    private const int FirstMsi = 24, MsiCount = 24;

    [Fact]
    public void LineIsClaimedOnce()
    {
        var pool = new VectorPool();
        Assert.True(pool.TryClaim(5));
        Assert.False(pool.TryClaim(5));
        Assert.True(pool.IsClaimed(5));
        pool.Release(5);
        Assert.False(pool.IsClaimed(5));
        Assert.True(pool.TryClaim(5));
    }

    [Fact]
    public void AnyFreeIsTheLowestInTheRange()
    {
        var pool = new VectorPool();
        Assert.True(pool.TryClaim(3));   // a line below the range does not matter
        Assert.Equal(FirstMsi, pool.FirstFree(FirstMsi, MsiCount));
        Assert.True(pool.TryClaim(FirstMsi));
        Assert.True(pool.TryClaim(FirstMsi + 1));
        Assert.Equal(FirstMsi + 2, pool.FirstFree(FirstMsi, MsiCount));
        pool.Release(FirstMsi);
        Assert.Equal(FirstMsi, pool.FirstFree(FirstMsi, MsiCount));
    }

    [Fact]
    public void ExhaustedRangeHasNone()
    {
        var pool = new VectorPool();
        var taken = new System.Collections.Generic.HashSet<int>();
        for (int i = 0; i < MsiCount; i++)
        {
            int v = pool.FirstFree(FirstMsi, MsiCount);
            Assert.InRange(v, FirstMsi, FirstMsi + MsiCount - 1);
            Assert.True(pool.TryClaim(v));
            Assert.True(taken.Add(v));
        }
        Assert.Equal(-1, pool.FirstFree(FirstMsi, MsiCount));
        Assert.False(pool.IsClaimed(FirstMsi + MsiCount));   // the range's end is its own
        pool.Release(FirstMsi + 7);
        Assert.Equal(FirstMsi + 7, pool.FirstFree(FirstMsi, MsiCount));
    }

    [Theory]
    [InlineData(-1, 4)]
    [InlineData(0, 0)]
    [InlineData(60, 5)]
    public void BadRangesHaveNone(int first, int count) => Assert.Equal(-1, new VectorPool().FirstFree(first, count));

    [Fact]
    public void WholeSetAndOutOfRangeSources()
    {
        var pool = new VectorPool();
        Assert.Equal(0, pool.FirstFree(0, VectorPool.Capacity));
        Assert.False(pool.TryClaim(VectorPool.Capacity));
        Assert.False(pool.TryClaim(-1));
        Assert.False(pool.IsClaimed(VectorPool.Capacity));
        Assert.True(pool.TryClaim(63));
        Assert.True(pool.IsClaimed(63));
    }
}
