// The Linux address space's areas (MemoryAreas): munmap and mprotect split areas and keep a file
// area's offsets, anonymous neighbours of one protection merge, placement finds the first gap.
using Vireo.Linux.Abi;
using Xunit;

namespace Vireo.Tests.Linux;

public class MemoryAreasTests
{
    private static Area Anon(ulong start, ulong end, uint prot = Prot.Read | Prot.Write) =>
        new Area { Start = start, End = end, Prot = prot };

    [Fact]
    public void RemovingTheMiddleSplitsAFileAreaAndMovesTheOffset()
    {
        var m = new MemoryAreas();
        m.Add(new Area { Start = 0x10000, End = 0x20000, Prot = Prot.Read, File = 0, FileOffset = 0x3000, FileEnd = 0x20000 });
        m.Remove(0x12000, 0x13000);
        Assert.Equal(2, m.Count);
        Assert.Equal(0x12000UL, m[0].End);
        Assert.Equal(0x13000UL, m[1].Start);
        Assert.Equal(0x6000UL, m[1].FileOffset);
        Assert.Null(m.Find(0x12800));
        Assert.Same(m[1], m.Find(0x1FFFF));
        Assert.False(m.Covers(0x11000, 0x14000));
        Assert.True(m.Covers(0x13000, 0x20000));
    }

    [Fact]
    public void RemovingEndsAndWholeAreas()
    {
        var m = new MemoryAreas();
        m.Add(Anon(0x10000, 0x20000, Prot.Read));
        m.Add(Anon(0x30000, 0x40000));
        m.Add(Anon(0x50000, 0x60000, Prot.Read));
        m.Remove(0x18000, 0x58000);
        Assert.Equal(2, m.Count);
        Assert.Equal(0x18000UL, m[0].End);
        Assert.Equal(0x58000UL, m[1].Start);
    }

    [Fact]
    public void AnonymousNeighboursOfOneProtectionMerge()
    {
        var m = new MemoryAreas();
        m.Add(Anon(0x10000, 0x11000));
        m.Add(Anon(0x12000, 0x13000));
        m.Add(Anon(0x11000, 0x12000));
        Assert.Equal(1, m.Count);
        Assert.Equal(0x13000UL, m[0].End);
        m.Add(Anon(0x13000, 0x14000, Prot.Read));
        Assert.Equal(2, m.Count);
        Area shared = Anon(0x14000, 0x15000, Prot.Read);
        shared.Shared = true;
        m.Add(shared);
        Assert.Equal(3, m.Count);   // shared memory does not merge with private
        Assert.True(m.Clone().Find(0x14000).Shared);
    }

    [Fact]
    public void ProtectSplitsAtBothEndsAndMergesBack()
    {
        var m = new MemoryAreas();
        m.Add(Anon(0x10000, 0x20000));
        m.Protect(0x14000, 0x16000, Prot.None);
        Assert.Equal(3, m.Count);
        Assert.Equal(Prot.None, m.Find(0x15000).Prot);
        Assert.Equal(Prot.Read | Prot.Write, m.Find(0x16000).Prot);
        Assert.Equal(0x14000UL, m[0].End);
        m.Protect(0x14000, 0x16000, Prot.Read | Prot.Write);
        Assert.Equal(1, m.Count);
    }

    [Fact]
    public void ProtectAcrossAreasKeepsFileOffsets()
    {
        var m = new MemoryAreas();
        m.Add(new Area { Start = 0x10000, End = 0x14000, Prot = Prot.Read | Prot.Exec, File = 1, FileOffset = 0, FileEnd = 0x14000 });
        m.Add(Anon(0x14000, 0x18000));
        m.Protect(0x12000, 0x16000, Prot.Read);
        Assert.Equal(4, m.Count);
        Assert.Equal(0x12000UL, m[0].End);
        Assert.Equal(0x2000UL, m[1].FileOffset);
        Assert.Equal(Prot.Read, m[1].Prot);
        Assert.Equal(0x16000UL, m.Find(0x15000).End);
        Assert.Equal(Prot.Read, m.Find(0x15000).Prot);
        Assert.Equal(Prot.Read | Prot.Write, m.Find(0x16000).Prot);
    }

    [Fact]
    public void FindFreeTakesTheFirstGapThatFits()
    {
        var m = new MemoryAreas();
        m.Add(Anon(0x10000, 0x11000));
        m.Add(Anon(0x12000, 0x13000, Prot.Read));
        Assert.Equal(0x11000UL, m.FindFree(0x1000, 0x10000, 0x100000));
        Assert.Equal(0x13000UL, m.FindFree(0x2000, 0x10000, 0x100000));
        Assert.Equal(0x8000UL, m.FindFree(0x8000, 0x8000, 0x100000));
        Assert.Equal(0UL, m.FindFree(0x100000, 0x10000, 0x100000));
    }

    [Fact]
    public void AClonedSetIsIndependent()
    {
        var m = new MemoryAreas();
        m.Add(Anon(0x10000, 0x20000));
        MemoryAreas c = m.Clone();
        c.Remove(0x10000, 0x20000);
        Assert.Equal(1, m.Count);
        Assert.Equal(0, c.Count);
    }
}
