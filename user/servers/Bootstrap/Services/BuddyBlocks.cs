// A buddy allocator over untyped capabilities: the process manager's policy for process memory,
// kept apart from the syscalls so that the host tests can run it against a model (IUntypedOps).
//
// Untyped memory returns only when its watermark resets (every child gone or a revoke:
// capabilities.md), so a block is split by retyping it into two Untyped children of half its size,
// and two free buddies are merged by revoking their parent, which deletes both children and leaves
// the parent empty and whole again. Blocks are 2^order bytes, MinOrder up to the largest root.
//
// Bookkeeping is arrays of nodes, never per page: a node is a root (an untyped the allocator was
// given) or one half of a split, and the two halves of a split take the node pair 2m, 2m+1, so a
// node's buddy is index ^ 1. A free node is always a leaf and never has a free buddy (merging is
// eager), free nodes sit on one doubly linked list per order, and every operation is O(orders)
// (amortised: the node arrays double when a split finds no free pair, so splits are bounded by what
// the untyped operations allow, the caller's capability slots, not by a table fixed in advance).
namespace Vireo.Services;

/// <summary>The capability operations the allocator needs (the process manager's are syscalls).</summary>
public interface IUntypedOps
{
    /// <summary>Retypes the empty untyped `block` into two untyped children of 2^childBits bytes,
    /// `low` at its start and `high` after it. False (nothing made) if that cannot be done.</summary>
    bool Split(ulong block, int childBits, out ulong low, out ulong high);

    /// <summary>Destroys everything made from `block`; the block itself stays, empty.</summary>
    void Revoke(ulong block);

    /// <summary>`child`'s capability was deleted by a revoke of an ancestor: its slot may be reused.</summary>
    void Forget(ulong child);
}

public sealed class BuddyBlocks
{
    public const int MinOrder = 16;    // 64 KiB
    public const int MaxOrder = 47;
    private const byte Unused = 0, Free = 1, Split = 2, Taken = 3;

    private readonly IUntypedOps _ops;
    private ulong[] _cap;
    private int[] _parent;     // -1 for a root
    private int[] _next;       // free: the next on its order's list; taken: the owner's next block
    private int[] _prev;       // free: the previous on its order's list
    private byte[] _order;
    private byte[] _state;
    private readonly int[] _head = new int[MaxOrder + 1];
    private int[] _freePairs;  // a stack of unused node pairs (their even index)
    private int _freePairCount;

    public ulong TotalBytes { get; private set; }
    public ulong FreeBytes { get; private set; }
    /// <summary>Free blocks (leaves on the free lists), for the tests' counts.</summary>
    public int FreeBlocks { get; private set; }

    /// <summary>Room for `pairs` node pairs at first: roots and split halves (each split uses one
    /// pair); more are added when they run out.</summary>
    public BuddyBlocks(IUntypedOps ops, int pairs)
    {
        _ops = ops;
        if (pairs < 1) pairs = 1;
        _cap = new ulong[0];
        _parent = new int[0];
        _next = new int[0];
        _prev = new int[0];
        _order = new byte[0];
        _state = new byte[0];
        _freePairs = new int[0];
        Grow(pairs);
        for (int k = 0; k <= MaxOrder; k++) _head[k] = -1;
    }

    /// <summary>Node pairs the arrays hold now (for the tests).</summary>
    public int Pairs => _state.Length / 2;

    // Adds `more` node pairs (all unused) to the arrays.
    private void Grow(int more)
    {
        int pairs = Pairs, total = pairs + more;
        _cap = Resized(_cap, total * 2);
        _parent = Resized(_parent, total * 2);
        _next = Resized(_next, total * 2);
        _prev = Resized(_prev, total * 2);
        _order = Resized(_order, total * 2);
        _state = Resized(_state, total * 2);
        var free = new int[total];
        for (int i = 0; i < _freePairCount; i++) free[i] = _freePairs[i];
        for (int i = total - 1; i >= pairs; i--) free[_freePairCount++] = i * 2;
        _freePairs = free;
    }

    private static T[] Resized<T>(T[] from, int length)
    {
        var to = new T[length];
        for (int i = 0; i < from.Length; i++) to[i] = from[i];
        return to;
    }

    // At least `count` free node pairs, doubling the arrays if there are fewer.
    private void EnsurePairs(int count)
    {
        if (_freePairCount < count) Grow(Pairs > count ? Pairs : count);
    }

    /// <summary>The order a node has (2^order bytes); for taken blocks.</summary>
    public int Order(int node) => _order[node];

    /// <summary>The capability of a taken block.</summary>
    public ulong Cap(int node) => _cap[node];

    /// <summary>The next block on an owner's chain (Take), or -1.</summary>
    public int NextOwned(int node) => _next[node];

    /// <summary>Adds an empty untyped of 2^bits bytes as a root. False if it is too small or there is
    /// no room for it.</summary>
    public bool AddRoot(ulong cap, int bits)
    {
        if (bits < MinOrder || bits > MaxOrder) return false;
        EnsurePairs(1);
        int n = _freePairs[--_freePairCount];
        _state[n + 1] = Unused;
        _cap[n] = cap;
        _parent[n] = -1;
        _order[n] = (byte)bits;
        Push(n);
        TotalBytes += 1UL << bits;
        FreeBytes += 1UL << bits;
        return true;
    }

    /// <summary>Takes a block of exactly 2^bits bytes (bits >= MinOrder), splitting a larger one if
    /// needed, and puts it at the head of the owner's chain `owned` (-1 = empty). Its node, or -1.</summary>
    public int Take(int bits, ref int owned)
    {
        if (bits < MinOrder) bits = MinOrder;
        if (bits > MaxOrder) return -1;
        int order = bits;
        while (order <= MaxOrder && _head[order] < 0) order++;
        if (order > MaxOrder) return -1;
        EnsurePairs(order - bits);
        int n = _head[order];
        Unlink(n);
        while (_order[n] > bits)
        {
            int childBits = _order[n] - 1;
            if (!_ops.Split(_cap[n], childBits, out ulong low, out ulong high))
            {
                Push(n);
                return -1;
            }
            int c = _freePairs[--_freePairCount];
            _state[n] = Split;
            for (int i = 0; i < 2; i++)
            {
                _parent[c + i] = n;
                _order[c + i] = (byte)childBits;
                _cap[c + i] = i == 0 ? low : high;
            }
            Push(c + 1);
            n = c;
        }
        _state[n] = Taken;
        _next[n] = owned;
        owned = n;
        FreeBytes -= 1UL << bits;
        return n;
    }

    /// <summary>Gives back every block on the chain `owned`; it is empty (-1) afterwards.</summary>
    public void GiveAll(ref int owned)
    {
        while (owned >= 0) GiveFirst(ref owned);
    }

    /// <summary>Gives back the block at the head of the chain `owned` (the one Take put there last).</summary>
    public void GiveFirst(ref int owned)
    {
        int n = owned;
        if (n < 0) return;
        owned = _next[n];
        Give(n);
    }

    // Gives back one taken block (GiveAll has unlinked it from its chain). Every object made from it
    // is destroyed; free buddies merge upwards in one revoke of the highest ancestor that becomes
    // wholly free.
    private void Give(int n)
    {
        if ((uint)n >= (uint)_state.Length || _state[n] != Taken) return;
        FreeBytes += 1UL << _order[n];
        int top = n;
        while (_parent[top] >= 0 && _state[top ^ 1] == Free) top = _parent[top];
        _ops.Revoke(_cap[top]);
        // Everything below `top` is the path from n and the free buddies beside it: all gone.
        for (int c = n; c != top; c = _parent[c])
        {
            Unlink(c ^ 1);
            _ops.Forget(_cap[c]);
            _ops.Forget(_cap[c ^ 1]);
            _state[c] = _state[c ^ 1] = Unused;
            _freePairs[_freePairCount++] = c & ~1;
        }
        Push(top);
    }

    private void Push(int n)
    {
        int k = _order[n];
        _state[n] = Free;
        _prev[n] = -1;
        _next[n] = _head[k];
        if (_head[k] >= 0) _prev[_head[k]] = n;
        _head[k] = n;
        FreeBlocks++;
    }

    private void Unlink(int n)
    {
        int k = _order[n];
        if (_prev[n] >= 0) _next[_prev[n]] = _next[n];
        else _head[k] = _next[n];
        if (_next[n] >= 0) _prev[_next[n]] = _prev[n];
        FreeBlocks--;
    }
}
