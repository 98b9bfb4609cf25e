using System;
using Vireo.Linux.Pipes;
using Xunit;

namespace Vireo.Tests.Linux;

// The ring of a personality pipe: order kept across the wrap, and PIPE_BUF's atomic writes.
public class PipeBufferTests
{
    [Fact]
    public void BytesComeOutInOrderAcrossTheWrap()
    {
        var ring = new PipeBuffer();
        var chunk = new byte[40000];
        Assert.Equal(40000, ring.Write(chunk));
        var sink = new byte[30000];
        Assert.Equal(30000, ring.Peek(sink));
        ring.Consume(30000);
        var data = new byte[50000];
        for (int i = 0; i < data.Length; i++) data[i] = (byte)(i * 7);
        Assert.Equal(50000, ring.Write(data));   // 10,000 + 50,000: wraps past 65,536
        ring.Consume(10000);
        var back = new byte[50000];
        Assert.Equal(50000, ring.Peek(back));
        Assert.Equal(data, back);
    }

    [Fact]
    public void SmallWritesAndReadsWrapToo()
    {
        var ring = new PipeBuffer();
        Assert.Equal(65530, ring.Write(new byte[65530]));
        ring.Consume(65520);   // 10 left, the next write starts 6 bytes before the end
        var small = new byte[20];
        for (int i = 0; i < small.Length; i++) small[i] = (byte)(i + 1);
        Assert.Equal(20, ring.Write(small));
        ring.Consume(10);
        var back = new byte[30];
        Assert.Equal(20, ring.Peek(back));
        Assert.Equal(small, back[..20]);
    }

    [Fact]
    public void WritesStopAtCapacity()
    {
        var ring = new PipeBuffer();
        Assert.Equal(PipeBuffer.Capacity, ring.Write(new byte[PipeBuffer.Capacity + 10]));
        Assert.Equal(0, ring.Room);
        Assert.Equal(0, ring.Write(new byte[1]));
    }

    [Theory]
    [InlineData(65536 - 100, 100, 100)]      // fits
    [InlineData(65536 - 100, 101, 0)]        // up to PIPE_BUF: all or nothing
    [InlineData(65536 - 100, 4096, 0)]
    [InlineData(65536 - 100, 4097, 100)]     // longer: what fits
    [InlineData(65536, 5000, 0)]             // full
    [InlineData(0, 100000, 65536)]
    [InlineData(0, 5000, 5000)]              // longer, and it all fits: no more than it has
    [InlineData(0, 8192, 8192)]              // longer than PIPE_BUF, with room for all: all of it, no more
    public void AcceptsFollowsPipeBuf(int filled, int length, int accepted)
    {
        var ring = new PipeBuffer();
        ring.Write(new byte[filled]);
        Assert.Equal(accepted, ring.Accepts(length, length));
    }

    [Theory]
    [InlineData(65536 - 100, 10000, 200, 100)]   // the rest of a long write goes as room allows, even under PIPE_BUF
    [InlineData(0, 10000, 300, 300)]
    [InlineData(65536 - 100, 4000, 4000, 0)]     // a write of up to PIPE_BUF: whole or nothing
    public void TheRestOfALongWriteIsNotAtomic(int filled, int total, int left, int accepted)
    {
        var ring = new PipeBuffer();
        ring.Write(new byte[filled]);
        Assert.Equal(accepted, ring.Accepts(total, left));
    }

    [Fact]
    public void PeekLeavesTheBytes()
    {
        var ring = new PipeBuffer();
        ring.Write(new byte[] { 1, 2, 3 });
        var two = new byte[2];
        Assert.Equal(2, ring.Peek(two));
        Assert.Equal(3, ring.Count);
        ring.Consume(2);
        Assert.Equal(1, ring.Peek(two));
        Assert.Equal(3, two[0]);
    }
}
