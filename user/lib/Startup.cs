// Process start-up: give the managed heap its first memory, initialise statics, install the
// fail-fast hook (a failed runtime check ends the process with a message), hand allocation to the
// garbage collector, run the program's vireo_main and exit with its result.
using System.Runtime;
using System.Runtime.CompilerServices;
using Internal.Runtime;
using Vireo.Abi;
using System;

namespace Vireo.User;

public static unsafe class Startup
{
    // The first heap region lives in .bss: the static bases and the first allocations, never freed.
    // Beyond it the collector allocates (Runtime/Collector.cs).
    private struct InitialHeap { public fixed byte Bytes[16 * 1024]; }
    private static InitialHeap s_heap;
    private static ulong s_arg0, s_arg1;
    private static ProcessStartInfo* s_start;

    /// <summary>The two raw words the creator passed (for the bootstrap: its information page).</summary>
    public static ulong Argument0 => s_arg0;
    public static ulong Argument1 => s_arg1;

    /// <summary>Arguments, argv[0] being the program's path; none for the bootstrap.</summary>
    public static int ArgumentCount => s_start == null ? 0 : (int)s_start->ArgumentCount;

    public static ReadOnlySpan<byte> Argument(int index)
    {
        if (s_start == null || (uint)index >= (uint)s_start->ArgumentCount) return default;
        byte* text = (byte*)s_start + s_start->ArgumentOffsets[index];
        int n = 0;
        while (text[n] != 0) n++;
        return new ReadOnlySpan<byte>(text, n);
    }

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "vireo_main")]
    private static extern int ProgramMain();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "user_modules")]
    private static extern void** Modules(void*** end);

    [RuntimeExport("__vireo_start")]
    private static void Start(ulong arg0, ulong arg1)
    {
        s_arg0 = arg0;
        s_arg1 = arg1;
        // A process made by the process builder gets a start block (see ProcessStartInfo).
        if (arg0 != 0 && (arg0 & 7) == 0 && *(ulong*)arg0 == ProcessStartInfo.MagicValue)
        {
            s_start = (ProcessStartInfo*)arg0;
            s_arg0 = s_start->Word0;
            s_arg1 = s_start->Word1;
            CSpace.Init((uint)s_start->FirstFreeSlot, 1u << (int)s_start->CNodeSlotBits);
        }
        fixed (InitialHeap* heap = &s_heap)
            Heap.Init(heap->Bytes, (nuint)sizeof(InitialHeap));
        RuntimeHooks.FailFast = &FailFast;
        UnhandledException.Install((nuint)(&arg0));
        void** end;
        void** start = Modules(&end);
        // The collector takes over when the .bss region runs out. The main stack's top: the end of
        // the page holding this frame, which is mapped up to there.
        ulong here = 0;
        Runtime.Collector.Install(((ulong)&here + 4095) & ~4095UL);
        if (!StartupCodeHelpers.InitializeModules(start, end))
            FailFast(null, 0);
        // A CNode larger than the .bss bitmap (a nester's, up to 2^16 slots): its other slots become
        // usable now that the heap and the statics (which keep the new bitmap referenced) work.
        if (s_start != null && s_start->CNodeSlotBits > 12) CSpace.Grow(1u << (int)s_start->CNodeSlotBits);
        int code = ProgramMain();
        System.Console.Flush();
        CloseStdio();
        Sys.Exit(code);
    }

    // A process's stdin, stdout and stderr are its own descriptors (its parent hands it duplicates):
    // closing them at exit is what tells a pipe's reader that the writer is gone.
    private static void CloseStdio()
    {
        if (s_start == null) return;
        for (int which = 0; which < 3; which++)
        {
            var fd = which == 0 ? Vireo.User.Schemes.Fd.Stdin : which == 1 ? Vireo.User.Schemes.Fd.Stdout : Vireo.User.Schemes.Fd.Stderr;
            if (Sys.Identify(fd.Cap, out ObjectType type, out _, out _, out ulong badge) == Status.Ok &&
                type == ObjectType.Endpoint && SchemeBadge.IsFile(badge))
                // The program is ending: nobody is left to hear of a failed close.
                _ = Vireo.User.Schemes.Fs.Close(fd);
        }
    }

    private static void FailFast(char* message, int length)
    {
        System.Console.Write("fatal: runtime check failed: ");
        for (int i = 0; i < length; i++) System.Console.Write(message[i]);
        System.Console.WriteLine();
        Sys.Exit(255);
    }
}
