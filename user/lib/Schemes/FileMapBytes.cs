// The pages a file daemon shares with the readers of a file (docs/adr/0012-mapped-file-data.md): the
// file's header (its size and a sequence counter), the window arithmetic and the copy out of a
// window. Portable, compiled into the host tests (tests/Kernel.Tests/UserLib/FileMapTests.cs); the
// client (FileMaps.cs) and the daemons (FileMapServer.cs) use these so that every file daemon keeps
// the same protocol.
//
// The sequence protocol is a seqlock: the daemon makes Seq odd before it changes the size or the
// bytes of a page a reader may map, and even again after; a reader notes an even Seq, reads the
// size and copies, and keeps what it copied only if Seq is still the same. Readers never write the
// header (it is mapped read-only into them), and the daemon never frees a page while a reader may
// map it, so a stale reader copies old or zeroed bytes of a live page and then throws them away.
using System;

namespace Vireo.User.Schemes;

/// <summary>Page 0 of a mapped file: written by the daemon only, read-only in every reader.</summary>
public unsafe struct FileMapHeader
{
    /// <summary>Odd while the daemon changes the file; bumped twice per change.</summary>
    public volatile uint Seq;
    public uint Reserved;
    /// <summary>The file's size in bytes.</summary>
    public ulong Size;
}

/// <summary>The descriptor's shared page (its open file description): the position, which every
/// descriptor Dup'd from the same Open shares, in this process and in others.</summary>
public struct FileMapPosition
{
    public ulong Position;
}

public static unsafe class FileMap
{
    public const int PageSize = 4096;
    /// <summary>Pages of a file a reader maps at once, aligned: the window slides when a read leaves it.</summary>
    public const int WindowPages = 16;

    // --- the daemon's side of the sequence protocol ---------------------------------------------

    /// <summary>Before a change readers must not half-see (a size, a page's bytes).</summary>
    public static void BeginChange(FileMapHeader* h)
    {
        if (h != null) h->Seq = (h->Seq | 1);
    }

    /// <summary>After the change: publishes the size, and Seq even and different from before.</summary>
    public static void EndChange(FileMapHeader* h, ulong size)
    {
        if (h == null) return;
        h->Size = size;
        h->Seq = (h->Seq | 1) + 1;
    }

    // --- the reader's side ----------------------------------------------------------------------

    /// <summary>A snapshot to read under: false while a change is under way (try again later).</summary>
    public static bool Begin(FileMapHeader* h, out uint seq, out ulong size)
    {
        seq = h->Seq;
        size = h->Size;
        return (seq & 1) == 0;
    }

    /// <summary>True if nothing changed since Begin gave `seq`: what was copied stands.</summary>
    public static bool Still(FileMapHeader* h, uint seq) => h->Seq == seq;

    /// <summary>How many of `count` bytes from `position` the file has (0 at or past the end).</summary>
    public static int Available(ulong position, int count, ulong size)
    {
        if (count <= 0 || position >= size) return 0;
        ulong left = size - position;
        return left < (ulong)count ? (int)left : count;
    }

    /// <summary>The first page of the window that holds file page `page`.</summary>
    public static ulong WindowOf(ulong page) => page & ~(ulong)(WindowPages - 1);

    /// <summary>Bytes from `position` that lie inside the window starting at page `window`, up to `count`.</summary>
    public static int InWindow(ulong window, ulong position, int count)
    {
        ulong end = (window + WindowPages) * PageSize;
        if (position < window * PageSize || position >= end) return 0;
        ulong left = end - position;
        return left < (ulong)count ? (int)left : count;
    }

    /// <summary>The window pages [first, first + n) that `present` (bit i = window page i is mapped)
    /// lacks, as a mask.</summary>
    public static uint Missing(uint present, int first, int n) => ~present & Mask(first, n);

    /// <summary>Bits first..first+n-1.</summary>
    public static uint Mask(int first, int n) =>
        n <= 0 ? 0 : (n >= 32 ? uint.MaxValue : ((1u << n) - 1)) << first;

    // Eight bytes a store (a hole is rare; Span.Clear stores bytes one at a time).
    private static void Zero(byte* p, int n)
    {
        int i = 0;
        for (; i + 8 <= n; i += 8) *(ulong*)(p + i) = 0;
        for (; i < n; i++) p[i] = 0;
    }

    /// <summary>Copies `n` bytes from `offset` inside the window mapped at `window` into `into`;
    /// pages the daemon said are holes (bit clear in `data`) read as zeros. Runs of pages with data
    /// are one copy each.</summary>
    public static void CopyOut(byte* window, uint data, int offset, byte* into, int n)
    {
        int done = 0;
        while (done < n)
        {
            int at = offset + done;
            int page = at / PageSize;
            bool has = (data & (1u << page)) != 0;
            // The run: as far as pages keep the same kind (data or hole).
            int end = (page + 1) * PageSize;
            while (end - offset < n && end / PageSize < WindowPages && ((data >> (end / PageSize)) & 1) == (has ? 1u : 0u))
                end += PageSize;
            int chunk = end - at < n - done ? end - at : n - done;
            if (has) Buffer.MemoryCopy(window + at, into + done, chunk, chunk);
            else Zero(into + done, chunk);
            done += chunk;
        }
    }
}
