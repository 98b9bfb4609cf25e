// Memory for processes, as fixed-size untyped blocks. Untyped memory returns exactly only when it
// empties (capabilities.md: a watermark), so each process gets a whole block of its own and its
// memory comes back in one revoke when it ends: no fragmentation however processes come and go.
// Two sizes: small blocks for programs, large ones for daemons that hold data (a RAM filesystem).
using Vireo.Abi;
using Vireo.User;

static unsafe class MemoryBlocks
{
    public const int SmallBits = 21;   // 2 MiB
    public const int LargeBits = 24;   // 16 MiB
    private const int MaxBlocks = 512;
    private const int MaxLarge = 6;
    private static ulong* s_blocks;    // handles
    private static byte* s_bits;
    private static byte* s_used;
    private static int s_count;

    public static ulong TotalBytes { get; private set; }
    public static ulong FreeBytes { get; private set; }

    /// <summary>Splits every untyped the bootstrap holds except `keep` into blocks.</summary>
    public static void Init(BootstrapInfo* info, CapHandle keep)
    {
        s_blocks = (ulong*)NativeMemoryAlloc(MaxBlocks * 8);
        s_bits = (byte*)NativeMemoryAlloc(MaxBlocks);
        s_used = (byte*)NativeMemoryAlloc(MaxBlocks);
        int large = 0;
        for (int i = 0; i < (int)info->UntypedCount; i++)
        {
            var u = new CapHandle((uint)info->FirstUntypedSlot + (uint)i, 0);
            if (u.Value == keep.Value) continue;
            int bits = info->UntypedSizeBits[i];
            while (large < MaxLarge && bits >= LargeBits && Split(u, LargeBits)) large++;
            while (bits >= SmallBits && Split(u, SmallBits)) { }
        }
    }

    private static bool Split(CapHandle untyped, int bits)
    {
        if (s_count == MaxBlocks || CSpace.Make(untyped, ObjectType.Untyped, bits, out CapHandle block) != Status.Ok) return false;
        s_blocks[s_count] = block.Value;
        s_bits[s_count] = (byte)bits;
        s_count++;
        TotalBytes += 1UL << bits;
        FreeBytes += 1UL << bits;
        return true;
    }

    /// <summary>A free block of at least 2^bits bytes (the smallest that fits); its index, or -1.</summary>
    public static int Take(int bits, out CapHandle block, out int blockBits)
    {
        block = default;
        blockBits = 0;
        int best = -1;
        for (int i = 0; i < s_count; i++)
            if (s_used[i] == 0 && s_bits[i] >= bits && (best < 0 || s_bits[i] < s_bits[best])) best = i;
        if (best < 0) return -1;
        s_used[best] = 1;
        block = new CapHandle(s_blocks[best]);
        blockBits = s_bits[best];
        FreeBytes -= 1UL << blockBits;
        return best;
    }

    /// <summary>Everything made from the block is destroyed; the block is whole again.</summary>
    public static void Give(int index)
    {
        if ((uint)index >= (uint)s_count || s_used[index] == 0) return;
        Sys.Revoke(new CapHandle(s_blocks[index]));
        s_used[index] = 0;
        FreeBytes += 1UL << s_bits[index];
    }

    private static void* NativeMemoryAlloc(int bytes)
    {
        // Allocated once at start-up from the managed heap (a bump allocator), never freed.
        byte[] a = new byte[bytes];
        fixed (byte* p = a) return p;
    }
}
