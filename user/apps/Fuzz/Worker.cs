// One fuzzer process: drops any device capability it was given, sets up its pool (Pool.cs), starts
// Threads threads that call random and semi-valid syscalls until the deadline (Calls.cs) and one that
// calls Exit, and meanwhile wakes whatever its threads block on. At the deadline it prints what it saw
// (Stats), stops the children its requests to the process manager started (ManagerCalls) and returns;
// threads still blocked end with the process, whose memory the controller checks.
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;

static unsafe class Worker
{
    public const int Threads = 4;
    private static readonly ulong[] s_rngArray = new ulong[Threads];
    private static ulong* s_rng;
    private static ulong s_deadline;

    /// <summary>This worker's pid and its parent's (the controller), for the manager requests.</summary>
    public static ulong OwnPid, ParentPid;

    /// <summary>The run's deadline has passed: no more requests to the process manager (the children
    /// they start must all be stopped before the worker ends).</summary>
    public static bool Over => Sys.TimeNanos() >= s_deadline;

    public static int Run(ulong seed, ulong seconds)
    {
        Stats.Init();
        if (SchemeCall.Call(Namespace.Root, SchemeOp.Whois, 0, 0, 0, 0, 0, 0, out SchemeReply me) != Status.Ok) return Fail("cannot learn its pid");
        OwnPid = me.W0;
        ParentPid = me.W1;
        if (!DropDeviceCapabilities()) return Fail("cannot drop a device capability");
        if (!Pool.Setup()) return Fail("cannot set up the pool");
        fixed (ulong* p = s_rngArray) s_rng = p;
        var threads = stackalloc LocalThread[Threads + 1];
        for (int i = 0; i <= Threads; i++)
        {
            if (!MapPage(Pool.Scratch(i)) || !MapPage(Pool.IpcBase + (ulong)i * 0x2000)) return Fail("cannot map a thread's pages");
            delegate*<ulong, ulong> fn = i < Threads ? &Loop : &ExitOnce;
            Status made = ThreadBuilder.Create(CSpace.Memory, fn, (ulong)i, Pool.StackBase + (ulong)i * 0x2000,
                Pool.IpcBase + (ulong)i * 0x2000, default, out threads[i]);
            if (made != Status.Ok) return Fail("cannot create a thread: " + StatusText.Describe(made));
            Pool.SiblingThreads[i] = threads[i].Thread.Value;
            if (i < Threads) s_rng[i] = Rng.Seed(seed * 31 + (ulong)i);
        }
        s_deadline = Sys.TimeNanos() + seconds * 1_000_000_000UL;
        // A thread that does not start only fuzzes less: the statistics show its calls missing.
        for (int i = 0; i <= Threads; i++) _ = Sys.ThreadStart(threads[i].Thread);
        while (Sys.TimeNanos() < s_deadline)
        {
            Unblock();
            Sys.Sleep(2_000_000);
        }
        // Threads finish what they are in: a request to the process manager may wait out its bound
        // (ManagerCalls: 100 ms at most).
        Sys.Sleep(ManagerCalls.LongestWaitNanoseconds + 20_000_000);
        Stats.Print(seed);
        Stats.PrintManager(seed);
        StopChildren(seed);
        int ended = 0;
        for (int i = 0; i < Threads; i++)
        {
            if (Sys.ThreadPoll(threads[i].Thread, out _, out _) == Status.Ok) { ended++; continue; }
            Stats.Prefix(seed);
            System.Console.Write("thread ");
            System.Console.Write(i);
            System.Console.Write(" still in ");
            System.Console.WriteLine(Stats.LastCall(i));
        }
        Stats.Prefix(seed);
        System.Console.Write("threads ended by the deadline ");
        System.Console.Write(ended);
        System.Console.Write(" of ");
        System.Console.WriteLine(Threads);
        return 0;
    }

    // Kills and reaps every child the fuzzed requests started (found by ProcList: a Spawn that was
    // sent, not called, never said its pid), so none outlives the worker and the controller finds all
    // memory back. Ended children not yet waited for are reaped too.
    private static void StopChildren(ulong seed)
    {
        int stopped = 0;
        for (ulong index = 0; SchemeCall.Call(Namespace.Root, SchemeOp.ProcList, index, 0, 0, 0, 0, 0, out SchemeReply r) == Status.Ok; index = r.W2)
        {
            if (r.W1 != OwnPid) continue;
            // A child that ended meanwhile is reaped below all the same.
            _ = SchemeCall.Call(Namespace.Root, SchemeOp.Kill, r.W0, 0, 0, 0, 0, 0, out _);
            stopped++;
        }
        // Every child, killed or ended, until none is left (NotFound).
        while (SchemeCall.Call(Namespace.Root, SchemeOp.WaitChild, 0, 0, 0, 0, 0, 0, out _) == Status.Ok) { }
        Stats.Prefix(seed);
        System.Console.Write("children still running at the deadline, stopped: ");
        System.Console.WriteLine(stopped);
    }

    private static ulong Loop(ulong index)
    {
        ulong* rng = &s_rng[index];
        while (Sys.TimeNanos() < s_deadline)
            for (int i = 0; i < 16; i++) Calls.One(rng, (int)index);
        return 0;
    }

    private static ulong ExitOnce(ulong index)
    {
        Stats.Add(Syscall.Exit, Status.Ok);
        _ = Sys.Call(Syscall.Exit, 7);   // Exit does not return
        return 1;
    }

    /// <summary>Wakes threads blocked on the pool's objects: a signal and a message to each, a reply
    /// to a call waiting there, and a suspend and resume for each sibling (a fuzzed suspend or a long
    /// sleep is no hang).</summary>
    private static void Unblock()
    {
        for (int i = 0; i < Pool.Size; i++)
        {
            ulong h = Pool.Handles[i];
            // Any handle of the pool: most refuse each call, which only wakes what may wait on it.
            _ = Sys.Call(Syscall.Signal, h, 1);
            _ = Sys.Call(Syscall.NBSend, h, 0);
            if (Sys.Call(Syscall.NBRecv, h) == Status.Ok) _ = Sys.Call(Syscall.Reply, 0, 0);   // whoever sent may be gone
        }
        // Suspending a sleeping thread ends its Sleep: a fuzzed sleep of years does not park it.
        for (int i = 0; i < Threads; i++)
        {
            // A thread that has ended (the fuzzed calls may end it) needs neither.
            _ = Sys.ThreadSuspend(new CapHandle(Pool.SiblingThreads[i]));
            _ = Sys.ThreadResume(new CapHandle(Pool.SiblingThreads[i]));
        }
    }

    /// <summary>Deletes every device capability among the first slots (I/O ports, interrupts, device
    /// memory): the fuzzer's device calls must stop at their capability checks. The kernel log stays
    /// (I/O ports without Control: no port can be bound with it), so the worker's table is printed.</summary>
    private static bool DropDeviceCapabilities()
    {
        for (uint i = 1; i < 64; i++)
        {
            var cap = new CapHandle(i, 0);
            if (Sys.Identify(cap, out ObjectType type, out Rights rights, out _, out _) != Status.Ok) continue;
            if (type == ObjectType.IoPorts && (rights & Rights.Control) == 0) continue;
            // One kept would let the fuzzer past a capability check (port 0xf4 ends QEMU).
            if ((type == ObjectType.IoPorts || type == ObjectType.IrqControl || type == ObjectType.IrqHandler || type == ObjectType.DeviceMemory)
                && Sys.Delete(cap) != Status.Ok)
                return false;
        }
        return true;
    }

    private static bool MapPage(ulong at) =>
        CSpace.Make(ObjectType.Frame, 12, out CapHandle frame) == Status.Ok
        && Sys.Map(CSpace.SelfAddressSpace, frame, at, Rights.Read | Rights.Write) == Status.Ok;

    private static int Fail(string what)
    {
        System.Console.Write("fuzz: FAIL worker: ");
        System.Console.WriteLine(what);
        return 1;
    }
}
