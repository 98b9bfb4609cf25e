// The header and the ring of a pipe's shared page (PipeRing.cs has the page's lock and the design):
// portable arithmetic, compiled into the host tests (tests/Kernel.Tests/UserLib/PipeRingTests.cs).
// Every value read from the page is clamped first, since any holder can write the whole page. A
// holder that dies while it holds the lock leaves the ring consistent: Put commits with one store of
// Count, Take with one 8-byte store of Head and Count (adjacent, 8-byte aligned: a test pins it).
using System;

namespace Vireo.User.Schemes;

public unsafe struct PipeRingHeader
{
    public int Lock;            // 0 free, else the holder's token: the id of the file it attached (PipeRing.Acquire)
    public int Readers;         // open files of each end: written by the daemon only
    public int Writers;
    public int ReaderWaiters;   // threads that found the ring empty and wait on the data notification
    public int WriterWaiters;   // threads that found it full and wait on the room notification
    public int Watched;         // the daemon keeps a watch on an end: holders report changes (SchemeOp.Changed)
    public uint Head;           // first byte held
    public uint Count;          // bytes held (Head and Count are one 8-byte word: Take stores both at once)
}

public static unsafe partial class PipeRing
{
    public const int HeaderBytes = 64;
    public const int Capacity = 4096 - HeaderBytes;
    public const byte ReadEnd = 1, WriteEnd = 2;

    public static byte* Data(PipeRingHeader* h) => (byte*)h + HeaderBytes;

    /// <summary>Bytes held, clamped to what the page can hold.</summary>
    public static int Held(PipeRingHeader* h) => h->Count > Capacity ? Capacity : (int)h->Count;

    /// <summary>Copies up to `length` bytes in (at most two runs: to the end of the ring, then from its
    /// start); returns how many fit. The caller holds the lock.</summary>
    public static int Put(PipeRingHeader* h, byte* data, int length)
    {
        int held = Held(h);
        int n = length < Capacity - held ? length : Capacity - held;
        if (n <= 0) return 0;
        int tail = (int)((Start(h) + (uint)held) % Capacity);
        int first = n < Capacity - tail ? n : Capacity - tail;
        byte* ring = Data(h);
        Buffer.MemoryCopy(data, ring + tail, first, first);
        if (n > first) Buffer.MemoryCopy(data + first, ring, n - first, n - first);
        h->Count = (uint)(held + n);
        return n;
    }

    /// <summary>Moves up to `count` bytes out; returns how many there were. The caller holds the lock.</summary>
    public static int Take(PipeRingHeader* h, byte* into, int count)
    {
        int held = Held(h);
        int n = count < held ? count : held;
        if (n <= 0) return 0;
        uint head = Start(h);
        int first = n < Capacity - (int)head ? n : Capacity - (int)head;
        byte* ring = Data(h);
        Buffer.MemoryCopy(ring + head, into, first, first);
        if (n > first) Buffer.MemoryCopy(ring, into + first, n - first, n - first);
        // One store: a holder that dies here leaves the old or the new state, never half of each.
        *(ulong*)&h->Head = (head + (uint)n) % Capacity | (ulong)(uint)(held - n) << 32;
        return n;
    }

    private static uint Start(PipeRingHeader* h) => h->Head % Capacity;
}
