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
    [InlineData(0, 8192, 8192)]              // longer than PIPE_BUF, with room for all: all of it, no more
    public void AcceptsFollowsPipeBuf(int filled, int length, int accepted)
    {
        var ring = new PipeBuffer();
        ring.Write(new byte[filled]);
        Assert.Equal(accepted, ring.Accepts(length));
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
