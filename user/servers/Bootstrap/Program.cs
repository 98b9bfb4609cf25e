// The bootstrap: the one process the kernel creates. It reads the information page the kernel
// mapped, and starts the first programs from the initfs through the process builder.
using System;
using System.Runtime;
using Vireo.Abi;
using Vireo.User;

static unsafe class Program
{
    [RuntimeExport("vireo_main")]
    static int Main()
    {
        var info = (BootstrapInfo*)Startup.Argument0;
        if (info->Magic != BootstrapLayout.Magic)
        {
            Console.WriteLine("bootstrap: bad information page");
            return 1;
        }
        Console.Write("bootstrap: hello from ring 3; ");
        Console.Write(info->UntypedCount);
        Console.Write(" untyped capabilities, initfs ");
        Console.Write(info->InitfsSize);
        Console.WriteLine(" bytes");
        return 0;
    }
}
