// Linux's struct termios as TCGETS and TCSETS pass it (the kernel's, 36 bytes: four flag words,
// c_line, c_cc[19]), its defaults on a Linux console, and the part of it that ttyd's modes can carry
// (docs/design/tty.md, "Modes"): ICANON, ECHO and ISIG, VMIN as "least bytes" 0 or 1, VINTR, VQUIT
// and VSUSP as the interrupt, quit and suspend bytes. The rest is kept as the program set it, so
// TCGETS gives back what TCSETS was given; VMIN above 1 and VTIME are the personality's
// (LinuxTerminal's reads: ReadRule).
// Portable, host-tested (tests/Kernel.Tests/Linux/TermiosTests.cs).
using System;
using Vireo.Abi;

namespace Vireo.Linux.Abi;

public static class Termios
{
    public const int Size = 36;
    public const int IflagOffset = 0, OflagOffset = 4, CflagOffset = 8, LflagOffset = 12, LineOffset = 16, CcOffset = 17;
    public const uint Isig = 0x1, Icanon = 0x2, Echo = 0x8, Tostop = 0x100;
    public const int VIntr = 0, VQuit = 1, VErase = 2, VKill = 3, VEof = 4, VTime = 5, VMin = 6, VSusp = 10;

    /// <summary>A Linux console's termios after boot (stty -g of a virtual console): ICRNL IXON IUTF8;
    /// OPOST ONLCR; B38400 CS8 CREAD HUPCL; ISIG ICANON ECHO ECHOE ECHOK ECHOCTL ECHOKE IEXTEN; ^C ^\ DEL
    /// ^U ^D, VTIME 0, VMIN 1, ^Q ^S ^Z ^R ^O ^W ^V.</summary>
    public static void Default(Span<byte> t)
    {
        t.Slice(0, Size).Clear();
        PutWord(t, IflagOffset, 0x4500);
        PutWord(t, OflagOffset, 0x5);
        PutWord(t, CflagOffset, 0xBF);
        PutWord(t, LflagOffset, 0x8A3B);
        ReadOnlySpan<byte> cc = stackalloc byte[] { 3, 0x1C, 0x7F, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1A, 0, 0x12, 0x0F, 0x17, 0x16, 0 };
        cc.CopyTo(t.Slice(CcOffset));
    }

    public static uint Word(ReadOnlySpan<byte> t, int offset) =>
        (uint)(t[offset] | t[offset + 1] << 8 | t[offset + 2] << 16 | t[offset + 3] << 24);

    public static void PutWord(Span<byte> t, int offset, uint value)
    {
        t[offset] = (byte)value;
        t[offset + 1] = (byte)(value >> 8);
        t[offset + 2] = (byte)(value >> 16);
        t[offset + 3] = (byte)(value >> 24);
    }

    /// <summary>What ttyd is told for this termios: its mode, least bytes and its signal bytes word
    /// (TtySetMode's w2: the interrupt byte | the quit byte &lt;&lt; 8 | the suspend byte &lt;&lt; 16). A
    /// disabled (0) or non-ASCII VINTR, VQUIT or VSUSP is none: that byte is input (ash's line editing
    /// disables VINTR and keeps ISIG, so Ctrl-C reaches it as a byte while Ctrl-Z still stops).</summary>
    public static void ToTty(ReadOnlySpan<byte> t, out TtyMode mode, out int leastBytes, out ulong signalBytes)
    {
        uint l = Word(t, LflagOffset);
        bool signals = (l & Isig) != 0;
        mode = ((l & Icanon) != 0 ? TtyMode.Canonical : 0) | ((l & Echo) != 0 ? TtyMode.Echo : 0) | (signals ? TtyMode.Signals : 0);
        leastBytes = t[CcOffset + VMin] > 0 ? 1 : 0;
        signalBytes = signals ? Ascii(t[CcOffset + VIntr]) | Ascii(t[CcOffset + VQuit]) << 8 | Ascii(t[CcOffset + VSusp]) << 16 : 3;
    }

    private static ulong Ascii(byte b) => b < 0x80 ? b : 0UL;

    /// <summary>How a raw read of the console ends (n_tty_read): VMIN, and VTIME in nanoseconds.</summary>
    public static void ReadRule(ReadOnlySpan<byte> t, out bool canonical, out int min, out ulong time)
    {
        canonical = (Word(t, LflagOffset) & Icanon) != 0;
        min = t[CcOffset + VMin];
        time = t[CcOffset + VTime] * 100_000_000UL;
    }

    /// <summary>Folds ttyd's mode into `t` (ICANON, ECHO, ISIG, VMIN, VINTR, VQUIT, VSUSP), keeping everything else.</summary>
    public static void FromTty(Span<byte> t, TtyMode mode, int leastBytes, ulong signalBytes)
    {
        uint l = Word(t, LflagOffset) & ~(Icanon | Echo | Isig);
        if ((mode & TtyMode.Canonical) != 0) l |= Icanon;
        if ((mode & TtyMode.Echo) != 0) l |= Echo;
        if ((mode & TtyMode.Signals) != 0) l |= Isig;
        PutWord(t, LflagOffset, l);
        if ((t[CcOffset + VMin] > 0 ? 1 : 0) != leastBytes) t[CcOffset + VMin] = (byte)leastBytes;
        if ((mode & TtyMode.Signals) == 0) return;
        t[CcOffset + VIntr] = (byte)signalBytes;
        // ttyd's own default names no quit or suspend byte (the native shell's): Linux's are kept then.
        if ((byte)(signalBytes >> 8) != 0) t[CcOffset + VQuit] = (byte)(signalBytes >> 8);
        if ((byte)(signalBytes >> 16) != 0) t[CcOffset + VSusp] = (byte)(signalBytes >> 16);
    }
}
