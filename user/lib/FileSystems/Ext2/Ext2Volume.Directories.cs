// Directory blocks: a chain of entries (inode, rec_len, name_len, file type, name) whose rec_lens
// cover the block exactly. Every entry is checked before it is used (rec_len at least the header,
// a multiple of 4, inside the block; the name inside rec_len); a bad one makes the operation
// Corrupt. Adding an entry takes the slack of an entry (or a free one) that has room, else appends a
// block; removing one joins it to the entry before it, or frees it in place when it is first.
// A directory with the htree index flag is read as the plain linear directory it also is; the flag
// is cleared when the directory changes, since this code does not maintain the index.
using System;
using Vireo.Abi;
using Vireo.Formats;

namespace Vireo.User.FileSystems.Ext2;

public sealed unsafe partial class Ext2Volume<TDevice>
{
    /// <summary>Where an entry is: its directory block and offset, and the entry before it in that block (-1: none).</summary>
    private struct EntryPlace
    {
        public ulong Block;
        public int Offset, Previous, RecordLength;
        public uint Inode;
        public byte FileType;
    }

    /// <summary>The fields of the entry at `offset`, checked against the block.</summary>
    private bool ReadEntry(ReadOnlySpan<byte> block, int offset, out uint ino, out int recordLength, out int nameLength, out byte fileType)
    {
        ino = 0;
        recordLength = nameLength = 0;
        fileType = 0;
        if (offset + Ext2Format.DirEntryHeader > block.Length) return false;
        ino = LittleEndian.U32(block, offset);
        recordLength = LittleEndian.U16(block, offset + 4);
        nameLength = block[offset + 6];
        fileType = block[offset + 7];
        if (recordLength < Ext2Format.DirEntryHeader || (recordLength & 3) != 0 || offset + recordLength > block.Length) return false;
        if (Ext2Format.DirEntryHeader + nameLength > recordLength) return false;
        if (ino > _inodesCount) return false;
        return true;
    }

    /// <summary>Directory block `index` in the cache; a directory has no holes, so one is Corrupt.</summary>
    private Status DirectoryBlockSlot(ref Ext2Inode dir, ulong index, out ulong block, out int slot)
    {
        slot = 0;
        Status s = MapBlock(ref dir, index, false, 0, out block, out _);
        if (s != Status.Ok) return s;
        return block == 0 ? Corrupt : _cache.Get(block, out slot);
    }

    private Status CheckDirectorySize(in Ext2Inode dir)
    {
        if (dir.Size % (ulong)_blockSize != 0 || dir.Size / (ulong)_blockSize > AddressableBlocks) return Corrupt;
        return Status.Ok;
    }

    /// <summary>Finds `name` in the directory: NotFound when it is not there.</summary>
    private Status FindEntry(ref Ext2Inode dir, ReadOnlySpan<byte> name, out EntryPlace place)
    {
        place = default;
        Status s = CheckDirectorySize(dir);
        if (s != Status.Ok) return s;
        ulong blocks = dir.Size / (ulong)_blockSize;
        for (ulong b = 0; b < blocks; b++)
        {
            s = DirectoryBlockSlot(ref dir, b, out ulong block, out int slot);
            if (s != Status.Ok) return s;
            ReadOnlySpan<byte> bytes = _cache.Bytes(slot);
            int previous = -1;
            for (int offset = 0; offset < _blockSize;)
            {
                if (!ReadEntry(bytes, offset, out uint ino, out int rec, out int len, out byte type)) return Corrupt;
                if (ino != 0 && len == name.Length && bytes.Slice(offset + Ext2Format.DirEntryHeader, len).SequenceEqual(name))
                {
                    place.Block = block;
                    place.Offset = offset;
                    place.Previous = previous;
                    place.RecordLength = rec;
                    place.Inode = ino;
                    place.FileType = type;
                    return Status.Ok;
                }
                previous = offset;
                offset += rec;
            }
        }
        return Status.NotFound;
    }

    /// <summary>Whether the directory holds nothing but "." and "..".</summary>
    private Status IsEmptyDirectory(ref Ext2Inode dir, out bool empty)
    {
        empty = false;
        Status s = CheckDirectorySize(dir);
        if (s != Status.Ok) return s;
        ulong blocks = dir.Size / (ulong)_blockSize;
        for (ulong b = 0; b < blocks; b++)
        {
            s = DirectoryBlockSlot(ref dir, b, out ulong block, out int slot);
            if (s != Status.Ok) return s;
            ReadOnlySpan<byte> bytes = _cache.Bytes(slot);
            for (int offset = 0; offset < _blockSize;)
            {
                if (!ReadEntry(bytes, offset, out uint ino, out int rec, out int len, out _)) return Corrupt;
                if (ino != 0 && !IsDotOrDotDot(bytes.Slice(offset + Ext2Format.DirEntryHeader, len))) return Status.Ok;
                offset += rec;
            }
        }
        empty = true;
        return Status.Ok;
    }

    private static bool IsDotOrDotDot(ReadOnlySpan<byte> name) =>
        (name.Length == 1 && name[0] == (byte)'.') || (name.Length == 2 && name[0] == (byte)'.' && name[1] == (byte)'.');

    /// <summary>Adds the entry `name` → `ino` to directory `dirIno` (the caller checked the name is
    /// not there). The directory's inode is changed in `dir` and stored here.</summary>
    private Status AddEntry(uint dirIno, ref Ext2Inode dir, ReadOnlySpan<byte> name, uint ino, byte fileType)
    {
        int need = Ext2Format.EntrySize(name.Length);
        Status s = CheckDirectorySize(dir);
        if (s != Status.Ok) return s;
        ulong blocks = dir.Size / (ulong)_blockSize;
        dir.Flags &= ~Ext2Format.FlagIndex;
        for (ulong b = 0; b < blocks; b++)
        {
            s = DirectoryBlockSlot(ref dir, b, out ulong block, out int slot);
            if (s != Status.Ok) return s;
            Span<byte> bytes = _cache.Bytes(slot);
            for (int offset = 0; offset < _blockSize;)
            {
                if (!ReadEntry(bytes, offset, out uint used, out int rec, out int len, out _)) return Corrupt;
                int kept = used == 0 ? 0 : Ext2Format.EntrySize(len);
                if (rec - kept >= need)
                {
                    int at = offset + kept;
                    if (kept != 0) Ext2Format.Put16(bytes, offset + 4, (ushort)kept);
                    WriteEntry(bytes, at, ino, rec - kept, name, fileType);
                    _cache.MarkDirty(slot, WriteStage.Directory);
                    return TouchDirectory(dirIno, ref dir);
                }
                offset += rec;
            }
        }

        // No room: a new block at the end, one entry covering it. It is written with the other
        // directory blocks (after the inode it names), so the stage is Directory.
        s = MapBlock(ref dir, blocks, true, Goal(dirIno, ref dir, blocks), out ulong fresh, out _);
        if (s != Status.Ok)
        {
            // The map's failure is what the caller hears; storing the inode keeps what MapBlock did
            // before it failed, and if that fails too the image is no worse than a power cut here.
            _ = StoreInode(dirIno, dir);
            return s;
        }
        s = _cache.GetForOverwrite(fresh, out int newSlot);
        if (s != Status.Ok) return s;
        Span<byte> newBytes = _cache.Bytes(newSlot);
        newBytes.Clear();
        WriteEntry(newBytes, 0, ino, _blockSize, name, fileType);
        _cache.MarkDirty(newSlot, WriteStage.Directory);
        dir.Size += (ulong)_blockSize;
        return TouchDirectory(dirIno, ref dir);
    }

    private static void WriteEntry(Span<byte> bytes, int offset, uint ino, int recordLength, ReadOnlySpan<byte> name, byte fileType)
    {
        Ext2Format.Put32(bytes, offset, ino);
        Ext2Format.Put16(bytes, offset + 4, (ushort)recordLength);
        bytes[offset + 6] = (byte)name.Length;
        bytes[offset + 7] = fileType;
        name.CopyTo(bytes.Slice(offset + Ext2Format.DirEntryHeader));
    }

    /// <summary>Removes the entry at `place` from directory `dirIno`.</summary>
    private Status RemoveEntry(uint dirIno, ref Ext2Inode dir, in EntryPlace place)
    {
        Status s = _cache.Get(place.Block, out int slot);
        if (s != Status.Ok) return s;
        Span<byte> bytes = _cache.Bytes(slot);
        if (place.Previous >= 0)
        {
            int merged = LittleEndian.U16(bytes, place.Previous + 4) + place.RecordLength;
            Ext2Format.Put16(bytes, place.Previous + 4, (ushort)merged);
        }
        else
        {
            Ext2Format.Put32(bytes, place.Offset, 0);
        }
        _cache.MarkDirty(slot, WriteStage.Directory);
        dir.Flags &= ~Ext2Format.FlagIndex;
        return TouchDirectory(dirIno, ref dir);
    }

    /// <summary>Points the existing entry at `place` to another inode (rename over a name).</summary>
    private Status RetargetEntry(uint dirIno, ref Ext2Inode dir, in EntryPlace place, uint ino, byte fileType)
    {
        Status s = _cache.Get(place.Block, out int slot);
        if (s != Status.Ok) return s;
        Span<byte> bytes = _cache.Bytes(slot);
        Ext2Format.Put32(bytes, place.Offset, ino);
        bytes[place.Offset + 7] = fileType;
        _cache.MarkDirty(slot, WriteStage.Directory);
        dir.Flags &= ~Ext2Format.FlagIndex;
        return TouchDirectory(dirIno, ref dir);
    }

    private Status TouchDirectory(uint dirIno, ref Ext2Inode dir)
    {
        dir.Mtime = dir.Ctime = Now;
        return StoreInode(dirIno, dir);
    }

    /// <summary>readdir: the next live entry at or after byte `position` of the directory. Its name is
    /// copied into `name` (255 bytes hold any); `next` is where to continue. `end` when there is none.</summary>
    public Status ReadDirectory(uint dirIno, ulong position, Span<byte> name, out int nameLength, out uint ino,
        out byte fileType, out ulong next, out bool end)
    {
        nameLength = 0;
        ino = 0;
        fileType = 0;
        next = position;
        end = false;
        Status s = LoadLiveInode(dirIno, out Ext2Inode dir);
        if (s != Status.Ok) return s;
        if (!dir.IsDirectory) return Status.NotDirectory;
        s = CheckDirectorySize(dir);
        if (s != Status.Ok) return s;
        if (position % 4 != 0) return Status.InvalidArgument;
        while (position < dir.Size)
        {
            ulong index = position / (ulong)_blockSize;
            int offset = (int)(position % (ulong)_blockSize);
            s = DirectoryBlockSlot(ref dir, index, out _, out int slot);
            if (s != Status.Ok) return s;
            ReadOnlySpan<byte> bytes = _cache.Bytes(slot);
            if (!ReadEntry(bytes, offset, out uint entryIno, out int rec, out int len, out byte type)) return Corrupt;
            position += (ulong)rec;
            if (entryIno == 0) continue;
            if (len > name.Length) return Status.NameTooLong;
            bytes.Slice(offset + Ext2Format.DirEntryHeader, len).CopyTo(name);
            nameLength = len;
            ino = entryIno;
            fileType = type;
            next = position;
            return Status.Ok;
        }
        next = position;
        end = true;
        return Status.Ok;
    }
}
