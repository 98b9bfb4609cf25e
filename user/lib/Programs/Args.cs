// This program's arguments (Startup's start block) through Arguments: Args.Positional(0) is the
// first word after the options. Spans point into the start block, which lives as long as the
// process, so they may be kept and handed to Fs as they are.
using System;

namespace Vireo.User;

/// <summary>argv from the start block the process manager wrote.</summary>
public readonly struct ProgramArguments : IArgumentSource
{
    public int Count => Startup.ArgumentCount;
    public ReadOnlySpan<byte> Get(int index) => Startup.Argument(index);
}

public static class Args
{
    private static Arguments<ProgramArguments> All => new Arguments<ProgramArguments>(default);

    public static int PositionalCount => All.PositionalCount;
    public static ReadOnlySpan<byte> Positional(int i) => All.Positional(i);
    public static bool PositionalIs(int i, string text) => All.PositionalIs(i, text);
    public static bool Has(string option) => All.Has(option);
    public static bool TryGetValue(string option, out ReadOnlySpan<byte> value) => All.TryGetValue(option, out value);

    public static bool Unknown(out ReadOnlySpan<byte> option, string known0 = null, string known1 = null, string known2 = null, string known3 = null) =>
        All.Unknown(out option, known0, known1, known2, known3);
}
