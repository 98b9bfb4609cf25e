// The calling process's own capability slots: which are free. A bitmap over the CNode the
// process was given (its own CNode capability sits at BootstrapSlots.CNode in every process): one
// in .bss for up to MaxSlots, set up before the heap exists; a larger CNode (the bootstrap's, a
// nester's) gets one from the heap (InitLarge, or Grow once the heap and statics work). TryAlloc
// skips full words, so a nearly full 2^16-slot CNode costs at most 1,024 word reads, not 65,536.
using Vireo.Abi;

namespace Vireo.User;

public static unsafe class CSpace
{
    public const int MaxSlots = 4096;
    private struct Bitmap { public fixed ulong Words[MaxSlots / 64]; }
    private static Bitmap s_small;
    private static ulong* s_used;
    private static ulong[] s_large;   // kept referenced: the collector frees what nothing references
    private static uint s_limit;
    private static uint s_hint;
    private static uint s_inUse;

    /// <summary>Slots free to hand out (a parent that makes objects for others keeps a reserve with it).</summary>
    public static uint Available => s_limit - s_inUse;

    /// <summary>Slots this process's CNode has for it (past the bootstrap's).</summary>
    public static uint Capacity => s_limit;

    public static CapHandle Self => new CapHandle(BootstrapSlots.CNode, 0);
    public static CapHandle SelfAddressSpace => new CapHandle(BootstrapSlots.AddressSpace, 0);

    /// <summary>Slots [first, limit) are free to hand out.</summary>
    public static void Init(uint first, uint limit)
    {
        fixed (ulong* words = s_small.Words) s_used = words;
        Reserve(first, limit > MaxSlots ? MaxSlots : limit);
    }

    /// <summary>Init for a CNode of any size (up to 2^16 slots); the heap must be working.</summary>
    public static void InitLarge(uint first, uint limit)
    {
        if (limit <= MaxSlots)
        {
            Init(first, limit);
            return;
        }
        if (limit > 1u << 16) limit = 1u << 16;
        s_large = new ulong[limit / 64];
        fixed (ulong* words = s_large) s_used = words;
        Reserve(first, limit);
    }

    /// <summary>Start-up gave the bitmap in .bss (MaxSlots) to a larger CNode: once the heap works,
    /// the rest of its `limit` slots become usable, the slots used so far staying used.</summary>
    public static void Grow(uint limit)
    {
        if (limit > 1u << 16) limit = 1u << 16;
        if (limit <= s_limit) return;
        var large = new ulong[limit / 64];
        for (uint w = 0; w < s_limit / 64; w++) large[w] = s_used[w];
        s_large = large;
        fixed (ulong* words = s_large) s_used = words;
        s_limit = limit;
    }

    private static void Reserve(uint first, uint limit)
    {
        s_limit = limit;
        for (uint i = 0; i < first && i < s_limit; i++) s_used[i >> 6] |= 1UL << (int)(i & 63);
        s_inUse = first < s_limit ? first : s_limit;
        s_hint = first;
    }

    public static bool TryAlloc(out uint index)
    {
        // From the hint to the end, then from the start: a word at a time, full words skipped.
        if (s_hint >= s_limit) s_hint = 0;
        if (Scan(s_hint, s_limit, out index) || Scan(0, s_hint, out index))
        {
            s_used[index >> 6] |= 1UL << (int)(index & 63);
            s_inUse++;
            s_hint = index + 1;
            return true;
        }
        index = 0;
        return false;
    }

    /// <summary>Takes the top `count` slots out of what TryAlloc hands out, for a caller that fills
    /// them itself, in order, with capabilities it never deletes (a Retype of several objects at once
    /// returns only the first handle; a slot never filled has generation 0, so the others' handles are
    /// known). False if any of them is in use.</summary>
    public static bool ReserveTop(uint count, out uint first)
    {
        first = 0;
        if (count == 0 || count >= s_limit || (count & 63) != 0) return false;
        uint from = s_limit - count;
        for (uint w = from / 64; w < s_limit / 64; w++)
            if (s_used[w] != 0) return false;
        for (uint w = from / 64; w < s_limit / 64; w++) s_used[w] = ~0UL;
        s_limit = from;
        if (s_hint >= s_limit) s_hint = 0;
        first = from;
        return true;
    }

    // The first free slot in [from, to).
    private static bool Scan(uint from, uint to, out uint index)
    {
        uint i = from;
        while (i < to)
        {
            ulong free = ~s_used[i >> 6] & (~0UL << (int)(i & 63));
            if (free != 0)
            {
                uint at = (i & ~63u) + (uint)System.Numerics.BitOperations.TrailingZeroCount(free);
                if (at >= to) break;
                index = at;
                return true;
            }
            i = (i & ~63u) + 64;
        }
        index = 0;
        return false;
    }

    /// <summary>Deletes a capability this process holds and frees its slot (also a slot another
    /// party's revoke has emptied already: the slot is still this process's to reuse).</summary>
    public static void Release(CapHandle cap)
    {
        if (cap.Value == 0) return;
        // An empty slot (revoked by another party) is fine: it is freed either way.
        _ = Sys.Delete(cap);
        Free(cap.Index);
    }

    private static CapHandle s_memory;   // 0: BootstrapSlots.Memory

    /// <summary>The untyped memory Make uses: the process's own (BootstrapSlots.Memory) until it is
    /// exhausted, then the latest block its parent gave (MemoryRequest).</summary>
    public static CapHandle Memory => s_memory.Value != 0 ? s_memory : new CapHandle(BootstrapSlots.Memory, 0);

    /// <summary>Makes one object of `type` from this process's own untyped memory (Memory) in a fresh
    /// slot; when that is exhausted, asks the parent for another block once and makes it from that.
    /// On failure the slot is free again and `cap` is 0.</summary>
    public static Status Make(ObjectType type, int sizeBits, out CapHandle cap) => Make(Memory, type, sizeBits, out cap);

    /// <summary>Make, from the untyped memory `from` (falling back on the parent as Make does when
    /// `from` is this process's own memory).</summary>
    public static Status Make(CapHandle from, ObjectType type, int sizeBits, out CapHandle cap)
    {
        cap = default;
        if (!TryAlloc(out uint slot)) return Status.NoSpace;
        Status s = MakeAt(from, type, sizeBits, slot, out cap);
        if (s != Status.Ok) Free(slot);
        return s;
    }

    /// <summary>Makes one object of `type` from `from` into the slot `slot` the caller holds. When
    /// `from` is this process's own memory and it is exhausted, asks the parent for another block
    /// (MemoryRequest.Refill) and makes the object from that.</summary>
    public static Status MakeAt(CapHandle from, ObjectType type, int sizeBits, uint slot, out CapHandle cap)
    {
        bool own = from.Value == Memory.Value || from.Value == BootstrapSlots.Memory;
        // The process's own memory may already have been replaced by a block from the parent.
        Status s = Sys.Retype(own ? Memory : from, type, sizeBits, Self, slot, 1, out cap);
        if (s == Status.OutOfMemory && own &&
            MemoryRequest.Refill(type == ObjectType.Untyped || type == ObjectType.Frame ? sizeBits : 0, out CapHandle more))
        {
            s_memory = more;
            s = Sys.Retype(more, type, sizeBits, Self, slot, 1, out cap);
        }
        if (s != Status.Ok) cap = default;
        return s;
    }

    /// <summary>A copy of `cap` with `rights` (those it has) in a fresh slot of this process; on
    /// failure the slot is free again and `copy` is 0.</summary>
    public static Status Copy(CapHandle cap, Rights rights, out CapHandle copy)
    {
        copy = default;
        if (!TryAlloc(out uint slot)) return Status.NoSpace;
        Status s = Sys.Copy(cap, Self, slot, rights, out copy);
        if (s != Status.Ok)
        {
            Free(slot);
            copy = default;
        }
        return s;
    }

    public static void Free(uint index)
    {
        if (index >= s_limit || (s_used[index >> 6] & (1UL << (int)(index & 63))) == 0) return;
        s_used[index >> 6] &= ~(1UL << (int)(index & 63));
        s_inUse--;
    }
}
