// Console output for user programs. Until the Services issue gives a terminal scheme, text goes
// to the kernel's serial console through DebugWrite, a whole line per call where it fits, so
// lines from different processes do not interleave mid-line.
using Vireo.User;

namespace System;

public static unsafe class Console
{
    private const int Capacity = 256;
    private struct LineBuffer { public fixed byte Bytes[Capacity]; }
    private static LineBuffer s_line;
    private static int s_length;

    public static void Write(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            Put(c < 128 ? (byte)c : (byte)'?');
        }
    }

    public static void WriteLine(string text)
    {
        Write(text);
        WriteLine();
    }

    public static void WriteLine() => Put((byte)'\n');

    public static void Write(char c) => Put(c < 128 ? (byte)c : (byte)'?');

    public static void Write(ulong value)
    {
        byte* digits = stackalloc byte[20];
        int n = 20;
        do
        {
            digits[--n] = (byte)('0' + (int)(value % 10));
            value /= 10;
        } while (value != 0);
        while (n < 20) Put(digits[n++]);
    }

    public static void Write(long value)
    {
        if (value < 0)
        {
            Put((byte)'-');
            Write((ulong)(-value));
        }
        else Write((ulong)value);
    }

    private static int s_stdout;   // 0 unknown, 1 a stdout file, 2 none (the kernel's log)

    public static void Flush()
    {
        Vireo.User.Out.Flush();   // buffered standard output first: it was written earlier
        if (s_length == 0) return;
        // A process given a stdout (ProcessSlots.Stdout holds an endpoint capability: a file) writes
        // there; the bootstrap, the tests' helper processes and daemons started without one use the
        // kernel's debug log.
        if (s_stdout == 0)
            s_stdout = Startup.ArgumentCount > 0 && Sys.Identify(Vireo.User.Schemes.Fd.Stdout.Cap, out Vireo.Abi.ObjectType type, out _, out _, out _) == Vireo.Abi.Status.Ok &&
                type == Vireo.Abi.ObjectType.Endpoint ? 1 : 2;
        fixed (LineBuffer* line = &s_line)
        {
            if (s_stdout != 1 || Vireo.User.Schemes.Fs.Write(Vireo.User.Schemes.Fd.Stdout, line->Bytes, s_length, out _) != Vireo.Abi.Status.Ok)
                Sys.DebugWrite(line->Bytes, (ulong)s_length);
        }
        s_length = 0;
    }

    private static void Put(byte b)
    {
        s_line.Bytes[s_length++] = b;
        if (b == (byte)'\n' || s_length == Capacity) Flush();
    }
}
