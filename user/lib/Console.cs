// Console input and output for user programs, with .NET's overloads. Output is UTF-8, buffered a
// line at a time (up to 256 bytes: a longer line leaves in pieces) and written to the process's
// stdout, after whatever Out has buffered; a process without a stdout, or whose write fails, writes
// to the kernel's debug log instead. So lines shorter than the buffer from different processes do
// not interleave. Numbers are
// formatted into a stack buffer: writing them allocates nothing (daemons rely on that). ReadLine
// reads stdin through its own buffer and decodes each line from UTF-8.
using Vireo.User;

namespace System;

public static unsafe class Console
{
    private const int Capacity = 256;
    private struct LineBuffer { public fixed byte Bytes[Capacity]; }
    private static LineBuffer s_line;
    private static int s_length;
    private static char s_highSurrogate;   // the first half of a pair split across two writes

    public static void Write(string value) => Write(value.AsSpan());

    public static void Write(ReadOnlySpan<char> value)
    {
        for (int i = 0; i < value.Length; i++) Write(value[i]);
    }

    public static void Write(char value)
    {
        if (s_highSurrogate != 0)
        {
            char high = s_highSurrogate;
            s_highSurrogate = '\0';
            if (char.IsLowSurrogate(value))
            {
                PutCodePoint((uint)char.ConvertToUtf32(high, value));
                return;
            }
            PutCodePoint(0xFFFD);
        }
        if (char.IsHighSurrogate(value)) s_highSurrogate = value;
        else PutCodePoint(char.IsLowSurrogate(value) ? 0xFFFDu : value);
    }

    public static void Write(bool value) => Write(value ? bool.TrueString : bool.FalseString);
    public static void Write(int value) => WriteFormatted(value);
    public static void Write(uint value) => WriteFormatted(value);
    public static void Write(long value) => WriteFormatted(value);
    public static void Write(ulong value) => WriteFormatted(value);
    public static void Write(double value) => WriteFormatted(value);
    public static void Write(float value) => WriteFormatted(value);
    public static void Write(object value) => Write(value?.ToString());
    public static void Write(char[] buffer) => Write(new ReadOnlySpan<char>(buffer));
    public static void Write(string format, object arg0) => Write(string.Format(format, arg0));
    public static void Write(string format, object arg0, object arg1) => Write(string.Format(format, arg0, arg1));
    public static void Write(string format, object arg0, object arg1, object arg2) => Write(string.Format(format, arg0, arg1, arg2));
    public static void Write(string format, params object[] arg) => Write(string.Format(format, arg));

    public static void WriteLine() => Write('\n');
    public static void WriteLine(string value) { Write(value); WriteLine(); }
    public static void WriteLine(ReadOnlySpan<char> value) { Write(value); WriteLine(); }
    public static void WriteLine(char value) { Write(value); WriteLine(); }
    public static void WriteLine(bool value) { Write(value); WriteLine(); }
    public static void WriteLine(int value) { Write(value); WriteLine(); }
    public static void WriteLine(uint value) { Write(value); WriteLine(); }
    public static void WriteLine(long value) { Write(value); WriteLine(); }
    public static void WriteLine(ulong value) { Write(value); WriteLine(); }
    public static void WriteLine(double value) { Write(value); WriteLine(); }
    public static void WriteLine(float value) { Write(value); WriteLine(); }
    public static void WriteLine(object value) { Write(value); WriteLine(); }
    public static void WriteLine(char[] buffer) { Write(buffer); WriteLine(); }
    public static void WriteLine(string format, object arg0) => WriteLine(string.Format(format, arg0));
    public static void WriteLine(string format, object arg0, object arg1) => WriteLine(string.Format(format, arg0, arg1));
    public static void WriteLine(string format, object arg0, object arg1, object arg2) => WriteLine(string.Format(format, arg0, arg1, arg2));
    public static void WriteLine(string format, params object[] arg) => WriteLine(string.Format(format, arg));

    private static void WriteFormatted<T>(T value) where T : ISpanFormattable
    {
        Span<char> text = stackalloc char[64];
        value.TryFormat(text, out int written, default, null);
        Write(text.Slice(0, written));
    }

    private static int s_stdout;   // 0 unknown, 1 a stdout file, 2 none (the kernel's log)

    public static void Flush()
    {
        _ = Vireo.User.Out.Flush();   // buffered standard output first: it was written earlier
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
                // The kernel's log is the last resort: nowhere is left to report its failure.
                _ = Sys.DebugWrite(line->Bytes, (ulong)s_length);
        }
        s_length = 0;
    }

    private static void PutCodePoint(uint c)
    {
        // A multi-byte character is never split across two writes.
        if (s_length > Capacity - 4) Flush();
        if (c < 0x80) { Put((byte)c); return; }
        if (c < 0x800) { Put((byte)(0xC0 | (c >> 6))); }
        else
        {
            if (c < 0x10000) Put((byte)(0xE0 | (c >> 12)));
            else { Put((byte)(0xF0 | (c >> 18))); Put((byte)(0x80 | ((c >> 12) & 0x3F))); }
            Put((byte)(0x80 | ((c >> 6) & 0x3F)));
        }
        Put((byte)(0x80 | (c & 0x3F)));
    }

    private static void Put(byte b)
    {
        s_line.Bytes[s_length++] = b;
        if (b == (byte)'\n' || s_length == Capacity) Flush();
    }

    // --- input ----------------------------------------------------------------------------------

    /// <summary>The next line of stdin without its line ending ("\n" or "\r\n"), or null at the end
    /// of input (or when there is no stdin). Pending output is flushed first, so a prompt shows.</summary>
    public static string ReadLine()
    {
        Flush();
        return Stdin.ReadLine();
    }

    // Its own class, so that the buffer is part of a program's data only if it reads lines.
    private static class Stdin
    {
        private const int InputCapacity = 1024;
        private struct InputBuffer { public fixed byte Bytes[InputCapacity]; }
        private static InputBuffer s_input;
        private static int s_inputStart, s_inputEnd;
        private static bool s_inputEnded;

        public static string ReadLine()
        {
            byte[] line = null;
            int lineLength = 0;
            while (true)
            {
                int newline = -1;
                for (int i = s_inputStart; i < s_inputEnd; i++)
                    if (s_input.Bytes[i] == (byte)'\n') { newline = i; break; }
                int stop = newline >= 0 ? newline : s_inputEnd;
                // Move the bytes up to the newline (or all we have) into the line.
                int take = stop - s_inputStart;
                if (take > 0)
                {
                    if (line is null || lineLength + take > line.Length)
                    {
                        var bigger = new byte[Math.Max(lineLength + take, line is null ? 64 : line.Length * 2)];
                        if (line != null) new ReadOnlySpan<byte>(line, 0, lineLength).CopyTo(bigger);
                        line = bigger;
                    }
                    fixed (InputBuffer* input = &s_input)
                        new ReadOnlySpan<byte>(input->Bytes + s_inputStart, take).CopyTo(new Span<byte>(line, lineLength, take));
                    lineLength += take;
                }
                s_inputStart = newline >= 0 ? newline + 1 : s_inputEnd;
                if (newline >= 0 || (s_inputEnded && line != null)) break;
                if (s_inputEnded) return null;
                s_inputStart = s_inputEnd = 0;
                fixed (InputBuffer* input = &s_input)
                {
                    if (Startup.ArgumentCount == 0 ||
                        Vireo.User.Schemes.Fs.Read(Vireo.User.Schemes.Fd.Stdin, input->Bytes, InputCapacity, out int n) != Vireo.Abi.Status.Ok || n == 0)
                        s_inputEnded = true;
                    else
                        s_inputEnd = n;
                }
            }
            if (lineLength > 0 && line[lineLength - 1] == (byte)'\r') lineLength--;
            return lineLength == 0 ? string.Empty : System.Text.Encoding.UTF8.GetString(line, 0, lineLength);
        }
    }
}
