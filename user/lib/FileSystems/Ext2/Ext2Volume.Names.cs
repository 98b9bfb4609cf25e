// The name space: lookup, create (files, device nodes, FIFOs), mkdir, symlink, link, unlink, rmdir
// and rename. Each operation checks everything it can before changing anything (decode, then
// invoke), and orders its changes for a power cut (docs/design/ext2.md, "Write order"):
// - create: the inode and its bitmap bits are written before the directory entry that names it
//   (WriteStage: Bitmap and Inode come before Directory);
// - unlink, rmdir, rename over a name: the directory block without the entry is written to the disk
//   (WriteNow) before the inode and its blocks are freed, so the disk never names a freed inode;
// - rename: the new name is added before the old one is removed, so a cut leaves the file under at
//   least one name (e2fsck then corrects the link count).
using System;
using Vireo.Abi;

namespace Vireo.User.FileSystems.Ext2;

public sealed unsafe partial class Ext2Volume<TDevice>
{
    public static uint Root => Ext2Format.RootInode;

    /// <summary>The inode named `name` in directory `dir`. NotFound, NotDirectory, NameTooLong, InvalidArgument (empty name).</summary>
    public Status Lookup(uint dir, ReadOnlySpan<byte> name, out uint ino)
    {
        ino = 0;
        Status s = CheckName(name, allowDots: true);
        if (s != Status.Ok) return s;
        s = LoadDirectory(dir, out Ext2Inode d);
        if (s != Status.Ok) return s;
        s = FindEntry(ref d, name, out EntryPlace place);
        if (s != Status.Ok) return s;
        ino = place.Inode;
        return Status.Ok;
    }

    /// <summary>The inode at a '/'-separated path from the root (empty components are skipped;
    /// symbolic links are not followed: the caller resolves them).</summary>
    public Status LookupPath(ReadOnlySpan<byte> path, out uint ino)
    {
        ino = Ext2Format.RootInode;
        int i = 0;
        while (i < path.Length)
        {
            if (path[i] == (byte)'/') { i++; continue; }
            int end = i;
            while (end < path.Length && path[end] != (byte)'/') end++;
            Status s = Lookup(ino, path.Slice(i, end - i), out ino);
            if (s != Status.Ok) return s;
            i = end;
        }
        return Status.Ok;
    }

    /// <summary>Creates a file (or a device node, FIFO or socket: the type in `mode`) named `name` in
    /// `dir`. Exists, NotDirectory, NameTooLong, InvalidArgument (a directory or link type: use Mkdir,
    /// Symlink), NoSpace.</summary>
    public Status Create(uint dir, ReadOnlySpan<byte> name, ushort mode, uint uid, uint gid, out uint ino)
    {
        ino = 0;
        ushort type = (ushort)(mode & Ext2Format.TypeMask);
        if (type == 0) mode |= Ext2Format.TypeFile;
        else if (type == Ext2Format.TypeDir || type == Ext2Format.TypeSymlink || Ext2Format.FileType(mode) == Ext2Format.FtUnknown)
            return Status.InvalidArgument;
        return MakeNode(dir, name, mode, uid, gid, default, out ino);
    }

    /// <summary>Creates the directory `name` in `dir` with "."u8 and ".."u8. As Create, plus NoSpace for its block.</summary>
    public Status Mkdir(uint dir, ReadOnlySpan<byte> name, ushort permissions, uint uid, uint gid, out uint ino) =>
        MakeNode(dir, name, (ushort)(Ext2Format.TypeDir | (permissions & Ext2Format.PermissionMask)), uid, gid, default, out ino);

    /// <summary>Creates a symbolic link to `target` (1 to one block of bytes): in the inode when it is
    /// shorter than 60 bytes, else in a block. NameTooLong for a longer target.</summary>
    public Status Symlink(uint dir, ReadOnlySpan<byte> name, ReadOnlySpan<byte> target, uint uid, uint gid, out uint ino)
    {
        ino = 0;
        if (target.Length == 0) return Status.InvalidArgument;
        if (target.Length >= _blockSize) return Status.NameTooLong;
        return MakeNode(dir, name, (ushort)(Ext2Format.TypeSymlink | 0x1FF), uid, gid, target, out ino);
    }

    private Status MakeNode(uint dir, ReadOnlySpan<byte> name, ushort mode, uint uid, uint gid, ReadOnlySpan<byte> target, out uint ino)
    {
        ino = 0;
        if (ReadOnly) return Status.NotSupported;
        Status s = CheckName(name, allowDots: false);
        if (s != Status.Ok) return s;
        s = LoadDirectory(dir, out Ext2Inode parent);
        if (s != Status.Ok) return s;
        s = FindEntry(ref parent, name, out _);
        if (s == Status.Ok) return Status.Exists;
        if (s != Status.NotFound) return s;
        bool directory = (mode & Ext2Format.TypeMask) == Ext2Format.TypeDir;
        if (directory && parent.Links >= ushort.MaxValue - 1) return Status.NoSpace;

        s = AllocateInode(dir, directory, out uint child);
        if (s != Status.Ok) return s;
        Ext2Inode inode = default;
        inode.Mode = mode;
        inode.Uid = uid;
        inode.Gid = gid;
        inode.Atime = inode.Ctime = inode.Mtime = Now;
        inode.Links = (ushort)(directory ? 2 : 1);
        s = InitialiseInode(child, ref inode, dir, target);
        if (s == Status.Ok) s = StoreFreshInode(child, inode);
        if (s == Status.Ok) s = LoadInode(dir, out parent);
        if (s == Status.Ok) s = AddEntry(dir, ref parent, name, child, Ext2Format.FileType(mode));
        if (s != Status.Ok)
        {
            // Undo: nothing names the inode yet, so its blocks and bit go straight back (a fast
            // symlink's "pointers" are its target's bytes: nothing to free). A rollback: the first
            // failure is what the caller hears. If a step of it fails as well, an unnamed inode or
            // blocks stay marked used, which e2fsck gives back; nothing is lost.
            if (!IsFastSymlink(inode)) _ = FreeBlocksFrom(ref inode, 0);
            inode.Links = 0;
            inode.Dtime = Now;
            // (rollback, as above) the inode stored as deleted, then its bit freed.
            _ = StoreInode(child, inode);
            _ = FreeInode(child, directory);
            return s;
        }
        if (directory)
        {
            s = LoadInode(dir, out parent);
            if (s != Status.Ok) return s;
            parent.Links++;
            s = StoreInode(dir, parent);
            if (s != Status.Ok) return s;
        }
        ino = child;
        return Status.Ok;
    }

    /// <summary>A new directory's first block ("."u8 and ".."u8), a symbolic link's target.</summary>
    private Status InitialiseInode(uint ino, ref Ext2Inode inode, uint parent, ReadOnlySpan<byte> target)
    {
        if (inode.IsSymlink && target.Length < Ext2Format.FastSymlinkMax)
        {
            fixed (uint* blocks = inode.Block) target.CopyTo(new Span<byte>(blocks, Ext2Format.FastSymlinkMax));
            inode.Size = (ulong)target.Length;
            return Status.Ok;
        }
        if (!inode.IsDirectory && !inode.IsSymlink) return Status.Ok;
        ulong goal = _firstDataBlock + (ulong)((ino - 1) / _inodesPerGroup) * _blocksPerGroup;
        Status s = MapBlock(ref inode, 0, true, goal, out ulong block, out _);
        if (s != Status.Ok) return s;
        s = _cache.GetForOverwrite(block, out int slot);
        if (s != Status.Ok) return s;
        Span<byte> bytes = _cache.Bytes(slot);
        bytes.Clear();
        if (inode.IsDirectory)
        {
            WriteEntry(bytes, 0, ino, 12, "."u8, Ext2Format.FtDir);
            WriteEntry(bytes, 12, parent, _blockSize - 12, ".."u8, Ext2Format.FtDir);
            inode.Size = (ulong)_blockSize;
        }
        else
        {
            target.CopyTo(bytes);
            inode.Size = (ulong)target.Length;
        }
        // Written before the inode that points at it (nothing names the inode yet).
        _cache.MarkDirty(slot, WriteStage.Data);
        return Status.Ok;
    }

    /// <summary>Stores a newly allocated inode whole: the bytes past the 128 standard ones are zeroed
    /// (a large inode's extra size set as mke2fs does), whatever a freed inode left there.</summary>
    private Status StoreFreshInode(uint ino, in Ext2Inode inode)
    {
        Status s = InodeSlot(ino, out int slot, out int offset);
        if (s != Status.Ok) return s;
        Span<byte> raw = _cache.Bytes(slot).Slice(offset, _inodeSize);
        raw.Clear();
        if (_inodeSize > Ext2Format.GoodOldInodeSize + 4)
            Ext2Format.Put16(raw, Ext2Format.IExtraSize, 32);
        return StoreInode(ino, inode);
    }

    /// <summary>A new name `name` in `dir` for the existing inode `ino` (not a directory). Exists,
    /// NotFound (no such inode), IsDirectory, NoSpace (link count at its maximum, or no room).</summary>
    public Status Link(uint ino, uint dir, ReadOnlySpan<byte> name)
    {
        if (ReadOnly) return Status.NotSupported;
        Status s = CheckName(name, allowDots: false);
        if (s != Status.Ok) return s;
        s = LoadLiveInode(ino, out Ext2Inode inode);
        if (s != Status.Ok) return s;
        if (inode.IsDirectory) return Status.IsDirectory;
        if (inode.Links >= ushort.MaxValue) return Status.NoSpace;
        s = LoadDirectory(dir, out Ext2Inode parent);
        if (s != Status.Ok) return s;
        s = FindEntry(ref parent, name, out _);
        if (s == Status.Ok) return Status.Exists;
        if (s != Status.NotFound) return s;
        // The count rises before the entry exists: a cut in between leaves a count one too high,
        // which e2fsck lowers; the other order could leave an entry to an inode counted as free.
        inode.Links++;
        inode.Ctime = Now;
        s = StoreInode(ino, inode);
        if (s != Status.Ok) return s;
        s = AddEntry(dir, ref parent, name, ino, Ext2Format.FileType(inode.Mode));
        if (s != Status.Ok)
        {
            inode.Links--;
            // Rollback of the count: if it fails, the link count stays one high, which e2fsck lowers.
            _ = StoreInode(ino, inode);
        }
        return s;
    }

    /// <summary>Removes the name `name` (not a directory: IsDirectory) from `dir`; the inode and its
    /// blocks are freed with its last name. NotFound, NotDirectory, InvalidArgument ("."u8 or ".."u8).</summary>
    public Status Unlink(uint dir, ReadOnlySpan<byte> name) => RemoveName(dir, name, directory: false);

    /// <summary>Removes the empty directory `name` from `dir`. NotEmpty, NotDirectory, NotFound.</summary>
    public Status Rmdir(uint dir, ReadOnlySpan<byte> name) => RemoveName(dir, name, directory: true);

    private Status RemoveName(uint dir, ReadOnlySpan<byte> name, bool directory)
    {
        if (ReadOnly) return Status.NotSupported;
        Status s = CheckName(name, allowDots: true);
        if (s != Status.Ok) return s;
        if (IsDotOrDotDot(name)) return directory && name.Length == 2 ? Status.NotEmpty : Status.InvalidArgument;
        s = LoadDirectory(dir, out Ext2Inode parent);
        if (s != Status.Ok) return s;
        s = FindNamed(ref parent, name, out EntryPlace place, out Ext2Inode victim);
        if (s != Status.Ok) return s;
        s = CheckRemovable(ref victim, directory);
        if (s != Status.Ok) return s;
        s = RemoveEntry(dir, ref parent, place);
        if (s != Status.Ok) return s;
        if (directory)
        {
            parent.Links--;
            s = StoreInode(dir, parent);
            if (s != Status.Ok) return s;
        }
        return DropLink(place.Inode, place.Block);
    }

    /// <summary>One name of `ino` is gone from `directoryBlock`: lowers the link count and frees the
    /// inode with its last name, after that directory block is on the disk.</summary>
    private Status DropLink(uint ino, ulong directoryBlock)
    {
        Status s = LoadInode(ino, out Ext2Inode inode);
        if (s != Status.Ok) return s;
        bool directory = inode.IsDirectory;
        int drop = directory ? 2 : 1;
        inode.Ctime = Now;
        if (inode.Links > drop)
        {
            inode.Links--;
            return StoreInode(ino, inode);
        }
        s = _cache.WriteBlockNow(directoryBlock);
        if (s != Status.Ok) return s;
        inode.Links = 0;
        // Still open: it keeps its blocks until the last Release (Ext2Volume.Held.cs).
        if (IsHeld(ino)) return StoreInode(ino, inode);
        return FreeUnnamed(ino, ref inode);
    }

    /// <summary>Frees an inode whose last name went (Links 0): its blocks, its attribute block, then
    /// the inode itself, stored with its deletion time before its bitmap bit clears.</summary>
    private Status FreeUnnamed(uint ino, ref Ext2Inode inode)
    {
        bool directory = inode.IsDirectory;
        inode.Dtime = Now;
        Status s;
        if (!IsFastSymlink(inode))
        {
            s = FreeBlocksFrom(ref inode, 0);
            if (s != Status.Ok)
            {
                // Keeps what was freed before the failure, which is what the caller hears.
                _ = StoreInode(ino, inode);
                return s;
            }
        }
        s = ReleaseAttributeBlock(ref inode);
        if (s != Status.Ok) return s;
        s = StoreInode(ino, inode);
        return s != Status.Ok ? s : FreeInode(ino, directory);
    }

    /// <summary>Drops the inode's reference to its extended attribute block, freeing it with the last one.</summary>
    private Status ReleaseAttributeBlock(ref Ext2Inode inode)
    {
        if (inode.FileAcl == 0) return Status.Ok;
        ulong block = inode.FileAcl;
        if (!ValidDataBlock(block)) return Corrupt;
        Status s = _cache.Get(block, out int slot);
        if (s != Status.Ok) return s;
        Span<byte> bytes = _cache.Bytes(slot);
        if (Vireo.Formats.LittleEndian.U32(bytes, 0) != Ext2Format.XattrMagic) return Corrupt;
        uint references = Vireo.Formats.LittleEndian.U32(bytes, Ext2Format.XattrRefCount);
        inode.FileAcl = 0;
        if (references > 1)
        {
            Ext2Format.Put32(bytes, Ext2Format.XattrRefCount, references - 1);
            _cache.MarkDirty(slot, WriteStage.Data);
            return Status.Ok;
        }
        return ReleaseBlock(ref inode, block);
    }

    /// <summary>Renames `fromDir`/`fromName` to `toDir`/`toName`, replacing a file there (or an empty
    /// directory, when a directory moves). NotFound, Exists is never returned (the target is replaced),
    /// IsDirectory (a file over a directory), NotDirectory (a directory over a file), NotEmpty,
    /// InvalidArgument (a directory into itself or its own subtree, "."u8 or ".."u8), Corrupt (a ".."u8 loop).</summary>
    public Status Rename(uint fromDir, ReadOnlySpan<byte> fromName, uint toDir, ReadOnlySpan<byte> toName)
    {
        if (ReadOnly) return Status.NotSupported;
        Status s = CheckName(fromName, allowDots: true);
        if (s == Status.Ok) s = CheckName(toName, allowDots: true);
        if (s != Status.Ok) return s;
        if (IsDotOrDotDot(fromName) || IsDotOrDotDot(toName)) return Status.InvalidArgument;
        s = LoadDirectory(fromDir, out Ext2Inode from);
        if (s != Status.Ok) return s;
        s = LoadDirectory(toDir, out Ext2Inode to);
        if (s != Status.Ok) return s;
        s = FindNamed(ref from, fromName, out EntryPlace source, out Ext2Inode moving);
        if (s != Status.Ok) return s;
        bool directory = moving.IsDirectory;

        s = FindEntry(ref to, toName, out EntryPlace target);
        bool replacing = s == Status.Ok;
        if (s != Status.Ok && s != Status.NotFound) return s;
        if (replacing && target.Inode == source.Inode) return Status.Ok;
        if (replacing)
        {
            s = LoadInode(target.Inode, out Ext2Inode victim);
            if (s == Status.Ok) s = victim.Mode == 0 || victim.Links == 0 ? Corrupt : CheckRemovable(ref victim, directory);
            if (s != Status.Ok) return s;
        }
        if (directory && fromDir != toDir)
        {
            s = IsAncestorOrSelf(source.Inode, toDir, out bool inside);
            if (s != Status.Ok) return s;
            if (inside) return Status.InvalidArgument;
            if (!replacing && to.Links >= ushort.MaxValue - 1) return Status.NoSpace;
        }

        // 1. The new name.
        if (replacing)
            s = RetargetEntry(toDir, ref to, target, source.Inode, Ext2Format.FileType(moving.Mode));
        else
            s = AddEntry(toDir, ref to, toName, source.Inode, Ext2Format.FileType(moving.Mode));
        if (s != Status.Ok) return s;

        // 2. The old name (its place may have moved if the new name went into the same block: find it again).
        s = LoadInode(fromDir, out from);
        if (s != Status.Ok) return s;
        s = FindEntry(ref from, fromName, out source);
        if (s != Status.Ok) return s;
        s = RemoveEntry(fromDir, ref from, source);
        if (s != Status.Ok) return s;

        // 3. A moved directory's ".."u8, and the parents' link counts.
        if (directory && fromDir != toDir)
        {
            s = SetDotDot(source.Inode, toDir);
            if (s != Status.Ok) return s;
            s = AdjustLinks(fromDir, -1);
            if (s == Status.Ok && !replacing) s = AdjustLinks(toDir, 1);
            if (s != Status.Ok) return s;
        }
        else if (directory && replacing)
        {
            s = AdjustLinks(toDir, -1);
            if (s != Status.Ok) return s;
        }
        s = LoadInode(source.Inode, out moving);
        if (s != Status.Ok) return s;
        moving.Ctime = Now;
        s = StoreInode(source.Inode, moving);
        if (s != Status.Ok) return s;

        // 4. The replaced inode loses its name (freed after the directory block is written).
        return replacing ? DropLink(target.Inode, target.Block) : Status.Ok;
    }

    private Status AdjustLinks(uint ino, int delta)
    {
        Status s = LoadInode(ino, out Ext2Inode inode);
        if (s != Status.Ok) return s;
        inode.Links = (ushort)(inode.Links + delta);
        return StoreInode(ino, inode);
    }

    private Status SetDotDot(uint dir, uint parent)
    {
        Status s = LoadInode(dir, out Ext2Inode d);
        if (s != Status.Ok) return s;
        s = FindEntry(ref d, ".."u8, out EntryPlace dotdot);
        if (s == Status.NotFound) return Corrupt;
        if (s != Status.Ok) return s;
        return RetargetEntry(dir, ref d, dotdot, parent, Ext2Format.FtDir);
    }

    /// <summary>Whether `ancestor` is `dir` or above it, walking ".."u8 up to the root. A chain longer
    /// than the volume's inode count is a loop: Corrupt.</summary>
    private Status IsAncestorOrSelf(uint ancestor, uint dir, out bool result)
    {
        result = false;
        uint current = dir;
        for (uint steps = 0; steps <= _inodesCount; steps++)
        {
            if (current == ancestor) { result = true; return Status.Ok; }
            if (current == Ext2Format.RootInode) return Status.Ok;
            Status s = LoadDirectory(current, out Ext2Inode d);
            if (s == Status.NotFound || s == Status.NotDirectory) return Corrupt;
            if (s != Status.Ok) return s;
            s = FindEntry(ref d, ".."u8, out EntryPlace up);
            if (s == Status.NotFound) return Corrupt;
            if (s != Status.Ok) return s;
            current = up.Inode;
        }
        return Corrupt;
    }

    /// <summary>The entry `name` in `dir` and the live inode it names (a free one is Corrupt).</summary>
    private Status FindNamed(ref Ext2Inode dir, ReadOnlySpan<byte> name, out EntryPlace place, out Ext2Inode inode)
    {
        inode = default;
        Status s = FindEntry(ref dir, name, out place);
        if (s != Status.Ok) return s;
        s = LoadInode(place.Inode, out inode);
        if (s != Status.Ok) return s;
        return inode.Mode == 0 || inode.Links == 0 ? Corrupt : Status.Ok;
    }

    /// <summary>Whether `victim` may lose its name by rmdir (`directory`) or unlink, or be replaced
    /// by a rename of that kind: NotDirectory, IsDirectory, NotEmpty.</summary>
    private Status CheckRemovable(ref Ext2Inode victim, bool directory)
    {
        if (directory && !victim.IsDirectory) return Status.NotDirectory;
        if (!directory && victim.IsDirectory) return Status.IsDirectory;
        if (!directory) return Status.Ok;
        Status s = IsEmptyDirectory(ref victim, out bool empty);
        if (s != Status.Ok) return s;
        return empty ? Status.Ok : Status.NotEmpty;
    }

    private Status LoadDirectory(uint ino, out Ext2Inode dir)
    {
        Status s = LoadLiveInode(ino, out dir);
        if (s != Status.Ok) return s;
        return dir.IsDirectory ? Status.Ok : Status.NotDirectory;
    }

    /// <summary>A name of 1 to 255 bytes without '/' or NUL ("."u8 and ".."u8 only where `allowDots`: Exists otherwise).</summary>
    private static Status CheckName(ReadOnlySpan<byte> name, bool allowDots)
    {
        if (name.Length == 0) return Status.InvalidArgument;
        if (name.Length > Ext2Format.MaxNameLength) return Status.NameTooLong;
        for (int i = 0; i < name.Length; i++)
            if (name[i] == (byte)'/' || name[i] == 0) return Status.InvalidArgument;
        if (!allowDots && IsDotOrDotDot(name)) return Status.Exists;
        return Status.Ok;
    }
}
