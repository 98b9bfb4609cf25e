// The program library (user/lib/Text, Programs, Schemes/FileTable) in the booted system: the File
// layer and LineReader against ramfs, buffered standard output flushed at exit (a child svctest
// writes through Out and never flushes), the portable pieces as ilc compiled them, and what every
// daemon now gets from FileTable: Fstat and Dup it did not write, NotSupported for what it lacks.
using System;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;
using T = Vireo.User.Testing.TestRunner;

static unsafe class LibTests
{
    private const string OutArgument = "lib-out";
    private const int OutLines = 100;   // about 900 bytes: two buffers and the rest at exit

    public static void Run()
    {
        T.Run("lib.numbers_and_text", &NumbersAndText);
        T.Run("lib.scheme_path", &Paths);
        T.Run("lib.file_write_read_all", &WriteReadAll);
        T.Run("lib.file_copy", &Copy);
        T.Run("lib.line_reader", &Lines);
        T.Run("lib.out_flushed_at_exit", &OutAtExit);
        T.Run("lib.file_table_fstat_dup", &FstatAndDup);
        T.Run("lib.file_table_not_supported", &NotSupported);
    }

    private static bool Is(ReadOnlySpan<byte> bytes, string text) => Ascii.Equals(bytes, text);

    // The host tests check these against .NET; here, that ilc and the core library agree.
    private static void NumbersAndText()
    {
        byte* b = stackalloc byte[32];
        var into = new Span<byte>(b, 32);
        T.True(Is(into.Slice(0, Numbers.FormatDecimal(ulong.MaxValue, into)), "18446744073709551615"), "ulong.MaxValue in decimal");
        T.True(Is(into.Slice(0, Numbers.FormatDecimal(long.MinValue, into)), "-9223372036854775808"), "long.MinValue in decimal");
        T.True(Is(into.Slice(0, Numbers.FormatHex(0xBEEF, into, 6)), "00beef"), "hex with zeros in front");
        T.True(Numbers.TryParseDecimal(into.Slice(0, Numbers.FormatDecimal(1234567UL, into)), out ulong v) && v == 1234567, "decimal both ways");
        for (int i = 0; i < 20; i++) b[i] = (byte)'9';
        T.True(!Numbers.TryParseDecimal(new ReadOnlySpan<byte>(b, 20), out _), "20 nines do not fit a ulong");
        var t = new Text(b, 8);
        t.Str("up ");
        t.Padded(7, 2);
        t.Char(':');
        t.Number(123);
        T.True(Is(t.Written, "up 07:12") && t.Cut, "Text pads, and cuts at its capacity");
    }

    private static void Paths()
    {
        byte* b = stackalloc byte[64];
        const string Messy = "file:/a//b/./c/../";
        byte* p = stackalloc byte[Messy.Length];
        int n = Ascii.Copy(Messy, new Span<byte>(p, Messy.Length));
        int m = SchemePath.Normalize(new ReadOnlySpan<byte>(p, n), new Span<byte>(b, 64));
        T.True(m > 0 && Is(new ReadOnlySpan<byte>(b, m), "file:/a/b"), "normalised");
        T.Status(Status.Ok, SchemePath.Split(new ReadOnlySpan<byte>(b, m), out ReadOnlySpan<byte> scheme, out ReadOnlySpan<byte> rest), "split");
        T.True(Is(scheme, "file") && Is(rest, "/a/b"), "scheme and rest");
    }

    private static Status Put(string path, string text)
    {
        byte* p = stackalloc byte[64];
        byte* d = stackalloc byte[256];
        int pn = Ascii.Copy(path, new Span<byte>(p, 64));
        int dn = Ascii.Copy(text, new Span<byte>(d, 256));
        return File.WriteAll(new ReadOnlySpan<byte>(p, pn), new ReadOnlySpan<byte>(d, dn));
    }

    private static Status Get(string path, Span<byte> into, out int length)
    {
        byte* p = stackalloc byte[64];
        int pn = Ascii.Copy(path, new Span<byte>(p, 64));
        return File.ReadAll(new ReadOnlySpan<byte>(p, pn), into, out length);
    }

    private static void WriteReadAll()
    {
        byte* b = stackalloc byte[64];
        T.Status(Status.Ok, Put("file:/lib-a", "hello\nworld\n"), "write all");
        T.Status(Status.Ok, Get("file:/lib-a", new Span<byte>(b, 64), out int n), "read all");
        T.True(Is(new ReadOnlySpan<byte>(b, n), "hello\nworld\n"), "the same bytes back");
        T.Status(Status.NoSpace, Get("file:/lib-a", new Span<byte>(b, 5), out n), "a buffer too small");
        T.True(n == 5 && Is(new ReadOnlySpan<byte>(b, 5), "hello"), "filled with the start");
        T.Status(Status.Ok, Get("file:/lib-a", new Span<byte>(b, 12), out n), "exactly the file's size fits");
        T.Status(Status.Ok, Put("file:/lib-a", "x"), "write all again truncates");
        T.Status(Status.Ok, Get("file:/lib-a", new Span<byte>(b, 64), out n), "read again");
        T.True(n == 1 && b[0] == (byte)'x', "only the new bytes");
        T.Status(Status.NotFound, Get("file:/lib-none", new Span<byte>(b, 64), out _), "a missing file");
        T.Status(Status.Ok, Fs.Unlink("file:/lib-a"), "unlink file:/lib-a");
    }

    private static void Copy()
    {
        byte* b = stackalloc byte[1200];
        for (int i = 0; i < 1200; i++) b[i] = (byte)('a' + i % 26);
        T.Status(Status.Ok, Fs.Open("file:/lib-src", OpenFlags.Read | OpenFlags.Write | OpenFlags.Create, out Fd src), "a source");
        T.Status(Status.Ok, Fs.Write(src, b, 1200, out _), "write src");
        T.Status(Status.Ok, Fs.Seek(src, 0, SeekFrom.Start, out _), "seek src");
        T.Status(Status.Ok, Fs.Open("file:/lib-dst", OpenFlags.Write | OpenFlags.Create, out Fd dst), "a target");
        T.Status(Status.Ok, File.Copy(src, dst, out bool readFailed), "copy (three requests' worth)");
        T.True(!readFailed, "no side failed");
        T.Status(Status.Ok, Fs.Close(dst), "close dst");
        byte* back = stackalloc byte[1300];
        T.Status(Status.Ok, Get("file:/lib-dst", new Span<byte>(back, 1300), out int n), "read the copy");
        T.True(n == 1200 && Ascii.Equals(new ReadOnlySpan<byte>(back, n), new ReadOnlySpan<byte>(b, 1200)), "the same bytes");
        T.Status(Status.Ok, Fs.Close(src), "close src");
        T.Status(Status.Ok, Fs.Open("file:/lib-src", OpenFlags.Write, out Fd writeOnly), "the source again, write-only");
        T.Status(Status.InsufficientRights, File.Copy(writeOnly, Fd.Stdout, out readFailed), "a source opened write-only");
        T.True(readFailed, "the read side failed");
        T.Status(Status.Ok, Fs.Close(writeOnly), "close writeOnly");
        T.Status(Status.Ok, Fs.Unlink("file:/lib-src"), "unlink file:/lib-src");
        T.Status(Status.Ok, Fs.Unlink("file:/lib-dst"), "unlink file:/lib-dst");
    }

    private static void Lines()
    {
        T.Status(Status.Ok, Put("file:/lib-lines", "a\nbb\n\nccc"), "a file of lines");
        T.Status(Status.Ok, Fs.Open("file:/lib-lines", OpenFlags.Read, out Fd fd), "open it");
        LineReader reader = default;
        byte* line = stackalloc byte[8];
        string[] expected = { "a", "bb", "", "ccc" };
        for (int i = 0; i < expected.Length; i++)
        {
            T.Status(Status.Ok, reader.ReadLine(fd, line, 8, out int n, out bool cut, out bool ended), "read a line");
            T.True(!cut && !ended && Is(new ReadOnlySpan<byte>(line, n), expected[i]), "the lines in order, the last without '\\n'");
        }
        T.Status(Status.Ok, reader.ReadLine(fd, line, 8, out _, out _, out bool end), "read a line");
        T.True(end, "then the end");
        T.Status(Status.Ok, Fs.Close(fd), "close fd");
        T.Status(Status.Ok, Fs.Unlink("file:/lib-lines"), "unlink file:/lib-lines");
    }

    /// <summary>True when this svctest was spawned by OutAtExit: it writes OutLines lines through
    /// Out and returns without flushing (Startup's exit path must send them).</summary>
    public static bool IsOutPeer(out int code)
    {
        code = 0;
        if (!Args.PositionalIs(0, OutArgument)) return false;
        for (int i = 0; i < OutLines; i++)
        {
            Out.Write("line ");
            Out.Number((ulong)i);
            Out.Line();
        }
        return true;
    }

    private static void OutAtExit()
    {
        if (!T.Status(Status.Ok, Fs.Pipe(out Fd read, out Fd write), "a pipe for its output")) return;
        const string Argv = "initfs:/bin/svctest\0" + OutArgument;
        T.Status(Status.Ok, Fs.Dup(write, out Fd childOut), "dup write");
        byte* argv = stackalloc byte[Argv.Length];
        Ascii.Copy(Argv, new Span<byte>(argv, Argv.Length));
        Status s = Children.Spawn(new ReadOnlySpan<byte>(argv, Argv.Length), childOut, childOut, childOut, SpawnFlags.NoRegister, out ulong pid);
        Fs.Forget(childOut);   // the child's now: it closes it as it exits
        T.Status(Status.Ok, Fs.Close(write), "close write");
        if (!T.Status(Status.Ok, s, "spawn svctest " + OutArgument)) return;
        const int Capacity = 2048;
        byte* got = stackalloc byte[Capacity];
        int length = 0;
        while (length < Capacity && Fs.Read(read, got + length, Capacity - length, out int n) == Status.Ok && n > 0) length += n;
        T.Status(Status.Ok, Fs.Close(read), "close read");
        T.Status(Status.Ok, Children.Wait(pid, out _, out ThreadExitKind kind, out ulong code), "it ended");
        T.True(kind == ThreadExitKind.Exited && code == 0, "by returning 0");
        byte* want = stackalloc byte[Capacity];
        var t = new Text(want, Capacity);
        for (int i = 0; i < OutLines; i++)
        {
            t.Str("line ");
            t.Number((ulong)i);
            t.Char('\n');
        }
        T.Equal(t.Length, length, "every byte arrived, the last buffer at exit");
        T.True(Ascii.Equals(t.Written, new ReadOnlySpan<byte>(got, length)), "in order");
    }

    // Fstat and Dup come from the library's FileTable in every daemon, written once.
    private static void FstatAndDup()
    {
        Check("null:", FileKind.Device);
        Check("initfs:/etc/test.rc", FileKind.File);
        Check("initfs:/bin", FileKind.Directory);
        Check("sys:/", FileKind.Directory);
        Check("file:/", FileKind.Directory);
        Check("tty:", FileKind.Device);
        // sys: files could not be duplicated before FileTable; a dup shows the same text.
        byte* a = stackalloc byte[64];
        byte* b = stackalloc byte[64];
        T.Status(Status.Ok, Fs.Open("sys:/time", OpenFlags.Read, out Fd fd), "open sys:/time");
        T.Status(Status.Ok, Fs.Dup(fd, out Fd copy), "dup a sys: file");
        T.Status(Status.Ok, Fs.Read(fd, a, 64, out int na), "read fd");
        T.Status(Status.Ok, Fs.Read(copy, b, 64, out int nb), "read copy");
        T.True(na > 1 && Ascii.Equals(new ReadOnlySpan<byte>(a, na), new ReadOnlySpan<byte>(b, nb)), "the dup has the original's text");
        T.Status(Status.Ok, Fs.Close(fd), "close fd");
        T.Status(Status.Ok, Fs.Close(copy), "close copy");
    }

    private static void Check(string path, FileKind kind)
    {
        if (!T.Status(Status.Ok, Fs.Open(path, OpenFlags.Read, out Fd fd), "open")) return;
        T.Status(Status.Ok, Fs.Fstat(fd, out _, out FileKind got), "fstat");
        T.Equal((long)kind, (long)got, "its kind");
        T.Status(Status.Ok, Fs.Dup(fd, out Fd copy), "dup");
        T.Status(Status.Ok, Fs.Close(fd), "close the original");
        T.Status(Status.Ok, Fs.Fstat(copy, out _, out got), "the dup lives on");
        T.Equal((long)kind, (long)got, "with the same kind");
        T.Status(Status.Ok, Fs.Close(copy), "close the dup");
        T.Status(Status.BadDescriptor, Fs.Fstat(copy, out _, out _), "closed is closed");
    }

    // What a daemon does not handle is NotSupported, without the daemon saying so.
    private static void NotSupported()
    {
        byte* b = stackalloc byte[16];
        T.Status(Status.Ok, Fs.Open("null:", OpenFlags.Read, out Fd dev), "open null:");
        T.Status(Status.NotSupported, Fs.Getdents(dev, b, 16, out _), "getdents on a device");
        T.Status(Status.NotSupported, Fs.Accept(dev, out _), "accept on a device");
        T.Status(Status.Ok, Fs.Close(dev), "close dev");
        T.Status(Status.Ok, Fs.Open("file:/", OpenFlags.Read, out Fd dir), "open file:/");
        T.Status(Status.NotSupported, Fs.Accept(dir, out _), "accept on a directory of file:");
        T.Status(Status.Ok, Fs.Close(dir), "close dir");
        T.Status(Status.Ok, Fs.Open("initfs:/etc/test.rc", OpenFlags.Read, out Fd rc), "open an initfs file");
        T.Status(Status.NotSupported, Fs.Fcntl(rc, FcntlCommand.GetFlags, 0, out _), "fcntl on initfs:");
        T.Status(Status.Ok, Fs.Close(rc), "close rc");
        T.Status(Status.NotSupported, Fs.Mkdir("null:/x"), "mkdir on null:");
    }
}
