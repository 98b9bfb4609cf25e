// Open inodes (Linux's i_count): a daemon holds the inode of each open file, so that an unlink or a
// rename over its last name removes the name but not the file. Its blocks stay allocated and its
// reads and writes work until the last Release, which frees it. Without this, an open handle would
// name a freed inode number that the next create may reuse, and read another file's data.
//
// On the disk a held unnamed inode has a link count of 0, no deletion time and its bitmap bit set;
// a power cut before its release leaves exactly that, which e2fsck -fy frees (ext2 has no orphan
// list to replay, as on Linux's ext2). Unmount frees whatever is still held unnamed.
//
// Each hold also says whether it writes, and a holder may start running the inode as a program
// (ADR 0013): one signed count per inode, Linux's i_writecount, is above 0 while files are open for
// writing and below 0 while handles run it. Neither side may start while the other holds it
// (Occupied, Linux's ETXTBSY), so a program's text does not change under it.
using System.Collections.Generic;
using Vireo.Abi;

namespace Vireo.User.FileSystems.Ext2;

public sealed unsafe partial class Ext2Volume<TDevice>
{
    private struct Holders
    {
        public int Count;    // open files (Linux's i_count)
        public int Writes;   // > 0: holders open for writing; < 0: holders running it (i_writecount)
    }

    private readonly Dictionary<uint, Holders> _held = new Dictionary<uint, Holders>();

    /// <summary>One more holder of `ino` (an open file; `writes`: open for writing, which the caller
    /// checked with Writable).</summary>
    public void Hold(uint ino, bool writes = false)
    {
        _held.TryGetValue(ino, out Holders h);
        h.Count++;
        if (writes) h.Writes++;
        _held[ino] = h;
    }

    /// <summary>One holder of `ino` fewer (`writes` and `runs` as it held it); the last one frees the
    /// inode if no name is left for it. The statuses of unlink's freeing (the device's, Corrupt).</summary>
    public Status Release(uint ino, bool writes = false, bool runs = false)
    {
        if (!_held.TryGetValue(ino, out Holders h)) return Status.Ok;
        if (h.Count > 1)
        {
            h.Count--;
            if (writes) h.Writes--;
            if (runs) h.Writes++;
            _held[ino] = h;
            return Status.Ok;
        }
        _held.Remove(ino);
        return FreeIfUnnamed(ino);
    }

    /// <summary>Whether an open file holds `ino`.</summary>
    public bool IsHeld(uint ino) => _held.ContainsKey(ino);

    /// <summary>Whether `ino` may be opened for writing: not while a holder runs it.</summary>
    public bool Writable(uint ino) => !_held.TryGetValue(ino, out Holders h) || h.Writes >= 0;

    /// <summary>A holder of `ino` starts running it (once, until its Release with `runs`): false, and
    /// nothing counted, while it is open for writing or not held at all.</summary>
    public bool Run(uint ino)
    {
        if (!_held.TryGetValue(ino, out Holders h) || h.Writes > 0) return false;
        h.Writes--;
        _held[ino] = h;
        return true;
    }

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
