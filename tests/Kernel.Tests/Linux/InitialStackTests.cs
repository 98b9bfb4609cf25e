using System;
using System.Text;
using Vireo.Linux.Abi;
using Xunit;

namespace Vireo.Tests.Linux;

public class InitialStackTests
{
    private const ulong Top = 0x7300_0000_0000;
    private static readonly byte[] RandomBytes = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

    private static byte[][] Strings(params string[] s) => Array.ConvertAll(s, x => Encoding.ASCII.GetBytes(x));

    private static ulong Word(byte[] block, ulong address) => BitConverter.ToUInt64(block, Offset(block, address));
    private static int Offset(byte[] block, ulong address) => (int)(address - (Top - (ulong)block.Length));

    private static string CString(byte[] block, ulong address)
    {
        int at = Offset(block, address);
        int end = Array.IndexOf(block, (byte)0, at);
        return Encoding.ASCII.GetString(block, at, end - at);
    }

    [Fact]
    public void LaysOutArgcArgvEnvpAndTheAuxiliaryVectorAsTheSystemVAbiSays()
    {
        var block = new byte[4096];
        ulong[] aux = { AuxType.Pagesz, 4096, AuxType.Entry, 0x401000 };
        ulong sp = InitialStack.Build(block, Top, Strings("/bin/busybox", "echo", "hi"), Strings("A=1", "HOME=/root"),
            aux, RandomBytes, Encoding.ASCII.GetBytes("/bin/busybox"));
        Assert.NotEqual(0UL, sp);
        Assert.Equal(0UL, sp % 16);
        Assert.Equal(3UL, Word(block, sp));
        Assert.Equal("/bin/busybox", CString(block, Word(block, sp + 8)));
        Assert.Equal("echo", CString(block, Word(block, sp + 16)));
        Assert.Equal("hi", CString(block, Word(block, sp + 24)));
        Assert.Equal(0UL, Word(block, sp + 32));
        Assert.Equal("A=1", CString(block, Word(block, sp + 40)));
        Assert.Equal("HOME=/root", CString(block, Word(block, sp + 48)));
        Assert.Equal(0UL, Word(block, sp + 56));
        ulong a = sp + 64;
        Assert.Equal(AuxType.Pagesz, Word(block, a));
        Assert.Equal(4096UL, Word(block, a + 8));
        Assert.Equal(AuxType.Entry, Word(block, a + 16));
        Assert.Equal(0x401000UL, Word(block, a + 24));
        Assert.Equal(AuxType.Random, Word(block, a + 32));
        ulong random = Word(block, a + 40);
        Assert.Equal(RandomBytes, block.AsSpan(Offset(block, random), 16).ToArray());
        Assert.Equal(AuxType.Platform, Word(block, a + 48));
        Assert.Equal("x86_64", CString(block, Word(block, a + 56)));
        Assert.Equal(AuxType.Execfn, Word(block, a + 64));
        Assert.Equal("/bin/busybox", CString(block, Word(block, a + 72)));
        Assert.Equal(AuxType.Null, Word(block, a + 80));
        Assert.Equal(0UL, Word(block, a + 88));
        Assert.True(random >= a + 96 && random < Top, "the bytes lie above the vectors");
        Assert.Equal(0UL, Word(block, Top - 8));
    }

    [Fact]
    public void RefusesWhatDoesNotFitOrIsMalformed()
    {
        byte[] exe = Encoding.ASCII.GetBytes("/x");
        Assert.Equal(0UL, InitialStack.Build(new byte[64], Top, Strings(new string('a', 100)), Strings(), default, RandomBytes, exe));
        Assert.Equal(0UL, InitialStack.Build(new byte[4096], Top, Strings("a"), Strings(), default, new byte[15], exe));
        Assert.Equal(0UL, InitialStack.Build(new byte[4096], Top + 8, Strings("a"), Strings(), default, RandomBytes, exe));
        Assert.Equal(0UL, InitialStack.Build(new byte[4096], Top, Strings("a"), Strings(), new ulong[] { 6 }, RandomBytes, exe));
    }
}
