// The bookkeeping of DataPages' runs (docs/adr/0021-file-data-in-runs.md, point 6): which runs are
// free, which are held whole (a file's window, mapped by readers as one frame) and which are split
// (their pages handed out one by one, as pool pages). Memory moves both ways between the two uses: a
// page wanted when the pool has no free page takes one from a split run or splits a free run, and a
// split run whose last page comes back is a free run again, which a window can take whole. Without
// that, memory once made into runs could never hold single pages (file headers, positions, a
// partly cached window) and diskfs's pool ran out with runs free (BusyBox's suite, 404dec3).
// Portable (no system calls; DataPages makes and maps the frames): host-tested in
// tests/Kernel.Tests/UserLib/RunTableTests.cs.
namespace Vireo.User.Schemes;

public unsafe struct RunTable
{
    /// <summary>Runs the table can hold (DataPages' address space: 4,096 pages, 16 a run).</summary>
    public const int Max = 256;
    /// <summary>Pages in a run.</summary>
    public const int Pages = 16;
    private const ushort AllFree = 0xFFFF;

    private const byte Free = 1, Whole = 2, Split = 3;   // 0: not made

    private fixed byte _state[Max];
    private fixed ushort _freeMask[Max];   // a split run's free pages: bit k for page k
    // Lists by run number + 1 (0 ends a list): the free runs (through _next), and the split runs with
    // a free page (through _next and _prev: one leaves it from the middle when its last page returns).
    private fixed ushort _next[Max];
    private fixed ushort _prev[Max];
    private int _freeRuns;                 // head of the free runs
    private int _splitRuns;                // head of the split runs with a free page

    /// <summary>Pages free in runs (free runs' and split runs' free pages).</summary>
    public int FreePages { get; private set; }

    /// <summary>Runs made (free, whole or split).</summary>
    public int Made { get; private set; }

    /// <summary>Whether run `r` is held whole (a window's).</summary>
    public bool IsWhole(int r) => _state[r] == Whole;

    /// <summary>Run `r` was just made, held whole by its maker.</summary>
    public void Added(int r)
    {
        _state[r] = Whole;
        Made++;
    }

    /// <summary>A free run, held whole from now on; false if none is free.</summary>
    public bool TakeRun(out int r)
    {
        r = _freeRuns - 1;
        if (r < 0) return false;
        _freeRuns = _next[r];
        _state[r] = Whole;
        FreePages -= Pages;
        return true;
    }

    /// <summary>A whole run given back in one go (every page at once): free.</summary>
    public void ReleaseRun(int r)
    {
        _state[r] = Free;
        _next[r] = (ushort)_freeRuns;
        _freeRuns = r + 1;
        FreePages += Pages;
    }

    /// <summary>One page from a split run, or from a free run split now: run `r`, page `k` of it;
    /// false if no run has a free page.</summary>
    public bool TakePage(out int r, out int k)
    {
        k = 0;
        r = _splitRuns - 1;
        if (r < 0)
        {
            r = _freeRuns - 1;
            if (r < 0) return false;
            _freeRuns = _next[r];
            _state[r] = Split;
            _freeMask[r] = AllFree;
            PushSplit(r);
        }
        ushort mask = _freeMask[r];
        while ((mask & (1 << k)) == 0) k++;
        mask &= (ushort)~(1 << k);
        _freeMask[r] = mask;
        if (mask == 0) UnlinkSplit(r);
        FreePages--;
        return true;
    }

    /// <summary>Page `k` of run `r` comes back. A whole run becomes split here (its other pages stay
    /// their holder's, so it is no longer one window: true, the caller withdraws readers' copies of
    /// the whole frame); a split run whose pages are all back is a free run again.</summary>
    public bool FreePage(int r, int k)
    {
        bool wasWhole = _state[r] == Whole;
        ushort mask;
        if (wasWhole)
        {
            _state[r] = Split;
            mask = 0;
        }
        else mask = _freeMask[r];
        if (mask == 0) PushSplit(r);
        mask |= (ushort)(1 << k);
        _freeMask[r] = mask;
        FreePages++;
        if (mask == AllFree)
        {
            UnlinkSplit(r);
            FreePages -= Pages;   // counted again as a free run
            ReleaseRun(r);
        }
        return wasWhole;
    }

    private void PushSplit(int r)
    {
        _prev[r] = 0;
        _next[r] = (ushort)_splitRuns;
        if (_splitRuns != 0) _prev[_splitRuns - 1] = (ushort)(r + 1);
        _splitRuns = r + 1;
    }

    private void UnlinkSplit(int r)
    {
        int prev = _prev[r], next = _next[r];
        if (prev != 0) _next[prev - 1] = (ushort)next;
        else _splitRuns = next;
        if (next != 0) _prev[next - 1] = (ushort)prev;
        _prev[r] = _next[r] = 0;
    }
}
