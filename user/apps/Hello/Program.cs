// The first user program: prints a greeting from ring 3 and exits with a status.
using System;
using System.Runtime;
using Vireo.User;

static class Program
{
    [RuntimeExport("vireo_main")]
    static int Main()
    {
        Console.WriteLine("Hello from Vireo user space!");
        for (int i = 1; i < Startup.ArgumentCount; i++)
        {
            Console.Write("argument: ");
            ReadOnlySpan<byte> text = Startup.Argument(i);
            for (int c = 0; c < text.Length; c++) Console.Write((char)text[c]);
            Console.WriteLine();
        }
        return 0;
    }
}
