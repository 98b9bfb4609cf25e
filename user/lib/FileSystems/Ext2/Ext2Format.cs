// On-disk constants of ext2 revision 1 (Linux Documentation/filesystems/ext2.rst, e2fsprogs'
// lib/ext2fs/ext2_fs.h): offsets into the superblock, the group descriptor and the inode, the
// feature bits this code understands, and little-endian stores (loads are common/Formats'
// LittleEndian). Everything that reads these offsets validates what it finds (Ext2Volume.Mount).
using System;

namespace Vireo.User.FileSystems.Ext2;

public static class Ext2Format
{
    public const ushort Magic = 0xEF53;
    public const int SuperblockOffset = 1024;
    public const uint RootInode = 2;
    public const int GoodOldInodeSize = 128;
    public const uint GoodOldFirstInode = 11;
    public const int MaxNameLength = 255;
    public const int DirectBlocks = 12;
    public const int IndirectSlot = 12, DoubleSlot = 13, TripleSlot = 14, BlockSlots = 15;
    public const int FastSymlinkMax = 60;
    public const ushort StateValid = 1, StateErrors = 2;

    // Superblock fields.
    public const int SInodesCount = 0, SBlocksCount = 4, SReservedBlocks = 8, SFreeBlocks = 12, SFreeInodes = 16,
        SFirstDataBlock = 20, SLogBlockSize = 24, SBlocksPerGroup = 32, SInodesPerGroup = 40,
        SMountTime = 44, SWriteTime = 48, SMagic = 56, SState = 58, SRevLevel = 76, SFirstInode = 84,
        SInodeSize = 88, SFeatureCompat = 92, SFeatureIncompat = 96, SFeatureRoCompat = 100;

    // Group descriptor fields (32 bytes each).
    public const int GroupDescriptorSize = 32;
    public const int GBlockBitmap = 0, GInodeBitmap = 4, GInodeTable = 8, GFreeBlocks = 12,
        GFreeInodes = 14, GUsedDirs = 16;

    // Inode fields (the first 128 bytes; larger inodes keep the rest as it is).
    public const int IMode = 0, IUid = 2, ISize = 4, IAtime = 8, ICtime = 12, IMtime = 16, IDtime = 20,
        IGid = 24, ILinks = 26, IBlocks = 28, IFlags = 32, IBlock = 40, IGeneration = 100, IFileAcl = 104,
        ISizeHigh = 108, IUidHigh = 120, IGidHigh = 122, IExtraSize = 128;

    // Features: what may be present. An unknown incompatible feature refuses the mount; an unknown
    // read-only-compatible one mounts read-only.
    public const uint IncompatFileType = 0x2;
    public const uint IncompatSupported = IncompatFileType;
    public const uint RoCompatSparseSuper = 0x1, RoCompatLargeFile = 0x2;
    public const uint RoCompatSupported = RoCompatSparseSuper | RoCompatLargeFile;
    public const uint CompatDirIndex = 0x20;

    // Inode flags.
    public const uint FlagIndex = 0x1000;

    // Mode bits.
    public const ushort TypeMask = 0xF000, TypeFifo = 0x1000, TypeChar = 0x2000, TypeDir = 0x4000,
        TypeBlock = 0x6000, TypeFile = 0x8000, TypeSymlink = 0xA000, TypeSocket = 0xC000;
    public const ushort PermissionMask = 0x0FFF;

    // Directory entry file types (the filetype feature).
    public const byte FtUnknown = 0, FtFile = 1, FtDir = 2, FtChar = 3, FtBlock = 4, FtFifo = 5,
        FtSocket = 6, FtSymlink = 7;

    public const int DirEntryHeader = 8;

    // Extended attribute block header: reference count.
    public const uint XattrMagic = 0xEA020000;
    public const int XattrRefCount = 4;

    public static byte FileType(ushort mode) => (mode & TypeMask) switch
    {
        TypeFile => FtFile,
        TypeDir => FtDir,
        TypeChar => FtChar,
        TypeBlock => FtBlock,
        TypeFifo => FtFifo,
        TypeSocket => FtSocket,
        TypeSymlink => FtSymlink,
        _ => FtUnknown,
    };

    /// <summary>Bytes a directory entry with a name of `nameLength` bytes needs (rec_len is a multiple of 4).</summary>
    public static int EntrySize(int nameLength) => (DirEntryHeader + nameLength + 3) & ~3;

    public static void Put16(Span<byte> bytes, int offset, ushort value)
    {
        bytes[offset] = (byte)value;
        bytes[offset + 1] = (byte)(value >> 8);
    }

    public static void Put32(Span<byte> bytes, int offset, uint value)
    {
        bytes[offset] = (byte)value;
        bytes[offset + 1] = (byte)(value >> 8);
        bytes[offset + 2] = (byte)(value >> 16);
        bytes[offset + 3] = (byte)(value >> 24);
    }
}
