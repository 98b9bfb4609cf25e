// The fuzzer's controller: prints the seed, starts Workers worker processes (each with a seed of
// its own derived from it) through the process manager, waits for them, and compares the process
// manager's free bytes before and after: every byte given to the workers must come back, whatever
// they did to their capabilities; and the kernel's own counters (live objects by type, page-table
// pages, ASIDs: SchemeOp.KernelCounters) must be back where they were, so no object the workers made
// outlives them. Ends the run with PowerOff carrying the number of failures.
using Vireo.Abi;
using Vireo.User.Testing;
using Vireo.User;
using Vireo.User.Schemes;

static unsafe class Controller
{
    public const int Workers = 2;
    // Memory bits | CNode bits << 8 for a worker: a 4 MiB block (half of it heap), 1,024 slots.
    private const ulong WorkerSizes = 22 | (10 << 8);
    // The most a worker may hold: its fuzzed GrowMemory requests stop there, not at the machine's end.
    private const ulong WorkerLimit = 64UL << 20;

    // The workers' manager requests reach code that makes one-time state in the process manager, which
    // the counters would otherwise report as a leak: a long request (data in a frame, LongPaths) makes
    // the 16 KiB buffer its copies go to (4 heap pages, kept for the manager's life). One such request
    // before the first count makes it; whatever the answer, the buffer stays.
    private static void WarmUpManager()
    {
        const int Length = SchemeLimits.MaxData + 20;
        if (LongPaths.Buffer(out byte* data) != Status.Ok) return;
        for (int i = 0; i < Length; i++) data[i] = (byte)'x';
        _ = LongPaths.Call(Namespace.Root, SchemeOp.Lookup, 0, 0, 0, Length, 1, out _);   // NameTooLong: only the buffer matters
    }

    public static int Run(ulong seed, ulong seconds)
    {
        System.Console.WriteLine("fuzz: seed " + seed.ToString() + ", " + seconds.ToString() + " s, " + Workers.ToString() + " processes of " + Worker.Threads.ToString() + " threads");
        int failed = 0;
        ulong* countsBefore = stackalloc ulong[(int)KernelCounter.Count];
        ulong* countsAfter = stackalloc ulong[(int)KernelCounter.Count];
        WarmUpManager();
        if (!KernelCounts.Read(countsBefore))
        {
            System.Console.WriteLine("fuzz: FAIL cannot read the kernel's counters");
            failed++;
        }
        ulong before = Free();
        ulong* pids = stackalloc ulong[Workers];
        for (int i = 0; i < Workers; i++)
        {
            string argv = "initfs:/bin/fuzz worker " + (seed * 1000 + (ulong)i).ToString() + " " + seconds.ToString();
            Status s = Spawn(argv, out pids[i]);
            if (s != Status.Ok)
            {
                System.Console.WriteLine("fuzz: FAIL cannot start worker " + i.ToString() + ": " + StatusText.Describe(s));
                failed++;
            }
        }
        for (int i = 0; i < Workers; i++)
        {
            if (pids[i] == 0) continue;
            Status s = SchemeCall.Call(Namespace.Root, SchemeOp.WaitChild, pids[i], 0, 0, 0, 0, 0, out SchemeReply r);
            // A worker that faulted or was killed is reported, not failed: its own calls can break it.
            System.Console.WriteLine("fuzz: worker " + i.ToString() + " ended: " + (s != Status.Ok ? StatusText.Describe(s)
                : r.W1 == (ulong)ThreadExitKind.Exited ? "exited " + r.W2.ToString() : r.W1 == (ulong)ThreadExitKind.Faulted ? "faulted" : "killed"));
        }
        ulong after = Free();
        System.Console.WriteLine("fuzz: free bytes before " + before.ToString() + ", after " + after.ToString());
        if (before == 0 || before != after)
        {
            System.Console.WriteLine("fuzz: FAIL memory did not come back exactly");
            failed++;
        }
        if (KernelCounts.Read(countsAfter)) failed += CompareCounters(countsBefore, countsAfter);
        System.Console.WriteLine("FUZZ VERDICT " + (failed == 0 ? "pass" : "FAIL") + " seed=" + seed.ToString());
        // The verdict is out; a refused power-off leaves the harness's timeout to end the run (a failure).
        _ = SchemeCall.Call(Namespace.Root, SchemeOp.PowerOff, (ulong)failed, 0, 0, 0, 0, 0, out _);
        return failed;
    }

    // Prints the counters and each that moved; the number of failures (0 or 1).
    private static int CompareCounters(ulong* before, ulong* after)
    {
        string line = "fuzz: kernel counters after (before):";
        int moved = 0;
        for (int i = 0; i < (int)KernelCounter.Count; i++)
        {
            if (before[i] == 0 && after[i] == 0 || !KernelCounterInfo.IsLeakCounter(i)) continue;
            line += " " + CounterName(i) + "=" + after[i].ToString() + "(" + before[i].ToString() + ")";
            if (before[i] != after[i]) moved++;
        }
        System.Console.WriteLine(line);
        if (moved == 0) return 0;
        System.Console.WriteLine("fuzz: FAIL " + moved.ToString() + " kernel counters did not come back");
        return 1;
    }

    private static string CounterName(int i) => i switch
    {
        (int)ObjectType.Untyped => "untyped",
        (int)ObjectType.CNode => "cnode",
        (int)ObjectType.Thread => "thread",
        (int)ObjectType.AddressSpace => "address-space",
        (int)ObjectType.Frame => "frame",
        (int)ObjectType.Endpoint => "endpoint",
        (int)ObjectType.Notification => "notification",
        (int)ObjectType.Reply => "reply",
        (int)ObjectType.IrqHandler => "irq-handler",
        (int)KernelCounter.PageTables => "page-tables",
        (int)KernelCounter.Asids => "asids",
        _ => "counter" + i.ToString(),
    };

    // 0 when the process manager does not answer: the comparison then fails rather than compare
    // two unanswered readings.
    private static ulong Free()
    {
        return SchemeCall.Call(Namespace.Root, SchemeOp.MemInfo, 0, 0, 0, 0, 0, 0, out SchemeReply r) == Status.Ok ? r.W1 : 0;
    }

    private static unsafe Status Spawn(string argv, out ulong pid)
    {
        SchemeCall.Put(argv);
        for (int i = 0; i < argv.Length; i++) if (SchemeCall.Data[i] == (byte)' ') SchemeCall.Data[i] = 0;
        Status s = SchemeCall.Call(Namespace.Root, SchemeOp.Spawn, (ulong)(SpawnFlags.NoRegister | SpawnFlags.KernelLog), WorkerSizes, WorkerLimit, argv.Length, 0, 0, out SchemeReply r);
        pid = s == Status.Ok ? r.W0 : 0;
        return s;
    }
}
