// An inode's fields as the file system works on them: loaded from its inode table block, changed
// in this copy, stored back (Ext2Volume.LoadInode/StoreInode). Bytes past the fields named here
// (osd fields, a large inode's extra space) are left on disk as they are.
using System;
using Vireo.Formats;

namespace Vireo.User.FileSystems.Ext2;

public unsafe struct Ext2Inode
{
    public ushort Mode;
    public uint Uid, Gid;
    public ulong Size;
    public uint Atime, Ctime, Mtime, Dtime;
    public ushort Links;
    /// <summary>512-byte sectors held, indirect blocks and the attribute block included.</summary>
    public uint Sectors;
    public uint Flags;
    public uint Generation;
    public uint FileAcl;
    public fixed uint Block[Ext2Format.BlockSlots];

    public ushort Type => (ushort)(Mode & Ext2Format.TypeMask);
    public bool IsDirectory => Type == Ext2Format.TypeDir;
    public bool IsRegular => Type == Ext2Format.TypeFile;
    public bool IsSymlink => Type == Ext2Format.TypeSymlink;

    internal void Load(ReadOnlySpan<byte> raw)
    {
        Mode = LittleEndian.U16(raw, Ext2Format.IMode);
        Uid = LittleEndian.U16(raw, Ext2Format.IUid) | (uint)LittleEndian.U16(raw, Ext2Format.IUidHigh) << 16;
        Gid = LittleEndian.U16(raw, Ext2Format.IGid) | (uint)LittleEndian.U16(raw, Ext2Format.IGidHigh) << 16;
        Size = LittleEndian.U32(raw, Ext2Format.ISize);
        if (IsRegular) Size |= (ulong)LittleEndian.U32(raw, Ext2Format.ISizeHigh) << 32;
        Atime = LittleEndian.U32(raw, Ext2Format.IAtime);
        Ctime = LittleEndian.U32(raw, Ext2Format.ICtime);
        Mtime = LittleEndian.U32(raw, Ext2Format.IMtime);
        Dtime = LittleEndian.U32(raw, Ext2Format.IDtime);
        Links = LittleEndian.U16(raw, Ext2Format.ILinks);
        Sectors = LittleEndian.U32(raw, Ext2Format.IBlocks);
        Flags = LittleEndian.U32(raw, Ext2Format.IFlags);
        Generation = LittleEndian.U32(raw, Ext2Format.IGeneration);
        FileAcl = LittleEndian.U32(raw, Ext2Format.IFileAcl);
        for (int i = 0; i < Ext2Format.BlockSlots; i++) Block[i] = LittleEndian.U32(raw, Ext2Format.IBlock + 4 * i);
    }

    internal void Store(Span<byte> raw)
    {
        Ext2Format.Put16(raw, Ext2Format.IMode, Mode);
        Ext2Format.Put16(raw, Ext2Format.IUid, (ushort)Uid);
        Ext2Format.Put16(raw, Ext2Format.IUidHigh, (ushort)(Uid >> 16));
        Ext2Format.Put16(raw, Ext2Format.IGid, (ushort)Gid);
        Ext2Format.Put16(raw, Ext2Format.IGidHigh, (ushort)(Gid >> 16));
        Ext2Format.Put32(raw, Ext2Format.ISize, (uint)Size);
        if (IsRegular) Ext2Format.Put32(raw, Ext2Format.ISizeHigh, (uint)(Size >> 32));
        Ext2Format.Put32(raw, Ext2Format.IAtime, Atime);
        Ext2Format.Put32(raw, Ext2Format.ICtime, Ctime);
        Ext2Format.Put32(raw, Ext2Format.IMtime, Mtime);
        Ext2Format.Put32(raw, Ext2Format.IDtime, Dtime);
        Ext2Format.Put16(raw, Ext2Format.ILinks, Links);
        Ext2Format.Put32(raw, Ext2Format.IBlocks, Sectors);
        Ext2Format.Put32(raw, Ext2Format.IFlags, Flags);
        Ext2Format.Put32(raw, Ext2Format.IGeneration, Generation);
        Ext2Format.Put32(raw, Ext2Format.IFileAcl, FileAcl);
        for (int i = 0; i < Ext2Format.BlockSlots; i++) Ext2Format.Put32(raw, Ext2Format.IBlock + 4 * i, Block[i]);
    }
}
