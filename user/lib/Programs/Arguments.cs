// A program's arguments as options and positional arguments. Options come first: "-x", "--name" or
// "--name=value", up to the first argument that is not one, or up to "--" (which ends them and is
// not itself an argument); "-" alone is positional (by custom: standard input). argv[0], the
// program's path, is neither. The parsing is generic over where the words come from, so the host
// tests give it a list of their own (tests/Kernel.Tests compiles this file); programs use Args,
// which reads the start block.
using System;

namespace Vireo.User;

/// <summary>Where the argument words come from: argv, index 0 being the program.</summary>
public interface IArgumentSource
{
    int Count { get; }
    ReadOnlySpan<byte> Get(int index);
}

public struct Arguments<TSource> where TSource : struct, IArgumentSource
{
    private readonly TSource _source;
    private readonly int _optionsEnd;   // the index after the last option (and after "--")
    private readonly int _first;        // the index of the first positional argument

    public Arguments(TSource source)
    {
        _source = source;
        int i = 1;
        while (i < source.Count && IsOption(source.Get(i))) i++;
        _optionsEnd = i;
        _first = i < source.Count && IsEnd(source.Get(i)) ? i + 1 : i;
    }

    public int PositionalCount => _source.Count > _first ? _source.Count - _first : 0;

    /// <summary>Positional argument i (0 = the first after the options); empty past the end.</summary>
    public ReadOnlySpan<byte> Positional(int i) => (uint)i < (uint)PositionalCount ? _source.Get(_first + i) : default;

    public bool PositionalIs(int i, string text) => (uint)i < (uint)PositionalCount && Ascii.Equals(Positional(i), text);

    /// <summary>True when `option` ("-n", "--boot-bench") was given, with or without "=value".</summary>
    public bool Has(string option) => Find(option, out _) >= 0;

    /// <summary>The value of "--name=value" (option = "--name"); false when not given with a value.</summary>
    public bool TryGetValue(string option, out ReadOnlySpan<byte> value)
    {
        int i = Find(option, out value);
        return i >= 0 && _source.Get(i).Length > option.Length;
    }

    /// <summary>The first option that is none of `known` (up to four; null for fewer): what a usage
    /// message names. False when every option is known.</summary>
    public bool Unknown(out ReadOnlySpan<byte> option, string known0 = null, string known1 = null, string known2 = null, string known3 = null)
    {
        for (int i = 1; i < _optionsEnd; i++)
        {
            ReadOnlySpan<byte> word = _source.Get(i);
            if (IsEnd(word) || Is(word, known0) || Is(word, known1) || Is(word, known2) || Is(word, known3)) continue;
            option = word;
            return true;
        }
        option = default;
        return false;
    }

    // The index of the option `name` (exactly, or followed by '='), or -1; `value` after the '='.
    private int Find(string name, out ReadOnlySpan<byte> value)
    {
        value = default;
        for (int i = 1; i < _optionsEnd; i++)
        {
            ReadOnlySpan<byte> word = _source.Get(i);
            if (!Is(word, name)) continue;
            if (word.Length > name.Length) value = word.Slice(name.Length + 1);
            return i;
        }
        return -1;
    }

    private static bool Is(ReadOnlySpan<byte> word, string name) =>
        name != null && Ascii.StartsWith(word, name) && (word.Length == name.Length || word[name.Length] == (byte)'=');

    private static bool IsOption(ReadOnlySpan<byte> word) => word.Length > 1 && word[0] == (byte)'-' && !IsEnd(word);

    private static bool IsEnd(ReadOnlySpan<byte> word) => word.Length == 2 && word[0] == (byte)'-' && word[1] == (byte)'-';
}
