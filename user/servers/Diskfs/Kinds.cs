// What the scheme protocol calls each kind of ext2 inode (FileKind, and the kind byte of a Getdents
// record). The protocol has no kind for a symbolic link yet (the Unix metadata ops will bring the
// mode itself): a link is listed and stat'ed as a file.
using Vireo.Abi;
using Vireo.User.FileSystems.Ext2;

static class Kinds
{
    public static FileKind Of(ushort mode) => (mode & Ext2Format.TypeMask) switch
    {
        Ext2Format.TypeDir => FileKind.Directory,
        Ext2Format.TypeFifo => FileKind.Pipe,
        Ext2Format.TypeChar or Ext2Format.TypeBlock => FileKind.Device,
        _ => FileKind.File,
    };

    /// <summary>A directory entry's file type (Ext2Format.Ft*) as a FileKind.</summary>
    public static FileKind OfEntry(byte fileType) => fileType switch
    {
        Ext2Format.FtDir => FileKind.Directory,
        Ext2Format.FtFifo => FileKind.Pipe,
        Ext2Format.FtChar or Ext2Format.FtBlock => FileKind.Device,
        _ => FileKind.File,
    };
}
