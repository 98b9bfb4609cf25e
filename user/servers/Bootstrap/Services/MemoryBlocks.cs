// Memory for processes: every untyped capability the bootstrap holds, handed out in blocks of
// 2^k bytes (64 KiB up) by a buddy allocator (BuddyBlocks), so that a process's memory fits what it
// needs. Untyped memory returns exactly only when it empties (capabilities.md: a watermark), so
// each process's blocks are its own and come back with one revoke each when it ends. The
// bootstrap's largest untyped, which its own heap and objects came from, is shared: the process
// manager keeps a reserve block of it for its own objects and the rest above the watermark joins
// the allocator as aligned roots.
using Vireo.Abi;
using Vireo.Services;
using Vireo.User;

static unsafe class MemoryBlocks
{
    /// <summary>What the process manager keeps for its own objects (endpoints, Reply objects).</summary>
    public const int ReserveBits = 20;
    public const int MaxBits = 30;
    // Node pairs at first; the allocator adds more as splits need them, so the bootstrap's free
    // capability slots (two per split) are the bound, and a split without one fails cleanly.
    private const int NodePairs = 512;
    private static BuddyBlocks s_buddy;

    public static ulong TotalBytes => s_buddy.TotalBytes;
    public static ulong FreeBytes => s_buddy.FreeBytes;

    private sealed class UntypedSyscalls : IUntypedOps
    {
        public bool Split(ulong block, int childBits, out ulong low, out ulong high)
        {
            low = high = 0;
            var parent = new CapHandle(block);
            if (CSpace.Make(parent, ObjectType.Untyped, childBits, out CapHandle a) != Status.Ok) return false;
            if (CSpace.Make(parent, ObjectType.Untyped, childBits, out CapHandle b) != Status.Ok)
            {
                CSpace.Release(a);
                return false;
            }
            low = a.Value;
            high = b.Value;
            return true;
        }

        // The block is the process manager's own untyped (BuddyBlocks hands out no other): revoking
        // its children fails only for an empty slot.
        public void Revoke(ulong block) => _ = Sys.Revoke(new CapHandle(block));

        public void Forget(ulong child) => CSpace.Free(new CapHandle(child).Index);
    }

    /// <summary>Gives every untyped the bootstrap holds to the allocator: all but `keep` whole, and
    /// `keep` (the bootstrap's own) above its watermark after a reserve block for the process
    /// manager, returned in `own`.</summary>
    public static Status Init(BootstrapInfo* info, CapHandle keep, out CapHandle own)
    {
        s_buddy = new BuddyBlocks(new UntypedSyscalls(), NodePairs);
        Status s = CSpace.Make(keep, ObjectType.Untyped, ReserveBits, out own);
        if (s != Status.Ok) return s;
        for (int i = 0; i < (int)info->UntypedCount; i++)
        {
            var u = new CapHandle((uint)info->FirstUntypedSlot + (uint)i, 0);
            if (u.Value != keep.Value) s_buddy.AddRoot(u.Value, info->UntypedSizeBits[i]);
        }
        // The rest of `keep`: aligned blocks from its watermark up, each as large as its alignment
        // and the room left allow (so none is padded but the first).
        if (Sys.Identify(keep, out _, out _, out int bits, out ulong room) != Status.Ok) return Status.Ok;
        ulong end = 1UL << bits;
        ulong at = end - room;
        while (at < end)
        {
            int k = BuddyBlocks.MinOrder;
            while (k < bits - 1 && (at & ((1UL << (k + 1)) - 1)) == 0 && at + (1UL << (k + 1)) <= end) k++;
            at = (at + (1UL << k) - 1) & ~((1UL << k) - 1);
            if (at + (1UL << k) > end || CSpace.Make(keep, ObjectType.Untyped, k, out CapHandle root) != Status.Ok) break;
            if (!s_buddy.AddRoot(root.Value, k)) break;
            at += 1UL << k;
        }
        return Status.Ok;
    }

    /// <summary>A block of 2^bits bytes, put on the owner's chain `owned` (-1 = empty); its node, or -1.</summary>
    public static int Take(int bits, ref int owned, out CapHandle block)
    {
        int n = s_buddy.Take(bits, ref owned);
        block = n >= 0 ? new CapHandle(s_buddy.Cap(n)) : default;
        return n;
    }

    /// <summary>Everything made from the chain's blocks is destroyed; the blocks are free again.</summary>
    public static void GiveAll(ref int owned) => s_buddy.GiveAll(ref owned);

    /// <summary>Gives back the block Take put last on the chain (a request that failed after it).</summary>
    public static void GiveFirst(ref int owned) => s_buddy.GiveFirst(ref owned);
}
