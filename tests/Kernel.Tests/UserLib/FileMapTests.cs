using Vireo.User.Schemes;
using Xunit;

namespace Vireo.Tests.UserLib;

// The mapped file data path's portable part (user/lib/Schemes/FileMapBytes.cs, ADR 0012): the
// sequence protocol a reader and the daemon follow, what a read may take, the window arithmetic and
// the copy out of a window with holes.
public unsafe class FileMapTests
{
    [Fact]
    public void AReaderSeesNoSnapshotWhileAChangeIsUnderWay()
    {
        var h = new FileMapHeader();
        Assert.True(FileMap.Begin(&h, out uint seq, out ulong size));
        Assert.Equal(0UL, size);
        FileMap.BeginChange(&h);
        Assert.False(FileMap.Begin(&h, out _, out _));   // odd: try again later
        Assert.False(FileMap.Still(&h, seq));
        FileMap.EndChange(&h, 5000);
        Assert.True(FileMap.Begin(&h, out uint after, out size));
        Assert.Equal(5000UL, size);
        Assert.NotEqual(seq, after);
    }

    [Fact]
    public void ACopyThatRacedAChangeIsThrownAway()
    {
        var h = new FileMapHeader();
        FileMap.EndChange(&h, 100);
        Assert.True(FileMap.Begin(&h, out uint seq, out _));
        // The daemon changes the file while the reader copies: begun and ended in between.
        FileMap.BeginChange(&h);
        FileMap.EndChange(&h, 10);
        Assert.False(FileMap.Still(&h, seq));
        // A reader that began after the change keeps its copy.
        Assert.True(FileMap.Begin(&h, out seq, out ulong size));
        Assert.Equal(10UL, size);
        Assert.True(FileMap.Still(&h, seq));
    }

    [Fact]
    public void EveryChangeMovesTheCounterEvenOneThatBeganTwice()
    {
        var h = new FileMapHeader();
        var seen = new System.Collections.Generic.HashSet<uint> { h.Seq };
        for (int i = 0; i < 100; i++)
        {
            FileMap.BeginChange(&h);
            FileMap.BeginChange(&h);   // nested: still odd, still one change
            FileMap.EndChange(&h, (ulong)i);
            Assert.Equal(0u, h.Seq & 1);
            Assert.True(seen.Add(h.Seq));
        }
    }

    [Fact]
    public void NoHeaderMeansNobodyMaps()
    {
        FileMap.BeginChange(null);
        FileMap.EndChange(null, 1);   // a file nobody maps has no header: nothing to do
    }

    [Theory]
    [InlineData(0UL, 4096, 4096UL, 4096)]
    [InlineData(100UL, 4096, 4096UL, 3996)]
    [InlineData(4096UL, 10, 4096UL, 0)]     // at the end
    [InlineData(5000UL, 10, 4096UL, 0)]     // past it
    [InlineData(0UL, 0, 4096UL, 0)]
    [InlineData(0UL, -1, 4096UL, 0)]
    [InlineData(ulong.MaxValue - 1, 10, ulong.MaxValue, 1)]
    public void AReadTakesWhatTheFileHas(ulong position, int count, ulong size, int expected) =>
        Assert.Equal(expected, FileMap.Available(position, count, size));

    [Fact]
    public void WindowsAreAlignedRunsOfPages()
    {
        Assert.Equal(0UL, FileMap.WindowOf(0));
        Assert.Equal(0UL, FileMap.WindowOf(FileMap.WindowPages - 1));
        Assert.Equal((ulong)FileMap.WindowPages, FileMap.WindowOf(FileMap.WindowPages));
        ulong window = 2 * FileMap.WindowPages;
        ulong start = window * FileMap.PageSize, end = start + FileMap.WindowPages * FileMap.PageSize;
        Assert.Equal(100, FileMap.InWindow(window, start, 100));
        Assert.Equal(50, FileMap.InWindow(window, end - 50, 100));   // a read stops at the window's end
        Assert.Equal(0, FileMap.InWindow(window, end, 100));
        Assert.Equal(0, FileMap.InWindow(window, start - 1, 100));
    }

    [Fact]
    public void MissingPagesAreThoseNotMapped()
    {
        Assert.Equal(0b1110u, FileMap.Mask(1, 3));
        Assert.Equal(0u, FileMap.Mask(3, 0));
        Assert.Equal(0xFFFFu, FileMap.Mask(0, FileMap.WindowPages));
        Assert.Equal(0b1010u, FileMap.Missing(0b0101u, 0, 4));
        Assert.Equal(0u, FileMap.Missing(0xFFFFu, 3, 5));
    }

    [Fact]
    public void CopyOutReadsHolesAsZerosAcrossPages()
    {
        const int pages = FileMap.WindowPages;
        byte[] window = new byte[pages * FileMap.PageSize];
        for (int i = 0; i < window.Length; i++) window[i] = (byte)(i % 251 + 1);
        uint data = 0b1011;   // page 2 is a hole
        byte[] into = new byte[3 * FileMap.PageSize];
        fixed (byte* w = window)
        fixed (byte* o = into)
        {
            int offset = FileMap.PageSize - 10;   // from the end of page 0 to into page 3
            FileMap.CopyOut(w, data, offset, o, into.Length);
            for (int i = 0; i < into.Length; i++)
            {
                int at = offset + i;
                byte expected = at / FileMap.PageSize == 2 ? (byte)0 : window[at];
                Assert.Equal(expected, into[i]);
            }
        }
    }

    [Fact]
    public void CopyOutOfAWholeWindowOfHoles()
    {
        byte[] window = new byte[FileMap.WindowPages * FileMap.PageSize];
        byte[] into = new byte[FileMap.WindowPages * FileMap.PageSize];
        for (int i = 0; i < window.Length; i++) window[i] = 7;
        for (int i = 0; i < into.Length; i++) into[i] = 9;
        fixed (byte* w = window)
        fixed (byte* o = into)
            FileMap.CopyOut(w, 0, 0, o, into.Length);
        Assert.All(into, b => Assert.Equal(0, b));
    }
}
