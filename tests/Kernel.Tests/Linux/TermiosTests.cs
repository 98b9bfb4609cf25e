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
        Termios.ToTty(t, out TtyMode mode, out int least, out byte intr);
        Assert.Equal(TtyMode.Default, mode);
        Assert.Equal(1, least);
        Assert.Equal(3, intr);
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
    public void DisabledInterruptByteKeepsCtrlCAsInput()
    {
        var t = new byte[Termios.Size];
        Termios.Default(t);
        t[Termios.CcOffset + Termios.VIntr] = 0;   // _POSIX_VDISABLE
        Termios.ToTty(t, out TtyMode mode, out _, out byte intr);
        Assert.Equal(TtyMode.Canonical | TtyMode.Echo, mode);
        Assert.Equal(3, intr);   // ttyd needs 1..0x7F; unused without Signals
    }

    [Fact]
    public void FromTtyKeepsWhatTtydHasNot()
    {
        var t = new byte[Termios.Size];
        Termios.Default(t);
        Termios.PutWord(t, Termios.IflagOffset, 0x1234);
        Termios.FromTty(t, TtyMode.Echo, 0, 3);
        Assert.Equal(0x1234u, Termios.Word(t, Termios.IflagOffset));
        uint l = Termios.Word(t, Termios.LflagOffset);
        Assert.Equal(Termios.Echo, l & (Termios.Icanon | Termios.Echo | Termios.Isig));
        Assert.Equal(0x8A3Bu & ~(Termios.Icanon | Termios.Isig), l);
        Assert.Equal(0, t[Termios.CcOffset + Termios.VMin]);
    }
}
