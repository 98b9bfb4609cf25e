// Writes through Ext2Volume judged by the reference tools: after each scenario the image is
// unmounted, e2fsck -fn must find nothing, and debugfs must read what was written.
using System;
using System.Collections.Generic;
using System.Text;
using Vireo.Abi;
using Vireo.User.FileSystems.Ext2;
using Xunit;
using static Vireo.Tests.FileSystems.Ext2TestSupport;

namespace Vireo.Tests.FileSystems;

public sealed class Ext2WriteTests
{
    private const uint Root = 2;

    [Theory]
    [InlineData(1024)]
    [InlineData(4096)]
    public void NamespaceOperationsLeaveACleanImage(int blockSize)
    {
        var image = new DiskImage(E2fsprogs.MakeImage(blockSize, 8192));
        var v = Mount(image, cacheBlocks: 16);
        byte[] big = Pattern(300 * 1024, 7);
        uint a = CreateFile(v, Root, "a.txt", Utf8("alpha\n"));
        Ok(v.Mkdir(Root, Utf8("docs"), 0x1ED, 1000, 100, out uint docs));
        Ok(v.Mkdir(docs, Utf8("deep"), 0x1C0, 1000, 100, out uint deep));
        uint b = CreateFile(v, deep, "big.bin", big);
        Ok(v.Link(b, Root, Utf8("big-link")));
        Ok(v.Symlink(Root, Utf8("short"), Utf8("docs/deep/big.bin"), 0, 0, out _));
        string longTarget = new string('t', 200);
        Ok(v.Symlink(docs, Utf8("long"), Utf8(longTarget), 0, 0, out _));
        uint gone = CreateFile(v, Root, "gone", Pattern(40000, 8));
        Ok(v.Unlink(Root, Utf8("gone")));
        Assert.Equal(Status.NotFound, v.Stat(gone, out _));
        Ok(v.Mkdir(Root, Utf8("emptydir"), 0x1ED, 0, 0, out _));
        Ok(v.Rmdir(Root, Utf8("emptydir")));
        Ok(v.Rename(Root, Utf8("a.txt"), docs, Utf8("renamed.txt")));
        // Rename over a file frees the file; a directory over an empty directory frees that one.
        uint victim = CreateFile(v, Root, "victim", Pattern(20000, 9));
        CreateFile(v, Root, "replacer", Utf8("replaced\n"));
        Ok(v.Rename(Root, Utf8("replacer"), Root, Utf8("victim")));
        Assert.Equal(Status.NotFound, v.Stat(victim, out _));
        Ok(v.Mkdir(Root, Utf8("mover"), 0x1ED, 0, 0, out uint mover));
        Ok(v.Mkdir(docs, Utf8("empty"), 0x1ED, 0, 0, out uint emptyTarget));
        Ok(v.Rename(Root, Utf8("mover"), docs, Utf8("empty")));
        Assert.Equal(Status.NotFound, v.Stat(emptyTarget, out _));
        Ok(v.Lookup(mover, Utf8(".."), out uint moverParent));
        Assert.Equal(docs, moverParent);
        Ok(v.SetMode(a, 0x1A0));
        Ok(v.SetOwner(a, 1234, 567));
        Ok(v.SetTimes(a, 1600000000, 1650000000));

        // The statuses of the name space.
        Assert.Equal(Status.Exists, v.Create(Root, Utf8("big-link"), 0x81A4, 0, 0, out _));
        Assert.Equal(Status.Exists, v.Mkdir(Root, Utf8("docs"), 0x1ED, 0, 0, out _));
        Assert.Equal(Status.NotEmpty, v.Rmdir(Root, Utf8("docs")));
        Assert.Equal(Status.NotDirectory, v.Rmdir(Root, Utf8("big-link")));
        Assert.Equal(Status.IsDirectory, v.Unlink(Root, Utf8("docs")));
        Assert.Equal(Status.NotFound, v.Unlink(Root, Utf8("gone")));
        Assert.Equal(Status.NameTooLong, v.Create(Root, new byte[256], 0x81A4, 0, 0, out _));
        Assert.Equal(Status.InvalidArgument, v.Create(Root, Utf8("a/b"), 0x81A4, 0, 0, out _));
        Assert.Equal(Status.NotDirectory, v.Create(b, Utf8("x"), 0x81A4, 0, 0, out _));
        Assert.Equal(Status.IsDirectory, v.Link(docs, Root, Utf8("dirlink")));
        Assert.Equal(Status.InvalidArgument, v.Rename(Root, Utf8("docs"), deep, Utf8("inside")));
        Assert.Equal(Status.IsDirectory, v.Rename(Root, Utf8("big-link"), Root, Utf8("docs")));
        Assert.Equal(Status.NotDirectory, v.Rename(Root, Utf8("docs"), Root, Utf8("big-link")));
        Assert.Equal(Status.IsDirectory, v.Write(docs, 0, Utf8("x"), out _));
        Assert.Equal(Status.OutOfRange, v.Write(b, v.MaxFileSize, Utf8("x"), out _));

        Ok(v.Unmount());
        E2fsprogs.AssertClean(image);
        Assert.Equal(big, E2fsprogs.Cat(image, "/docs/deep/big.bin"));
        Assert.Equal(big, E2fsprogs.Cat(image, "/big-link"));
        Assert.Equal("alpha\n", E2fsprogs.Debugfs(image, "cat /docs/renamed.txt").Text);
        Assert.Equal("replaced\n", E2fsprogs.Debugfs(image, "cat /victim").Text);
        string stat = E2fsprogs.Debugfs(image, "stat /docs/renamed.txt").Text;
        Assert.Contains("Mode:  0640", stat);
        Assert.Contains("User:  1234   Group:   567", stat);
        Assert.Contains("Links: 1", E2fsprogs.Debugfs(image, "stat /docs/renamed.txt").Text);
        Assert.Contains("Links: 2", E2fsprogs.Debugfs(image, "stat /big-link").Text);
        Assert.Contains("Fast link dest: \"docs/deep/big.bin\"", E2fsprogs.Debugfs(image, "stat /short").Text);
        Assert.Equal(longTarget, E2fsprogs.Debugfs(image, "cat /docs/long").Text);
        Assert.Contains("mtime: 0x62590080", E2fsprogs.Debugfs(image, "stat /docs/renamed.txt").Text);

        // And it reads back through the library after a fresh mount.
        var again = Mount(image);
        Assert.Equal(big, ReadAll(again, Ext2TestSupport.Path(again, "docs/deep/big.bin")));
        Ok(again.Stat(Ext2TestSupport.Path(again, "docs"), out Ext2Stat docsStat));
        Assert.Equal(4, docsStat.Links);   // ".", "deep/..", "empty/.." (the moved directory)
        Assert.Equal(1000u, docsStat.Uid);
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(4096)]
    public void OverwritesAndTruncationKeepContentsAndFreeBlocks(int blockSize)
    {
        var image = new DiskImage(E2fsprogs.MakeImage(blockSize, 8192));
        var v = Mount(image, cacheBlocks: 16);
        ulong freeBefore = v.FreeBlocks;
        byte[] data = Pattern(100000, 3);
        uint f = CreateFile(v, Root, "f", data);
        byte[] patch = Pattern(3000, 4);
        Ok(v.Write(f, 777, patch, out _));
        patch.CopyTo(data, 777);
        Assert.Equal(data, ReadAll(v, f));

        Ok(v.Truncate(f, 5000));
        Ok(v.Truncate(f, 20000));
        byte[] expected = new byte[20000];
        Array.Copy(data, expected, 5000);
        Assert.Equal(expected, ReadAll(v, f));

        Ok(v.Truncate(f, 0));
        Ok(v.Stat(f, out Ext2Stat st));
        Assert.Equal(0ul, st.Sectors);
        Assert.Equal(freeBefore, v.FreeBlocks);
        Ok(v.Write(f, 0, Utf8("again"), out _));
        Ok(v.Unmount());
        E2fsprogs.AssertClean(image);
        Assert.Equal("again", E2fsprogs.Debugfs(image, "cat /f").Text);
    }

    [Fact]
    public void SparseFileReachesTripleIndirectOnOneKiBBlocks()
    {
        var image = new DiskImage(E2fsprogs.MakeImage(1024, 8192));
        var v = Mount(image, cacheBlocks: 32);
        ulong freeBefore = v.FreeBlocks;
        Ok(v.Create(Root, Utf8("sparse"), 0x81A4, 0, 0, out uint f));
        // 1 KiB blocks: direct below 12 KiB, indirect to 268 KiB, double to 65,804 KiB, triple beyond.
        ulong[] offsets = { 0, 12 * 1024 - 10, 200 * 1024, 40L * 1024 * 1024, 65804UL * 1024 - 3, 3UL << 30, (16UL << 30) - 5000 };
        var written = new Dictionary<ulong, byte[]>();
        int seed = 10;
        foreach (ulong offset in offsets)
        {
            byte[] chunk = Pattern(3000, seed++);
            Ok(v.Write(f, offset, chunk, out _));
            written[offset] = chunk;
        }
        Ok(v.Stat(f, out Ext2Stat st));
        Assert.Equal(offsets[^1] + 3000, st.Size);
        Assert.True(st.Sectors < 200, "a sparse file holds few blocks");
        foreach (var (offset, chunk) in written)
        {
            var back = new byte[3000];
            Ok(v.Read(f, offset, back, out int n));
            Assert.Equal(3000, n);
            Assert.Equal(chunk, back);
        }
        var hole = new byte[5000];
        hole[0] = 1;
        Ok(v.Read(f, 1UL << 30, hole, out _));
        Assert.All(hole, b => Assert.Equal(0, b));

        Ok(v.Sync());
        Ok(v.Unmount());
        E2fsprogs.AssertClean(image);
        var fresh = Mount(image);
        uint again = Ext2TestSupport.Path(fresh, "sparse");
        var tail = new byte[3000];
        Ok(fresh.Read(again, offsets[^1], tail, out _));
        Assert.Equal(written[offsets[^1]], tail);

        // Cutting back below the triple range frees that tree; to zero, everything.
        Ok(fresh.Truncate(again, 50L * 1024 * 1024));
        Ok(fresh.Unmount());
        E2fsprogs.AssertClean(image);
        var last = Mount(image);
        Ok(last.Truncate(again, 0));
        Assert.Equal(freeBefore, last.FreeBlocks);
        Ok(last.Unmount());
        E2fsprogs.AssertClean(image);
    }

    [Theory]
    [InlineData(1024, null)]
    [InlineData(4096, null)]
    [InlineData(1024, "-g 512")]   // four groups
    public void AFullDiskAnswersNoSpaceAndKeepsItsCounts(int blockSize, string mke2fsOptions)
    {
        var image = new DiskImage(E2fsprogs.MakeImage(blockSize, 2048, extra: mke2fsOptions));
        var v = Mount(image, cacheBlocks: 16);
        ulong freeBlocks = v.FreeBlocks, freeInodes = v.FreeInodes;
        uint f = CreateFile(v, Root, "filler", Array.Empty<byte>());
        byte[] chunk = Pattern(8192, 5);
        ulong offset = 0;
        Status s;
        while (true)
        {
            s = v.Write(f, offset, chunk, out int n);
            offset += (ulong)n;
            if (s != Status.Ok) break;
        }
        Assert.Equal(Status.NoSpace, s);
        Assert.Equal(0ul, v.FreeBlocks);
        Ok(v.Stat(f, out Ext2Stat st));
        Assert.Equal(offset, st.Size);
        Assert.Equal(Status.NoSpace, v.Mkdir(Root, Utf8("d"), 0x1ED, 0, 0, out _));

        // Fast symlinks need no block until the root directory needs one more: then NoSpace, and the
        // inode taken for the link goes back (its target "a" is not block 97 to free).
        int links = 0;
        while ((s = v.Symlink(Root, Utf8("link-with-a-long-name-" + links), Utf8("a"), 0, 0, out _)) == Status.Ok) links++;
        Assert.Equal(Status.NoSpace, s);
        Assert.True(links > 3);
        Assert.Equal(freeInodes - 1 - (ulong)links, v.FreeInodes);
        Assert.Equal(0ul, v.FreeBlocks);

        // Inodes run out too: empty files need none of the (absent) blocks.
        Ok(v.Truncate(f, 0));
        int made = 0;
        while ((s = v.Create(Root, Utf8("n" + made), 0x81A4, 0, 0, out _)) == Status.Ok) made++;
        Assert.Equal(Status.NoSpace, s);
        Assert.Equal(0ul, v.FreeInodes);
        Ok(v.Unmount());
        E2fsprogs.AssertClean(image);
        Assert.Contains("Free inodes:              0\n", E2fsprogs.Debugfs(image, "stats").Text);

        var again = Mount(image, cacheBlocks: 16);
        for (int i = 0; i < made; i++) Ok(again.Unlink(Root, Utf8("n" + i)));
        for (int i = 0; i < links; i++) Ok(again.Unlink(Root, Utf8("link-with-a-long-name-" + i)));
        Ok(again.Unlink(Root, Utf8("filler")));
        Assert.Equal(freeInodes, again.FreeInodes);
        Ok(again.Unmount());
        E2fsprogs.AssertClean(image);
        // The root directory grew by some blocks for the names; the rest is back.
        Assert.True(freeBlocks - again.FreeBlocks < 40);
    }

    /// <summary>Random operations checked against a model of the tree, with a cache small enough to evict often.</summary>
    [Theory]
    [InlineData(1024, 1, null)]
    [InlineData(4096, 2, null)]
    [InlineData(1024, 3, "-g 512")]   // eight groups: allocation crosses them
    public void RandomOperationsMatchAModel(int blockSize, int seed, string mke2fsOptions)
    {
        var image = new DiskImage(E2fsprogs.MakeImage(blockSize, 4096, extra: mke2fsOptions));
        var v = Mount(image, cacheBlocks: 12);
        var rng = new Random(seed);
        var files = new Dictionary<string, List<byte>>();
        var dirs = new List<string> { "" };
        for (int step = 0; step < 400; step++)
        {
            int op = rng.Next(8);
            string dir = dirs[rng.Next(dirs.Count)];
            uint dirIno = Ext2TestSupport.Path(v, dir);
            string name = "n" + rng.Next(30);
            string path = dir.Length == 0 ? name : dir + "/" + name;
            bool exists = v.Lookup(dirIno, Utf8(name), out uint ino) == Status.Ok;
            bool isFile = files.ContainsKey(path);
            switch (op)
            {
                case 0:
                case 1:
                    if (!exists)
                    {
                        Ok(v.Create(dirIno, Utf8(name), 0x81A4, 0, 0, out _));
                        files[path] = new List<byte>();
                    }
                    else Assert.Equal(Status.Exists, v.Create(dirIno, Utf8(name), 0x81A4, 0, 0, out _));
                    break;
                case 2:
                case 3:
                    if (isFile)
                    {
                        var content = files[path];
                        int at = rng.Next(content.Count + 3000);
                        byte[] data = Pattern(rng.Next(1, 6000), step);
                        Ok(v.Write(ino, (ulong)at, data, out _));
                        while (content.Count < at + data.Length) content.Add(0);
                        for (int i = 0; i < data.Length; i++) content[at + i] = data[i];
                    }
                    break;
                case 4:
                    if (isFile)
                    {
                        int size = rng.Next(files[path].Count + 2000);
                        Ok(v.Truncate(ino, (ulong)size));
                        var content = files[path];
                        if (size < content.Count) content.RemoveRange(size, content.Count - size);
                        while (content.Count < size) content.Add(0);
                    }
                    break;
                case 5:
                    if (isFile)
                    {
                        Ok(v.Unlink(dirIno, Utf8(name)));
                        files.Remove(path);
                    }
                    break;
                case 6:
                    if (!exists && dirs.Count < 8)
                    {
                        Ok(v.Mkdir(dirIno, Utf8(name), 0x1ED, 0, 0, out _));
                        dirs.Add(path);
                    }
                    break;
                case 7:
                    if (isFile)
                    {
                        string toDir = dirs[rng.Next(dirs.Count)];
                        string toName = "r" + rng.Next(10);
                        string toPath = toDir.Length == 0 ? toName : toDir + "/" + toName;
                        if (dirs.Contains(toPath)) break;
                        Ok(v.Rename(dirIno, Utf8(name), Ext2TestSupport.Path(v, toDir), Utf8(toName)));
                        files[toPath] = files[path];
                        if (toPath != path) files.Remove(path);
                    }
                    break;
            }
        }
        foreach (var (path, content) in files)
            Assert.Equal(content.ToArray(), ReadAll(v, Ext2TestSupport.Path(v, path)));
        Ok(v.Unmount());
        E2fsprogs.AssertClean(image);
        foreach (var (path, content) in files)
            Assert.Equal(content.ToArray(), E2fsprogs.Cat(image, "/" + path));
    }

    /// <summary>A directory that e2fsck -D indexed (htree, as Linux makes them) still reads, and
    /// changes to it leave an image e2fsck accepts (the index flag is cleared).</summary>
    [Fact]
    public void AnIndexedDirectoryReadsAndChangesCleanly()
    {
        string folder = E2fsprogs.NewFolder();
        try
        {
            System.IO.Directory.CreateDirectory(System.IO.Path.Combine(folder, "big"));
            for (int i = 0; i < 300; i++)
                System.IO.File.WriteAllText(System.IO.Path.Combine(folder, "big", "entry-with-a-longish-name-" + i), "n" + i);
            var image = new DiskImage(E2fsprogs.MakeImage(1024, 4096, folder));
            E2fsprogs.Fsck(image, repair: true, optimiseDirectories: true);
            Assert.Contains("Flags: 0x1000", E2fsprogs.Debugfs(image, "stat /big").Text);

            var v = Mount(image);
            uint big = Ext2TestSupport.Path(v, "big");
            for (int i = 0; i < 300; i += 7)
                Assert.Equal(Utf8("n" + i), ReadAll(v, Ext2TestSupport.Path(v, "big/entry-with-a-longish-name-" + i)));
            Ok(v.Unlink(big, Utf8("entry-with-a-longish-name-5")));
            CreateFile(v, big, "added", Utf8("added"));
            Ok(v.Unmount());
            E2fsprogs.AssertClean(image);
            Assert.DoesNotContain("Flags: 0x1000", E2fsprogs.Debugfs(image, "stat /big").Text);
            Assert.Equal("added", E2fsprogs.Debugfs(image, "cat /big/added").Text);
        }
        finally { System.IO.Directory.Delete(folder, true); }
    }
}
