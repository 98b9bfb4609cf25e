using Vireo.Abi;
using Vireo.Linux.Abi;
using Xunit;

namespace Vireo.Tests.Linux;

// struct termios and its mapping onto ttyd's modes (docs/design/tty.md, "Modes").
public class TermiosTests
{
    [Fact]
    public void DefaultIsALinuxConsoles()
    {
        var t = new byte[Termios.Size];
        Termios.Default(t);
        Assert.Equal(0x8A3Bu, Termios.Word(t, Termios.LflagOffset));
        Assert.Equal(3, t[Termios.CcOffset + Termios.VIntr]);
        Assert.Equal(4, t[Termios.CcOffset + Termios.VEof]);
        Assert.Equal(0x7F, t[Termios.CcOffset + Termios.VErase]);
        Assert.Equal(1, t[Termios.CcOffset + Termios.VMin]);
        Assert.Equal(0x1A, t[Termios.CcOffset + Termios.VSusp]);
        Termios.ToTty(t, out TtyMode mode, out int least, out ulong bytes);
        Assert.Equal(TtyMode.Default, mode);
        Assert.Equal(1, least);
        Assert.Equal(3UL | 0x1C << 8 | 0x1A << 16, bytes);   // ^C, ^\ and ^Z
    }

    [Fact]
    public void RawModeWithoutEchoAndVminZero()
    {
        var t = new byte[Termios.Size];
        Termios.Default(t);
        Termios.PutWord(t, Termios.LflagOffset, Termios.Word(t, Termios.LflagOffset) & ~(Termios.Icanon | Termios.Echo));
        t[Termios.CcOffset + Termios.VMin] = 0;
        Termios.ToTty(t, out TtyMode mode, out int least, out _);
        Assert.Equal(TtyMode.Signals, mode);
        Assert.Equal(0, least);
    }

    [Fact]
    public void DisabledInterruptByteKeepsCtrlCAsInputAndCtrlZAsSuspend()
    {
        var t = new byte[Termios.Size];
        Termios.Default(t);
        t[Termios.CcOffset + Termios.VIntr] = 0;   // _POSIX_VDISABLE, as ash's line editing sets it
        Termios.ToTty(t, out TtyMode mode, out _, out ulong bytes);
        Assert.Equal(TtyMode.Default, mode);
        Assert.Equal(0UL | 0x1C << 8 | 0x1A << 16, bytes);
        Termios.PutWord(t, Termios.LflagOffset, Termios.Word(t, Termios.LflagOffset) & ~Termios.Isig);
        Termios.ToTty(t, out mode, out _, out bytes);
        Assert.Equal(TtyMode.Canonical | TtyMode.Echo, mode);
        Assert.Equal(3UL, bytes);   // unused without Signals
    }

    [Fact]
    public void ReadRuleIsVminAndVtimeInNanoseconds()
    {
        var t = new byte[Termios.Size];
        Termios.Default(t);
        Termios.ReadRule(t, out bool canonical, out int min, out ulong time);
        Assert.True(canonical);
        Assert.Equal(1, min);
        Assert.Equal(0UL, time);
        t[Termios.CcOffset + Termios.VMin] = 5;
        t[Termios.CcOffset + Termios.VTime] = 3;
        Termios.ReadRule(t, out _, out min, out time);
        Assert.Equal(5, min);
        Assert.Equal(300_000_000UL, time);
    }

    [Fact]
    public void FromTtyKeepsWhatTtydHasNot()
    {
        var t = new byte[Termios.Size];
        Termios.Default(t);
        Termios.PutWord(t, Termios.IflagOffset, 0x1234);
        Termios.FromTty(t, TtyMode.Echo, 0, 3UL);
        Assert.Equal(0x1234u, Termios.Word(t, Termios.IflagOffset));
        uint l = Termios.Word(t, Termios.LflagOffset);
        Assert.Equal(Termios.Echo, l & (Termios.Icanon | Termios.Echo | Termios.Isig));
        Assert.Equal(0x8A3Bu & ~(Termios.Icanon | Termios.Isig), l);
        Assert.Equal(0, t[Termios.CcOffset + Termios.VMin]);
    }

    [Fact]
    public void FromTtyTakesTheSignalBytesTtydNames()
    {
        var t = new byte[Termios.Size];
        Termios.Default(t);
        Termios.FromTty(t, TtyMode.Default, 1, 3);   // the native shell's mode: no quit or suspend byte
        Assert.Equal(0x1C, t[Termios.CcOffset + Termios.VQuit]);
        Assert.Equal(0x1A, t[Termios.CcOffset + Termios.VSusp]);
        Termios.FromTty(t, TtyMode.Default, 1, 'q' | 0x19UL << 16);
        Assert.Equal((byte)'q', t[Termios.CcOffset + Termios.VIntr]);
        Assert.Equal(0x19, t[Termios.CcOffset + Termios.VSusp]);
    }
}
