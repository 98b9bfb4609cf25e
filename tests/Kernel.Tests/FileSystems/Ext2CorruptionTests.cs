// Damaged images: each kind of damage answers a status (InvalidArgument, NotSupported, or
// Ext2Volume.Corrupt), and random damage never makes the code throw (on the host an out-of-range
// index would be an exception, so these tests also prove every read is bounds-checked first).
using System;
using System.Text.RegularExpressions;
using Vireo.Abi;
using Vireo.User.FileSystems.Ext2;
using Xunit;
using static Vireo.Tests.FileSystems.Ext2TestSupport;

namespace Vireo.Tests.FileSystems;

public sealed class Ext2CorruptionTests
{
    private const uint Root = 2;
    private static readonly Status Corrupt = Ext2Volume<MemoryDisk>.Corrupt;

    /// <summary>An image with /dir/file (20 KiB) and /dir/sub, unmounted cleanly.</summary>
    private static DiskImage Populated(int blockSize)
    {
        var image = new DiskImage(E2fsprogs.MakeImage(blockSize, 2048));
        var v = Mount(image);
        Ok(v.Mkdir(Root, Utf8("dir"), 0x1ED, 0, 0, out uint dir));
        CreateFile(v, dir, "file", Pattern(20 * 1024, 1));
        Ok(v.Mkdir(dir, Utf8("sub"), 0x1ED, 0, 0, out _));
        Ok(v.Unmount());
        return image;
    }

    /// <summary>The byte offset in the image of inode `ino` (debugfs imap).</summary>
    private static int InodeOffset(DiskImage image, string inode, int blockSize)
    {
        Match m = Regex.Match(E2fsprogs.Debugfs(image, "imap " + inode).Text, @"located at block (\d+), offset 0x([0-9a-f]+)");
        Assert.True(m.Success);
        return int.Parse(m.Groups[1].Value) * blockSize + Convert.ToInt32(m.Groups[2].Value, 16);
    }

    private static int FirstBlockOffset(DiskImage image, string inode, int blockSize) =>
        int.Parse(E2fsprogs.Debugfs(image, "bmap " + inode + " 0").Text.Trim()) * blockSize;

    [Fact]
    public void ABadMagicOrUnknownFeatureRefusesTheMount()
    {
        var image = Populated(1024);
        byte[] good = (byte[])image.Bytes.Clone();
        image.Bytes[1024 + 56] = 0x54;
        Assert.Equal(Status.InvalidArgument, Ext2Volume<MemoryDisk>.Mount(new MemoryDisk(image), 16, out _));

        image.Bytes = (byte[])good.Clone();
        image.Bytes[1024 + 96] |= 0x40;   // extents (ext4)
        Assert.Equal(Status.NotSupported, Ext2Volume<MemoryDisk>.Mount(new MemoryDisk(image), 16, out _));

        image.Bytes = (byte[])good.Clone();
        image.Bytes[1024 + 24] = 9;       // a 512 KiB block size
        Assert.Equal(Status.NotSupported, Ext2Volume<MemoryDisk>.Mount(new MemoryDisk(image), 16, out _));

        image.Bytes = (byte[])good.Clone();
        image.Bytes[1024 + 40] = 0xFF;    // inodes per group no longer matches the inode count
        Assert.Equal(Status.InvalidArgument, Ext2Volume<MemoryDisk>.Mount(new MemoryDisk(image), 16, out _));

        image.Bytes = (byte[])good.Clone();
        image.Bytes[2048 + 8] = 0xF0;     // group 0's inode table past the end
        image.Bytes[2048 + 9] = 0xFF;
        Assert.Equal(Corrupt, Ext2Volume<MemoryDisk>.Mount(new MemoryDisk(image), 16, out _));

        image.Bytes = (byte[])good.Clone();
        image.Bytes[1024 + 100] |= 0x10;  // gdt_csum: readable, not writable here
        var ro = Mount(image);
        Assert.True(ro.ReadOnly);
        Assert.Equal(Status.NotSupported, ro.Create(Root, Utf8("x"), 0x81A4, 0, 0, out _));
        Assert.Equal(20 * 1024, ReadAll(ro, Ext2TestSupport.Path(ro, "dir/file")).Length);
    }

    [Fact]
    public void AnEntryNamingAnInodeOutOfRangeIsCorrupt()
    {
        var image = Populated(1024);
        int block = FirstBlockOffset(image, "/dir", 1024);
        // Entries: "." (12), ".." (12), then "file": its inode number is at +24.
        image.Bytes[block + 24 + 3] = 0x7F;
        var v = Mount(image);
        uint dir = Ext2TestSupport.Path(v, "dir");
        Assert.Equal(Corrupt, v.Lookup(dir, Utf8("file"), out _));
        Assert.Equal(Corrupt, v.Create(dir, Utf8("new"), 0x81A4, 0, 0, out _));
        Assert.Equal(Status.NotFound, v.Stat(0x7F000000, out _));
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(4096)]
    public void ARecordLengthOfZeroIsCorrupt(int blockSize)
    {
        var image = Populated(blockSize);
        int block = FirstBlockOffset(image, "/dir", blockSize);
        image.Bytes[block + 12 + 4] = 0;
        image.Bytes[block + 12 + 5] = 0;
        var v = Mount(image);
        uint dir = Ext2TestSupport.Path(v, "dir");
        Assert.Equal(Corrupt, v.Lookup(dir, Utf8("file"), out _));
        Assert.Equal(Corrupt, v.ReadDirectory(dir, 12, new byte[255], out _, out _, out _, out _, out _));
        Assert.Equal(Corrupt, v.Rmdir(Root, Utf8("dir")));
        Assert.Equal(Corrupt, v.Mkdir(dir, Utf8("x"), 0x1ED, 0, 0, out _));
    }

    [Fact]
    public void ABlockPointerOutsideTheVolumeIsCorrupt()
    {
        var image = Populated(1024);
        int inode = InodeOffset(image, "/dir/file", 1024);
        image.Bytes[inode + 40 + 4 * 3 + 3] = 0x40;   // direct pointer 3
        var v = Mount(image);
        uint file = Ext2TestSupport.Path(v, "dir/file");
        var buffer = new byte[20 * 1024];
        Assert.Equal(Corrupt, v.Read(file, 0, buffer, out _));
        Assert.Equal(Corrupt, v.Truncate(file, 0));
    }

    [Fact]
    public void ADirectoryLoopIsCorruptNotAHang()
    {
        var image = Populated(1024);
        int block = FirstBlockOffset(image, "/dir/sub", 1024);
        var v0 = Mount(image);
        uint sub = Ext2TestSupport.Path(v0, "dir/sub");
        // sub's ".." names sub itself: walking up from it never reaches the root.
        image.Bytes[block + 12] = (byte)sub;
        image.Bytes[block + 13] = (byte)(sub >> 8);
        var v = Mount(image);
        Ok(v.Mkdir(Root, Utf8("other"), 0x1ED, 0, 0, out _));
        Assert.Equal(Corrupt, v.Rename(Root, Utf8("other"), sub, Utf8("moved")));
        Ok(v.LookupPath(Utf8("dir/sub/../../.."), out uint same));
        Assert.Equal(sub, same);
    }

    [Theory]
    [InlineData(1024, 1)]
    [InlineData(4096, 2)]
    [InlineData(1024, 3)]
    public void RandomDamageNeverThrows(int blockSize, int seed)
    {
        DiskImage clean = Populated(blockSize);
        var rng = new Random(seed);
        int metadataBytes = 64 * blockSize;
        for (int round = 0; round < 60; round++)
        {
            var image = new DiskImage((byte[])clean.Bytes.Clone());
            for (int i = 0; i < 1 + rng.Next(20); i++)
                image.Bytes[rng.Next(metadataBytes)] ^= (byte)(1 << rng.Next(8));
            if (Ext2Volume<MemoryDisk>.Mount(new MemoryDisk(image), 16, out var v) != Status.Ok) continue;
            var buffer = new byte[64 * 1024];
            v.LookupPath(Utf8("dir/file"), out uint file);
            v.Read(file, 0, buffer, out _);
            v.Write(file, 5000, buffer.AsSpan(0, 3000), out _);
            v.Truncate(file, 100);
            v.LookupPath(Utf8("dir"), out uint dir);
            ulong position = 0;
            for (int n = 0; n < 50; n++)
                if (v.ReadDirectory(dir, position, buffer.AsSpan(0, 255), out _, out _, out _, out position, out bool end) != Status.Ok || end) break;
            v.Create(dir, Utf8("new"), 0x81A4, 0, 0, out uint created);
            v.Write(created, 0, buffer.AsSpan(0, 5000), out _);
            v.Mkdir(Root, Utf8("d2"), 0x1ED, 0, 0, out _);
            v.Rename(dir, Utf8("sub"), Root, Utf8("sub2"));
            v.Unlink(dir, Utf8("file"));
            v.Rmdir(Root, Utf8("sub2"));
            v.Rmdir(Root, Utf8("dir"));
            v.Sync();
        }
    }
}
