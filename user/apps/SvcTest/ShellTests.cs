// In-guest tests of the console and the shell: ttyd's line discipline and keyboard decoding and
// the shell's parser directly (their sources are compiled in), then scripted shell sessions: sh
// runs with a pipe we write commands into as stdin and a pipe we read as stdout and stderr, and the
// transcript (prompts included, so the order is checked too) must hold what each command prints.
using System;
using Vireo.Abi;
using Vireo.Shell;
using Vireo.Ttyd;
using Vireo.User;
using Vireo.User.Schemes;
using T = Vireo.User.Testing.TestRunner;

static unsafe class ShellTests
{
    public static void Run()
    {
        T.Run("shell.line_discipline_edits", &LineEdits);
        T.Run("shell.line_discipline_queues_lines", &LineQueue);
        T.Run("shell.line_discipline_end_of_file", &LineEndOfFile);
        T.Run("shell.line_discipline_long_line", &LineLong);
        T.Run("shell.line_discipline_escapes", &LineEscapes);
        T.Run("shell.keyboard_decoder", &Keyboard);
        T.Run("shell.parse", &Parse);
        T.Run("shell.parse_errors", &ParseErrors);
        T.Run("shell.parse_lists", &ParseLists);
        T.Run("shell.tty_scheme", &TtyScheme);
        T.Run("shell.echo_redirect_cat", &EchoRedirectCat);
        T.Run("shell.directories", &Directories);
        T.Run("shell.errors_and_status", &ErrorsAndStatus);
        T.Run("shell.pipelines", &Pipelines);
        T.Run("shell.lists", &Lists);
        T.Run("shell.long_lines_refused", &LongLines);
        T.Run("shell.exit_code", &ExitCode);
        T.Run("shell.system_tools", &SystemTools);
    }

    // --- ttyd's line discipline and keyboard -------------------------------------------------------

    private static LineDiscipline s_line;

    // Feeds text; returns everything echoed.
    private static int Feed(string text, byte* echo)
    {
        int n = 0;
        for (int i = 0; i < text.Length; i++) n += s_line.Feed((byte)text[i], echo + n);
        return n;
    }

    private static bool Same(byte* bytes, int n, string expected) => Ascii.Equals(new ReadOnlySpan<byte>(bytes, n), expected);

    private static bool NextLine(string expected)
    {
        byte* b = stackalloc byte[LineDiscipline.MaxLine];
        if (!s_line.HasLine) return false;
        int n = s_line.Peek(b, LineDiscipline.MaxLine);
        s_line.Consume(n);
        return Same(b, n, expected);
    }

    private static void LineEdits()
    {
        s_line = default;
        byte* echo = stackalloc byte[64];
        int n = Feed("ab\x7F" + "c", echo);
        T.True(Same(echo, n, "ab\b \bc"), "typed bytes echo; DEL echoes backspace-space-backspace");
        T.True(!s_line.HasLine, "no line before Enter");
        T.Equal(2, s_line.EditLength, "DEL took one byte back");
        n = Feed("\r\n", echo);
        T.True(Same(echo, n, "\n"), "Enter echoes one newline, CR LF counts once");
        T.True(NextLine("ac\n"), "the edited line, with its newline");
        T.True(!s_line.HasLine, "CR LF made one line, not two");
        n = Feed("\b\bx\b\by\n", echo);
        T.True(Same(echo, n, "x\b \by\n"), "backspace on an empty line echoes nothing");
        T.True(NextLine("y\n"), "BS (0x08) erases too");
    }

    private static void LineQueue()
    {
        s_line = default;
        byte* echo = stackalloc byte[64];
        byte* b = stackalloc byte[8];
        Feed("one\ntwo\nthree\npart", echo);
        T.True(NextLine("one\n"), "first line first");
        int n = s_line.Peek(b, 2);
        T.True(Same(b, n, "tw"), "a short read gets the start of the line");
        s_line.Consume(n);
        T.True(NextLine("o\n"), "and the next read the rest of it");
        T.True(NextLine("three\n"), "then the next line");
        T.True(!s_line.HasLine, "an unfinished line is not readable");
        Feed("\n", echo);
        T.True(NextLine("part\n"), "until Enter");
    }

    private static void LineEndOfFile()
    {
        s_line = default;
        byte* echo = stackalloc byte[64];
        byte* b = stackalloc byte[8];
        int n = Feed("junk\x03", echo);
        T.True(Same(echo, n, "junk^C\n"), "Ctrl-C echoes ^C");
        T.True(s_line.TakeInterrupt(), "and raises an interrupt");
        T.True(!s_line.TakeInterrupt(), "once");
        T.Equal(0, s_line.EditLength, "and drops the line");
        T.True(!s_line.HasLine, "without queueing it");
        Feed("\x04", echo);
        T.True(s_line.HasLine, "Ctrl-D on an empty line queues an end of file");
        T.Equal(0, s_line.Peek(b, 8), "read as zero bytes");
        s_line.Consume(0);
        T.True(!s_line.HasLine, "taken by one read");
        Feed("ab\x04", echo);
        T.True(NextLine("ab"), "Ctrl-D after text ends the line without a newline");
    }

    // A line longer than the edit buffer is not cut: its start is queued when the buffer fills.
    private static void LineLong()
    {
        s_line = default;
        byte* echo = stackalloc byte[LineDiscipline.MaxLine + 64];
        byte* b = stackalloc byte[LineDiscipline.MaxLine];
        int n = 0;
        for (int i = 0; i < LineDiscipline.MaxLine + 44; i++) n += s_line.Feed((byte)'x', echo + n);
        T.Equal(LineDiscipline.MaxLine + 44, n, "every byte echoed, no bell");
        T.True(s_line.HasLine, "the full buffer is queued before Enter");
        int got = s_line.Peek(b, LineDiscipline.MaxLine);
        T.Equal(LineDiscipline.MaxLine, got, "the line's start, the whole buffer");
        T.True(b[got - 1] == (byte)'x', "without a newline");
        s_line.Consume(got);
        T.True(!s_line.HasLine, "the rest waits for Enter");
        Feed("\x7F\x7F", echo);
        T.Equal(42, s_line.EditLength, "backspace works on the part not queued");
        Feed("\n", echo);
        got = s_line.Peek(b, LineDiscipline.MaxLine);
        s_line.Consume(got);
        T.Equal(43, got, "then the rest with its newline");
        for (int i = 0; i < LineDiscipline.MaxLine + 5; i++) s_line.Feed((byte)'x', echo);
        s_line.Consume(s_line.Peek(b, LineDiscipline.MaxLine));
        Feed("\x03" + "ls\n", echo);
        T.True(NextLine("\n"), "Ctrl-C after a queued start ends that line");
        T.True(NextLine("ls\n"), "and the next line is one of its own");
    }

    // Cursor keys and other escape sequences from a serial terminal are swallowed, never text.
    private static void LineEscapes()
    {
        s_line = default;
        byte* echo = stackalloc byte[64];
        int n = Feed("a\x1b[A\x1bOB\x1b[1;5Cb\x1bxc\r", echo);
        T.True(Same(echo, n, "abc\n"), "nothing of ESC [ A, ESC O B, ESC [ 1 ; 5 C, ESC x echoed");
        T.True(NextLine("abc\n"), "nor queued");
    }

    private static void Keyboard()
    {
        var k = new KeyboardDecoder();
        T.Equal('a', k.Decode(0x1E), "a");
        T.Equal(0, k.Decode(0x9E), "a released: nothing");
        T.Equal(0, k.Decode(0x2A), "left shift pressed: nothing");
        T.Equal('|', k.Decode(0x2B), "shift backslash is a bar");
        T.Equal('>', k.Decode(0x34), "shift dot is greater-than");
        T.Equal('A', k.Decode(0x1E), "shift a");
        k.Decode(0xAA);
        T.Equal('.', k.Decode(0x34), "shift released");
        k.Decode(0x1D);
        T.Equal(3, k.Decode(0x2E), "ctrl c");
        k.Decode(0x9D);
        k.Decode(0xE0);
        T.Equal(0, k.Decode(0x48), "an arrow key (0xE0 prefix) makes nothing");
        k.Decode(0xE0);
        T.Equal('\n', k.Decode(0x1C), "keypad Enter is Enter");
        T.Equal('\b', k.Decode(0x0E), "backspace");
    }

    // ttyd itself (test.rc starts it on the console hardware): a device file per open and per dup,
    // writes taken whole, and a closed file that stops working while its dup goes on.
    private static void TtyScheme()
    {
        if (!T.Status(Status.Ok, Fs.Open("tty:", OpenFlags.Read | OpenFlags.Write, out Fd tty), "open tty:")) return;
        T.Status(Status.Ok, Fs.Fstat(tty, out _, out FileKind kind), "fstat");
        T.Equal((long)FileKind.Device, (long)kind, "a device");
        byte* text = stackalloc byte[16];
        const string Line = "ttyd: written\n";
        Ascii.Copy(Line, new Span<byte>(text, 16));
        T.Status(Status.Ok, Fs.Write(tty, text, Line.Length, out int written), "write");
        T.Equal(Line.Length, written, "every byte taken");
        T.Status(Status.Ok, Fs.Dup(tty, out Fd copy), "dup");
        T.Status(Status.Ok, Fs.Read(tty, text, 0, out int read), "a read of nothing does not wait");
        T.Equal(0, read, "and reads nothing");
        T.Status(Status.Ok, Fs.Close(tty), "close");
        T.Status(Status.Ok, Fs.Write(copy, text + Line.Length - 1, 1, out _), "the dup still works");   // "\n": the log stays line by line
        T.Status(Status.Ok, Fs.Close(copy), "close the dup");
    }

    // --- the shell's parser -----------------------------------------------------------------------

    private static CommandLine s_parsed;

    private static bool ParseText(string text, long lastStatus, out string error)
    {
        byte* b = stackalloc byte[256];
        Ascii.Copy(text, new Span<byte>(b, 256));
        return s_parsed.Parse(b, text.Length, lastStatus, out error);
    }

    private static void Parse()
    {
        T.True(ParseText("echo \"a b\" 'c $?' $? x\\|y>file:/o|cat>>file:/p # no", 42, out _), "parses");
        T.Equal(2, s_parsed.StageCount, "two stages");
        T.Equal(5, s_parsed.ArgCount(0), "five words in the first");
        T.True(Ascii.Equals(s_parsed.Arg(0, 1), "a b"), "double quotes keep blanks");
        T.True(Ascii.Equals(s_parsed.Arg(0, 2), "c $?"), "single quotes keep $?");
        T.True(Ascii.Equals(s_parsed.Arg(0, 3), "42"), "$? is the last status");
        T.True(Ascii.Equals(s_parsed.Arg(0, 4), "x|y"), "a backslash quotes one byte");
        T.True(s_parsed.HasOutput(0) && !s_parsed.Appends(0) && Ascii.Equals(s_parsed.Output(0), "file:/o"), "> without blanks");
        T.Equal(1, s_parsed.ArgCount(1), "the comment is not a word");
        T.True(s_parsed.Appends(1) && Ascii.Equals(s_parsed.Output(1), "file:/p"), ">> appends");
        T.True(ParseText("   ", 0, out _), "a blank line parses");
        T.Equal(0, s_parsed.StageCount, "to nothing");
        T.True(ParseText("cat < file:/i \"\"", 0, out _), "input redirection");
        T.True(Ascii.Equals(s_parsed.Input(0), "file:/i") && s_parsed.ArgCount(0) == 2 && s_parsed.Arg(0, 1).Length == 0, "and an empty word");
    }

    private static void ParseErrors()
    {
        T.True(!ParseText("| cat", 0, out string why) && why != null, "a pipe with nothing before it");
        T.True(!ParseText("ls |", 0, out _), "a pipe with nothing after it");
        T.True(!ParseText("echo >", 0, out _), "a redirection without a file");
        T.True(!ParseText("echo > | cat", 0, out _), "a redirection followed by a pipe");
        T.True(!ParseText("echo 'open", 0, out _), "an unclosed quote");
        T.True(!ParseText("> file:/x", 0, out _), "a redirection without a command");
    }

    private static bool CheckList(string text)
    {
        byte* b = stackalloc byte[256];
        Ascii.Copy(text, new Span<byte>(b, 256));
        return CommandList.Check(b, text.Length, ref s_parsed, out _);
    }

    private static void ParseLists()
    {
        T.True(CheckList("echo a; echo b && echo c || echo d"), "; && ||");
        T.True(CheckList("echo a;"), "a ; may end the line");
        T.True(CheckList("echo 'a;b' \"&&\" x\\;y \\&& # ; ||"), "quoted, escaped and commented connectors are text");
        T.True(!CheckList("; echo"), "nothing before ;");
        T.True(!CheckList("echo &&"), "nothing after &&");
        T.True(!CheckList("|| echo"), "nothing before ||");
        T.True(!CheckList("echo a ; ; echo b"), "nothing between two ;");
        T.True(!CheckList("echo a && echo >"), "a later part's syntax error refuses the line");
        byte* b = stackalloc byte[32];
        const string Line = "a 'x;y' && b || c";
        Ascii.Copy(Line, new Span<byte>(b, 32));
        int position = 0;
        CommandList.Next(b, Line.Length, ref position, out int start, out int length, out Connector next);
        T.True(start == 0 && length == 8 && next == Connector.IfSucceeded, "first part up to &&");
        CommandList.Next(b, Line.Length, ref position, out start, out length, out next);
        T.True(start == 10 && length == 3 && next == Connector.IfFailed, "second up to ||");
        CommandList.Next(b, Line.Length, ref position, out start, out length, out next);
        T.True(start == 15 && length == 2 && next == Connector.End, "the last");
    }

    // --- scripted sessions ----------------------------------------------------------------------

    private const int OutputCapacity = 4096;
    private const string Sentinel = "@end\n";
    private struct Output { public fixed byte Bytes[OutputCapacity]; }
    private static Output s_output;
    private static int s_length;

    // Runs sh on `script` (which should end with `echo @end`): reads its output until the sentinel
    // is in it (the next prompt may come in the same read), then waits for it. False if something failed on the way.
    internal static bool Session(string script, out int exitCode)
    {
        exitCode = -1;
        s_length = 0;
        s_shown = false;
        if (!StartShell(out ulong pid, out Fd inWrite, out Fd outRead)) return false;
        bool ok = T.Status(Status.Ok, Fs.Write(inWrite, script), "write the script");
        Status s;
        SchemeReply r;
        T.Status(Status.Ok, Fs.Close(inWrite), "close inWrite");   // the shell reads the end of its input after the script
        while (ok && !Has(Sentinel) && s_length < OutputCapacity)
        {
            int n;
            fixed (byte* o = s_output.Bytes) s = Fs.Read(outRead, o + s_length, OutputCapacity - s_length, out n);
            if (s != Status.Ok || n == 0) break;
            s_length += n;
        }
        if (ok)
        {
            s = SchemeCall.Call(Namespace.Root, SchemeOp.WaitChild, pid, 0, 0, 0, 0, 0, out r);
            exitCode = (int)(uint)r.W2;
            ok = T.Status(Status.Ok, s, "wait for sh") && T.Equal((long)ThreadExitKind.Exited, (long)r.W1, "sh exited by itself");
        }
        T.Status(Status.Ok, Fs.Close(outRead), "close outRead");
        return ok;
    }

    /// <summary>Starts sh on two pipes: `input` writes its stdin, `output` reads its stdout and stderr.</summary>
    public static bool StartShell(out ulong pid, out Fd input, out Fd output)
    {
        pid = 0;
        input = output = default;
        if (!T.Status(Status.Ok, Fs.Pipe(out Fd inRead, out input), "a pipe for the shell's input")) return false;
        if (!T.Status(Status.Ok, Fs.Pipe(out output, out Fd outWrite), "a pipe for its output")) return false;
        if (!T.Status(Status.Ok, Fs.Dup(outWrite, out Fd errWrite), "a second writer for its errors")) return false;
        const string Sh = "initfs:/bin/sh";
        SchemeCall.Put(Sh);
        SchemeCall.Buffer->SendCaps[0] = inRead.Cap.Value;
        SchemeCall.Buffer->SendCaps[1] = outWrite.Cap.Value;
        SchemeCall.Buffer->SendCaps[2] = errWrite.Cap.Value;
        Status s = SchemeCall.Call(Namespace.Root, SchemeOp.Spawn, 0, 0, 0, Sh.Length, 3, 0, out SchemeReply r);
        pid = r.W0;
        // These three are the shell's now (it closes its stdio when it exits): keep no copy.
        Fs.Forget(inRead);
        Fs.Forget(outWrite);
        Fs.Forget(errWrite);
        return T.Status(Status.Ok, s, "spawn sh");
    }

    // A check on the transcript; the first miss in a session shows the whole transcript in the log.
    internal static bool Expect(string text, string why)
    {
        if (T.True(Has(text), why)) return true;
        if (s_shown) return false;
        s_shown = true;
        System.Console.WriteLine("---- shell transcript ----");
        fixed (byte* o = s_output.Bytes)
            for (int i = 0; i < s_length; i++) System.Console.Write((char)o[i]);
        System.Console.WriteLine("---- end ----");
        return false;
    }

    private static bool s_shown;

    private static bool Has(string text)
    {
        fixed (byte* o = s_output.Bytes) return Ascii.Contains(new ReadOnlySpan<byte>(o, s_length), text);
    }

    private static void EchoRedirectCat()
    {
        if (!Session("echo one > file:/sh-a\necho two >> file:/sh-a\ncat file:/sh-a\n" +
                     "echo three > file:/sh-a\ncat file:/sh-a\necho @end\n", out _)) return;
        Expect("vireo$ vireo$ vireo$ one\ntwo\nvireo$ vireo$ three\nvireo$ @end\n", "> writes, >> appends, > truncates; cat shows it");
        T.Status(Status.Ok, Fs.Unlink("file:/sh-a"), "unlink file:/sh-a");
    }

    private static void Directories()
    {
        if (!Session("mkdir file:/sh-d\necho x > file:/sh-d/f\nls file:/sh-d\nmv file:/sh-d/f file:/sh-d/g\n" +
                     "ls file:/sh-d\nrm file:/sh-d/g\nls file:/sh-d\nrm file:/sh-d\nls file:/sh-d\necho @end\n", out _)) return;
        Expect("vireo$ vireo$ vireo$ f\nvireo$ vireo$ g\n", "mkdir, a file in it, ls, mv, ls");
        Expect("g\nvireo$ vireo$ vireo$ vireo$ ls: file:/sh-d: no such file or directory\n", "rm a file, rm the directory");
    }

    private static void ErrorsAndStatus()
    {
        if (!Session("nosuchcommand\necho $?\ncat file:/sh-missing\necho \"status $?\"\necho '$?'\n" +
                     "cat nosuch:/x\nkill 999999\nkill 18446744073709551615\nkill 18446744073709551616\necho after\necho @end\n", out _)) return;
        Expect("vireo$ sh: nosuchcommand: command not found\nvireo$ 127\n", "an unknown command, in words; $? is 127");
        Expect("cat: file:/sh-missing: no such file or directory\nvireo$ status 1\n", "a missing file, in words; $? is 1");
        Expect("vireo$ $?\n", "single quotes keep $?");
        Expect("cat: nosuch:/x: unknown scheme\n", "an unknown scheme, in words");
        Expect("kill: 999999: no such process\n", "kill of a process that is not there");
        Expect("kill: 18446744073709551615: no such process\n", "the largest 64-bit pid is a number, not a process");
        Expect("kill: 18446744073709551616: invalid argument\n", "one more is not a number");
        Expect("vireo$ after\n", "the shell goes on after errors");
    }

    private static void Pipelines()
    {
        if (!Session("echo piped > file:/sh-p\ncat file:/sh-p | cat\necho direct | cat | cat\necho @end\n", out _)) return;
        Expect("vireo$ vireo$ piped\nvireo$ direct\nvireo$ @end\n", "program | program, builtin | program | program");
        T.Status(Status.Ok, Fs.Unlink("file:/sh-p"), "unlink file:/sh-p");
    }

    private static void Lists()
    {
        if (!Session("echo a; echo b\ncat file:/sh-none && echo no1\ncat file:/sh-none || echo yes1\n" +
                     "echo ok && echo yes2 || echo no2\ncat file:/sh-none && echo no3 || echo yes3\n" +
                     "cat file:/sh-none; echo \"then $?\"\necho 'q;r' \"s&&t\" u\\;v\nexit 5; echo no4\necho @end\n", out int code)) return;
        Expect("vireo$ a\nb\nvireo$ ", "a ; b runs both");
        Expect("directory\nyes1\n", "|| runs after a failure");
        Expect("vireo$ ok\nyes2\nvireo$ ", "&& runs after a success, || then does not");
        Expect("directory\nyes3\n", "a skipped && keeps the failure for ||");
        Expect("then 1\n", "$? after ; is the part before");
        Expect("q;r s&&t u;v\n", "quoted and escaped connectors are text");
        T.True(!Has("no1") && !Has("no2") && !Has("no3") && !Has("no4") && !Has("@end"), "what must not run did not");
        T.Equal(5, code, "exit in a list ends the shell at once");
    }

    // The shell refuses a line longer than its limit as a whole, also one longer than its reader's
    // buffer (whose rest must not run as a line of its own).
    private static void LongLines()
    {
        var script = new System.Text.StringBuilder();
        script.Append("echo ");
        for (int i = 0; i < 600; i++) script.Append('y');
        script.Append(" > file:/sh-long\necho \"status $?\"\ncat file:/sh-long\necho ");
        for (int i = 0; i < 1100; i++) script.Append('z');
        script.Append("\necho \"status $?\"\necho @end\n");
        if (!Session(script.ToString(), out _)) return;
        Expect("vireo$ sh: the line is too long\nvireo$ status 2\n", "a 600-byte line is refused, status 2");
        Expect("cat: file:/sh-long: no such file or directory\n", "and none of it ran");
        Expect("vireo$ sh: the line is too long\nvireo$ status 2\nvireo$ @end", "a 1,100-byte line too, once");
        T.True(!Has("zzzz") && !Has("not found"), "its rest did not run");
    }

    private static void ExitCode()
    {
        if (!Session("echo @end\nexit 7\necho never\n", out int code)) return;
        T.Equal(7, code, "exit 7 ends the shell with 7 (and before the next line)");
    }

    private static void SystemTools()
    {
        if (!Session("schemes\nps\nmeminfo\nuptime\necho @end\n", out int code)) return;
        Expect("file\n", "schemes lists file");
        Expect("  PID PARENT NAME\n", "ps prints its table");
        T.True(Has("total") && Has(" KiB\n"), "meminfo in KiB");
        Expect("vireo$ up ", "uptime");
        T.Equal(0, code, "the shell ends with the last status at the end of its input");
    }
}
