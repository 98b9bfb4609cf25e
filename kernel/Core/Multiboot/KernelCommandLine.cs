// The kernel command line: space-separated words, each a flag ("test") or key=value
// ("fault=pf"). Selects what the booted image does (run, test, bench, a fault test).
using System;
namespace Vireo.Kernel.Multiboot;

public ref struct KernelCommandLine
{
    private readonly ReadOnlySpan<byte> _text;

    public KernelCommandLine(ReadOnlySpan<byte> text)
    {
        int n = 0;
        while (n < text.Length && text[n] != 0) n++;
        _text = text.Slice(0, n);
    }

    /// <summary>True when a word equals `flag` exactly, or is `flag=...`.</summary>
    public bool Has(string flag) => TryFind(flag, out _, out _);

    /// <summary>The value of `key=value`; false when absent (a bare `key` has an empty value).</summary>
    public bool TryGetValue(string key, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (!TryFind(key, out int start, out int end)) return false;
        int valueStart = start + key.Length;
        value = valueStart < end && _text[valueStart] == (byte)'=' ? _text.Slice(valueStart + 1, end - valueStart - 1) : default;
        return true;
    }

    public static bool Equals(ReadOnlySpan<byte> bytes, string text)
    {
        if (bytes.Length != text.Length) return false;
        for (int i = 0; i < bytes.Length; i++)
            if (bytes[i] != (byte)text[i]) return false;
        return true;
    }

    private bool TryFind(string key, out int wordStart, out int wordEnd)
    {
        int i = 0;
        while (i < _text.Length)
        {
            while (i < _text.Length && _text[i] == (byte)' ') i++;
            int start = i;
            while (i < _text.Length && _text[i] != (byte)' ') i++;
            int end = i;
            if (end - start >= key.Length && Matches(start, key) && (end - start == key.Length || _text[start + key.Length] == (byte)'='))
            {
                wordStart = start;
                wordEnd = end;
                return true;
            }
        }
        wordStart = wordEnd = 0;
        return false;
    }

    private bool Matches(int at, string key)
    {
        for (int k = 0; k < key.Length; k++)
            if (_text[at + k] != (byte)key[k]) return false;
        return true;
    }
}
