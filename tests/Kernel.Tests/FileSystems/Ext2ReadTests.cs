// ext2 images made by mke2fs -d from a folder, read back through Ext2Volume: every file's bytes,
// directories, both kinds of symbolic link, hard links, modes and owners, on 1 KiB and 4 KiB blocks.
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Vireo.Abi;
using Vireo.User.FileSystems.Ext2;
using Xunit;
using static Vireo.Tests.FileSystems.Ext2TestSupport;

namespace Vireo.Tests.FileSystems;

public sealed class Ext2ReadTests
{
    /// <summary>A folder whose files reach the direct, indirect and double indirect ranges of 1 KiB blocks.</summary>
    internal static Dictionary<string, byte[]> MakeContent(string root)
    {
        var files = new Dictionary<string, byte[]>
        {
            ["hello.txt"] = Utf8("hello, ext2\n"),
            ["empty"] = Array.Empty<byte>(),
            ["dir/small.bin"] = Pattern(5000, 1),
            ["dir/sub/indirect.bin"] = Pattern(200 * 1024, 2),
            ["dir/sub/double.bin"] = Pattern(1200 * 1024, 3),
        };
        for (int i = 0; i < 40; i++) files["many/file" + i] = Utf8("file number " + i);
        foreach (var (name, data) in files)
        {
            string path = System.IO.Path.Combine(root, name);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path));
            File.WriteAllBytes(path, data);
        }
        Assert.Equal(0, E2fsprogs.Run("ln", System.IO.Path.Combine(root, "hello.txt"), System.IO.Path.Combine(root, "dir/hard")).Exit);
        File.CreateSymbolicLink(System.IO.Path.Combine(root, "fast-link"), "dir/small.bin");
        File.CreateSymbolicLink(System.IO.Path.Combine(root, "slow-link"), "dir/sub/" + new string('x', 90) + "/target");
        return files;
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(4096)]
    public void EveryFileMke2fsWroteReadsBack(int blockSize)
    {
        string folder = E2fsprogs.NewFolder();
        try
        {
            var files = MakeContent(folder);
            var image = new DiskImage(E2fsprogs.MakeImage(blockSize, 8192, folder));
            var v = Mount(image);
            Assert.Equal(blockSize, v.BlockSize);
            foreach (var (name, data) in files)
            {
                uint ino = Ext2TestSupport.Path(v, name);
                Ok(v.Stat(ino, out Ext2Stat st));
                Assert.Equal(0x8000, st.Mode & 0xF000);
                Assert.Equal((ulong)data.Length, st.Size);
                Assert.Equal(name == "hello.txt" ? 2 : 1, st.Links);
                Assert.Equal(data, ReadAll(v, ino));
            }
            Assert.Equal(Ext2TestSupport.Path(v, "hello.txt"), Ext2TestSupport.Path(v, "dir/hard"));
            var buffer = new byte[4096];
            Ok(v.ReadLink(Ext2TestSupport.Path(v, "fast-link"), buffer, out int n));
            Assert.Equal("dir/small.bin", Encoding.UTF8.GetString(buffer, 0, n));
            Ok(v.ReadLink(Ext2TestSupport.Path(v, "slow-link"), buffer, out n));
            Assert.Equal("dir/sub/" + new string('x', 90) + "/target", Encoding.UTF8.GetString(buffer, 0, n));
            Assert.Equal(Status.InvalidArgument, v.ReadLink(Ext2TestSupport.Path(v, "hello.txt"), buffer, out _));
        }
        finally { Directory.Delete(folder, true); }
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(4096)]
    public void DirectoriesListTheirEntriesWithTypes(int blockSize)
    {
        string folder = E2fsprogs.NewFolder();
        try
        {
            MakeContent(folder);
            var v = Mount(new DiskImage(E2fsprogs.MakeImage(blockSize, 8192, folder)));
            var names = new Dictionary<string, byte>();
            var name = new byte[255];
            ulong position = 0;
            while (true)
            {
                Ok(v.ReadDirectory(Ext2Volume<MemoryDisk>.Root, position, name, out int length, out uint ino, out byte type, out position, out bool end));
                if (end) break;
                Assert.NotEqual(0u, ino);
                names.Add(Encoding.UTF8.GetString(name, 0, length), type);
            }
            Assert.Equal(2, names["."]);
            Assert.Equal(2, names[".."]);
            Assert.Equal(2, names["dir"]);
            Assert.Equal(2, names["lost+found"]);
            Assert.Equal(1, names["hello.txt"]);
            Assert.Equal(7, names["fast-link"]);
            Assert.Equal(9, names.Count);

            uint many = Ext2TestSupport.Path(v, "many");
            int count = 0;
            position = 0;
            while (true)
            {
                Ok(v.ReadDirectory(many, position, name, out _, out _, out _, out position, out bool end));
                if (end) break;
                count++;
            }
            Assert.Equal(42, count);
            Assert.Equal(Status.NotDirectory, v.ReadDirectory(Ext2TestSupport.Path(v, "hello.txt"), 0, name, out _, out _, out _, out _, out _));
            Assert.Equal(Status.NotFound, v.LookupPath(Utf8("dir/none"), out _));
            Assert.Equal(Status.NotDirectory, v.LookupPath(Utf8("hello.txt/x"), out _));
            Assert.Equal(Status.NameTooLong, v.Lookup(Ext2Volume<MemoryDisk>.Root, new byte[256], out _));
            Assert.Equal(Status.IsDirectory, v.Read(many, 0, name, out _));
        }
        finally { Directory.Delete(folder, true); }
    }

    [Fact]
    public void StatfsMatchesWhatDumpe2fsCounts()
    {
        var image = new DiskImage(E2fsprogs.MakeImage(1024, 4096));
        var v = Mount(image);
        v.StatFs(out int blockSize, out ulong blocks, out ulong freeBlocks, out ulong inodes, out ulong freeInodes);
        string stats = E2fsprogs.Debugfs(image, "stats").Text;
        Assert.Equal(1024, blockSize);
        Assert.Equal(4096u, blocks);
        Assert.Contains("Free blocks:              " + freeBlocks + "\n", stats);
        Assert.Contains("Free inodes:              " + freeInodes + "\n", stats);
        Assert.Contains("Inode count:              " + inodes + "\n", stats);
        Assert.Contains("Reserved block count:     " + v.ReservedBlocks + "\n", stats);
        Assert.True(v.ReservedBlocks > 0, "mke2fs keeps 5% for root by default");
        Assert.Contains("Last mount time:          Tue Nov 14 22:13:20 2023", stats);
    }
}
