// The shape most tools share: do one thing to each argument, say what failed in words, and exit
// with the number of failures (2 with a usage line when there are no arguments).
using System;
using Vireo.Abi;

namespace Vireo.Commands;

public static unsafe class ForEach
{
    /// <summary>`notFound`, if given, replaces the words for Status.NotFound (a pid is not a file).</summary>
    public static int Argument(string program, string usage, delegate*<ReadOnlySpan<byte>, Status> action, string notFound = null)
    {
        if (Args.Count < 2)
        {
            Out.Error(program, default, usage);
            return 2;
        }
        int failures = 0;
        for (int i = 1; i < Args.Count; i++)
        {
            Status s = action(Args.Get(i));
            if (s == Status.Ok) continue;
            Out.Error(program, Args.Get(i), s == Status.NotFound && notFound != null ? notFound : Text.Describe(s));
            failures++;
        }
        Out.Flush();
        return failures;
    }
}
