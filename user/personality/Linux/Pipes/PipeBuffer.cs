// The bytes of a Linux pipe (Pipe): a ring of 64 KiB, and the rule that makes writes of up to
// PIPE_BUF atomic. Portable, host-tested (tests/Kernel.Tests/Linux/PipeBufferTests.cs).
using System;

namespace Vireo.Linux.Pipes;

public sealed class PipeBuffer
{
    public const int Capacity = 65536;   // a power of two: positions wrap with a mask
    /// <summary>Writes up to this many bytes are atomic: all or (waiting) nothing (PIPE_BUF).</summary>
    public const int Atomic = 4096;

    // Up to this many bytes move in a loop: cheaper than the spans and memmove of a block copy
    // (an 8-byte write, a pipe's round trip, cost 135 instructions through them).
    private const int SmallCopy = 32;

    private readonly byte[] _ring = new byte[Capacity];
    private int _head;           // where the next read starts
    public int Count;            // bytes in the ring

    public int Room => Capacity - Count;

    /// <summary>Copies up to `into.Length` bytes without taking them (Consume takes them once they
    /// reached the reader); how many. At most two block copies: to the ring's end, then from its start.</summary>
    public int Peek(Span<byte> into)
    {
        int n = into.Length < Count ? into.Length : Count;
        if (n <= SmallCopy)
        {
            for (int i = 0; i < n; i++) into[i] = _ring[(_head + i) & (Capacity - 1)];
            return n;
        }
        int first = n < Capacity - _head ? n : Capacity - _head;
        new ReadOnlySpan<byte>(_ring, _head, first).CopyTo(into);
        if (n > first) new ReadOnlySpan<byte>(_ring, 0, n - first).CopyTo(into.Slice(first));
        return n;
    }

    /// <summary>Drops `n` bytes that Peek gave.</summary>
    public void Consume(int n)
    {
        _head = (_head + n) & (Capacity - 1);
        Count -= n;
        if (Count == 0) _head = 0;
    }

    /// <summary>Appends what fits of `from`; how many (two block copies at most, as Peek).</summary>
    public int Write(ReadOnlySpan<byte> from)
    {
        int n = from.Length < Room ? from.Length : Room;
        int tail = (_head + Count) & (Capacity - 1);
        if (n <= SmallCopy)
        {
            for (int i = 0; i < n; i++) _ring[(tail + i) & (Capacity - 1)] = from[i];
            Count += n;
            return n;
        }
        int first = n < Capacity - tail ? n : Capacity - tail;
        from.Slice(0, first).CopyTo(new Span<byte>(_ring, tail, first));
        if (n > first) from.Slice(first, n - first).CopyTo(new Span<byte>(_ring, 0, n - first));
        Count += n;
        return n;
    }

    /// <summary>How much of a write of `total` bytes, `left` of them still to go in, may go in now: 0
    /// means wait (or EAGAIN). A write of up to Atomic bytes goes whole or not at all; of a longer one,
    /// what fits (the rest waits for room).</summary>
    public int Accepts(long total, long left) =>
        total <= Atomic ? (left <= Room ? (int)left : 0) : (left < Room ? (int)left : Room);
}
