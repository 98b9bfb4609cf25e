// From a file's block index to a disk block: twelve direct pointers in the inode, then one
// indirect, one double and one triple indirect block (each a block of 32-bit pointers). Zero is a
// hole: it reads as zeros and is allocated when written. Truncation frees every block past the new
// end, and each indirect block left with no pointer. Every pointer read is checked against the
// volume before it is followed, and the depth is fixed, so a damaged tree cannot run off the disk.
using System;
using Vireo.Abi;
using Vireo.Formats;

namespace Vireo.User.FileSystems.Ext2;

public sealed unsafe partial class Ext2Volume<TDevice>
{
    /// <summary>Blocks a file can address: 12 + p + p² + p³ for p pointers per block.</summary>
    private ulong AddressableBlocks
    {
        get
        {
            ulong p = (ulong)_pointersPerBlock;
            return Ext2Format.DirectBlocks + p + p * p + p * p * p;
        }
    }

    /// <summary>The largest file size: what the pointers address, and at most 2 TiB (i_blocks counts
    /// 512-byte sectors in 32 bits).</summary>
    public ulong MaxFileSize => Math.Min(AddressableBlocks * (ulong)_blockSize, (1UL << 41) - (ulong)_blockSize);

    private bool ValidDataBlock(ulong block) => block >= _firstDataBlock && block < _blocksCount;

    /// <summary>The disk block holding file block `index` (0 for a hole). With `allocate`, a hole is
    /// filled: indirect blocks are allocated zeroed, the data block is allocated near `goal` and
    /// left for the caller to fill (`fresh`). The inode is changed in `inode`; the caller stores it.</summary>
    private Status MapBlock(ref Ext2Inode inode, ulong index, bool allocate, ulong goal, out ulong block, out bool fresh)
    {
        block = 0;
        fresh = false;
        ulong p = (ulong)_pointersPerBlock;
        int levels;
        int rootSlot;
        if (index < Ext2Format.DirectBlocks)
        {
            levels = 0;
            rootSlot = (int)index;
        }
        else
        {
            index -= Ext2Format.DirectBlocks;
            if (index < p) { levels = 1; rootSlot = Ext2Format.IndirectSlot; }
            else if ((index -= p) < p * p) { levels = 2; rootSlot = Ext2Format.DoubleSlot; }
            else if ((index -= p * p) < p * p * p) { levels = 3; rootSlot = Ext2Format.TripleSlot; }
            else return Status.OutOfRange;
        }

        ulong current = inode.Block[rootSlot];
        if (current != 0 && !ValidDataBlock(current)) return Corrupt;
        if (current == 0)
        {
            if (!allocate) return Status.Ok;
            Status s = AllocateFilling(ref inode, goal, zeroed: levels > 0, out current);
            if (s != Status.Ok) return s;
            inode.Block[rootSlot] = (uint)current;
            fresh = levels == 0;
        }

        for (int level = levels; level > 0; level--)
        {
            ulong span = 1;
            for (int i = 1; i < level; i++) span *= p;
            int entry = (int)(index / span % p);
            Status s = _cache.Get(current, out int slot);
            if (s != Status.Ok) return s;
            ulong next = LittleEndian.U32(_cache.Bytes(slot), entry * 4);
            if (next != 0 && !ValidDataBlock(next)) return Corrupt;
            if (next == 0)
            {
                if (!allocate) return Status.Ok;
                s = AllocateFilling(ref inode, goal, zeroed: level > 1, out next);
                if (s != Status.Ok) return s;
                s = _cache.Get(current, out slot);
                if (s != Status.Ok) return s;
                Ext2Format.Put32(_cache.Bytes(slot), entry * 4, (uint)next);
                _cache.MarkDirty(slot, WriteStage.Data);
                fresh = level == 1;
            }
            current = next;
        }
        block = current;
        return Status.Ok;
    }

    /// <summary>For file block `index` past the direct blocks: the pointer block that holds its
    /// pointer (`leaf`, 0 for a hole above it) and the pointer's place there, so that a caller
    /// mapping a range reads the following pointers from the same block.</summary>
    private Status LeafOf(ref Ext2Inode inode, ulong index, out ulong leaf, out int entry)
    {
        leaf = 0;
        ulong p = (ulong)_pointersPerBlock;
        index -= Ext2Format.DirectBlocks;
        entry = (int)(index % p);
        int levels;
        int rootSlot;
        if (index < p) { levels = 1; rootSlot = Ext2Format.IndirectSlot; }
        else if ((index -= p) < p * p) { levels = 2; rootSlot = Ext2Format.DoubleSlot; }
        else if ((index -= p * p) < p * p * p) { levels = 3; rootSlot = Ext2Format.TripleSlot; }
        else return Status.OutOfRange;
        ulong current = inode.Block[rootSlot];
        for (int level = levels; level > 1 && current != 0; level--)
        {
            if (!ValidDataBlock(current)) return Corrupt;
            ulong span = 1;
            for (int i = 1; i < level; i++) span *= p;
            Status s = _cache.Get(current, out int slot);
            if (s != Status.Ok) return s;
            current = LittleEndian.U32(_cache.Bytes(slot), (int)(index / span % p) * 4);
        }
        if (current != 0 && !ValidDataBlock(current)) return Corrupt;
        leaf = current;
        return Status.Ok;
    }

    /// <summary>Allocates a block for the inode and counts it in i_blocks; an indirect block is zeroed
    /// in the cache (it reaches the disk before the inode that points at it: WriteStage.Data).</summary>
    private Status AllocateFilling(ref Ext2Inode inode, ulong goal, bool zeroed, out ulong block)
    {
        Status s = AllocateBlock(goal, out block);
        if (s != Status.Ok) return s;
        inode.Sectors += (uint)(_blockSize / 512);
        if (!zeroed) return Status.Ok;
        s = _cache.GetForOverwrite(block, out int slot);
        if (s != Status.Ok) return s;
        _cache.Bytes(slot).Clear();
        _cache.MarkDirty(slot, WriteStage.Data);
        return Status.Ok;
    }

    /// <summary>Where a file's new block should go: after the block before it, else in its inode's group.</summary>
    private ulong Goal(uint ino, ref Ext2Inode inode, ulong index)
    {
        if (index > 0 && MapBlock(ref inode, index - 1, false, 0, out ulong before, out _) == Status.Ok && before != 0)
            return before + 1;
        return _firstDataBlock + (ulong)((ino - 1) / _inodesPerGroup) * _blocksPerGroup;
    }

    /// <summary>Frees every block of the file from block index `first` on, and the indirect blocks
    /// that no longer point anywhere. The caller stores the inode.</summary>
    private Status FreeBlocksFrom(ref Ext2Inode inode, ulong first)
    {
        for (ulong i = first; i < Ext2Format.DirectBlocks; i++)
        {
            if (inode.Block[i] == 0) continue;
            Status s = ReleaseBlock(ref inode, inode.Block[i]);
            if (s != Status.Ok) return s;
            inode.Block[i] = 0;
        }
        ulong p = (ulong)_pointersPerBlock;
        ulong start = Ext2Format.DirectBlocks;
        ulong span = p;
        for (int level = 1; level <= 3; level++)
        {
            int slotIndex = Ext2Format.IndirectSlot + level - 1;
            ulong root = inode.Block[slotIndex];
            if (root != 0 && first < start + span)
            {
                ulong from = first > start ? first - start : 0;
                Status s = TruncateTree(ref inode, root, level, from, out bool empty);
                if (s != Status.Ok) return s;
                if (empty)
                {
                    s = ReleaseBlock(ref inode, root);
                    if (s != Status.Ok) return s;
                    inode.Block[slotIndex] = 0;
                }
            }
            start += span;
            span *= p;
        }
        return Status.Ok;
    }

    /// <summary>In the indirect block `block` of `level` (1: points at data), frees every child
    /// subtree covering file blocks from `from` on (relative to this tree). `empty`: no pointer is left.</summary>
    private Status TruncateTree(ref Ext2Inode inode, ulong block, int level, ulong from, out bool empty)
    {
        empty = false;
        if (!ValidDataBlock(block)) return Corrupt;
        ulong childSpan = 1;
        for (int i = 1; i < level; i++) childSpan *= (ulong)_pointersPerBlock;
        bool anyLeft = false;
        for (int entry = 0; entry < _pointersPerBlock; entry++)
        {
            Status s = _cache.Get(block, out int slot);
            if (s != Status.Ok) return s;
            ulong child = LittleEndian.U32(_cache.Bytes(slot), entry * 4);
            if (child == 0) continue;
            ulong childStart = (ulong)entry * childSpan;
            if (childStart + childSpan <= from)
            {
                anyLeft = true;
                continue;
            }
            bool childEmpty = true;
            if (level > 1)
            {
                s = TruncateTree(ref inode, child, level - 1, from > childStart ? from - childStart : 0, out childEmpty);
                if (s != Status.Ok) return s;
            }
            if (!childEmpty)
            {
                anyLeft = true;
                continue;
            }
            s = ReleaseBlock(ref inode, child);
            if (s != Status.Ok) return s;
            s = _cache.Get(block, out slot);
            if (s != Status.Ok) return s;
            Ext2Format.Put32(_cache.Bytes(slot), entry * 4, 0);
            _cache.MarkDirty(slot, WriteStage.Data);
        }
        empty = !anyLeft;
        return Status.Ok;
    }

    private Status ReleaseBlock(ref Ext2Inode inode, ulong block)
    {
        Status s = FreeBlock(block);
        if (s != Status.Ok) return s;
        uint sectors = (uint)(_blockSize / 512);
        inode.Sectors = inode.Sectors >= sectors ? inode.Sectors - sectors : 0;
        return Status.Ok;
    }
}
