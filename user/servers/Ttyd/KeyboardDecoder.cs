// PS/2 scancodes (set 1, what the controller hands over by default) to ASCII. Pure: the daemon
// gives it each byte read from port 0x60. It tracks Shift and Ctrl (so the shell's `|`, `>` and
// capitals can be typed, and Ctrl-C / Ctrl-D reach the line discipline) and skips the keys behind
// the 0xE0 prefix (arrows, keypad Enter aside) that a line editor without cursor movement ignores.
namespace Vireo.Ttyd;

using static Vireo.Hardware.Ps2Keyboard;

public struct KeyboardDecoder
{
    private const byte KeypadEnter = Enter;   // after the 0xE0 prefix

    private bool _leftShift, _rightShift, _control, _extended;

    /// <summary>The character a scancode byte makes, or 0 for none.</summary>
    public byte Decode(byte code)
    {
        if (code == Extended)
        {
            _extended = true;
            return 0;
        }
        bool extended = _extended;
        _extended = false;
        bool released = (code & Release) != 0;
        byte key = (byte)(code & ~Release);
        if (key == Control) { _control = !released; return 0; }   // left, or right after 0xE0
        if (extended && key != KeypadEnter) return 0;
        if (key == LeftShift && !extended) { _leftShift = !released; return 0; }
        if (key == RightShift) { _rightShift = !released; return 0; }
        if (released || key >= Plain.Length) return 0;
        char c = _leftShift || _rightShift ? Shifted[key] : Plain[key];
        if (_control && c >= 'a' && c <= 'z') return (byte)(c - 'a' + 1);
        if (_control && c >= 'A' && c <= 'Z') return (byte)(c - 'A' + 1);
        return (byte)c;
    }
}
