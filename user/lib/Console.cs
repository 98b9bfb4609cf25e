// Console output for user programs. Until the Services issue gives a terminal scheme, text goes
// to the kernel log through the DebugWrite syscall, a line at a time.
using Vireo.User;

namespace System;

public static unsafe class Console
{
    public static void Write(string text)
    {
        // Converted in chunks on the stack: no allocation.
        byte* buffer = stackalloc byte[128];
        int n = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            buffer[n++] = c < 128 ? (byte)c : (byte)'?';
            if (n == 128)
            {
                Sys.DebugWrite(buffer, (ulong)n);
                n = 0;
            }
        }
        if (n > 0) Sys.DebugWrite(buffer, (ulong)n);
    }

    public static void WriteLine(string text)
    {
        Write(text);
        WriteLine();
    }

    public static void WriteLine()
    {
        byte nl = (byte)'\n';
        Sys.DebugWrite(&nl, 1);
    }

    public static void Write(ulong value)
    {
        byte* digits = stackalloc byte[20];
        int n = 20;
        do
        {
            digits[--n] = (byte)('0' + (int)(value % 10));
            value /= 10;
        } while (value != 0);
        Sys.DebugWrite(digits + n, (ulong)(20 - n));
    }

    public static void Write(long value)
    {
        if (value < 0)
        {
            Write("-");
            Write((ulong)(-value));
        }
        else Write((ulong)value);
    }
}
