// What the fuzzer saw: per syscall, how many calls returned each status, and per request label how
// the process manager answered. Threads add without
// locks (a lost increment is harmless next to millions); the worker prints the table at the end.
using Vireo.Abi;

static unsafe class Stats
{
    public const int Statuses = 32;   // kernel statuses are below 16; anything else lands in the last
    private static readonly ulong[] s_counts = new ulong[(int)Syscall.Count * Statuses];
    private static ulong* s_at;
    // Per operation ManagerCalls draws (its Ops, then one row for any other label): a row per label
    // would be 32 KiB more, which the worker's first block does not hold beside its threads.
    private static readonly ulong[] s_managerCounts = new ulong[(ManagerCalls.OpCount + 1) * Statuses];
    private static ulong* s_manager;
    private static readonly ulong[] s_lastArray = new ulong[Worker.Threads];
    private static ulong* s_last;   // per thread: the syscall it made last (where a blocked one waits)

    private static readonly string[] Names =
    {
        "DebugWrite", "Yield", "Exit", "Sleep", "Time", "CapIdentify", "CapCopy", "CapMint", "CapMove",
        "CapDelete", "CapRevoke", "Retype", "Map", "Unmap", "Protect", "ThreadConfigure", "ThreadStart",
        "ThreadSuspend", "ThreadResume", "ThreadWait", "ThreadSetPriority", "Send", "NBSend", "Recv", "NBRecv",
        "Call", "Reply", "ReplyRecv", "Signal", "Wait", "Poll", "NotificationBind", "IrqHandlerGet",
        "IrqHandlerBind", "IrqAck", "IoPortsBind", "ReplySave", "ThreadRegisters", "CapTake", "KernelCounters",
        "FramePhysical", "MsiHandlerGet", "CapCarve",
    };

    /// <summary>Pins the table (the collector never moves objects; the static keeps it alive).</summary>
    public static void Init()
    {
        fixed (ulong* p = s_counts) s_at = p;
        fixed (ulong* p = s_managerCounts) s_manager = p;
        fixed (ulong* p = s_lastArray) s_last = p;
    }

    public static void Calling(int thread, Syscall call) => s_last[thread] = (ulong)call;

    /// <summary>The thread is making request `op` to the process manager (ManagerCalls).</summary>
    public static void CallingManager(int thread, SchemeOp op) => s_last[thread] = ManagerMark + (ulong)op;

    private const ulong ManagerMark = 1UL << 32;   // above every syscall number

    public static string LastCall(int thread) =>
        s_last[thread] >= ManagerMark ? "process manager request " + (s_last[thread] - ManagerMark).ToString() : Names[(int)s_last[thread]];

    public static void Add(Syscall call, Status s)
    {
        ulong st = (ulong)s < Statuses ? (ulong)s : Statuses - 1;
        s_at[(ulong)call * Statuses + st]++;
    }

    /// <summary>The process manager answered a fuzzed request with `s`: operation `row` of
    /// ManagerCalls.Ops, or OpCount for any other label.</summary>
    public static void AddManager(int row, Status s)
    {
        ulong st = (ulong)s < Statuses ? (ulong)s : Statuses - 1;
        s_manager[(ulong)row * Statuses + st]++;
    }

    /// <summary>Prints "fuzz[TAG]: procmgr OP N requests: status=count ..." per operation (OP its
    /// label, or "other").</summary>
    public static void PrintManager(ulong tag)
    {
        for (int row = 0; row <= ManagerCalls.OpCount; row++)
        {
            ulong calls = 0;
            for (int st = 0; st < Statuses; st++) calls += s_manager[row * Statuses + st];
            if (calls == 0) continue;
            Prefix(tag);
            System.Console.Write("procmgr op ");
            if (row < ManagerCalls.OpCount) System.Console.Write((ulong)ManagerCalls.Op(row));
            else System.Console.Write("other");
            System.Console.Write(' ');
            System.Console.Write(calls);
            System.Console.Write(" requests:");
            Counts(s_manager + row * Statuses);
            System.Console.WriteLine();
        }
    }

    private static void Counts(ulong* counts)
    {
        for (int st = 0; st < Statuses; st++)
        {
            ulong n = counts[st];
            if (n == 0) continue;
            System.Console.Write(' ');
            System.Console.Write(st);
            System.Console.Write('=');
            System.Console.Write(n);
        }
    }

    /// <summary>Prints "fuzz[TAG]: NAME calls: status=count ..." per syscall and returns the total.</summary>
    public static ulong Print(ulong tag)
    {
        ulong total = 0;
        int unseen = 0;
        for (int c = 0; c < (int)Syscall.Count; c++)
        {
            ulong calls = 0;
            for (int st = 0; st < Statuses; st++) calls += s_at[c * Statuses + st];
            total += calls;
            if (calls == 0) unseen++;
            Prefix(tag);
            System.Console.Write(Names[c]);
            System.Console.Write(' ');
            System.Console.Write(calls);
            System.Console.Write(" calls:");
            Counts(s_at + c * Statuses);
            System.Console.WriteLine();
        }
        Prefix(tag);
        System.Console.Write("calls ");
        System.Console.Write(total);
        System.Console.Write(", syscalls never called ");
        System.Console.WriteLine(unseen);
        return total;
    }

    /// <summary>"fuzz[TAG]: ", which starts each line a worker prints (TAG: its seed).</summary>
    public static void Prefix(ulong tag)
    {
        System.Console.Write("fuzz[");
        System.Console.Write(tag);
        System.Console.Write("]: ");
    }
}
