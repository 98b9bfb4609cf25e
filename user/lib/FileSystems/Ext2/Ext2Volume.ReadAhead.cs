// Read-ahead: a read that misses the cache brings in, with as few device requests as the file's
// layout allows, the blocks it needs and, when it continues where the last read of the same file
// ended (or starts the file), the blocks after them up to the cache's largest request (64 KiB). The
// file's block map gives the disk blocks; each run of contiguous ones is one BlockCache.ReadRun, so
// a file mke2fs or this allocator laid out in order is read 64 KiB a request instead of a block a
// request. Prefetch is the same for a caller that knows what it is about to read (only the host
// tests call it now: diskfs's page cache fills its pages with ReadPages, Ext2Volume.Pages.cs). The disk blocks a read-ahead mapped are kept (the map memo), so the reads that
// follow take each block's number from there instead of walking the indirect blocks again; the memo
// holds while the block cache's change count does (any change to a block map dirties a block).
using System;
using Vireo.Abi;
using Vireo.Formats;

namespace Vireo.User.FileSystems.Ext2;

public sealed unsafe partial class Ext2Volume<TDevice>
{
    // Where the last Read ended: a read of the same inode from there on is sequential.
    private uint _aheadIno;
    private ulong _aheadNext;

    // The map memo: file blocks [_memoFirst, _memoFirst + _memoCount) of inode _memoIno are disk
    // blocks _memoBlocks[...] (0: a hole), valid while the cache's Changes is _memoChanges.
    private uint _memoIno;
    private ulong _memoFirst;
    private int _memoCount;
    private ulong _memoChanges;
    private ulong[] _memoBlocks;

    // Whether the memo holds, current, file blocks [index, index + count) of `ino`.
    private bool MemoCovers(uint ino, ulong index, int count) =>
        ino == _memoIno && _memoCount > 0 && _cache.Changes == _memoChanges &&
        index >= _memoFirst && index + (ulong)count <= _memoFirst + (ulong)_memoCount;

    // File block `index`'s disk block (0: a hole), from the memo when it covers it.
    private Status MapForRead(uint ino, ref Ext2Inode inode, ulong index, out ulong block)
    {
        if (MemoCovers(ino, index, 1))
        {
            block = _memoBlocks[(int)(index - _memoFirst)];
            return Status.Ok;
        }
        return MapBlock(ref inode, index, false, 0, out block, out _);
    }

    /// <summary>Brings the blocks of file bytes [offset, offset + length) of a regular file into the
    /// cache in runs (at most the cache's MaxRun blocks in all); holes and bytes past the end are skipped.</summary>
    public Status Prefetch(uint ino, ulong offset, int length)
    {
        Status s = LoadRegular(ino, out Ext2Inode inode);
        if (s != Status.Ok || offset >= inode.Size || length <= 0) return s;
        ulong first = offset / (ulong)_blockSize;
        ulong end = (Math.Min(offset + (ulong)length, inode.Size) + (ulong)_blockSize - 1) / (ulong)_blockSize;
        return ReadRuns(ino, ref inode, first, (int)Math.Min(end - first, (ulong)_cache.MaxRun));
    }

    // A Read of `total` bytes from `offset` missed at file block `index`: that block and the rest of
    // the read, or a whole window when the read is sequential.
    private Status ReadAhead(uint ino, ref Ext2Inode inode, ulong index, ulong offset, int total)
    {
        ulong endOfRead = (offset + (ulong)total + (ulong)_blockSize - 1) / (ulong)_blockSize;
        ulong endOfFile = (inode.Size + (ulong)_blockSize - 1) / (ulong)_blockSize;
        bool sequential = offset == 0 || ino == _aheadIno && offset == _aheadNext;
        ulong end = sequential ? index + (ulong)_cache.MaxRun : endOfRead;
        if (end > endOfFile) end = endOfFile;
        if (end <= index) end = index + 1;
        return ReadRuns(ino, ref inode, index, (int)Math.Min(end - index, (ulong)_cache.MaxRun));
    }

    // File blocks [index, index + count) in runs of contiguous disk blocks, one ReadRun each; the
    // blocks mapped become the memo.
    private Status ReadRuns(uint ino, ref Ext2Inode inode, ulong index, int count)
    {
        Status s = MapRange(ino, ref inode, index, count);
        if (s != Status.Ok) return s;
        count = _memoCount;
        ulong runStart = 0;
        int runLength = 0;
        for (int i = 0; i <= count; i++)
        {
            ulong block = i < count ? _memoBlocks[i] : 0;
            if (runLength > 0 && block == runStart + (ulong)runLength)
            {
                runLength++;
                continue;
            }
            if (runLength > 0)
            {
                // Reading dirties nothing, so the memo stays current.
                Status r = _cache.ReadRun(runStart, runLength);
                if (r != Status.Ok) return r;
            }
            runStart = block;
            runLength = block != 0 ? 1 : 0;
        }
        return Status.Ok;
    }

    // The memo made for file blocks [index, index + count) (fewer past the end of the file, never
    // none): each block's disk block through the block map.
    private Status MapRange(uint ino, ref Ext2Inode inode, ulong index, int count)
    {
        ulong endOfFile = (inode.Size + (ulong)_blockSize - 1) / (ulong)_blockSize;
        if (index + (ulong)count > endOfFile) count = (int)Math.Max(1, endOfFile > index ? endOfFile - index : 0);
        if (_memoBlocks == null || _memoBlocks.Length < count) _memoBlocks = new ulong[Math.Max(count, _cache.MaxRun)];
        _memoCount = 0;
        // Past the direct blocks each pointer block is looked up once for the pointers it holds.
        for (int i = 0; i < count;)
        {
            ulong at = index + (ulong)i;
            if (at < Ext2Format.DirectBlocks)
            {
                Status m = MapBlock(ref inode, at, false, 0, out _memoBlocks[i], out _);
                if (m != Status.Ok) return m;
                i++;
                continue;
            }
            Status l = LeafOf(ref inode, at, out ulong leaf, out int entry);
            if (l != Status.Ok) return l;
            if (leaf == 0)
            {
                _memoBlocks[i++] = 0;
                continue;
            }
            Status g = _cache.Get(leaf, out int slot);
            if (g != Status.Ok) return g;
            ReadOnlySpan<byte> pointers = _cache.Bytes(slot);
            for (; i < count && entry < _pointersPerBlock; i++, entry++)
            {
                ulong block = LittleEndian.U32(pointers, entry * 4);
                if (block != 0 && !ValidDataBlock(block)) return Corrupt;
                _memoBlocks[i] = block;
            }
        }
        _memoIno = ino;
        _memoFirst = index;
        _memoCount = count;
        _memoChanges = _cache.Changes;
        return Status.Ok;
    }
}
