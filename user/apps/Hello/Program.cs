// The first user program: prints a greeting from ring 3 and exits with a status.
using System;
using System.Runtime;

static class Program
{
    [RuntimeExport("vireo_main")]
    static int Main()
    {
        Console.WriteLine("Hello from Vireo user space!");
        return 0;
    }
}
