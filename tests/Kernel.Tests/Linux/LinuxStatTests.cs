using System;
using System.Buffers.Binary;
using System.Text;
using Vireo.Abi;
using Vireo.Linux.Abi;
using Xunit;

namespace Vireo.Tests.Linux;

// struct stat, struct statfs and linux_dirent64 as x86_64 Linux lays them out (asm/stat.h,
// asm-generic/statfs.h, linux/dirent.h), packed from Vireo's answers.
public class LinuxStatTests
{
    private static ulong U64(byte[] b, int at) => BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(at));
    private static uint U32(byte[] b, int at) => BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at));

    [Fact]
    public void StatFieldsSitAtLinuxOffsets()
    {
        var st = new FileStat
        {
            Device = 7, Inode = 20, Mode = FileModes.Regular | 0x1A4, Links = 3, Uid = 1000, Gid = 100, RawDevice = 0x8801,
            Size = 30, Blocks = 2, BlockSize = 1024,
            Access = new FileTime(1_700_000_001, 11), Modify = new FileTime(1_700_000_002, 22), Change = new FileTime(1_700_000_003, 33),
        };
        var b = new byte[LinuxStat.Size];
        b.AsSpan().Fill(0xEE);
        LinuxStat.Pack(st, b);
        Assert.Equal(144, LinuxStat.Size);
        Assert.Equal(7UL, U64(b, 0));
        Assert.Equal(20UL, U64(b, 8));
        Assert.Equal(3UL, U64(b, 16));
        Assert.Equal(0x81A4u, U32(b, 24));
        Assert.Equal(1000u, U32(b, 28));
        Assert.Equal(100u, U32(b, 32));
        Assert.Equal(0u, U32(b, 36));
        Assert.Equal(0x8801UL, U64(b, 40));
        Assert.Equal(30UL, U64(b, 48));
        Assert.Equal(1024UL, U64(b, 56));
        Assert.Equal(2UL, U64(b, 64));
        Assert.Equal(1_700_000_001UL, U64(b, 72));
        Assert.Equal(11UL, U64(b, 80));
        Assert.Equal(1_700_000_002UL, U64(b, 88));
        Assert.Equal(22UL, U64(b, 96));
        Assert.Equal(1_700_000_003UL, U64(b, 104));
        Assert.Equal(33UL, U64(b, 112));
        for (int i = 120; i < 144; i++) Assert.Equal(0, b[i]);
    }

    [Fact]
    public void AStatWithoutABlockSizeSaysAPage()
    {
        var b = new byte[LinuxStat.Size];
        LinuxStat.Pack(default, b);
        Assert.Equal(4096UL, U64(b, 56));
    }

    [Theory]
    [InlineData(FileKind.Directory, 0x41EDu)]
    [InlineData(FileKind.File, 0x81A4u)]
    [InlineData(FileKind.Device, 0x21B6u)]
    [InlineData(FileKind.Symlink, 0xA1FFu)]
    [InlineData(FileKind.Pipe, 0x1180u)]
    public void KindsWithoutMetadataGetLinuxModes(FileKind kind, uint mode) => Assert.Equal(mode, LinuxStat.ModeOf(kind));

    [Fact]
    public void StatfsPutsFsidBetweenFilesFreeAndNamelen()
    {
        var st = new FsStat { Type = 0xEF53, BlockSize = 1024, Blocks = 1024, BlocksFree = 948, BlocksAvailable = 897, Files = 128, FilesFree = 103, MaxName = 255, FragmentSize = 1024, Flags = 1 };
        var b = new byte[LinuxStat.StatfsSize];
        b.AsSpan().Fill(0xEE);
        LinuxStat.PackStatfs(st, b);
        ulong[] want = { 0xEF53, 1024, 1024, 948, 897, 128, 103, 0, 255, 1024, 1, 0, 0, 0, 0 };
        for (int i = 0; i < want.Length; i++) Assert.Equal(want[i], U64(b, 8 * i));
    }

    private static byte[] Records(params (FileKind kind, string name)[] entries)
    {
        var all = new System.Collections.Generic.List<byte>();
        foreach (var (kind, name) in entries)
        {
            all.Add((byte)kind);
            all.Add((byte)name.Length);
            all.AddRange(Encoding.ASCII.GetBytes(name));
        }
        return all.ToArray();
    }

    [Fact]
    public void DirentsAreAlignedNamedAndTyped()
    {
        byte[] records = Records((FileKind.Directory, "etc"), (FileKind.File, "hello.txt"), (FileKind.Symlink, "l"), (FileKind.Device, "null"));
        var into = new byte[256];
        int n = LinuxStat.PackDirents(records, into, 5, out int consumed, out int entries);
        Assert.Equal(records.Length, consumed);
        Assert.Equal(4, entries);
        // "etc": 19 + 3 + NUL = 23 -> 24; "hello.txt": 19 + 10 = 29 -> 32; "l" -> 24; "null" -> 24.
        Assert.Equal(24 + 32 + 24 + 24, n);
        int[] at = { 0, 24, 56, 80 };
        string[] names = { "etc", "hello.txt", "l", "null" };
        byte[] types = { 4, 8, 10, 2 };
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal((ulong)(5 + i + 1), U64(into, at[i]));          // d_ino
            Assert.Equal((ulong)(5 + i + 1), U64(into, at[i] + 8));      // d_off
            int reclen = into[at[i] + 16] | into[at[i] + 17] << 8;
            Assert.Equal(0, reclen % 8);
            Assert.Equal(types[i], into[at[i] + 18]);
            Assert.Equal(names[i], Encoding.ASCII.GetString(into, at[i] + 19, names[i].Length));
            Assert.Equal(0, into[at[i] + 19 + names[i].Length]);
        }
    }

    [Fact]
    public void DirentsStopAtTheFirstThatDoesNotFit()
    {
        byte[] records = Records((FileKind.File, "a"), (FileKind.File, "hello.txt"));
        var into = new byte[40];   // room for "a" (24) but not "hello.txt" (32)
        int n = LinuxStat.PackDirents(records, into, 0, out int consumed, out int entries);
        Assert.Equal(24, n);
        Assert.Equal(3, consumed);
        Assert.Equal(1, entries);
        Assert.Equal(0, LinuxStat.PackDirents(records, new byte[16], 0, out consumed, out _));
        Assert.Equal(0, consumed);
    }

    [Fact]
    public void ACutRecordIsLeftForTheNextCall()
    {
        byte[] records = Records((FileKind.File, "abc"));
        Assert.Equal(0, LinuxStat.PackDirents(records.AsSpan(0, 4), new byte[64], 0, out int consumed, out _));
        Assert.Equal(0, consumed);
    }
}
