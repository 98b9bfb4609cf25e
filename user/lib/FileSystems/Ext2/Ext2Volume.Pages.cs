// Whole pages of a file for a page cache (FilePageCache, diskfs's mapped readers): ReadPages fills a
// batch of pages, and a page whose blocks lie in order on the disk with none of them in the block
// cache (so the disk holds their bytes: a dirty block is always cached) comes straight from the
// device: a run of such pages is one request and one copy from the device's buffer into each page,
// with no block-cache slot taken, no block copied twice and no eviction. A file read once in order
// therefore costs the block cache nothing. Any other page (a hole, a cached or dirty block, blocks
// out of order, the file's last, partial page) is read through Read, as before.
using System;
using Vireo.Abi;

namespace Vireo.User.FileSystems.Ext2;

public sealed unsafe partial class Ext2Volume<TDevice>
{
    /// <summary>Reads file bytes [offset + i * pageBytes, + pageBytes) of a regular file into
    /// pages[i] for i below `count` (short at the end of the file: bytes past it are left as they
    /// are, zero in a new page). `offset` is a multiple of pageBytes.</summary>
    public Status ReadPages(uint ino, ulong offset, int pageBytes, byte** pages, int count)
    {
        Status s = LoadRegular(ino, out Ext2Inode inode);
        if (s != Status.Ok) return s;
        int per = pageBytes / _blockSize;
        int whole = 0;
        if (per > 0 && pageBytes % _blockSize == 0 && offset % (ulong)pageBytes == 0 && offset < inode.Size)
            whole = (int)Math.Min((ulong)count, (inode.Size - offset) / (ulong)pageBytes);
        ulong first = offset / (ulong)_blockSize;
        int i = 0;
        // The page that ended a run was looked at already: its start is carried to the next turn
        // (the run's ReadPieces changes nothing in the block cache).
        bool known = false;
        ulong start = 0;
        while (i < whole)
        {
            if (!known)
            {
                s = DirectPage(ino, ref inode, first + (ulong)(i * per), per, out start);
                if (s != Status.Ok) return s;
            }
            known = false;
            if (start == 0)
            {
                s = ReadPage(ino, offset, pageBytes, pages, i);
                if (s != Status.Ok) return s;
                i++;
                continue;
            }
            int run = 1;
            ulong next = 0;
            while (i + run < whole && (run + 1) * per <= _cache.MaxRun)
            {
                s = DirectPage(ino, ref inode, first + (ulong)((i + run) * per), per, out next);
                if (s != Status.Ok) return s;
                if (next != start + (ulong)(run * per))
                {
                    known = true;
                    break;
                }
                run++;
            }
            s = _cache.ReadPieces(start, per, pages + i, run);
            if (s != Status.Ok) return s;
            start = next;
            i += run;
        }
        for (; i < count; i++)
        {
            s = ReadPage(ino, offset, pageBytes, pages, i);
            if (s != Status.Ok) return s;
        }
        return Status.Ok;
    }

    private Status ReadPage(uint ino, ulong offset, int pageBytes, byte** pages, int i) =>
        Read(ino, offset + (ulong)(i * pageBytes), new Span<byte>(pages[i], pageBytes), out _);

    // The first disk block of file blocks [index, index + per) when they are contiguous on the disk
    // and none is cached; 0 otherwise. The map memo is made for the blocks ahead when it does not
    // cover these (a Read in between may have replaced it).
    private Status DirectPage(uint ino, ref Ext2Inode inode, ulong index, int per, out ulong start)
    {
        start = 0;
        if (!MemoCovers(ino, index, per))
        {
            Status m = MapRange(ino, ref inode, index, Math.Max(per, _cache.MaxRun));
            if (m != Status.Ok) return m;
        }
        int at = (int)(index - _memoFirst);
        ulong first = _memoBlocks[at];
        if (first == 0) return Status.Ok;
        for (int k = 0; k < per; k++)
        {
            ulong block = _memoBlocks[at + k];
            if (block != first + (ulong)k || _cache.Contains(block)) return Status.Ok;
        }
        start = first;
        return Status.Ok;
    }
}
