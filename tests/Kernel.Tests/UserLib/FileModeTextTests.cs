// ls -l's mode text and chmod's arguments (user/lib/Text/FileModeText.cs), against what GNU
// coreutils print and do.
using System;
using System.Text;
using Vireo.Abi;
using Vireo.User;
using Xunit;

namespace Vireo.Tests.UserLib;

public class FileModeTextTests
{
    [Theory]
    [InlineData(0x41ED, "drwxr-xr-x")]
    [InlineData(0x81A4, "-rw-r--r--")]
    [InlineData(0xA1FF, "lrwxrwxrwx")]
    [InlineData(0x2190, "crw--w----")]
    [InlineData(0x1180, "prw-------")]
    [InlineData(0xC1ED, "srwxr-xr-x")]
    [InlineData(0x89ED, "-rwsr-xr-x")]   // 04755
    [InlineData(0x89A4, "-rwSr--r--")]   // 04644
    [InlineData(0x85ED, "-rwxr-sr-x")]   // 02755
    [InlineData(0x43FF, "drwxrwxrwt")]   // 01777, as /tmp
    [InlineData(0x43FE, "drwxrwxrwT")]   // 01776
    [InlineData(0x8000, "----------")]
    public void Format_is_ls_l(int mode, string expected)
    {
        var into = new byte[FileModeText.Width];
        FileModeText.Format((uint)mode, into);
        Assert.Equal(expected, Encoding.ASCII.GetString(into));
    }

    [Theory]
    [InlineData("755", 0x1ED)]
    [InlineData("0644", 0x1A4)]
    [InlineData("7777", 0xFFF)]
    [InlineData("0", 0)]
    public void Octal(string text, int expected)
    {
        Assert.True(FileModeText.TryParseOctal(B(text), out uint mode));
        Assert.Equal((uint)expected, mode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("8")]
    [InlineData("17777")]
    [InlineData("75a")]
    public void Octal_refuses(string text) => Assert.False(FileModeText.TryParseOctal(B(text), out _));

    [Theory]
    [InlineData("u+x", 0x1A4, false, 0x1E4)]        // 0644 -> 0744
    [InlineData("go-r", 0x1A4, false, 0x180)]       // 0644 -> 0600
    [InlineData("a=r", 0x1ED, false, 0x124)]        // 0755 -> 0444
    [InlineData("+x", 0x1A4, false, 0x1ED)]         // no who: all
    [InlineData("u=rwx,g=rx,o=", 0, false, 0x1E8)]  // -> 0750
    [InlineData("a+X", 0x1A4, false, 0x1A4)]        // X: no x anywhere, a file: nothing
    [InlineData("a+X", 0x1A4, true, 0x1ED)]         // X on a directory: x
    [InlineData("a+X", 0x1C0, false, 0x1C9)]        // X when some x is set
    [InlineData("u+s", 0x1ED, false, 0x9ED)]        // setuid only
    [InlineData("+t", 0x1FF, true, 0x3FF)]          // sticky
    [InlineData("u+w-x", 0x124, false, 0x1A4)]      // two operations in one clause
    [InlineData("750", 0x1FF, false, 0x1E8)]        // octal replaces
    public void Symbolic(string text, int current, bool directory, int expected)
    {
        Assert.True(FileModeText.TryApply(B(text), (uint)current, directory, out uint mode));
        Assert.Equal((uint)expected, mode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("u")]
    [InlineData("u+q")]
    [InlineData("x+r")]
    [InlineData("u+x,")]
    public void Symbolic_refuses(string text) => Assert.False(FileModeText.TryApply(B(text), 0x1A4, false, out _));

    private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);
}
