// Entry point for host-side build tools. Each verb is a small class in this folder.
using System;
namespace Vireo.Tools;

public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: vireo-tools <verb> ...");
            return 2;
        }
        Console.Error.WriteLine("unknown verb: " + args[0]);
        return 2;
    }
}
