// A file's contents and attributes: read and write at an offset (holes read as zeros; a write
// into a hole allocates), truncate (growing leaves a hole; shrinking frees the blocks past the end
// and zeroes the tail of the last one), stat, chmod, chown, utimens, readlink. Reads do not update
// the access time (as Linux's noatime), so reading a cached file writes nothing.
using System;
using Vireo.Abi;

namespace Vireo.User.FileSystems.Ext2;

public sealed unsafe partial class Ext2Volume<TDevice>
{
    public Status Stat(uint ino, out Ext2Stat stat)
    {
        stat = default;
        Status s = LoadLiveInode(ino, out Ext2Inode inode);
        if (s != Status.Ok) return s;
        stat.Inode = ino;
        stat.Mode = inode.Mode;
        stat.Uid = inode.Uid;
        stat.Gid = inode.Gid;
        stat.Links = inode.Links;
        stat.Size = inode.Size;
        stat.Sectors = inode.Sectors;
        stat.Atime = inode.Atime;
        stat.Mtime = inode.Mtime;
        stat.Ctime = inode.Ctime;
        return Status.Ok;
    }

    /// <summary>Reads from byte `offset` of a regular file into `into`; `read` is short at the end of
    /// the file. IsDirectory for a directory, InvalidArgument for another kind.</summary>
    public Status Read(uint ino, ulong offset, Span<byte> into, out int read)
    {
        read = 0;
        Status s = LoadRegular(ino, out Ext2Inode inode);
        if (s != Status.Ok) return s;
        if (offset >= inode.Size) return Status.Ok;
        int total = (int)Math.Min((ulong)into.Length, inode.Size - offset);
        while (read < total)
        {
            ulong position = offset + (ulong)read;
            ulong index = position / (ulong)_blockSize;
            int within = (int)(position % (ulong)_blockSize);
            int n = Math.Min(total - read, _blockSize - within);
            s = MapForRead(ino, ref inode, index, out ulong block);
            if (s != Status.Ok) return s;
            Span<byte> to = into.Slice(read, n);
            if (block == 0)
            {
                to.Clear();
            }
            else
            {
                if (!_cache.TryGet(block, out int slot))
                {
                    s = ReadAhead(ino, ref inode, index, offset, total);
                    if (s != Status.Ok) return s;
                    s = _cache.Get(block, out slot);
                    if (s != Status.Ok) return s;
                }
                _cache.Bytes(slot).Slice(within, n).CopyTo(to);
            }
            read += n;
        }
        _aheadIno = ino;
        _aheadNext = offset + (ulong)read;
        return Status.Ok;
    }

    /// <summary>Writes `data` at byte `offset` of a regular file, allocating blocks for holes and
    /// growing the size. NoSpace when the disk fills: `written` says how much went in first (the size
    /// covers it). OutOfRange past MaxFileSize.</summary>
    public Status Write(uint ino, ulong offset, ReadOnlySpan<byte> data, out int written)
    {
        written = 0;
        if (ReadOnly) return Status.NotSupported;
        Status s = LoadRegular(ino, out Ext2Inode inode);
        if (s != Status.Ok) return s;
        if (offset > MaxFileSize || (ulong)data.Length > MaxFileSize - offset) return Status.OutOfRange;
        ulong goal = 0;
        while (written < data.Length)
        {
            ulong position = offset + (ulong)written;
            ulong index = position / (ulong)_blockSize;
            int within = (int)(position % (ulong)_blockSize);
            int n = Math.Min(data.Length - written, _blockSize - within);
            if (goal == 0) goal = Goal(ino, ref inode, index);
            s = MapBlock(ref inode, index, true, goal, out ulong block, out bool fresh);
            if (s != Status.Ok) break;
            goal = block + 1;
            bool whole = n == _blockSize;
            int slot;
            s = fresh || whole ? _cache.GetForOverwrite(block, out slot) : _cache.Get(block, out slot);
            if (s != Status.Ok) break;
            Span<byte> bytes = _cache.Bytes(slot);
            if (fresh && !whole) bytes.Clear();
            data.Slice(written, n).CopyTo(bytes.Slice(within));
            _cache.MarkDirty(slot, WriteStage.Data);
            written += n;
            if (position + (ulong)n > inode.Size) inode.Size = position + (ulong)n;
        }
        if (written > 0) inode.Mtime = inode.Ctime = Now;
        NoteLargeFile(inode.Size);
        Status stored = StoreInode(ino, inode);
        return s != Status.Ok ? s : stored;
    }

    /// <summary>Sets the size of a regular file: a larger size leaves a hole, a smaller one frees the
    /// blocks past it. OutOfRange past MaxFileSize.</summary>
    public Status Truncate(uint ino, ulong size)
    {
        if (ReadOnly) return Status.NotSupported;
        Status s = LoadRegular(ino, out Ext2Inode inode);
        if (s != Status.Ok) return s;
        if (size > MaxFileSize) return Status.OutOfRange;
        if (size < inode.Size)
        {
            ulong keep = (size + (ulong)_blockSize - 1) / (ulong)_blockSize;
            s = FreeBlocksFrom(ref inode, keep);
            if (s == Status.Ok && size % (ulong)_blockSize != 0)
                s = ZeroTail(ref inode, size);
            if (s != Status.Ok)
            {
                // Keeps what was freed before the failure, which is what the caller hears.
                _ = StoreInode(ino, inode);
                return s;
            }
        }
        inode.Size = size;
        inode.Mtime = inode.Ctime = Now;
        NoteLargeFile(size);
        return StoreInode(ino, inode);
    }

    /// <summary>Zeroes the last block past `size`, so a later growth reads zeros there.</summary>
    private Status ZeroTail(ref Ext2Inode inode, ulong size)
    {
        Status s = MapBlock(ref inode, size / (ulong)_blockSize, false, 0, out ulong block, out _);
        if (s != Status.Ok || block == 0) return s;
        s = _cache.Get(block, out int slot);
        if (s != Status.Ok) return s;
        _cache.Bytes(slot).Slice((int)(size % (ulong)_blockSize)).Clear();
        _cache.MarkDirty(slot, WriteStage.Data);
        return Status.Ok;
    }

    /// <summary>A file past 2 GiB needs the large_file feature in the superblock (mke2fs sets it; an old image may not have it).</summary>
    private void NoteLargeFile(ulong size)
    {
        if (size <= int.MaxValue || (_roCompat & Ext2Format.RoCompatLargeFile) != 0) return;
        _roCompat |= Ext2Format.RoCompatLargeFile;
        _superDirty = true;
    }

    private Status LoadRegular(uint ino, out Ext2Inode inode)
    {
        Status s = LoadLiveInode(ino, out inode);
        if (s != Status.Ok) return s;
        if (inode.IsDirectory) return Status.IsDirectory;
        return inode.IsRegular ? Status.Ok : Status.InvalidArgument;
    }

    /// <summary>chmod: the permission bits (the type is kept).</summary>
    public Status SetMode(uint ino, ushort permissions)
    {
        Status s = LoadForChange(ino, out Ext2Inode inode);
        if (s != Status.Ok) return s;
        inode.Mode = (ushort)(inode.Type | (permissions & Ext2Format.PermissionMask));
        inode.Ctime = Now;
        return StoreInode(ino, inode);
    }

    /// <summary>chown.</summary>
    public Status SetOwner(uint ino, uint uid, uint gid)
    {
        Status s = LoadForChange(ino, out Ext2Inode inode);
        if (s != Status.Ok) return s;
        inode.Uid = uid;
        inode.Gid = gid;
        inode.Ctime = Now;
        return StoreInode(ino, inode);
    }

    /// <summary>utimens: access and modification times.</summary>
    public Status SetTimes(uint ino, uint atime, uint mtime)
    {
        Status s = LoadForChange(ino, out Ext2Inode inode);
        if (s != Status.Ok) return s;
        inode.Atime = atime;
        inode.Mtime = mtime;
        inode.Ctime = Now;
        return StoreInode(ino, inode);
    }

    private Status LoadForChange(uint ino, out Ext2Inode inode)
    {
        inode = default;
        return ReadOnly ? Status.NotSupported : LoadLiveInode(ino, out inode);
    }

    /// <summary>readlink: the target of a symbolic link into `into` (NameTooLong if it does not fit).
    /// InvalidArgument when the inode is not a link.</summary>
    public Status ReadLink(uint ino, Span<byte> into, out int length)
    {
        length = 0;
        Status s = LoadLiveInode(ino, out Ext2Inode inode);
        if (s != Status.Ok) return s;
        if (!inode.IsSymlink) return Status.InvalidArgument;
        if (inode.Size > (ulong)_blockSize) return Corrupt;
        int size = (int)inode.Size;
        if (size > into.Length) return Status.NameTooLong;
        if (IsFastSymlink(inode))
        {
            if (size >= Ext2Format.FastSymlinkMax) return Corrupt;
            new ReadOnlySpan<byte>(inode.Block, Ext2Format.FastSymlinkMax).Slice(0, size).CopyTo(into);
        }
        else
        {
            s = MapBlock(ref inode, 0, false, 0, out ulong block, out _);
            if (s != Status.Ok) return s;
            if (block == 0) return Corrupt;
            s = _cache.Get(block, out int slot);
            if (s != Status.Ok) return s;
            _cache.Bytes(slot).Slice(0, size).CopyTo(into);
        }
        length = size;
        return Status.Ok;
    }

    /// <summary>A symbolic link whose target sits in the inode's block pointers (no data block; the
    /// extended attribute block, if any, is the only block counted).</summary>
    private bool IsFastSymlink(in Ext2Inode inode) =>
        inode.IsSymlink && inode.Sectors == (inode.FileAcl != 0 ? (uint)(_blockSize / 512) : 0u);
}
