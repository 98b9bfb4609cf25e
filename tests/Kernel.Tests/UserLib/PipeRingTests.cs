using System.Runtime.InteropServices;
using Vireo.User.Schemes;
using Xunit;

namespace Vireo.Tests.UserLib;

// The pipe ring's arithmetic and the header layout its crash consistency depends on: a holder that
// dies inside the lock leaves either the old or the new state, because Take commits Head and Count in
// one 8-byte store (so they must be adjacent and 8-byte aligned) and Put in one store of Count.
public unsafe class PipeRingTests
{
    [Fact]
    public void HeadAndCountAreOneAlignedWordInTheHeader()
    {
        Assert.Equal(0, (int)Marshal.OffsetOf<PipeRingHeader>(nameof(PipeRingHeader.Lock)));
        int head = (int)Marshal.OffsetOf<PipeRingHeader>(nameof(PipeRingHeader.Head));
        Assert.Equal(0, head % 8);
        Assert.Equal(head + 4, (int)Marshal.OffsetOf<PipeRingHeader>(nameof(PipeRingHeader.Count)));
        Assert.True(sizeof(PipeRingHeader) <= PipeRing.HeaderBytes);
    }

    [Fact]
    public void PutAndTakeWrapAroundInOrder()
    {
        byte* page = stackalloc byte[4096];
        new System.Span<byte>(page, 4096).Clear();
        var h = (PipeRingHeader*)page;
        h->Head = PipeRing.Capacity - 3;   // the next bytes wrap
        byte* data = stackalloc byte[8];
        for (int i = 0; i < 8; i++) data[i] = (byte)(i + 1);
        Assert.Equal(8, PipeRing.Put(h, data, 8));
        Assert.Equal(8u, h->Count);
        byte* got = stackalloc byte[8];
        Assert.Equal(5, PipeRing.Take(h, got, 5));
        Assert.Equal(2u, h->Head);
        Assert.Equal(3u, h->Count);
        Assert.Equal(3, PipeRing.Take(h, got + 5, 8));
        for (int i = 0; i < 8; i++) Assert.Equal((byte)(i + 1), got[i]);
        Assert.Equal(0, PipeRing.Take(h, got, 8));
    }

    [Fact]
    public void FullRingTakesNothingMoreAndGarbageIsClamped()
    {
        byte* page = stackalloc byte[4096];
        new System.Span<byte>(page, 4096).Clear();
        var h = (PipeRingHeader*)page;
        byte* data = stackalloc byte[PipeRing.Capacity];
        Assert.Equal(PipeRing.Capacity, PipeRing.Put(h, data, PipeRing.Capacity));
        Assert.Equal(0, PipeRing.Put(h, data, 1));
        h->Count = 0xFFFF_FFFF;   // a holder scribbled on the header
        h->Head = 0xFFFF_FFF0;
        Assert.Equal(PipeRing.Capacity, PipeRing.Held(h));
        Assert.Equal(16, PipeRing.Take(h, data, 16));
        Assert.True(h->Head < PipeRing.Capacity);
        Assert.Equal((uint)(PipeRing.Capacity - 16), h->Count);
    }
}
