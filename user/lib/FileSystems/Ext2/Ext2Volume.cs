// An ext2 revision 1 file system over a block device (docs/design/ext2.md): mounting with every
// superblock and group descriptor field checked, inodes loaded and stored through the block cache,
// and the free counts kept in the superblock and the group descriptors. The other parts of this
// partial class: Allocation (bitmaps), BlockMap (indirect blocks, truncation), Directories
// (entries), Files (read, write, attributes) and Names (create, link, unlink, rename).
//
// Every operation returns a Status; an inconsistency read from the disk returns Ext2Volume.Corrupt
// and never indexes outside a block. Not thread-safe: a daemon serves one request at a time.
using System;
using Vireo.Abi;
using Vireo.Formats;

namespace Vireo.User.FileSystems.Ext2;

public sealed unsafe partial class Ext2Volume<TDevice> where TDevice : struct, IBlockDevice
{
    /// <summary>The status for on-disk structures that contradict themselves or the superblock
    /// (Linux answers EUCLEAN/EIO). The file system is "in a state that does not allow the call".</summary>
    public const Status Corrupt = Status.BadState;

    private readonly BlockCache<TDevice> _cache;
    private readonly int _blockSize;
    private readonly int _pointersPerBlock;
    private readonly ulong _blocksCount;
    private readonly uint _inodesCount;
    private readonly ulong _reservedBlocks;
    private readonly uint _firstDataBlock;
    private readonly uint _blocksPerGroup;
    private readonly uint _inodesPerGroup;
    private readonly int _inodeSize;
    private readonly uint _firstInode;
    private readonly uint _groupCount;
    private readonly ulong _superBlock;
    private readonly int _superOffset;
    private readonly ulong _inodeTableBlocks;
    private readonly ulong _descriptorTableEnd;
    private uint _roCompat;
    private ulong _freeBlocks;
    private ulong _freeInodes;
    private bool _superDirty;
    // The inode last loaded or stored, as LoadInode reads it: a file read or written in many requests
    // of 480 bytes finds its inode here instead of through its group descriptor and table block.
    private uint _recentIno;
    private Ext2Inode _recentInode;

    /// <summary>The time stamped on changes, in seconds since 1970 (the daemon sets it from the wall clock).</summary>
    public uint Now { get; set; }

    /// <summary>True when the image has a feature this code can read but not write.</summary>
    public bool ReadOnly { get; }

    public int BlockSize => _blockSize;
    public ulong BlocksCount => _blocksCount;
    public uint InodesCount => _inodesCount;
    public ulong FreeBlocks => _freeBlocks;
    /// <summary>Blocks kept for root (the superblock's s_r_blocks_count): statfs's free minus available.</summary>
    public ulong ReservedBlocks => _reservedBlocks;
    public ulong FreeInodes => _freeInodes;
    public BlockCache<TDevice> Cache => _cache;

    private Ext2Volume(BlockCache<TDevice> cache, ReadOnlySpan<byte> sb, ulong superBlock, int superOffset, bool readOnly)
    {
        _cache = cache;
        _blockSize = cache.BlockSize;
        _pointersPerBlock = _blockSize / 4;
        _blocksCount = LittleEndian.U32(sb, Ext2Format.SBlocksCount);
        _inodesCount = LittleEndian.U32(sb, Ext2Format.SInodesCount);
        _reservedBlocks = Math.Min(LittleEndian.U32(sb, Ext2Format.SReservedBlocks), _blocksCount);
        _firstDataBlock = LittleEndian.U32(sb, Ext2Format.SFirstDataBlock);
        _blocksPerGroup = LittleEndian.U32(sb, Ext2Format.SBlocksPerGroup);
        _inodesPerGroup = LittleEndian.U32(sb, Ext2Format.SInodesPerGroup);
        bool rev0 = LittleEndian.U32(sb, Ext2Format.SRevLevel) == 0;
        _inodeSize = rev0 ? Ext2Format.GoodOldInodeSize : LittleEndian.U16(sb, Ext2Format.SInodeSize);
        _firstInode = rev0 ? Ext2Format.GoodOldFirstInode : LittleEndian.U32(sb, Ext2Format.SFirstInode);
        _groupCount = (uint)((_blocksCount - _firstDataBlock + _blocksPerGroup - 1) / _blocksPerGroup);
        _roCompat = LittleEndian.U32(sb, Ext2Format.SFeatureRoCompat);
        _superBlock = superBlock;
        _superOffset = superOffset;
        _descriptorTableEnd = _firstDataBlock + 1 + ((ulong)_groupCount * Ext2Format.GroupDescriptorSize + (ulong)_blockSize - 1) / (ulong)_blockSize;
        _inodeTableBlocks = ((ulong)_inodesPerGroup * (ulong)_inodeSize + (ulong)_blockSize - 1) / (ulong)_blockSize;
        ReadOnly = readOnly;
    }

    /// <summary>Mounts the ext2 image on `device` with a cache of `cacheBlocks` blocks (at least 8);
    /// `now` (seconds since 1970) is the mount time and the first value of Now.
    /// InvalidArgument: not ext2 (magic) or a field out of its range; NotSupported: a feature this code
    /// does not implement (ext3's journal recovery, ext4's extents, 64-bit, checksums...); Corrupt: the
    /// group descriptors contradict the superblock; the device's statuses.</summary>
    public static Status Mount(TDevice device, int cacheBlocks, out Ext2Volume<TDevice> volume, uint now = 0)
    {
        volume = null;
        if (cacheBlocks < 8 || device.SectorSize <= 0 || device.SectorSize > 4096 || 4096 % device.SectorSize != 0)
            return Status.InvalidArgument;
        byte[] first = new byte[2048];
        ulong sectors = (ulong)(first.Length / device.SectorSize);
        if (device.SectorCount < sectors) return Status.InvalidArgument;
        Status s = device.Read(0, first);
        if (s != Status.Ok) return s;
        ReadOnlySpan<byte> sb = new ReadOnlySpan<byte>(first, Ext2Format.SuperblockOffset, 1024);
        s = CheckSuperblock(device, sb, out int blockSize, out bool readOnly);
        if (s != Status.Ok) return s;

        var cache = new BlockCache<TDevice>(device, blockSize, cacheBlocks);
        ulong superBlock = (ulong)(Ext2Format.SuperblockOffset / blockSize);
        int superOffset = Ext2Format.SuperblockOffset % blockSize;
        var v = new Ext2Volume<TDevice>(cache, sb, superBlock, superOffset, readOnly) { Now = now };
        s = v.CheckGroups();
        if (s != Status.Ok) return s;
        if (!readOnly)
        {
            // Mounted read-write: not clean until Unmount (e2fsck checks an image left this way).
            s = cache.Get(superBlock, out int slot);
            if (s != Status.Ok) return s;
            Span<byte> raw = cache.Bytes(slot).Slice(superOffset, 1024);
            ushort state = LittleEndian.U16(raw, Ext2Format.SState);
            Ext2Format.Put16(raw, Ext2Format.SState, (ushort)(state & ~Ext2Format.StateValid));
            Ext2Format.Put32(raw, Ext2Format.SMountTime, v.Now);
            cache.MarkDirty(slot, WriteStage.Super);
            s = cache.Sync();
            if (s != Status.Ok) return s;
        }
        volume = v;
        return Status.Ok;
    }

    private static Status CheckSuperblock(TDevice device, ReadOnlySpan<byte> sb, out int blockSize, out bool readOnly)
    {
        blockSize = 0;
        readOnly = false;
        if (LittleEndian.U16(sb, Ext2Format.SMagic) != Ext2Format.Magic) return Status.InvalidArgument;
        uint log = LittleEndian.U32(sb, Ext2Format.SLogBlockSize);
        if (log > 2) return Status.NotSupported;
        blockSize = 1024 << (int)log;
        if (!BlockCache<TDevice>.Fits(device, blockSize)) return Status.NotSupported;
        uint rev = LittleEndian.U32(sb, Ext2Format.SRevLevel);
        if (rev > 1) return Status.NotSupported;
        if (rev == 1)
        {
            if ((LittleEndian.U32(sb, Ext2Format.SFeatureIncompat) & ~Ext2Format.IncompatSupported) != 0) return Status.NotSupported;
            readOnly = (LittleEndian.U32(sb, Ext2Format.SFeatureRoCompat) & ~Ext2Format.RoCompatSupported) != 0;
            uint inodeSize = LittleEndian.U16(sb, Ext2Format.SInodeSize);
            if (inodeSize < Ext2Format.GoodOldInodeSize || inodeSize > blockSize || (inodeSize & (inodeSize - 1)) != 0) return Status.InvalidArgument;
            uint firstInode = LittleEndian.U32(sb, Ext2Format.SFirstInode);
            if (firstInode <= Ext2Format.RootInode) return Status.InvalidArgument;
        }
        ulong blocks = LittleEndian.U32(sb, Ext2Format.SBlocksCount);
        uint inodes = LittleEndian.U32(sb, Ext2Format.SInodesCount);
        uint firstData = LittleEndian.U32(sb, Ext2Format.SFirstDataBlock);
        uint bpg = LittleEndian.U32(sb, Ext2Format.SBlocksPerGroup);
        uint ipg = LittleEndian.U32(sb, Ext2Format.SInodesPerGroup);
        if (firstData != (blockSize == 1024 ? 1u : 0u)) return Status.InvalidArgument;
        if (bpg == 0 || bpg > 8u * (uint)blockSize || ipg == 0 || ipg > 8u * (uint)blockSize) return Status.InvalidArgument;
        if (blocks <= firstData + 1 || blocks * (ulong)blockSize > device.SectorCount * (ulong)device.SectorSize) return Status.InvalidArgument;
        ulong groups = (blocks - firstData + bpg - 1) / bpg;
        if ((ulong)inodes != groups * ipg) return Status.InvalidArgument;
        if (LittleEndian.U32(sb, Ext2Format.SFreeBlocks) > blocks || LittleEndian.U32(sb, Ext2Format.SFreeInodes) > inodes) return Status.InvalidArgument;
        ulong gdtBlocks = (groups * Ext2Format.GroupDescriptorSize + (ulong)blockSize - 1) / (ulong)blockSize;
        if (firstData + 1 + gdtBlocks > blocks) return Status.InvalidArgument;
        return Status.Ok;
    }

    /// <summary>Every group's bitmaps and inode table inside the volume and out of the superblock's
    /// and descriptors' way; the free counts summed from the descriptors (they are what the bitmaps hold).</summary>
    private Status CheckGroups()
    {
        ulong gdtEnd = _descriptorTableEnd;
        _freeBlocks = 0;
        _freeInodes = 0;
        for (uint g = 0; g < _groupCount; g++)
        {
            Status s = ReadGroup(g, out GroupInfo info);
            if (s != Status.Ok) return s;
            if (info.BlockBitmap < gdtEnd || info.BlockBitmap >= _blocksCount
                || info.InodeBitmap < gdtEnd || info.InodeBitmap >= _blocksCount
                || info.InodeTable < gdtEnd || info.InodeTable + _inodeTableBlocks > _blocksCount
                || info.FreeBlocks > _blocksPerGroup || info.FreeInodes > _inodesPerGroup)
                return Corrupt;
            _freeBlocks += info.FreeBlocks;
            _freeInodes += info.FreeInodes;
        }
        return Status.Ok;
    }

    private struct GroupInfo
    {
        public ulong BlockBitmap, InodeBitmap, InodeTable;
        public uint FreeBlocks, FreeInodes, UsedDirs;
    }

    private Status GroupSlot(uint group, out int slot, out int offset)
    {
        ulong byteOffset = (ulong)group * Ext2Format.GroupDescriptorSize;
        offset = (int)(byteOffset % (ulong)_blockSize);
        return _cache.Get(_firstDataBlock + 1 + byteOffset / (ulong)_blockSize, out slot);
    }

    private Status ReadGroup(uint group, out GroupInfo info)
    {
        info = default;
        Status s = GroupSlot(group, out int slot, out int offset);
        if (s != Status.Ok) return s;
        ReadOnlySpan<byte> d = _cache.Bytes(slot).Slice(offset, Ext2Format.GroupDescriptorSize);
        info.BlockBitmap = LittleEndian.U32(d, Ext2Format.GBlockBitmap);
        info.InodeBitmap = LittleEndian.U32(d, Ext2Format.GInodeBitmap);
        info.InodeTable = LittleEndian.U32(d, Ext2Format.GInodeTable);
        info.FreeBlocks = LittleEndian.U16(d, Ext2Format.GFreeBlocks);
        info.FreeInodes = LittleEndian.U16(d, Ext2Format.GFreeInodes);
        info.UsedDirs = LittleEndian.U16(d, Ext2Format.GUsedDirs);
        return Status.Ok;
    }

    /// <summary>Adds the deltas to a group's descriptor and to the volume's totals.</summary>
    private Status AdjustGroup(uint group, int blocks, int inodes, int dirs)
    {
        Status s = GroupSlot(group, out int slot, out int offset);
        if (s != Status.Ok) return s;
        Span<byte> d = _cache.Bytes(slot).Slice(offset, Ext2Format.GroupDescriptorSize);
        Ext2Format.Put16(d, Ext2Format.GFreeBlocks, (ushort)(LittleEndian.U16(d, Ext2Format.GFreeBlocks) + blocks));
        Ext2Format.Put16(d, Ext2Format.GFreeInodes, (ushort)(LittleEndian.U16(d, Ext2Format.GFreeInodes) + inodes));
        Ext2Format.Put16(d, Ext2Format.GUsedDirs, (ushort)(LittleEndian.U16(d, Ext2Format.GUsedDirs) + dirs));
        _cache.MarkDirty(slot, WriteStage.Super);
        _freeBlocks = (ulong)((long)_freeBlocks + blocks);
        _freeInodes = (ulong)((long)_freeInodes + inodes);
        _superDirty = true;
        return Status.Ok;
    }

    private Status InodeSlot(uint ino, out int slot, out int offset)
    {
        slot = 0;
        offset = 0;
        if (ino == 0 || ino > _inodesCount) return Corrupt;
        uint group = (ino - 1) / _inodesPerGroup;
        uint index = (ino - 1) % _inodesPerGroup;
        Status s = ReadGroup(group, out GroupInfo info);
        if (s != Status.Ok) return s;
        ulong byteOffset = (ulong)index * (ulong)_inodeSize;
        offset = (int)(byteOffset % (ulong)_blockSize);
        return _cache.Get(info.InodeTable + byteOffset / (ulong)_blockSize, out slot);
    }

    /// <summary>Loads inode `ino`. Corrupt for a number outside the volume (a caller's number is
    /// checked with CheckInodeNumber first, to answer NotFound).</summary>
    internal Status LoadInode(uint ino, out Ext2Inode inode)
    {
        if (ino == _recentIno && ino != 0)
        {
            inode = _recentInode;
            return Status.Ok;
        }
        inode = default;
        Status s = InodeSlot(ino, out int slot, out int offset);
        if (s != Status.Ok) return s;
        inode.Load(_cache.Bytes(slot).Slice(offset, Ext2Format.GoodOldInodeSize));
        _recentInode = inode;
        _recentIno = ino;
        return Status.Ok;
    }

    // Every change to an inode's bytes comes through here, so the copy kept for LoadInode is the
    // bytes just stored, read back as LoadInode would read them.
    internal Status StoreInode(uint ino, in Ext2Inode inode)
    {
        _recentIno = 0;
        Status s = InodeSlot(ino, out int slot, out int offset);
        if (s != Status.Ok) return s;
        Span<byte> raw = _cache.Bytes(slot).Slice(offset, Ext2Format.GoodOldInodeSize);
        inode.Store(raw);
        _cache.MarkDirty(slot, WriteStage.Inode);
        _recentInode.Load(raw);
        _recentIno = ino;
        return Status.Ok;
    }

    /// <summary>Loads a live inode named by a caller: NotFound when the number is out of range or the inode is free.</summary>
    private Status LoadLiveInode(uint ino, out Ext2Inode inode)
    {
        inode = default;
        if (ino == 0 || ino > _inodesCount) return Status.NotFound;
        Status s = LoadInode(ino, out inode);
        if (s != Status.Ok) return s;
        return inode.Mode == 0 || (inode.Links == 0 && !IsHeld(ino)) ? Status.NotFound : Status.Ok;
    }

    /// <summary>Writes the free counts and the write time into the superblock's cached block.</summary>
    private Status UpdateSuperblock(bool clean)
    {
        Status s = _cache.Get(_superBlock, out int slot);
        if (s != Status.Ok) return s;
        Span<byte> raw = _cache.Bytes(slot).Slice(_superOffset, 1024);
        Ext2Format.Put32(raw, Ext2Format.SFreeBlocks, (uint)_freeBlocks);
        Ext2Format.Put32(raw, Ext2Format.SFreeInodes, (uint)_freeInodes);
        Ext2Format.Put32(raw, Ext2Format.SWriteTime, Now);
        Ext2Format.Put32(raw, Ext2Format.SFeatureRoCompat, _roCompat);
        ushort state = LittleEndian.U16(raw, Ext2Format.SState);
        state = clean ? (ushort)(state | Ext2Format.StateValid) : (ushort)(state & ~Ext2Format.StateValid);
        Ext2Format.Put16(raw, Ext2Format.SState, state);
        _cache.MarkDirty(slot, WriteStage.Super);
        _superDirty = false;
        return Status.Ok;
    }

    /// <summary>Writes every dirty block in the write order and flushes the device. fsync of any
    /// file is this: the whole volume reaches the disk (docs/design/ext2.md, "The cache").</summary>
    public Status Sync()
    {
        if (ReadOnly) return Status.Ok;
        if (_superDirty)
        {
            Status s = UpdateSuperblock(clean: false);
            if (s != Status.Ok) return s;
        }
        return _cache.Sync();
    }

    /// <summary>fsync(2) of one file: Sync.</summary>
    public Status Fsync(uint ino) => Sync();

    /// <summary>Writes everything and marks the file system clean (as a Linux unmount does).</summary>
    public Status Unmount()
    {
        if (ReadOnly) return Status.Ok;
        Status s = ReleaseAll();
        if (s != Status.Ok) return s;
        s = UpdateSuperblock(clean: true);
        return s != Status.Ok ? s : _cache.Sync();
    }

    /// <summary>statfs: block size, blocks, free blocks, inodes, free inodes.</summary>
    public void StatFs(out int blockSize, out ulong blocks, out ulong freeBlocks, out ulong inodes, out ulong freeInodes)
    {
        blockSize = _blockSize;
        blocks = _blocksCount;
        freeBlocks = _freeBlocks;
        inodes = _inodesCount;
        freeInodes = _freeInodes;
    }
}
