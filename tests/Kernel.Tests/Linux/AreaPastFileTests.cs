// Which pages of a file mapping lie wholly past the end of its file (Area.PastFile: SIGBUS at a touch)
// and where a truncate's pages start (Area.FirstPastFile), with a file offset, a partial last page,
// an ELF segment's bss past FileEnd and anonymous memory.
using Vireo.Linux.Abi;
using Xunit;

namespace Vireo.Tests.Linux;

public class AreaPastFileTests
{
    private static Area FileArea(ulong offset, ulong fileEnd = 0x14000) =>
        new Area { Start = 0x10000, End = 0x14000, Prot = Prot.Read, File = 0, FileOffset = offset, FileEnd = fileEnd };

    [Fact]
    public void ThePartialLastPageIsInTheFileAndTheNextIsPast()
    {
        Area a = FileArea(0);
        Assert.False(a.PastFile(0x10000, 4196));
        Assert.False(a.PastFile(0x11000, 4196));
        Assert.True(a.PastFile(0x12000, 4196));
        Assert.True(a.PastFile(0x13000, 4196));
        Assert.Equal(0x12000UL, a.FirstPastFile(4196));
    }

    [Fact]
    public void TheFileOffsetCounts()
    {
        Area a = FileArea(0x2000);
        Assert.False(a.PastFile(0x10000, 0x3000));
        Assert.True(a.PastFile(0x11000, 0x3000));
        Assert.Equal(0x11000UL, a.FirstPastFile(0x3000));
        Assert.Equal(0x10000UL, a.FirstPastFile(0x1000));   // the whole area is past a file that shrank below its offset
        Assert.Equal(0x10000UL, a.FirstPastFile(0));
    }

    [Fact]
    public void AFileAsLargeAsTheAreaLeavesNothingPast()
    {
        Area a = FileArea(0);
        Assert.False(a.PastFile(0x13000, 0x4000));
        Assert.Equal(a.End, a.FirstPastFile(0x4000));
        Assert.Equal(a.End, a.FirstPastFile(0x100000));
    }

    [Fact]
    public void BssAndAnonymousMemoryAreNeverPast()
    {
        Area segment = FileArea(0, fileEnd: 0x11800);   // p_filesz ends in the second page: zero beyond
        Assert.False(segment.PastFile(0x12000, 0x1800));
        var anon = new Area { Start = 0x10000, End = 0x14000, Prot = Prot.Read };
        Assert.False(anon.PastFile(0x12000, 0));
    }
}
