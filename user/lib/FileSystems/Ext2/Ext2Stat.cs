// What stat(2) reports of an ext2 inode.
namespace Vireo.User.FileSystems.Ext2;

public struct Ext2Stat
{
    public uint Inode;
    /// <summary>Type and permission bits (S_IFREG | 0644 ...).</summary>
    public ushort Mode;
    public uint Uid, Gid;
    public ushort Links;
    public ulong Size;
    /// <summary>512-byte sectors held.</summary>
    public ulong Sectors;
    public uint Atime, Mtime, Ctime;
}
