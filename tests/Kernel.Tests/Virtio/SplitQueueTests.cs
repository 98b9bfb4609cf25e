using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Vireo.Virtio;
using Xunit;

namespace Vireo.Tests.Virtio;

/// <summary>The split virtqueue and virtio-blk request building against FakeBlkDevice, with host
/// memory standing for DMA memory (physical address = host address).</summary>
public sealed unsafe class SplitQueueTests : IDisposable
{
    private const int Slots = 16;
    private readonly byte* _memory;
    private readonly byte* _buffers;
    private const int BufferBytes = 64 * 1024;

    public SplitQueueTests()
    {
        _memory = (byte*)NativeMemory.AlignedAlloc(16384, 4096);
        _buffers = (byte*)NativeMemory.AlignedAlloc(BufferBytes, 4096);
    }

    public void Dispose()
    {
        NativeMemory.AlignedFree(_memory);
        NativeMemory.AlignedFree(_buffers);
    }

    private static byte[] Pattern(int sectors)
    {
        var disk = new byte[sectors * 512];
        for (int i = 0; i < disk.Length; i++) disk[i] = (byte)(i / 512 * 7 + i % 251);
        return disk;
    }

    private (BlkRequests, FakeBlkDevice) Make(int size, byte[] disk, int slots = Slots)
    {
        Assert.True(SplitQueue.TryCreate(_memory, size, 4, out SplitQueue q));
        int used = SplitQueue.Layout(size, 4, out _, out _);
        byte* slotMemory = _memory + ((used + 15) & ~15);
        var requests = new BlkRequests(q, slotMemory, (ulong)slotMemory, slots);
        return (requests, new FakeBlkDevice(_memory, size, 4, disk));
    }

    private VirtqBuffer Buffer(int offset, int length) => new VirtqBuffer((ulong)(_buffers + offset), (uint)length, false);

    [Fact]
    public void Layout_places_the_rings_as_the_specification_says()
    {
        Assert.Equal(1678, SplitQueue.Layout(64, 4, out int avail, out int used));
        Assert.Equal(1024, avail);
        Assert.Equal(1160, used);
        // A legacy device's used ring starts on the next page.
        Assert.Equal(8192 + 4 + 8 * 256 + 2, SplitQueue.Layout(256, 4096, out avail, out used));
        Assert.Equal(4096, avail);
        Assert.Equal(8192, used);
    }

    [Fact]
    public void Sizes_that_are_not_powers_of_two_are_refused()
    {
        Assert.False(SplitQueue.TryCreate(_memory, 48, 4, out _));
        Assert.False(SplitQueue.TryCreate(_memory, 0, 4, out _));
        Assert.False(SplitQueue.TryCreate(_memory, 64, 3, out _));
        Assert.True(SplitQueue.TryCreate(_memory, 1, 4, out SplitQueue q));
        Assert.Equal(1, q.FreeDescriptors);
    }

    [Fact]
    public void A_read_chain_brings_the_sectors_and_frees_its_descriptors()
    {
        byte[] disk = Pattern(64);
        (BlkRequests r, FakeBlkDevice device) = Make(64, disk);
        // Two data buffers: the request spans a page boundary of the client's buffer.
        Span<VirtqBuffer> data = stackalloc VirtqBuffer[] { Buffer(0, 512), Buffer(4096, 1024) };
        Assert.True(r.TryStart(VirtioBlk.TypeIn, 5, data, 42));
        Assert.Equal(0, device.Serve());   // not published yet: the device sees nothing
        Assert.True(r.Publish());
        Assert.Equal(1, device.Serve());
        Assert.False(r.TryComplete(out _, out _));   // served, not yet on the used ring
        device.CompleteAll();
        Assert.True(r.TryComplete(out ulong tag, out byte status));
        Assert.Equal(42UL, tag);
        Assert.Equal(VirtioBlk.StatusOk, status);
        Assert.True(new ReadOnlySpan<byte>(_buffers, 512).SequenceEqual(new ReadOnlySpan<byte>(disk, 5 * 512, 512)));
        Assert.True(new ReadOnlySpan<byte>(_buffers + 4096, 1024).SequenceEqual(new ReadOnlySpan<byte>(disk, 6 * 512, 1024)));
        Assert.Equal(0, r.InFlight);
        Assert.False(r.TryComplete(out _, out _));
        Assert.True(r.HasRoom(62));
        Assert.False(r.HasRoom(63));
    }

    [Fact]
    public void A_write_then_a_flush_reach_the_disk()
    {
        byte[] disk = new byte[32 * 512];
        (BlkRequests r, FakeBlkDevice device) = Make(64, disk);
        for (int i = 0; i < 1024; i++) _buffers[i] = (byte)(i * 3);
        Span<VirtqBuffer> data = stackalloc VirtqBuffer[] { Buffer(0, 1024) };
        Assert.True(r.TryStart(VirtioBlk.TypeOut, 30, data, 1));
        Assert.True(r.TryStart(VirtioBlk.TypeFlush, 0, default, 2));
        r.Publish();
        Assert.Equal(2, device.Serve());
        device.CompleteAll();
        Assert.True(r.TryComplete(out ulong first, out byte s1));
        Assert.True(r.TryComplete(out ulong second, out byte s2));
        Assert.Equal((1UL, 2UL, VirtioBlk.StatusOk, VirtioBlk.StatusOk), (first, second, s1, s2));
        Assert.Equal(1, device.Flushes);
        Assert.Equal(new List<uint> { VirtioBlk.TypeOut, VirtioBlk.TypeFlush }, device.Types);
        Assert.True(new ReadOnlySpan<byte>(_buffers, 1024).SequenceEqual(new ReadOnlySpan<byte>(disk, 30 * 512, 1024)));
    }

    [Fact]
    public void Requests_in_flight_complete_out_of_order_with_their_own_tags_and_statuses()
    {
        byte[] disk = Pattern(64);
        (BlkRequests r, FakeBlkDevice device) = Make(64, disk);
        Span<VirtqBuffer> data = stackalloc VirtqBuffer[1];
        for (int i = 0; i < 10; i++)
        {
            data[0] = Buffer(i * 512, 512);
            // The eighth asks past the end of the disk: the device answers an I/O error for it alone.
            Assert.True(r.TryStart(VirtioBlk.TypeIn, i == 7 ? 1000UL : (ulong)(20 + i), data, (ulong)(100 + i)));
        }
        Assert.Equal(10, r.InFlight);
        r.Publish();
        Assert.Equal(10, device.Serve());
        int[] order = { 9, 3, 0, 7, 1, 8, 2, 6, 4, 5 };
        // Complete by original position: Done shrinks as entries leave it.
        var remaining = new List<int> { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
        foreach (int which in order)
        {
            device.Complete(remaining.IndexOf(which));
            remaining.Remove(which);
            Assert.True(r.TryComplete(out ulong tag, out byte status));
            Assert.Equal((ulong)(100 + which), tag);
            Assert.Equal(which == 7 ? VirtioBlk.StatusIoError : VirtioBlk.StatusOk, status);
            if (which != 7)
                Assert.True(new ReadOnlySpan<byte>(_buffers + which * 512, 512).SequenceEqual(new ReadOnlySpan<byte>(disk, (20 + which) * 512, 512)));
        }
        Assert.Equal(0, r.InFlight);
        Assert.True(r.HasRoom(62));
    }

    [Fact]
    public void Slots_and_descriptors_run_out_and_come_back()
    {
        (BlkRequests r, FakeBlkDevice device) = Make(8, Pattern(16), slots: 4);
        Span<VirtqBuffer> one = stackalloc VirtqBuffer[] { Buffer(0, 512) };
        Span<VirtqBuffer> four = stackalloc VirtqBuffer[] { Buffer(0, 512), Buffer(512, 512), Buffer(1024, 512), Buffer(1536, 512) };
        Assert.True(r.TryStart(VirtioBlk.TypeIn, 0, four, 1));   // 6 of 8 descriptors
        Assert.False(r.TryStart(VirtioBlk.TypeIn, 0, one, 2));   // needs 3
        Assert.True(r.TryStart(VirtioBlk.TypeFlush, 0, default, 3));   // needs 2
        Assert.False(r.TryStart(VirtioBlk.TypeFlush, 0, default, 4));
        r.Publish();
        device.Serve();
        device.Complete(1);   // the flush first
        Assert.True(r.TryComplete(out ulong tag, out _));
        Assert.Equal(3UL, tag);
        Assert.True(r.TryStart(VirtioBlk.TypeFlush, 0, default, 5));
        r.Publish();
        device.Serve();
        device.CompleteAll();
        var tags = new List<ulong>();
        while (r.TryComplete(out tag, out _)) tags.Add(tag);
        Assert.Equal(new List<ulong> { 1, 5 }, tags);
        // Four slots: a fifth request waits even with descriptors free.
        for (int i = 0; i < 4; i++) Assert.True(r.TryStart(VirtioBlk.TypeFlush, 0, default, (ulong)i));
        Assert.False(r.TryStart(VirtioBlk.TypeFlush, 0, default, 9));
    }

    [Fact]
    public void The_ring_indices_wrap_past_65535()
    {
        byte[] disk = Pattern(8);
        (BlkRequests r, FakeBlkDevice device) = Make(8, disk, slots: 2);
        Span<VirtqBuffer> read = stackalloc VirtqBuffer[] { Buffer(0, 512) };
        Span<VirtqBuffer> write = stackalloc VirtqBuffer[] { Buffer(512, 512) };
        // Two in flight at a time (6 of the 8 descriptors), completed in the opposite order, 35,000
        // times: the 8-entry rings wrap thousands of times and the 16-bit indices wrap past 65,535.
        for (int i = 0; i < 35_000; i++)
        {
            _buffers[512] = (byte)i;
            Assert.True(r.TryStart(VirtioBlk.TypeIn, (ulong)(i % 7), read, (ulong)i * 2));
            Assert.True(r.TryStart(VirtioBlk.TypeOut, 7, write, (ulong)i * 2 + 1));
            r.Publish();
            Assert.Equal(2, device.Serve());
            device.Complete(1);
            device.Complete(0);
            Assert.True(r.TryComplete(out ulong a, out byte sa));
            Assert.True(r.TryComplete(out ulong b, out byte sb));
            Assert.Equal(((ulong)i * 2 + 1, (ulong)i * 2, VirtioBlk.StatusOk, VirtioBlk.StatusOk), (a, b, sa, sb));
            Assert.Equal(disk[(i % 7) * 512], _buffers[0]);
            Assert.Equal((byte)i, disk[7 * 512]);
        }
        Assert.Equal(0, r.InFlight);
    }

    [Fact]
    public void A_chain_with_a_readable_part_after_a_writable_one_is_refused()
    {
        Assert.True(SplitQueue.TryCreate(_memory, 8, 4, out SplitQueue q));
        Span<VirtqBuffer> parts = stackalloc VirtqBuffer[] { new VirtqBuffer(0x1000, 16, true), new VirtqBuffer(0x2000, 16, false) };
        Assert.False(q.TryAdd(parts, out _));
        Assert.Equal(8, q.FreeDescriptors);
        Assert.Equal(0, q.Pending);
    }
}
