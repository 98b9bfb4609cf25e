// Fuzzed requests to the process manager, through the worker's Namespace capability (slot 6): every
// root-scheme and process operation (and labels that are none), with semi-valid words (pids of the
// worker, its parent, its children, live and ended ones; names that are registered, never will be,
// or are not names), data whose claimed length lies, capabilities from the pool, called or sent.
// The manager must answer each with a status and go on serving (the controller's own requests after
// the run, and its verdict, need it), and hand out nothing that outlives the worker.
// No request may block a fuzzing thread for the rest of the run: an AwaitName always carries a bound
// (1 to 100 ms) unless it names no live process or none at all (answered at once); a WaitChild waits
// only for the worker's own children, which are `idle 1` and end in a millisecond. Real spawns start
// only `idle 1`, so no child outlives its worker for long (an orphan's memory returns when it ends).
// The worker's statistics count the manager's answers per operation (Stats.AddManager).
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;

static unsafe class ManagerCalls
{
    private static readonly SchemeOp[] Ops =
    {
        SchemeOp.Register, SchemeOp.Lookup, SchemeOp.List, SchemeOp.AwaitName, SchemeOp.Spawn,
        SchemeOp.WaitChild, SchemeOp.Kill, SchemeOp.ProcList, SchemeOp.MemInfo, SchemeOp.PowerOff,
        SchemeOp.GrowMemory, SchemeOp.Whois, SchemeOp.KernelCounters, SchemeOp.InjectFault,
        // Operations the root does not serve, on the same endpoint (sys: files' requests).
        SchemeOp.Open, SchemeOp.Read, SchemeOp.Write, SchemeOp.Close, SchemeOp.Dup, SchemeOp.Watch,
    };

    /// <summary>The longest an AwaitName of these may wait (its bound).</summary>
    public const ulong LongestWaitNanoseconds = 100_000_000;

    public static int OpCount => Ops.Length;
    public static SchemeOp Op(int row) => Ops[row];

    private static readonly string[] Names = { "initfs", "sys", "tty", "fuzzname", "a:b", "", "x y", "abcdefghijklmnopqrstuvwxyz0123456789" };
    private const string Idle = "initfs:/bin/idle\u00001";

    public static void One(ulong* rng, int thread)
    {
        if (Worker.Over) return;
        var b = (IpcBuffer*)(Pool.IpcBase + (ulong)thread * 0x2000);
        int row = Rng.OneIn(rng, 16) ? Ops.Length : (int)Rng.Below(rng, (ulong)Ops.Length);
        var op = row < Ops.Length ? Ops[row] : (SchemeOp)Rng.Below(rng, 128);
        ulong w0 = Word(rng), w1 = Pool.Word(rng), w2 = Pool.Word(rng);
        int length = Data(rng, b, op);
        switch (op)
        {
            case SchemeOp.AwaitName:
                // Bounded, or answered at once (no process named, or no live one).
                // A garbage bound is over a day (refused), or 0 with a pid that names no process.
                w0 = Rng.OneIn(rng, 4) ? 0 : Rng.OneIn(rng, 2) ? Pid(rng) : Pool.Word(rng) | (1UL << 40);
                w1 = !Rng.OneIn(rng, 16) ? 1 + Rng.Below(rng, LongestWaitNanoseconds / 1_000_000) : Rng.OneIn(rng, 2) ? Pool.Word(rng) | (1UL << 40) : 0;
                if (w1 == 0 && w0 != 0) w0 |= 1UL << 40;
                break;
            case SchemeOp.Spawn:
                w0 = Rng.OneIn(rng, 2) ? (ulong)SpawnFlags.NoRegister : Rng.OneIn(rng, 2) ? Pool.Word(rng) : Rng.Below(rng, 256);
                w1 = Rng.OneIn(rng, 2) ? 0 : Rng.OneIn(rng, 2) ? Rng.Below(rng, 32) | Rng.Below(rng, 16) << 8 : Pool.Word(rng);
                w2 = Rng.OneIn(rng, 2) ? 0 : Pool.Word(rng);
                break;
            case SchemeOp.WaitChild:
                w0 = Rng.OneIn(rng, 2) ? 0 : Word(rng);
                break;
            case SchemeOp.Kill:
                if (w0 == Worker.OwnPid) w0 = Worker.ParentPid;   // refused: the worker goes on
                break;
            case SchemeOp.GrowMemory:
                // Blocks of 64 KiB to 1 MiB mostly, into a slot past the pool (index 1,000 and up), or garbage.
                w0 = Rng.OneIn(rng, 4) ? Pool.Word(rng) : 16 + Rng.Below(rng, 5);
                w1 = Rng.OneIn(rng, 4) ? Pool.Word(rng) : 1000 + Rng.Below(rng, 24);
                break;
        }
        // Some requests bring capabilities (the manager deletes what it does not claim).
        int caps = Rng.OneIn(rng, 8) ? (int)Rng.Below(rng, 4) : 0;
        for (int i = 0; i < caps && i < MessageInfo.MaxCaps; i++) b->SendCaps[i] = Pool.Handle(rng, false);
        // Capabilities in answers land in a pool slot now and then; mostly nowhere (the answer then fails).
        b->ReceiveCNode = Rng.OneIn(rng, 4) ? CSpace.Self.Value : 0;
        b->ReceiveSlots[0] = Pool.Slots[(int)Rng.Below(rng, Pool.Size)];
        // A length that lies, but never for a real spawn: `idle` cut short of its argument never ends.
        bool spawnsIdle = op == SchemeOp.Spawn && length == Idle.Length;
        ulong claimed = !spawnsIdle && Rng.OneIn(rng, 8) ? Pool.Word(rng) : (ulong)length;
        int carried = !spawnsIdle && Rng.OneIn(rng, 8) ? (int)Rng.Below(rng, 9) : (length + 7) / 8;
        var info = new MessageInfo(SchemeLimits.DataWord + carried, caps > MessageInfo.MaxCaps ? MessageInfo.MaxCaps : caps, (ulong)op);
        var m = Message.Of(w0, w1, w2, claimed);
        var ns = new CapHandle(ProcessSlots.Namespace, 0);
        Stats.CallingManager(thread, op);
        // A send gets no answer: the kernel's status is all there is to count.
        bool call = !Rng.OneIn(rng, 4);
        Status s = call ? Ipc.Call(ns, info, ref m) : Ipc.TrySend(ns, info, ref m);
        Stats.AddManager(row, s == Status.Ok && call ? (Status)(long)m.Info.Label : s);
        // A capability that landed in the pool's slot is the pool's now (Handle draws it by index).
    }

    // The request's data: a name, the program to spawn, or garbage; its length.
    private static int Data(ulong* rng, IpcBuffer* b, SchemeOp op)
    {
        var data = (byte*)&b->Words[SchemeLimits.DataWord];
        string text = op == SchemeOp.Spawn && Rng.OneIn(rng, 2) ? Idle
            : Rng.OneIn(rng, 4) ? null : Names[(int)Rng.Below(rng, (ulong)Names.Length)];
        if (text == null)
        {
            int n = (int)Rng.Below(rng, 65);
            for (int i = 0; i < n; i++) data[i] = (byte)Rng.Next(rng);
            return n;
        }
        for (int i = 0; i < text.Length; i++) data[i] = (byte)text[i];
        return text.Length;
    }

    // A pid: the worker's own, its parent's (the controller), 1 and 2 (initfsd, init), or a child's.
    private static ulong Pid(ulong* rng)
    {
        switch (Rng.Below(rng, 5))
        {
            case 0: return Worker.OwnPid;
            case 1: return Worker.ParentPid;
            case 2: return 1 + Rng.Below(rng, 2);
            case 3: return Worker.ParentPid + 1 + Rng.Below(rng, 64);   // siblings and children, live or ended
            default: return Rng.Below(rng, 1000);
        }
    }

    // A word that is often a pid.
    private static ulong Word(ulong* rng) => Rng.OneIn(rng, 2) ? Pid(rng) : Pool.Word(rng);
}
