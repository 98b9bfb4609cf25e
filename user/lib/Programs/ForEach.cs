// The shape most tools share: do one thing to each positional argument, say what failed in words,
// and exit with the number of failures (2 with a usage line when there are none, or when an option
// was given: these tools take none).
using System;
using Vireo.Abi;

namespace Vireo.User;

public static unsafe class ForEach
{
    /// <summary>`notFound`, if given, replaces the words for Status.NotFound (a pid is not a file).</summary>
    public static int Argument(string program, string usage, delegate*<ReadOnlySpan<byte>, Status> action, string notFound = null)
    {
        if (Args.Unknown(out ReadOnlySpan<byte> option))
        {
            Out.Error(program, option, "unknown option");
            return 2;
        }
        if (Args.PositionalCount == 0)
        {
            Out.Error(program, default, usage);
            return 2;
        }
        int failures = 0;
        for (int i = 0; i < Args.PositionalCount; i++)
        {
            Status s = action(Args.Positional(i));
            if (s == Status.Ok) continue;
            Out.Error(program, Args.Positional(i), s == Status.NotFound && notFound != null ? notFound : StatusText.Describe(s));
            failures++;
        }
        // Output that cannot be written (no standard output, a closed pipe) is dropped, as Out says;
        // the exit code tells of the work itself.
        _ = Out.Flush();
        return failures;
    }
}
