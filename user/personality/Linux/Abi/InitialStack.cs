// The stack a Linux program starts on (System V x86-64 ABI, 3.4.1; what fs/binfmt_elf.c builds):
// from rsp up, argc, argv[0..argc-1], NULL, envp[..], NULL, the auxiliary vector as (type, value)
// pairs ending in AT_NULL, then the bytes they point to (the strings, 16 random bytes for AT_RANDOM,
// the platform name), and an 8-byte zero at the very top. rsp is 16-byte aligned at argc. Portable:
// it fills a span that stands for the top of the stack, so the host tests check the layout.
using System;

namespace Vireo.Linux.Abi;

public static class AuxType
{
    public const ulong Null = 0, Phdr = 3, Phent = 4, Phnum = 5, Pagesz = 6, Base = 7, Flags = 8, Entry = 9,
        Uid = 11, Euid = 12, Gid = 13, Egid = 14, Platform = 15, Hwcap = 16, Clktck = 17, Secure = 23,
        Random = 25, Hwcap2 = 26, Execfn = 31;
}

public static class InitialStack
{
    public const int RandomBytes = 16;

    /// <summary>Lays the start-up block out in `top`, which stands for [topAddress - top.Length,
    /// topAddress). `aux` holds (type, value) pairs without AT_RANDOM, AT_PLATFORM, AT_EXECFN and
    /// AT_NULL, which are added here. Returns the initial rsp, or 0 if the block does not fit.</summary>
    public static ulong Build(Span<byte> top, ulong topAddress, byte[][] argv, byte[][] envp, ReadOnlySpan<ulong> aux,
        ReadOnlySpan<byte> random, ReadOnlySpan<byte> execfn)
    {
        if (random.Length != RandomBytes || (topAddress & 15) != 0) return 0;
        top.Clear();
        int at = top.Length - 8;   // the zero word at the very top
        // Strings and bytes, from the top down; each address remembered.
        if (!Place(top, ref at, execfn, true, out int execfnAt)) return 0;
        var argAt = new int[argv.Length];
        var envAt = new int[envp.Length];
        for (int i = envp.Length - 1; i >= 0; i--) if (!Place(top, ref at, envp[i], true, out envAt[i])) return 0;
        for (int i = argv.Length - 1; i >= 0; i--) if (!Place(top, ref at, argv[i], true, out argAt[i])) return 0;
        if (!Place(top, ref at, "x86_64"u8, true, out int platformAt)) return 0;
        at &= ~15;
        if (!Place(top, ref at, random, false, out int randomAt)) return 0;
        int length = top.Length;
        ulong Address(int offset) => topAddress - (ulong)(length - offset);

        int auxWords = aux.Length + 2 * 4;   // + AT_RANDOM, AT_PLATFORM, AT_EXECFN, AT_NULL
        int words = 1 + argv.Length + 1 + envp.Length + 1 + auxWords;
        int sp = (at - words * 8) & ~15;
        if (sp < 0 || (aux.Length & 1) != 0) return 0;
        int w = sp;
        Word(top, ref w, (ulong)argv.Length);
        for (int i = 0; i < argv.Length; i++) Word(top, ref w, Address(argAt[i]));
        Word(top, ref w, 0);
        for (int i = 0; i < envp.Length; i++) Word(top, ref w, Address(envAt[i]));
        Word(top, ref w, 0);
        for (int i = 0; i < aux.Length; i++) Word(top, ref w, aux[i]);
        Word(top, ref w, AuxType.Random); Word(top, ref w, Address(randomAt));
        Word(top, ref w, AuxType.Platform); Word(top, ref w, Address(platformAt));
        Word(top, ref w, AuxType.Execfn); Word(top, ref w, Address(execfnAt));
        Word(top, ref w, AuxType.Null); Word(top, ref w, 0);
        return Address(sp);
    }

    private static void Word(Span<byte> top, ref int at, ulong value)
    {
        for (int i = 0; i < 8; i++) top[at + i] = (byte)(value >> (8 * i));
        at += 8;
    }

    // Puts bytes (and a NUL when asked) just below `at`; false if they do not fit.
    private static bool Place(Span<byte> top, ref int at, ReadOnlySpan<byte> bytes, bool nul, out int where)
    {
        int length = bytes.Length + (nul ? 1 : 0);
        where = at - length;
        if (where < 0) return false;
        bytes.CopyTo(top.Slice(where));
        if (nul) top[where + bytes.Length] = 0;
        at = where;
        return true;
    }
}
