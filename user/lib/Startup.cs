// Process start-up: give the managed heap its first memory, initialise statics, install the
// fail-fast hook (a failed runtime check ends the process with a message), run the program's
// vireo_main and exit with its result.
using System.Runtime;
using System.Runtime.CompilerServices;
using Internal.Runtime;

namespace Vireo.User;

public static unsafe class Startup
{
    // The first heap region lives in .bss; programs that need more map memory (see Memory).
    private struct InitialHeap { public fixed byte Bytes[16 * 1024]; }
    private static InitialHeap s_heap;
    private static ulong s_arg0, s_arg1;

    public static ulong Argument0 => s_arg0;
    public static ulong Argument1 => s_arg1;

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "vireo_main")]
    private static extern int ProgramMain();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "user_modules")]
    private static extern void** Modules(void*** end);

    [RuntimeExport("__vireo_start")]
    private static void Start(ulong arg0, ulong arg1)
    {
        s_arg0 = arg0;
        s_arg1 = arg1;
        fixed (InitialHeap* heap = &s_heap)
            Heap.Init(heap->Bytes, (nuint)sizeof(InitialHeap));
        RuntimeHooks.FailFast = &FailFast;
        void** end;
        void** start = Modules(&end);
        if (!StartupCodeHelpers.InitializeModules(start, end))
            FailFast(null, 0);
        int code = ProgramMain();
        System.Console.Flush();
        Sys.Exit(code);
    }

    private static void FailFast(char* message, int length)
    {
        System.Console.Write("fatal: runtime check failed: ");
        for (int i = 0; i < length; i++) System.Console.Write(message[i]);
        System.Console.WriteLine();
        Sys.Exit(255);
    }
}
