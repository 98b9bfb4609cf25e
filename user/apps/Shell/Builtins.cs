// Commands the shell runs itself: the ones that change the shell (exit), need no process of their
// own (echo, help, sleep), or end everything (poweroff). Each writes to the descriptor it is given,
// so `echo hi > file:/a` and `echo hi | cat` work like a program's output.
using System;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;

namespace Vireo.Shell;

public static unsafe class Builtins
{
    private const string Help =
        "builtins:\n" +
        "  help                  this text\n" +
        "  echo [-n] WORD...     print the words (-n: no newline)\n" +
        "  sleep SECONDS         wait (fractions too: sleep 0.5)\n" +
        "  exit [CODE]           leave the shell\n" +
        "  poweroff              switch the machine off\n" +
        "programs (initfs:/bin): ls cat mkdir rm mv ps kill uptime meminfo schemes, and any other there\n" +
        "  ls [PATH...]  cat [PATH...]  mkdir PATH...  rm PATH...  mv FROM TO  kill PID...\n" +
        "syntax:\n" +
        "  a | b                 a's output is b's input\n" +
        "  a ; b  a && b  a || b b after a; only if a succeeded; only if a failed\n" +
        "  > PATH  >> PATH       output to a file (>> appends); < PATH: input from one\n" +
        "  '...' \"...\" \\c        quoting;  $? the last exit status;  # a comment\n" +
        "paths name a scheme: file:/notes, initfs:/bin, tty:, pipe: (see `schemes`)\n";

    public static bool Is(ReadOnlySpan<byte> name) =>
        Ascii.Equals(name, "echo") || Ascii.Equals(name, "help") || Ascii.Equals(name, "sleep") ||
        Ascii.Equals(name, "exit") || Ascii.Equals(name, "poweroff");

    /// <summary>Runs builtin stage `stage`, writing to `output`; its exit status. `exit` is set when
    /// the shell should stop.</summary>
    public static int Run(ref CommandLine line, int stage, Fd output, long lastStatus, out bool exit)
    {
        exit = false;
        var name = line.Arg(stage, 0);
        if (Ascii.Equals(name, "echo")) return Echo(ref line, stage, output);
        if (Ascii.Equals(name, "help")) return Write(output, Help);
        if (Ascii.Equals(name, "sleep")) return Sleep(ref line, stage);
        if (Ascii.Equals(name, "poweroff"))
        {
            Status s = SchemeCall.Call(Namespace.Root, SchemeOp.PowerOff, 0, 0, 0, 0, 0, 0, out _);
            Out.Error("poweroff", default, s);   // the answer never comes when it works
            return 1;
        }
        exit = true;
        if (line.ArgCount(stage) < 2) return (int)lastStatus;
        if (Numbers.TryParseDecimal(line.Arg(stage, 1), out ulong code) && code <= int.MaxValue) return (int)code;
        Out.Error("exit", line.Arg(stage, 1), "not a number");
        return 2;
    }

    private static int Echo(ref CommandLine line, int stage, Fd output)
    {
        byte* text = stackalloc byte[CommandLine.MaxText + 1];
        int first = 1;
        bool newline = true;
        if (line.ArgCount(stage) > 1 && Ascii.Equals(line.Arg(stage, 1), "-n"))
        {
            newline = false;
            first = 2;
        }
        var t = new Text(text, CommandLine.MaxText);
        for (int i = first; i < line.ArgCount(stage); i++)
        {
            if (i > first) t.Char(' ');
            t.Bytes(line.Arg(stage, i));
        }
        if (newline) text[t.Length++] = (byte)'\n';
        return Write(output, text, t.Length);
    }

    private static int Write(Fd output, string text)
    {
        // Output the console no longer takes is dropped (Out keeps the failure); the shell goes on.
        _ = Out.Flush();
        Status s = Fs.Write(output, text);
        if (s == Status.Ok) return 0;
        Out.Error("sh", default, s);
        return 1;
    }

    private static int Write(Fd output, byte* text, int n)
    {
        // Output the console no longer takes is dropped (Out keeps the failure); the shell goes on.
        _ = Out.Flush();
        Status s = Fs.Write(output, text, n, out _);
        if (s == Status.Ok) return 0;
        Out.Error("sh", default, s);
        return 1;
    }

    // SECONDS is decimal with an optional fraction (up to nanoseconds).
    private static int Sleep(ref CommandLine line, int stage)
    {
        if (line.ArgCount(stage) != 2 || !ParseSeconds(line.Arg(stage, 1), out ulong ns))
        {
            Out.Error("sleep", default, "usage: sleep SECONDS");
            return 2;
        }
        // Output the console no longer takes is dropped (Out keeps the failure); the shell goes on.
        _ = Out.Flush();
        // In slices, so that Ctrl-C (Interrupts, another thread) ends it within one.
        const ulong Slice = 10_000_000;
        while (ns > 0 && !Interrupts.Interrupted)
        {
            ulong step = ns < Slice ? ns : Slice;
            if (Sys.Sleep(step) != Status.Ok) return 1;
            ns -= step;
        }
        return Interrupts.Interrupted ? 128 + 2 : 0;
    }

    private static bool ParseSeconds(ReadOnlySpan<byte> text, out ulong ns)
    {
        ns = 0;
        int dot = 0;
        while (dot < text.Length && text[dot] != (byte)'.') dot++;
        if (!Numbers.TryParseDecimal(text.Slice(0, dot), out ulong whole) || whole > 1_000_000) return false;
        ns = whole * 1_000_000_000;
        ulong scale = 100_000_000;
        for (int i = dot + 1; i < text.Length; i++, scale /= 10)
        {
            if (!Ascii.IsDigit(text[i])) return false;
            ns += (ulong)(text[i] - '0') * scale;
        }
        return true;
    }
}
