// Shared steps of the ext2 tests: mounting an image held in memory, and calls that must succeed.
using System;
using System.Text;
using Vireo.Abi;
using Vireo.User.FileSystems.Ext2;
using Xunit;

namespace Vireo.Tests.FileSystems;

internal static class Ext2TestSupport
{
    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    public static Ext2Volume<MemoryDisk> Mount(DiskImage image, int cacheBlocks = 64)
    {
        Status s = Ext2Volume<MemoryDisk>.Mount(new MemoryDisk(image), cacheBlocks, out var volume, now: 1700000000);
        Assert.Equal(Status.Ok, s);
        return volume;
    }

    public static void Ok(Status s) => Assert.Equal(Status.Ok, s);

    public static uint Path(Ext2Volume<MemoryDisk> v, string path)
    {
        Ok(v.LookupPath(Utf8(path), out uint ino));
        return ino;
    }

    public static byte[] ReadAll(Ext2Volume<MemoryDisk> v, uint ino)
    {
        Ok(v.Stat(ino, out Ext2Stat st));
        var data = new byte[st.Size];
        Ok(v.Read(ino, 0, data, out int read));
        Assert.Equal(data.Length, read);
        return data;
    }

    public static uint CreateFile(Ext2Volume<MemoryDisk> v, uint dir, string name, byte[] data, ushort mode = 0x81A4)
    {
        Ok(v.Create(dir, Utf8(name), mode, 0, 0, out uint ino));
        Ok(v.Write(ino, 0, data, out int written));
        Assert.Equal(data.Length, written);
        return ino;
    }

    public static byte[] Pattern(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }
}
