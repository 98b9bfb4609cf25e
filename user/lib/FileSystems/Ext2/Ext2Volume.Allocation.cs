// Block and inode allocation through the group bitmaps, placed as Linux's ext2 does: a file's
// blocks near its previous block (else in its inode's group), a file's inode in its parent
// directory's group, a new directory's inode in a group with more free inodes than average and the
// most free blocks (spreading directories, keeping their files together). A bit found free must
// also be a block outside its group's metadata, else the bitmap is Corrupt; freeing a bit that is
// already clear is Corrupt too (a block referenced twice).
using System;
using Vireo.Abi;

namespace Vireo.User.FileSystems.Ext2;

public sealed unsafe partial class Ext2Volume<TDevice>
{
    /// <summary>Allocates a block, the first free one at or after `goal` (wrapping through the groups).</summary>
    private Status AllocateBlock(ulong goal, out ulong block)
    {
        block = 0;
        if (_freeBlocks == 0) return Status.NoSpace;
        if (goal < _firstDataBlock || goal >= _blocksCount) goal = _firstDataBlock;
        uint startGroup = (uint)((goal - _firstDataBlock) / _blocksPerGroup);
        int startBit = (int)((goal - _firstDataBlock) % _blocksPerGroup);
        for (uint n = 0; n <= _groupCount; n++)
        {
            uint g = (startGroup + n) % _groupCount;
            Status s = ReadGroup(g, out GroupInfo info);
            if (s != Status.Ok) return s;
            if (info.FreeBlocks == 0) continue;
            ulong groupStart = _firstDataBlock + (ulong)g * _blocksPerGroup;
            int bits = (int)Math.Min(_blocksPerGroup, _blocksCount - groupStart);
            s = TakeBit(info.BlockBitmap, n == 0 ? startBit : 0, 0, bits, out int bit);
            if (s == Status.NotFound) continue;
            if (s != Status.Ok) return s;
            block = groupStart + (ulong)bit;
            if (IsGroupMetadata(info, block)) return Corrupt;
            return AdjustGroup(g, -1, 0, 0);
        }
        return Status.NoSpace;
    }

    /// <summary>The primary superblock and descriptor table, or the group's own bitmaps and inode table:
    /// never a file's block, whatever a damaged bitmap says.</summary>
    private bool IsGroupMetadata(in GroupInfo info, ulong block) =>
        block < _descriptorTableEnd || block == info.BlockBitmap || block == info.InodeBitmap
        || (block >= info.InodeTable && block < info.InodeTable + _inodeTableBlocks);

    private Status FreeBlock(ulong block)
    {
        if (block < _firstDataBlock || block >= _blocksCount) return Corrupt;
        uint g = (uint)((block - _firstDataBlock) / _blocksPerGroup);
        Status s = ReadGroup(g, out GroupInfo info);
        if (s != Status.Ok) return s;
        if (IsGroupMetadata(info, block)) return Corrupt;
        s = ClearBit(info.BlockBitmap, (int)((block - _firstDataBlock) % _blocksPerGroup));
        return s != Status.Ok ? s : AdjustGroup(g, 1, 0, 0);
    }

    /// <summary>Called with an inode number that is freed or allocated anew: whatever a caller keeps
    /// by inode number (a daemon's page caches) is no longer that file's.</summary>
    public Action<uint> InodeReused;

    /// <summary>Allocates an inode for a child of `parent` (a directory when `directory`).</summary>
    private Status AllocateInode(uint parent, bool directory, out uint ino)
    {
        ino = 0;
        if (_freeInodes == 0) return Status.NoSpace;
        uint parentGroup = (parent - 1) / _inodesPerGroup;
        uint chosen = uint.MaxValue;
        if (directory)
        {
            ulong average = _freeInodes / _groupCount;
            uint bestFreeBlocks = 0;
            for (uint g = 0; g < _groupCount; g++)
            {
                Status s = ReadGroup(g, out GroupInfo info);
                if (s != Status.Ok) return s;
                if (info.FreeInodes == 0 || info.FreeInodes < average) continue;
                if (chosen == uint.MaxValue || info.FreeBlocks > bestFreeBlocks)
                {
                    chosen = g;
                    bestFreeBlocks = info.FreeBlocks;
                }
            }
        }
        // A file (or no directory choice): the parent's group, then a quadratic hash from it, then any.
        if (chosen == uint.MaxValue)
        {
            for (uint step = 0; step < _groupCount && chosen == uint.MaxValue; step = step == 0 ? 1 : step * 2)
            {
                uint g = (parentGroup + step) % _groupCount;
                Status s = ReadGroup(g, out GroupInfo info);
                if (s != Status.Ok) return s;
                if (info.FreeInodes != 0 && (info.FreeBlocks != 0 || step != 0)) chosen = g;
            }
        }
        for (uint n = 0; n < _groupCount; n++)
        {
            uint g = chosen == uint.MaxValue ? n : (chosen + n) % _groupCount;
            Status s = ReadGroup(g, out GroupInfo info);
            if (s != Status.Ok) return s;
            if (info.FreeInodes == 0) continue;
            // The reserved inodes (below s_first_ino) are never handed out, whatever the bitmap says.
            int first = g == 0 ? (int)Math.Min(_firstInode - 1, _inodesPerGroup) : 0;
            s = TakeBit(info.InodeBitmap, first, first, (int)_inodesPerGroup, out int bit);
            if (s == Status.NotFound) continue;
            if (s != Status.Ok) return s;
            ino = g * _inodesPerGroup + (uint)bit + 1;
            InodeReused?.Invoke(ino);
            return AdjustGroup(g, 0, -1, directory ? 1 : 0);
        }
        return Status.NoSpace;
    }

    private Status FreeInode(uint ino, bool directory)
    {
        if (ino < _firstInode || ino > _inodesCount) return Corrupt;
        InodeReused?.Invoke(ino);
        uint g = (ino - 1) / _inodesPerGroup;
        Status s = ReadGroup(g, out GroupInfo info);
        if (s != Status.Ok) return s;
        s = ClearBit(info.InodeBitmap, (int)((ino - 1) % _inodesPerGroup));
        return s != Status.Ok ? s : AdjustGroup(g, 0, 1, directory ? -1 : 0);
    }

    /// <summary>Sets the first clear bit in [from, bits) of the bitmap block, wrapping to [lowest, from);
    /// NotFound when all are set.</summary>
    private Status TakeBit(ulong bitmapBlock, int from, int lowest, int bits, out int bit)
    {
        bit = -1;
        if (bits > _blockSize * 8) return Corrupt;
        Status s = _cache.Get(bitmapBlock, out int slot);
        if (s != Status.Ok) return s;
        Span<byte> map = _cache.Bytes(slot);
        for (int pass = 0; pass < 2 && bit < 0; pass++)
        {
            int start = pass == 0 ? from : lowest;
            int end = pass == 0 ? bits : Math.Min(from, bits);
            int i = start;
            while (i < end)
            {
                // Whole words of taken bits are skipped 64 at a time: a new file's first block is
                // looked for from its group's start, past every block in use before it.
                if ((i & 63) == 0 && i + 64 <= end && FullWord(map, i >> 3)) { i += 64; continue; }
                if ((i & 7) == 0 && i + 8 <= end && map[i >> 3] == 0xFF) { i += 8; continue; }
                if ((map[i >> 3] & (1 << (i & 7))) == 0) { bit = i; break; }
                i++;
            }
        }
        if (bit < 0) return Status.NotFound;
        map[bit >> 3] |= (byte)(1 << (bit & 7));
        _cache.MarkDirty(slot, WriteStage.Bitmap);
        return Status.Ok;
    }

    private static bool FullWord(Span<byte> map, int at)
    {
        fixed (byte* p = map.Slice(at, 8)) return *(ulong*)p == ulong.MaxValue;
    }

    private Status ClearBit(ulong bitmapBlock, int bit)
    {
        Status s = _cache.Get(bitmapBlock, out int slot);
        if (s != Status.Ok) return s;
        Span<byte> map = _cache.Bytes(slot);
        byte mask = (byte)(1 << (bit & 7));
        if ((map[bit >> 3] & mask) == 0) return Corrupt;
        map[bit >> 3] &= (byte)~mask;
        _cache.MarkDirty(slot, WriteStage.Bitmap);
        return Status.Ok;
    }
}
