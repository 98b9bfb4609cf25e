// Benchmark figures from user space: "BENCH <name> <value>" on the console, one line each, the
// format ./vireo bench parses (bench-json). A value of 0 means the benchmark failed (an operation
// refused, a result wrong): bench-json turns it into a failed run rather than a figure.
using System;

namespace Vireo.User.Testing;

public static class Bench
{
    public static void Report(string name, ulong value)
    {
        Console.Write("BENCH ");
        Console.Write(name);
        Console.Write(" ");
        Console.Write(value);
        Console.WriteLine();
    }
}
