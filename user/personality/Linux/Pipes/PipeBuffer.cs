// The bytes of a Linux pipe (Pipe): a ring of 64 KiB, and the rule that makes writes of up to
// PIPE_BUF atomic. Portable, host-tested (tests/Kernel.Tests/Linux/PipeBufferTests.cs).
using System;

namespace Vireo.Linux.Pipes;

public sealed class PipeBuffer
{
    public const int Capacity = 65536;
    /// <summary>Writes up to this many bytes are atomic: all or (waiting) nothing (PIPE_BUF).</summary>
    public const int Atomic = 4096;

    private readonly byte[] _ring = new byte[Capacity];
    private int _head;           // where the next read starts
    public int Count;            // bytes in the ring

    public int Room => Capacity - Count;

    /// <summary>Copies up to `into.Length` bytes without taking them (Consume takes them once they
    /// reached the reader); how many.</summary>
    public int Peek(Span<byte> into)
    {
        int n = into.Length < Count ? into.Length : Count;
        for (int i = 0; i < n; i++) into[i] = _ring[(_head + i) % Capacity];
        return n;
    }

    /// <summary>Drops `n` bytes that Peek gave.</summary>
    public void Consume(int n)
    {
        _head = (_head + n) % Capacity;
        Count -= n;
        if (Count == 0) _head = 0;
    }

    /// <summary>Appends what fits of `from`; how many.</summary>
    public int Write(ReadOnlySpan<byte> from)
    {
        int n = from.Length < Room ? from.Length : Room;
        int tail = (_head + Count) % Capacity;
        for (int i = 0; i < n; i++) _ring[(tail + i) % Capacity] = from[i];
        Count += n;
        return n;
    }

    /// <summary>How much of a write of `length` bytes may go in now: 0 means wait (or EAGAIN). A write
    /// of up to Atomic bytes goes whole or not at all; a longer one takes what fits.</summary>
    public int Accepts(long length) => length <= Atomic ? (length <= Room ? (int)length : 0) : (length < Room ? (int)length : Room);
}
