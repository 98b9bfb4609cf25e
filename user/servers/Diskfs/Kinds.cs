// What the scheme protocol calls each kind of ext2 inode (FileKind, and the kind byte of a Getdents
// record), and an inode's metadata as the protocol's FileStat (ext2's mode is Linux's: type and
// permission bits carry over as they are).
using Vireo.Abi;
using Vireo.User.FileSystems.Ext2;

static class Kinds
{
    public static FileKind Of(ushort mode) => (mode & Ext2Format.TypeMask) switch
    {
        Ext2Format.TypeDir => FileKind.Directory,
        Ext2Format.TypeFifo => FileKind.Pipe,
        Ext2Format.TypeChar or Ext2Format.TypeBlock => FileKind.Device,
        Ext2Format.TypeSymlink => FileKind.Symlink,
        _ => FileKind.File,
    };

    /// <summary>The FileStat of an inode (times in whole seconds: ext2 rev 1 keeps no nanoseconds).</summary>
    public static FileStat Stat(in Ext2Stat e, int blockSize)
    {
        FileStat st = default;
        st.Inode = e.Inode;
        st.Mode = e.Mode;
        st.Kind = (uint)Of(e.Mode);
        st.Links = e.Links;
        st.Uid = e.Uid;
        st.Gid = e.Gid;
        st.Size = e.Size;
        st.Blocks = e.Sectors;
        st.BlockSize = (uint)blockSize;
        st.Access = new FileTime(e.Atime, 0);
        st.Modify = new FileTime(e.Mtime, 0);
        st.Change = new FileTime(e.Ctime, 0);
        return st;
    }

    /// <summary>A directory entry's file type (Ext2Format.Ft*) as a FileKind.</summary>
    public static FileKind OfEntry(byte fileType) => fileType switch
    {
        Ext2Format.FtDir => FileKind.Directory,
        Ext2Format.FtFifo => FileKind.Pipe,
        Ext2Format.FtChar or Ext2Format.FtBlock => FileKind.Device,
        Ext2Format.FtSymlink => FileKind.Symlink,
        _ => FileKind.File,
    };
}
