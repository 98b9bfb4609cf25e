// What a Unix file system says about a file and about itself: the answer of Stat and Fstat
// (FileStat) and of Statfs and Fstatfs (FsStat), carried in the message data (SchemeLimits.MaxData
// bytes at most), and the mode bits, times and flags the metadata operations take
// (docs/design/schemes.md, "File metadata"). The numbers are Linux's (st_mode's S_IF* types and
// permission bits, UTIME_NOW/UTIME_OMIT), so the Linux personality copies them without translating.
// The layout is pinned by tests/Kernel.Tests/Abi/FileStatTests.cs: daemons and clients are built
// separately and must agree on every offset.
using System.Runtime.InteropServices;

namespace Vireo.Abi;

/// <summary>A point in time as file times keep it: Unix seconds and nanoseconds (UTC, the wall clock).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct FileTime
{
    public long Seconds;
    public uint Nanoseconds;     // 0..999,999,999
    private uint _reserved;

    public FileTime(long seconds, uint nanoseconds)
    {
        Seconds = seconds;
        Nanoseconds = nanoseconds;
        _reserved = 0;
    }

    /// <summary>Nanoseconds since the epoch (as ramfs keeps them: 64 bits reach the year 2262).</summary>
    public static FileTime FromNanoseconds(long ns) => new FileTime(ns / 1_000_000_000, (uint)(ns % 1_000_000_000));
    public long ToNanoseconds() => Seconds * 1_000_000_000 + Nanoseconds;
}

/// <summary>Stat's answer (112 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct FileStat
{
    public ulong Device;         // 0: which file system (0: the scheme's only one)
    public ulong Inode;          // 8: unique within the scheme while the file exists
    public uint Mode;            // 16: FileModes type bits | permission bits
    public uint Links;           // 20: names the file has (a directory: 2 + its subdirectories)
    public uint Uid;             // 24
    public uint Gid;             // 28
    public ulong RawDevice;      // 32: a device node's number (0 otherwise)
    public ulong Size;           // 40: bytes (a symbolic link: its target's length; a directory: entries)
    public ulong Blocks;         // 48: 512-byte blocks holding data
    public uint BlockSize;       // 56: the size that I/O is best done in
    public uint Kind;            // 60: the FileKind (finer than the mode's type: pipe, channel, memory)
    public FileTime Access;      // 64
    public FileTime Modify;      // 80
    public FileTime Change;      // 96: the last change of data or metadata

    public FileKind FileKind => (FileKind)Kind;
    public uint Permissions => Mode & FileModes.PermissionMask;
    public bool IsDirectory => (Mode & FileModes.TypeMask) == FileModes.Directory;
    public bool IsSymlink => (Mode & FileModes.TypeMask) == FileModes.Symlink;
}

/// <summary>Statfs's answer (80 bytes), Linux's struct statfs in the same order.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct FsStat
{
    public ulong Type;           // 0: a magic number naming the file system (FsTypes)
    public ulong BlockSize;      // 8
    public ulong Blocks;         // 16: in BlockSize units
    public ulong BlocksFree;     // 24
    public ulong BlocksAvailable;// 32: free to an unprivileged writer
    public ulong Files;          // 40: nodes the file system could hold now
    public ulong FilesFree;      // 48
    public ulong MaxName;        // 56: longest name, in bytes
    public ulong FragmentSize;   // 64
    public ulong Flags;          // 72: FsFlags
}

/// <summary>FsStat.Type values (Linux's magic numbers where one exists).</summary>
public static class FsTypes
{
    public const ulong Ramfs = 0x858458F6;       // RAMFS_MAGIC
    public const ulong Ext2 = 0xEF53;            // EXT2_SUPER_MAGIC
    public const ulong Synthetic = 0x62656572;   // SYSFS_MAGIC: a daemon's made-up files
}

[System.Flags]
public enum FsFlags : ulong
{
    None = 0,
    ReadOnly = 1,                // ST_RDONLY
    NoSuid = 2,
    NoDev = 4,
}

/// <summary>The mode word: st_mode's file type (TypeMask) and permission bits, Linux's values.</summary>
public static class FileModes
{
    public const uint TypeMask = 0xF000;
    public const uint Socket = 0xC000;
    public const uint Symlink = 0xA000;
    public const uint Regular = 0x8000;
    public const uint BlockDevice = 0x6000;
    public const uint Directory = 0x4000;
    public const uint CharDevice = 0x2000;
    public const uint Fifo = 0x1000;
    public const uint SetUid = 0x800;
    public const uint SetGid = 0x400;
    public const uint Sticky = 0x200;
    public const uint PermissionMask = 0xFFF;   // the nine rwx bits and the three above
    /// <summary>What a file or directory gets when its creator gives no mode.</summary>
    public const uint DefaultFile = 0x1A4;      // 0644
    public const uint DefaultDirectory = 0x1ED; // 0755
    /// <summary>In the mode word of Open (w1) and Mkdir (w0): the low 12 bits are the mode asked
    /// for (without it, the defaults above; a mode of 0 is a real mode).</summary>
    public const ulong Given = 1UL << 32;

    /// <summary>The type bits for a kind of file (as daemons without a mode of their own answer).</summary>
    public static uint TypeOf(FileKind kind) => kind switch
    {
        FileKind.Directory => Directory,
        FileKind.Device => CharDevice,
        FileKind.Pipe => Fifo,
        FileKind.Channel => Socket,
        FileKind.Symlink => Symlink,
        _ => Regular,
    };
}

/// <summary>How a path operation treats a symbolic link in its last component (Stat w0, Chmod w1,
/// Chown w2, Utimens through UtimeWord): followed unless NoFollow (lstat, lchown, AT_SYMLINK_NOFOLLOW).
/// Links in the components before it are always followed.</summary>
[System.Flags]
public enum PathFlags : ulong
{
    None = 0,
    NoFollow = 1,
}

/// <summary>Utimens and Futimens in three words: w0 = access seconds, w1 = modify seconds,
/// w2 = access nanoseconds | modify nanoseconds &lt;&lt; 30 | PathFlags &lt;&lt; 60. A nanoseconds field of
/// Now sets that time to the wall clock's now, Omit leaves it (Linux's UTIME_NOW, UTIME_OMIT).</summary>
public static class UtimeWord
{
    public const uint Now = 0x3FFFFFFF;
    public const uint Omit = 0x3FFFFFFE;
    private const ulong Field = 0x3FFFFFFF;

    public static ulong Pack(uint accessNanoseconds, uint modifyNanoseconds, PathFlags flags) =>
        (accessNanoseconds & Field) | (modifyNanoseconds & Field) << 30 | (ulong)flags << 60;

    public static uint Access(ulong w2) => (uint)(w2 & Field);
    public static uint Modify(ulong w2) => (uint)(w2 >> 30 & Field);
    public static PathFlags Flags(ulong w2) => (PathFlags)(w2 >> 60);
    /// <summary>A nanoseconds field that is neither a time nor Now nor Omit.</summary>
    public static bool Valid(uint nanoseconds) => nanoseconds < 1_000_000_000 || nanoseconds == Now || nanoseconds == Omit;
}

/// <summary>Chown's "leave it as it is" (Linux's -1).</summary>
public static class Owner
{
    public const uint Unchanged = 0xFFFFFFFF;
}
