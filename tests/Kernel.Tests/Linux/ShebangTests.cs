// `#!` lines as binfmt_script reads them: interpreter, one untouched optional argument, the
// 256-byte limit, and the interpreter's argv.
using System.Text;
using Vireo.Linux.Abi;
using Xunit;

namespace Vireo.Tests.Linux;

public class ShebangTests
{
    private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);

    [Fact]
    public void InterpreterAndOneArgumentKeptWhole()
    {
        Assert.True(Shebang.TryParse(B("#! /bin/sh  -e -x \t\nbody"), out byte[] interp, out byte[] arg));
        Assert.Equal("/bin/sh", Encoding.ASCII.GetString(interp));
        Assert.Equal("-e -x", Encoding.ASCII.GetString(arg));
    }

    [Fact]
    public void NoArgumentAndNoNewlineInAShortFile()
    {
        Assert.True(Shebang.TryParse(B("#!/bin/true"), out byte[] interp, out byte[] arg));
        Assert.Equal("/bin/true", Encoding.ASCII.GetString(interp));
        Assert.Null(arg);
        Assert.True(Shebang.TryParse(B("#!/bin/true\r\n"), out interp, out arg));
        Assert.Equal("/bin/true", Encoding.ASCII.GetString(interp));
        Assert.Null(arg);
    }

    [Fact]
    public void RefusedWithoutAnInterpreterOrWhenItIsCutOff()
    {
        Assert.False(Shebang.TryParse(B("#!   \nx"), out _, out _));
        Assert.False(Shebang.TryParse(B("#x/bin/sh\n"), out _, out _));
        Assert.False(Shebang.TryParse(B("#!/" + new string('a', 300)), out _, out _));
        // An argument cut off by the limit is only shortened, as Linux does.
        Assert.True(Shebang.TryParse(B("#!/bin/sh " + new string('a', 300)), out _, out byte[] arg));
        Assert.Equal(Shebang.Max - 10, arg.Length);
    }

    [Fact]
    public void ArgumentsPutTheScriptAfterTheInterpreter()
    {
        byte[][] argv = Shebang.Arguments(B("/bin/sh"), B("-e"), B("/tmp/s"), new[] { B("s"), B("one"), B("two") });
        Assert.Equal(new[] { "/bin/sh", "-e", "/tmp/s", "one", "two" }, System.Array.ConvertAll(argv, a => Encoding.ASCII.GetString(a)));
        argv = Shebang.Arguments(B("/bin/sh"), null, B("/tmp/s"), new byte[0][]);
        Assert.Equal(new[] { "/bin/sh", "/tmp/s" }, System.Array.ConvertAll(argv, a => Encoding.ASCII.GetString(a)));
    }
}
