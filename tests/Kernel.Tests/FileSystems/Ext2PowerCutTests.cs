// Power cuts: a sequence of file-system operations with fsyncs runs against a disk that stops
// writing after N writes, for many N. After each cut, e2fsck -fy must repair the image (and a second
// e2fsck -fn find it clean), and every file whose fsync completed before the cut must be there with
// its contents. The cache is small, so evictions write blocks between the fsyncs too.
using System;
using System.Collections.Generic;
using Vireo.Abi;
using Vireo.User.FileSystems.Ext2;
using Xunit;
using static Vireo.Tests.FileSystems.Ext2TestSupport;

namespace Vireo.Tests.FileSystems;

public sealed class Ext2PowerCutTests
{
    private const uint Root = 2;

    /// <summary>Runs the sequence until the power goes; returns the files that were durable (fsync'd
    /// whole before the cut). After the cut statuses no longer matter: the machine is off.</summary>
    private static Dictionary<string, byte[]> Sequence(DiskImage image)
    {
        var durable = new Dictionary<string, byte[]>();
        var pending = new Dictionary<string, byte[]>();
        if (Ext2Volume<MemoryDisk>.Mount(new MemoryDisk(image), 12, out var v) != Status.Ok) return durable;
        v.Now = 1700000000;
        bool Do(Status s)
        {
            if (!image.PowerLost) Ok(s);
            return !image.PowerLost;
        }
        bool Create(uint dir, string name, string path, byte[] data, out uint ino)
        {
            if (!Do(v.Create(dir, Utf8(name), 0x81A4, 0, 0, out ino)) || !Do(v.Write(ino, 0, data, out _))) return false;
            if (path != null) pending[path] = data;
            return true;
        }
        bool Fsync()
        {
            if (!Do(v.Fsync(Root))) return false;
            foreach (var (path, data) in pending) durable[path] = data;
            pending.Clear();
            return true;
        }
        void Forget(string path)
        {
            durable.Remove(path);
            pending.Remove(path);
        }

        if (!Do(v.Mkdir(Root, Utf8("d"), 0x1ED, 0, 0, out uint d)) || !Fsync()) return durable;
        byte[] a = Pattern(30 * 1024, 1);
        if (!Create(d, "a", "d/a", a, out _) || !Fsync()) return durable;

        byte[] b = Pattern(10 * 1024, 2);
        if (!Create(d, "b", "d/b", b, out _) || !Create(Root, "c", "c", Pattern(5 * 1024, 3), out _) || !Fsync()) return durable;

        if (!Create(d, "e", "d/e", Pattern(150 * 1024, 4), out uint e)) return durable;
        Forget("c");
        if (!Do(v.Unlink(Root, Utf8("c")))) return durable;
        Forget("d/b");
        if (!Do(v.Rename(d, Utf8("b"), Root, Utf8("b2")))) return durable;
        pending["b2"] = b;
        if (!Do(v.Mkdir(d, Utf8("sub"), 0x1ED, 0, 0, out uint sub))) return durable;
        if (!Create(sub, "s", "d/sub/s", Pattern(70 * 1024, 5), out _) || !Fsync()) return durable;

        // Changes after the last fsync: a new file, a growing one, a removed one, none of them durable.
        if (!Create(Root, "late", null, Pattern(40 * 1024, 6), out _)) return durable;
        Forget("d/e");
        if (!Do(v.Write(e, 100 * 1024, Pattern(100 * 1024, 7), out _))) return durable;
        Forget("d/sub/s");
        if (!Do(v.Unlink(sub, Utf8("s"))) || !Do(v.Rmdir(d, Utf8("sub")))) return durable;
        return durable;
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(4096)]
    public void FsyncedFilesSurviveACutAtAnyWrite(int blockSize)
    {
        byte[] fresh = E2fsprogs.MakeImage(blockSize, 4096);
        var full = new DiskImage((byte[])fresh.Clone());
        var all = Sequence(full);
        Assert.Equal(new[] { "b2", "d/a" }, new SortedSet<string>(all.Keys));
        long total = full.Writes;
        Assert.True(total > 40, "the sequence writes enough to cut in many places: " + total);

        int cuts = 0;
        for (long cut = 0; cut <= total; cut += Math.Max(1, total / 45))
        {
            var image = new DiskImage((byte[])fresh.Clone()) { CutAfter = cut };
            var durable = Sequence(image);
            var repaired = new DiskImage(image.Bytes);
            E2fsprogs.Result fix = E2fsprogs.Fsck(repaired, repair: true);
            Assert.True(fix.Exit < 4, "cut after " + cut + " writes: e2fsck -fy could not repair (" + fix.Exit + "):\n" + fix.Text);
            E2fsprogs.Result check = E2fsprogs.Fsck(repaired);
            Assert.True(check.Exit == 0, "cut after " + cut + " writes: not clean after repair:\n" + check.Text);
            var v = Mount(repaired);
            foreach (var (path, data) in durable)
            {
                Assert.True(v.LookupPath(Utf8(path), out uint ino) == Status.Ok, "cut after " + cut + " writes: lost " + path);
                Assert.Equal(data, ReadAll(v, ino));
            }
            cuts++;
        }
        Assert.True(cuts > 40);
    }
}
