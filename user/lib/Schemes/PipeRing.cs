// The page a pipe's holders share (docs/design/ipcd.md, "Pipes: the shared ring"). ipcd makes one
// page and two notifications per pipe and hands copies to every process that attaches an end; reads
// and writes then move bytes through the page and wake each other through the notifications without
// a request to the daemon. The daemon keeps what only it may decide (how many ends are open) and
// writes it here for the holders to read.
//
// Everything in the page can be spoiled by any holder of either end, so nothing read from it is
// trusted further than this process's own safety: positions and counts are clamped before use. A
// holder can garble the pipe for the other holders, as it could by writing garbage into it; it cannot
// reach anything else.
using System;
using System.Runtime;
using System.Runtime.CompilerServices;
using Vireo.Abi;

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

public static unsafe class PipeRing
{
    public const int HeaderBytes = 64;
    public const int Capacity = 4096 - HeaderBytes;
    public const byte ReadEnd = 1, WriteEnd = 2;

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "vireo_xchg32")]
    private static extern int Exchange(int* location, int value);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "vireo_cmpxchg32")]
    private static extern int CompareExchange(int* location, int expected, int value);

    public static byte* Data(PipeRingHeader* h) => (byte*)h + HeaderBytes;

    /// <summary>Takes the ring's lock for `token` (not 0: the id of the holder's file, which ipcd
    /// answered Attach with). Holders run on one CPU, so a lock found taken is held by a thread that
    /// was preempted inside a few hundred instructions: give it the CPU (yield, then sleep a tick, as
    /// a yield goes back to this thread when the holder sits at a lower level). A holder that dies
    /// inside never comes back: the closing of its file (which its death brings) breaks the lock
    /// (Break), so a waiter here is not stuck for ever.</summary>
    public static void Acquire(PipeRingHeader* h, int token)
    {
        // Compare-and-exchange: a waiter must not overwrite the holder's token.
        for (int spins = 0; CompareExchange(&h->Lock, 0, token) != 0; spins++)
        {
            if (spins < 4) Sys.Yield();
            else Sys.Sleep(1_000_000);
        }
    }

    /// <summary>ipcd, as file `token` closes: frees the lock if that file's holder holds it. The ring
    /// is consistent whenever a holder stops: Put commits with one store of Count, Take with one
    /// store of Head and Count. Breaking a lock a live holder still uses (it closed its own file
    /// while another of its threads wrote) can garble only that pipe, as any holder can.</summary>
    public static bool Break(PipeRingHeader* h, int token) => CompareExchange(&h->Lock, token, 0) == token;

    // The locked compare-exchange is also the barrier that keeps the ring's stores before the
    // release. Only the holder's token is cleared: a lock ipcd broke and another took stays taken.
    public static void Release(PipeRingHeader* h, int token) => CompareExchange(&h->Lock, token, 0);

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
