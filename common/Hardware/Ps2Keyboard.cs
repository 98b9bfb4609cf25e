// The PS/2 keyboard as its drivers see it: the controller's ports and scancode set 1 (what the
// controller hands over by default) mapped to US-layout characters. One table, shared by the keyboard
// driver and the console daemon's decoder, so the two cannot disagree about a key.
namespace Vireo.Hardware;

public static class Ps2Keyboard
{
    public const ushort DataPort = 0x60, StatusPort = 0x64;

    /// <summary>Status register: a byte waits in DataPort.</summary>
    public const byte OutputFull = 0x01;

    /// <summary>A code with this bit set is a key's release; without it, a press (make code).</summary>
    public const byte Release = 0x80;

    /// <summary>The prefix of the extended keys (arrows, right Ctrl, keypad Enter, ...).</summary>
    public const byte Extended = 0xE0;

    public const byte LeftShift = 0x2A, RightShift = 0x36, Control = 0x1D, Enter = 0x1C;

    /// <summary>Make codes 0x00..0x39 to characters, unshifted; '\0' = no character (Esc, Ctrl, Shift, Alt).</summary>
    public const string Plain = "\0\0" + "1234567890-=" + "\b\t" + "qwertyuiop[]" + "\n\0" + "asdfghjkl;'`" + "\0\\" + "zxcvbnm,./" + "\0*\0 ";

    /// <summary>The same codes with Shift held.</summary>
    public const string Shifted = "\0\0" + "!@#$%^&*()_+" + "\b\t" + "QWERTYUIOP{}" + "\n\0" + "ASDFGHJKL:\"~" + "\0|" + "ZXCVBNM<>?" + "\0*\0 ";
}
