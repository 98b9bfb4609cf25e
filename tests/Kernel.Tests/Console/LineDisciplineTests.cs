// ttyd's line discipline (user/servers/Ttyd/LineDiscipline.cs) on the host: the modes of the
// terminal (TtyMode: canonical or raw, echo, interrupt byte) that the Linux personality's termios
// will sit on. The canonical editing itself is tested in the guest too (ShellTests).
using System.Text;
using Vireo.Abi;
using Vireo.Ttyd;
using Xunit;

namespace Vireo.Tests.Console;

public unsafe class LineDisciplineTests
{
    private LineDiscipline _line;

    // Feeds the text; returns what was echoed.
    private string Feed(string text)
    {
        byte* echo = stackalloc byte[LineDiscipline.MaxEcho];
        var shown = new StringBuilder();
        foreach (char c in text)
        {
            int n = _line.Feed((byte)c, echo);
            for (int i = 0; i < n; i++) shown.Append((char)echo[i]);
        }
        return shown.ToString();
    }

    // One read of up to `max` bytes, as ttyd answers it (null: nothing is readable).
    private string Read(int max = 256)
    {
        if (!_line.HasLine) return null;
        byte* b = stackalloc byte[max];
        int n = _line.Peek(b, max);
        _line.Consume(n);
        return Encoding.Latin1.GetString(b, n);
    }

    private void Raw(TtyMode mode = TtyMode.Raw, int minBytes = 1, byte interrupt = LineDiscipline.EndOfText) =>
        _line.SetMode(mode, minBytes, interrupt);

    [Fact]
    public void A_new_discipline_is_canonical_with_echo_and_signals()
    {
        Assert.Equal(TtyMode.Default, _line.Mode);
        Assert.Equal(1, _line.MinBytes);
        Assert.Equal(LineDiscipline.EndOfText, _line.InterruptByte);
        Assert.Equal("ab", Feed("ab"));
        Assert.Null(Read());   // no line before Enter
    }

    [Fact]
    public void Raw_bytes_are_readable_at_once_without_editing()
    {
        Raw(TtyMode.Echo | TtyMode.Signals);
        Assert.Equal("a", Feed("a"));
        Assert.Equal("a", Read());
        Assert.Null(Read());
        Feed("b\x7F\x1b[A\r");   // DEL, an escape sequence and CR are input like any byte
        Assert.Equal("b\x7F\x1b[A\r", Read());
    }

    [Fact]
    public void A_raw_run_grows_and_is_read_in_parts()
    {
        Raw();
        Feed("hello");
        Assert.Equal("he", Read(2));
        Feed("!");
        Assert.Equal("llo!", Read());
    }

    [Fact]
    public void Echo_off_shows_nothing_but_keeps_the_input()
    {
        _line.SetMode(TtyMode.Canonical | TtyMode.Signals, 1, LineDiscipline.EndOfText);
        Assert.Equal("", Feed("secret\r"));
        Assert.Equal("secret\n", Read());
        Raw(TtyMode.Raw);
        Assert.Equal("", Feed("x"));
        Assert.Equal("x", Read());
    }

    [Fact]
    public void Signals_on_the_interrupt_byte_raises_the_event_and_is_not_input()
    {
        Raw(TtyMode.Echo | TtyMode.Signals);
        Assert.Equal("^C\n", Feed("a\x03").Substring(1));
        Assert.True(_line.TakeInterrupt());
        Assert.False(_line.TakeInterrupt());
        Assert.Equal("a", Read());   // what came before stays; the interrupt byte is not there
        Assert.Null(Read());
    }

    [Fact]
    public void Signals_off_the_interrupt_byte_is_input()
    {
        Raw(TtyMode.Raw);
        Feed("\x03");
        Assert.False(_line.TakeInterrupt());
        Assert.Equal("\x03", Read());
        _line.SetMode(TtyMode.Canonical, 1, LineDiscipline.EndOfText);
        Feed("a\x03\n");
        Assert.False(_line.TakeInterrupt());
        Assert.Equal("a\x03\n", Read());   // in a line too
    }

    [Fact]
    public void Another_interrupt_byte_replaces_ctrl_c()
    {
        _line.SetMode(TtyMode.Default, 1, (byte)'q');
        Assert.Equal((byte)'q', _line.InterruptByte);
        Feed("ab\x03");
        Assert.False(_line.TakeInterrupt());   // Ctrl-C is no interrupt now (and no text either)
        Assert.Equal(2, _line.EditLength);
        Feed("q");
        Assert.True(_line.TakeInterrupt());
        Assert.Equal(0, _line.EditLength);     // q dropped the line
        _line.SetMode(TtyMode.Default, 1, LineDiscipline.EndOfText);
        Feed("q\x03");
        Assert.True(_line.TakeInterrupt());
    }

    [Fact]
    public void Leaving_canonical_mode_makes_the_line_being_edited_input()
    {
        Feed("one\ntw");
        Raw();
        Assert.Equal("one\n", Read());
        Assert.Equal("tw", Read());   // not lost, no newline added
        Feed("o");
        Assert.Equal("o", Read());
        Feed("xy");
        _line.SetMode(TtyMode.Default, 1, LineDiscipline.EndOfText);
        Feed("z\n");
        Assert.Equal("xy", Read());   // the raw run before, then a line of its own
        Assert.Equal("z\n", Read());
    }

    [Fact]
    public void A_full_queue_refuses_raw_bytes_with_a_bell()
    {
        Raw(TtyMode.Echo);
        for (int i = 0; i < LineDiscipline.QueueBytes; i++) Feed("x");
        Assert.Equal("\a", Feed("y"));
        Assert.Equal(LineDiscipline.QueueBytes, Read(LineDiscipline.QueueBytes).Length);
        Assert.Equal("z", Feed("z"));
    }

    [Fact]
    public void Only_known_modes_are_valid()
    {
        Assert.True(LineDiscipline.IsValidMode((ulong)TtyMode.Default, 1, 3));
        Assert.True(LineDiscipline.IsValidMode(0, 0, 0x7F));
        Assert.False(LineDiscipline.IsValidMode(8, 1, 3));      // an unknown flag
        Assert.False(LineDiscipline.IsValidMode(0, 2, 3));      // only 0 or 1 bytes
        Assert.True(LineDiscipline.IsValidMode(0, 1, 0));       // no interrupt byte (VINTR disabled)
        Assert.False(LineDiscipline.IsValidMode(0, 1, 0x80));   // not ASCII
        Raw(TtyMode.Raw, 0);
        Assert.Equal(0, _line.MinBytes);
    }

    [Fact]
    public void The_quit_and_suspend_bytes_raise_their_events_only_when_named()
    {
        Feed("a\x1A\x1C");   // none named (the native shell's mode): control bytes, not text, no event
        Assert.Equal((TtySignals)0, _line.TakeSignals());
        Feed("\r");
        Assert.Equal("a\n", Read());
        _line.SetMode(TtyMode.Default, 1, LineDiscipline.EndOfText, LineDiscipline.FileSeparator, LineDiscipline.Substitute);
        Assert.Equal((byte)0x1A, _line.SuspendByte);
        Assert.Equal("b^Z\n", Feed("b\x1A"));   // shown, and the line being edited is dropped
        Feed("c\r");
        Assert.Equal("c\n", Read());
        Feed("\x1C\x03");
        Assert.Equal(TtySignals.Suspend | TtySignals.Quit | TtySignals.Interrupt, _line.TakeSignals());
        Assert.Equal((TtySignals)0, _line.TakeSignals());
        Raw(TtyMode.Raw);   // without Signals they are input
        _line.SetMode(TtyMode.Raw, 1, LineDiscipline.EndOfText, LineDiscipline.FileSeparator, LineDiscipline.Substitute);
        Feed("\x1A");
        Assert.Equal("\x1A", Read());
        Assert.Equal((TtySignals)0, _line.TakeSignals());
        Assert.False(LineDiscipline.IsValidMode(0, 1, 3, 0, 0x80));   // a suspend byte that is not ASCII
        _line.SetMode(TtyMode.Default, 1, 0, 0, LineDiscipline.Substitute);   // no interrupt byte, ^Z still a signal
        Assert.Equal(0, _line.InterruptByte);
        Feed("\x03\x1A");
        Assert.Equal(TtySignals.Suspend, _line.TakeSignals());
    }
}
