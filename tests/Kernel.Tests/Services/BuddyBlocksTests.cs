using System;
using System.Collections.Generic;
using Vireo.Services;
using Xunit;

namespace Vireo.Tests.Services;

// The process manager's buddy allocator against a model of untyped memory that keeps the kernel's
// rules (a split needs an empty untyped, a revoke destroys all descendants, a slot is reused only
// after its capability is gone): random take/give sequences, checked after every step.
public class BuddyBlocksTests
{
    private sealed class FakeUntyped
    {
        public ulong Address;
        public int Bits;
        public ulong Parent;
        public List<ulong> Children = new();
        public bool Live = true;
    }

    private sealed class Model : IUntypedOps
    {
        public readonly Dictionary<ulong, FakeUntyped> Caps = new();
        public ulong NextCap = 1;
        public int SplitsLeft = int.MaxValue;   // refuse splits after this many (slots running out)
        public int Revokes;

        public ulong Root(ulong address, int bits)
        {
            ulong cap = NextCap++;
            Caps[cap] = new FakeUntyped { Address = address, Bits = bits };
            return cap;
        }

        public bool Split(ulong block, int childBits, out ulong low, out ulong high)
        {
            low = high = 0;
            FakeUntyped u = Caps[block];
            Assert.True(u.Live, "split of a deleted capability");
            Assert.Empty(u.Children);
            Assert.Equal(u.Bits - 1, childBits);
            if (SplitsLeft-- <= 0) return false;
            low = NextCap++;
            high = NextCap++;
            Caps[low] = new FakeUntyped { Address = u.Address, Bits = childBits, Parent = block };
            Caps[high] = new FakeUntyped { Address = u.Address + (1UL << childBits), Bits = childBits, Parent = block };
            u.Children.Add(low);
            u.Children.Add(high);
            return true;
        }

        public void Revoke(ulong block)
        {
            FakeUntyped u = Caps[block];
            Assert.True(u.Live, "revoke of a deleted capability");
            Revokes++;
            Kill(u);
        }

        private void Kill(FakeUntyped u)
        {
            foreach (ulong c in u.Children)
            {
                Caps[c].Live = false;
                Kill(Caps[c]);
            }
            u.Children.Clear();
        }

        public void Forget(ulong child)
        {
            Assert.False(Caps[child].Live, "a live capability's slot given back");
            Caps.Remove(child);
        }
    }

    private const int MiB = 1 << 20;

    private static (BuddyBlocks buddy, Model model, List<(ulong Address, int Bits)> roots) Make(int pairs = 4096)
    {
        var model = new Model();
        var buddy = new BuddyBlocks(model, pairs);
        var roots = new List<(ulong, int)> { (0x100_0000, 24), (0x400_0000, 26), (0x200_0000, 21), (0x800_0000, 16) };
        foreach (var (address, bits) in roots) Assert.True(buddy.AddRoot(model.Root(address, bits), bits));
        return (buddy, model, roots);
    }

    [Fact]
    public void A_small_block_is_split_from_a_larger_one_and_merged_back()
    {
        var (buddy, model, roots) = Make();
        ulong total = buddy.TotalBytes;
        Assert.Equal(total, buddy.FreeBytes);
        int owned = -1;
        int n = buddy.Take(18, ref owned);
        Assert.True(n >= 0);
        Assert.Equal(18, buddy.Order(n));
        Assert.Equal(total - (1UL << 18), buddy.FreeBytes);
        // The 2 MiB root is the smallest that holds it: three splits, three free buddies left.
        FakeUntyped u = model.Caps[buddy.Cap(n)];
        Assert.Equal(0x200_0000UL, u.Address);
        Assert.Equal(roots.Count - 1 + 3, buddy.FreeBlocks);
        buddy.GiveAll(ref owned);
        Assert.Equal(-1, owned);
        Assert.Equal(total, buddy.FreeBytes);
        Assert.Equal(roots.Count, buddy.FreeBlocks);
        Assert.Equal(roots.Count, model.Caps.Count);
        Assert.Equal(1, model.Revokes);   // the block and its merges: one revoke of the root
    }

    [Fact]
    public void An_owner_chain_returns_every_block()
    {
        var (buddy, model, roots) = Make();
        int owned = -1;
        for (int i = 0; i < 10; i++) Assert.True(buddy.Take(16 + i % 5, ref owned) >= 0);
        int count = 0;
        for (int n = owned; n >= 0; n = buddy.NextOwned(n)) count++;
        Assert.Equal(10, count);
        buddy.GiveAll(ref owned);
        Assert.Equal(buddy.TotalBytes, buddy.FreeBytes);
        Assert.Equal(roots.Count, model.Caps.Count);
    }

    [Fact]
    public void Too_large_or_exhausted_is_refused_and_a_failed_split_leaves_no_trace()
    {
        var (buddy, model, _) = Make();
        int owned = -1;
        Assert.Equal(-1, buddy.Take(27, ref owned));
        Assert.True(buddy.Take(26, ref owned) >= 0);
        Assert.Equal(-1, buddy.Take(26, ref owned));
        ulong free = buddy.FreeBytes;
        int blocks = buddy.FreeBlocks;
        model.SplitsLeft = 0;
        Assert.Equal(-1, buddy.Take(17, ref owned));
        Assert.Equal(free, buddy.FreeBytes);
        Assert.Equal(blocks, buddy.FreeBlocks);
        Assert.True(buddy.Take(16, ref owned) >= 0, "the 64 KiB root needs no split");
        model.SplitsLeft = int.MaxValue;
        buddy.GiveAll(ref owned);
        Assert.Equal(buddy.TotalBytes, buddy.FreeBytes);
    }

    [Fact]
    public void Node_pairs_grow_with_the_splits()
    {
        var model = new Model();
        var buddy = new BuddyBlocks(model, 4);
        Assert.True(buddy.AddRoot(model.Root(0, 24), 24));
        int owned = -1;
        // 256 blocks of 64 KiB: 255 splits from a table made for four pairs.
        for (int i = 0; i < 256; i++) Assert.True(buddy.Take(16, ref owned) >= 0, $"block {i}");
        Assert.True(buddy.Pairs >= 256);
        Assert.Equal(0UL, buddy.FreeBytes);
        Assert.Equal(-1, buddy.Take(16, ref owned));
        buddy.GiveAll(ref owned);
        Assert.Equal(buddy.TotalBytes, buddy.FreeBytes);
        Assert.Equal(1, buddy.FreeBlocks);   // merged back into the root
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Random_takes_and_gives_match_the_model(int seed)
    {
        var random = new Random(seed);
        var (buddy, model, roots) = Make();
        var owners = new List<int>();
        var taken = new Dictionary<int, (ulong Address, int Bits)>();   // node -> block
        var chainOf = new List<List<int>>();
        for (int step = 0; step < 3000; step++)
        {
            if (random.Next(3) != 0 || owners.Count == 0)
            {
                int bits = 16 + random.Next(9);
                int chain = owners.Count > 0 && random.Next(2) == 0 ? random.Next(owners.Count) : -1;
                int owned = chain >= 0 ? owners[chain] : -1;
                bool fits = FreeAlignedRegion(roots, taken, bits);
                int n = buddy.Take(bits, ref owned);
                Assert.Equal(fits, n >= 0);
                if (n < 0) continue;
                FakeUntyped u = model.Caps[buddy.Cap(n)];
                Assert.True(u.Live);
                Assert.Equal(bits, u.Bits);
                Assert.Empty(u.Children);
                foreach (var t in taken.Values)
                    Assert.True(u.Address + (1UL << bits) <= t.Address || t.Address + (1UL << t.Bits) <= u.Address, "blocks overlap");
                taken[n] = (u.Address, bits);
                if (chain >= 0) { owners[chain] = owned; chainOf[chain].Add(n); }
                else { owners.Add(owned); chainOf.Add(new List<int> { n }); }
            }
            else
            {
                int chain = random.Next(owners.Count);
                int owned = owners[chain];
                buddy.GiveAll(ref owned);
                Assert.Equal(-1, owned);
                foreach (int n in chainOf[chain]) taken.Remove(n);
                owners.RemoveAt(chain);
                chainOf.RemoveAt(chain);
            }
            ulong used = 0;
            foreach (var t in taken.Values) used += 1UL << t.Bits;
            Assert.Equal(buddy.TotalBytes - used, buddy.FreeBytes);
        }
        for (int i = 0; i < owners.Count; i++)
        {
            int owned = owners[i];
            buddy.GiveAll(ref owned);
        }
        Assert.Equal(buddy.TotalBytes, buddy.FreeBytes);
        Assert.Equal(roots.Count, buddy.FreeBlocks);
        Assert.Equal(roots.Count, model.Caps.Count);
        foreach (FakeUntyped u in model.Caps.Values) Assert.True(u.Live && u.Children.Count == 0);
    }

    // A buddy allocator that merges eagerly finds a block exactly when an aligned free region exists.
    private static bool FreeAlignedRegion(List<(ulong Address, int Bits)> roots, Dictionary<int, (ulong Address, int Bits)> taken, int bits)
    {
        ulong size = 1UL << bits;
        foreach (var (address, rootBits) in roots)
        {
            if (rootBits < bits) continue;
            for (ulong a = address; a < address + (1UL << rootBits); a += size)
            {
                bool clear = true;
                foreach (var t in taken.Values)
                    if (a < t.Address + (1UL << t.Bits) && t.Address < a + size) { clear = false; break; }
                if (clear) return true;
            }
        }
        return false;
    }
}
