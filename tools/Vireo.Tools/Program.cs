// Entry point for host-side build tools: dispatches on the verb. Each verb lives in its own
// file as a static Run(args, stdout, stderr) so tests can drive it without a process.
// Exit codes: 0 success, 1 bad input data, 2 usage error.
using System;

namespace Vireo.Tools;

public static class Program
{
    private const string Usage =
        "usage: vireo-tools <verb> ...\n" +
        "  ksyms <kernel.elf> <out.bin>        symbol table blob for symbolised panics\n" +
        "  bench-json <serial.log> <out.json>  collect BENCH lines into bench.json\n" +
        "  mkinitfs <out.cpio> <root-dir>      pack a directory tree as the initfs (cpio newc)\n" +
        "  bench-svg <bench.json> <bench-dir> <out.svg>\n" +
        "                                      chart: each figure beside Linux's, log scale\n" +
        "  bench-readme <bench.json> <bench-dir> <README.md>\n" +
        "                                      rewrite the README's benchmark table\n";

    public static int Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.Write(Usage);
            return 2;
        }

        ReadOnlySpan<string> rest = args.AsSpan(1);
        switch (args[0])
        {
            case "ksyms":
                return KernelSymbols.Run(rest, Console.Out, Console.Error);
            case "bench-json":
                return BenchLog.Run(rest, Console.Out, Console.Error);
            case "bench-svg":
                return BenchChart.Run(rest, Console.Out, Console.Error);
            case "bench-readme":
                return BenchReadme.Run(rest, Console.Out, Console.Error);
            case "mkinitfs":
                return Initfs.Run(rest, Console.Out, Console.Error);
            case "help":
            case "-h":
            case "--help":
                Console.Out.Write(Usage);
                return 0;
            default:
                Console.Error.Write("unknown verb: " + args[0] + "\n" + Usage);
                return 2;
        }
    }
}
