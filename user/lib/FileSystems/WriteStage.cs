// The order in which dirty blocks reach the disk. A block dirtied in a stage is written only after
// every dirty block of the earlier stages, so the disk never holds a directory entry naming an inode
// that is not yet written, nor an inode pointing at blocks its bitmap does not hold
// (docs/design/ext2.md, "Write order").
namespace Vireo.User.FileSystems;

public enum WriteStage : byte
{
    /// <summary>File contents, indirect blocks, a new directory's first block.</summary>
    Data = 0,
    /// <summary>Block and inode bitmaps.</summary>
    Bitmap = 1,
    /// <summary>Inode table blocks.</summary>
    Inode = 2,
    /// <summary>Blocks of existing directories (entries added or removed).</summary>
    Directory = 3,
    /// <summary>Group descriptors and the superblock (free counts, state).</summary>
    Super = 4,
}
