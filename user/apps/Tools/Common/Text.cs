// Small text helpers shared by the shell and its tools: statuses in words, decimal numbers both
// ways, comparing and appending bytes. Text is ASCII bytes throughout (arguments, paths, data).
using System;
using Vireo.Abi;

namespace Vireo.Commands;

public static unsafe class Text
{
    /// <summary>What a status means, for people.</summary>
    public static string Describe(Status s)
    {
        switch (s)
        {
            case Status.Ok: return "ok";
            case Status.NotFound: return "no such file or directory";
            case Status.Exists: return "file exists";
            case Status.NotDirectory: return "not a directory";
            case Status.IsDirectory: return "is a directory";
            case Status.NotEmpty: return "directory not empty";
            case Status.NameTooLong: return "name too long";
            case Status.UnknownScheme: return "unknown scheme";
            case Status.BadDescriptor: return "bad file descriptor";
            case Status.BadReply: return "bad reply from the daemon";
            case Status.NotSupported: return "operation not supported";
            case Status.BrokenPipe: return "broken pipe";
            case Status.NoSpace: return "no space left";
            case Status.OutOfMemory: return "out of memory";
            case Status.InvalidArgument: return "invalid argument";
            case Status.InsufficientRights: return "permission denied";
            case Status.PeerDied: return "the daemon died";
            case Status.WouldBlock: return "resource temporarily unavailable";
            case Status.InvalidCapability: return "invalid capability";
            case Status.OutOfRange: return "out of range";
            case Status.BadState: return "bad state";
            default: return "unexpected error";
        }
    }

    /// <summary>Writes the digits of `value` to `into` (room for 20); returns how many.</summary>
    public static int Decimal(ulong value, byte* into)
    {
        byte* digits = stackalloc byte[20];
        int n = 20;
        do
        {
            digits[--n] = (byte)('0' + (int)(value % 10));
            value /= 10;
        } while (value != 0);
        for (int i = n; i < 20; i++) into[i - n] = digits[i];
        return 20 - n;
    }

    /// <summary>A decimal number with nothing else in it.</summary>
    public static bool TryNumber(ReadOnlySpan<byte> text, out ulong value)
    {
        value = 0;
        if (text.Length == 0 || text.Length > 19) return false;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] < (byte)'0' || text[i] > (byte)'9') return false;
            value = value * 10 + (ulong)(text[i] - '0');
        }
        return true;
    }

    public static bool Same(ReadOnlySpan<byte> text, string word)
    {
        if (text.Length != word.Length) return false;
        for (int i = 0; i < text.Length; i++) if (text[i] != word[i]) return false;
        return true;
    }

    public static bool Same(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++) if (a[i] != b[i]) return false;
        return true;
    }

    /// <summary>Appends to `into` (holding `at` bytes, room for `capacity`); returns the new length,
    /// cutting what does not fit.</summary>
    public static int Append(byte* into, int at, int capacity, string text)
    {
        for (int i = 0; i < text.Length && at < capacity; i++) into[at++] = text[i] < 128 ? (byte)text[i] : (byte)'?';
        return at;
    }

    public static int Append(byte* into, int at, int capacity, ReadOnlySpan<byte> text)
    {
        for (int i = 0; i < text.Length && at < capacity; i++) into[at++] = text[i];
        return at;
    }
}
