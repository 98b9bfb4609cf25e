// Open inodes (Linux's i_count): a daemon holds the inode of each open file, so that an unlink or a
// rename over its last name removes the name but not the file. Its blocks stay allocated and its
// reads and writes work until the last Release, which frees it. Without this, an open handle would
// name a freed inode number that the next create may reuse, and read another file's data.
//
// On the disk a held unnamed inode has a link count of 0, no deletion time and its bitmap bit set;
// a power cut before its release leaves exactly that, which e2fsck -fy frees (ext2 has no orphan
// list to replay, as on Linux's ext2). Unmount frees whatever is still held unnamed.
using System.Collections.Generic;
using Vireo.Abi;

namespace Vireo.User.FileSystems.Ext2;

public sealed unsafe partial class Ext2Volume<TDevice>
{
    private readonly Dictionary<uint, int> _held = new Dictionary<uint, int>();

    /// <summary>One more holder of `ino` (an open file).</summary>
    public void Hold(uint ino)
    {
        _held.TryGetValue(ino, out int count);
        _held[ino] = count + 1;
    }

    /// <summary>One holder of `ino` fewer; the last one frees the inode if no name is left for it.
    /// The statuses of unlink's freeing (the device's, Corrupt).</summary>
    public Status Release(uint ino)
    {
        if (!_held.TryGetValue(ino, out int count)) return Status.Ok;
        if (count > 1)
        {
            _held[ino] = count - 1;
            return Status.Ok;
        }
        _held.Remove(ino);
        return FreeIfUnnamed(ino);
    }

    /// <summary>Whether an open file holds `ino`.</summary>
    public bool IsHeld(uint ino) => _held.ContainsKey(ino);

    private Status FreeIfUnnamed(uint ino)
    {
        if (ReadOnly) return Status.Ok;
        Status s = LoadInode(ino, out Ext2Inode inode);
        if (s != Status.Ok) return s;
        return inode.Mode == 0 || inode.Links != 0 ? Status.Ok : FreeUnnamed(ino, ref inode);
    }

    /// <summary>Drops every hold (Unmount): unnamed inodes are freed.</summary>
    private Status ReleaseAll()
    {
        Status first = Status.Ok;
        foreach (var pair in _held)
        {
            Status s = FreeIfUnnamed(pair.Key);
            if (first == Status.Ok) first = s;
        }
        _held.Clear();
        return first;
    }
}
