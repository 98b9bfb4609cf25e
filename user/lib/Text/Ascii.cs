// ASCII text held as bytes: the comparisons and the splitting every program does on its arguments,
// its paths and the words of a protocol or an rc file. Written once here (init, the tools, the shell,
// initfsd and the daemons each had their own copy). Portable: tests/Kernel.Tests compiles this file.
// A string argument is compared as ASCII; a character above 0x7F matches no byte.
using System;

namespace Vireo.User;

public static unsafe class Ascii
{
    public static bool Equals(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length != b.Length) return false;
        fixed (byte* pa = a)
        fixed (byte* pb = b)
            return Equals(pa, pb, a.Length);
    }

    /// <summary>The same `length` bytes at both places (names in fixed tables: no span to make).</summary>
    public static bool Equals(byte* a, byte* b, int length)
    {
        for (int i = 0; i < length; i++) if (a[i] != b[i]) return false;
        return true;
    }

    public static bool Equals(ReadOnlySpan<byte> text, string word) => text.Length == word.Length && StartsWith(text, word);

    public static bool StartsWith(ReadOnlySpan<byte> text, string prefix)
    {
        if (text.Length < prefix.Length) return false;
        for (int i = 0; i < prefix.Length; i++) if (text[i] != prefix[i]) return false;
        return true;
    }

    public static bool StartsWith(ReadOnlySpan<byte> text, ReadOnlySpan<byte> prefix) =>
        text.Length >= prefix.Length && Equals(text.Slice(0, prefix.Length), prefix);

    /// <summary>Where `value` first stands in `text`, or -1.</summary>
    public static int IndexOf(ReadOnlySpan<byte> text, byte value)
    {
        for (int i = 0; i < text.Length; i++) if (text[i] == value) return i;
        return -1;
    }

    /// <summary>Where `word` first stands in `text`, or -1; an empty word stands at 0.</summary>
    public static int IndexOf(ReadOnlySpan<byte> text, string word)
    {
        for (int i = 0; i + word.Length <= text.Length; i++) if (StartsWith(text.Slice(i), word)) return i;
        return -1;
    }

    public static bool Contains(ReadOnlySpan<byte> text, string word) => IndexOf(text, word) >= 0;

    public static bool IsDigit(byte c) => c >= (byte)'0' && c <= (byte)'9';

    public static bool IsBlank(byte c) => c == (byte)' ' || c == (byte)'\t';

    /// <summary>The next word of `line` from `at` on (words are separated by spaces and tabs); `at`
    /// moves past it. False when only blanks are left.</summary>
    public static bool NextWord(ReadOnlySpan<byte> line, ref int at, out ReadOnlySpan<byte> word)
    {
        while (at < line.Length && IsBlank(line[at])) at++;
        int start = at;
        while (at < line.Length && !IsBlank(line[at])) at++;
        word = line.Slice(start, at - start);
        return word.Length > 0;
    }

    /// <summary>The next line of `text` from `at` on, without its '\n'; `at` moves past it. False at
    /// the end. A last line without '\n' still counts.</summary>
    public static bool NextLine(ReadOnlySpan<byte> text, ref int at, out ReadOnlySpan<byte> line)
    {
        line = default;
        if (at >= text.Length) return false;
        int end = at;
        while (end < text.Length && text[end] != (byte)'\n') end++;
        line = text.Slice(at, end - at);
        at = end + 1;
        return true;
    }

    /// <summary>`bytes` as a string, one char per byte (a path or a name held as bytes, for a message or a key).</summary>
    public static string ToString(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) chars[i] = (char)bytes[i];
        return new string(chars);
    }

    /// <summary>Copies `text` into `into` as ASCII ('?' for anything above 0x7F), as much as fits;
    /// returns how many bytes were written.</summary>
    public static int Copy(string text, Span<byte> into)
    {
        int n = text.Length < into.Length ? text.Length : into.Length;
        for (int i = 0; i < n; i++) into[i] = text[i] < 128 ? (byte)text[i] : (byte)'?';
        return n;
    }
}
