// What the fuzzer saw: per syscall, how many calls returned each status. Threads add without
// locks (a lost increment is harmless next to millions); the worker prints the table at the end.
using Vireo.Abi;

static unsafe class Stats
{
    public const int Statuses = 32;   // kernel statuses are below 16; anything else lands in the last
    private static readonly ulong[] s_counts = new ulong[(int)Syscall.Count * Statuses];
    private static ulong* s_at;
    private static readonly ulong[] s_lastArray = new ulong[Worker.Threads];
    private static ulong* s_last;   // per thread: the syscall it made last (where a blocked one waits)

    private static readonly string[] Names =
    {
        "DebugWrite", "Yield", "Exit", "Sleep", "Time", "CapIdentify", "CapCopy", "CapMint", "CapMove",
        "CapDelete", "CapRevoke", "Retype", "Map", "Unmap", "Protect", "ThreadConfigure", "ThreadStart",
        "ThreadSuspend", "ThreadResume", "ThreadWait", "ThreadSetPriority", "Send", "NBSend", "Recv", "NBRecv",
        "Call", "Reply", "ReplyRecv", "Signal", "Wait", "Poll", "NotificationBind", "IrqHandlerGet",
        "IrqHandlerBind", "IrqAck", "IoPortsBind", "ReplySave", "ThreadRegisters", "KernelCounters",
        "FramePhysical", "MsiHandlerGet", "CapCarve",
    };

    /// <summary>Pins the table (the collector never moves objects; the static keeps it alive).</summary>
    public static void Init()
    {
        fixed (ulong* p = s_counts) s_at = p;
        fixed (ulong* p = s_lastArray) s_last = p;
    }

    public static void Calling(int thread, Syscall call) => s_last[thread] = (ulong)call;

    public static string LastCall(int thread) => Names[(int)s_last[thread]];

    public static void Add(Syscall call, Status s)
    {
        ulong st = (ulong)s < Statuses ? (ulong)s : Statuses - 1;
        s_at[(ulong)call * Statuses + st]++;
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
            for (int st = 0; st < Statuses; st++)
            {
                ulong n = s_at[c * Statuses + st];
                if (n == 0) continue;
                System.Console.Write(' ');
                System.Console.Write(st);
                System.Console.Write('=');
                System.Console.Write(n);
            }
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
