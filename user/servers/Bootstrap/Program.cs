// The bootstrap: the one process the kernel creates. It holds all memory (as untyped
// capabilities) and the initfs. The test bootstrap (tests/Guest/Bootstrap) first runs the
// kernel-facing user-space suite in test mode, the nucleus benchmarks in bench mode; then every
// bootstrap becomes the process manager and root scheme (Services/), starts initfs: and init, and
// serves until power-off.
using System;
using System.Runtime;
using Vireo.Abi;
using Vireo.User;

static unsafe partial class Program
{
    public static ulong SelfBuffer => BootstrapLayout.IpcBuffer;

    [RuntimeExport("vireo_main")]
    static int Main()
    {
        var info = (BootstrapInfo*)Startup.Argument0;
        if (info->Magic != BootstrapLayout.Magic)
        {
            Console.WriteLine("bootstrap: bad information page");
            return 1;
        }
        CSpace.InitLarge((uint)info->FirstFreeSlot, 1u << BootstrapLayout.CNodeSlotBits);
        InitfsImage initfs = InitfsImage.FromBootstrap(info);
        CapHandle memory = LargestUntyped(info, out int memoryBits);
        // Memory for this process's own heap, where the runtime looks for it: without it the first
        // allocation would fail far from the cause.
        if (Sys.Retype(memory, ObjectType.Untyped, 22, CSpace.Self, BootstrapSlots.Memory, 1, out _) != Status.Ok)
        {
            Console.WriteLine("bootstrap: no memory for the heap");
            return 1;
        }
        Console.Write("bootstrap: ");
        Console.Write(info->UntypedCount);
        Console.Write(" untyped capabilities (largest 2^");
        Console.Write((ulong)memoryBits);
        Console.Write(" bytes), initfs ");
        Console.Write(info->InitfsSize);
        Console.WriteLine(" bytes");

        int failed = 0;
        bool test = (info->Flags & BootstrapInfo.FlagTestMode) != 0, bench = (info->Flags & BootstrapInfo.FlagBenchMode) != 0;
        RunSuites(info, ref initfs, memory, ref failed);
        // From here on the bootstrap is the process manager and root scheme: it starts initfs: and
        // init, which starts the rest. PowerOff ends the run with the status it carries.
        bool bootBench = (info->Flags & BootstrapInfo.FlagBootBench) != 0;
        bool diskBench = (info->Flags & BootstrapInfo.FlagDiskBench) != 0;
        string rc = test ? "initfs:/etc/test.rc" : bench ? "initfs:/etc/bench.rc" : bootBench ? "initfs:/etc/bootbench.rc"
            : diskBench ? "initfs:/etc/diskbench.rc" : "initfs:/etc/init.rc";
        int status = ProcessManager.Run(ref initfs, memory, info, rc);
        return failed + status;
    }

    // The test bootstrap's suites and benchmarks (tests/Guest/Bootstrap/ProgramHooks.cs); in this
    // one the method is empty and its call is removed, so no test code is linked.
    static partial void RunSuites(BootstrapInfo* info, ref InitfsImage initfs, CapHandle memory, ref int failed);

    static CapHandle LargestUntyped(BootstrapInfo* info, out int bits)
    {
        int best = 0;
        for (int i = 1; i < (int)info->UntypedCount; i++)
            if (info->UntypedSizeBits[i] > info->UntypedSizeBits[best]) best = i;
        bits = info->UntypedSizeBits[best];
        return new CapHandle((uint)info->FirstUntypedSlot + (uint)best, 0);
    }
}
