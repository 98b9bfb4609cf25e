// In-guest tests of the process manager's limits and robustness (issue 11, exhaustion): a thousand
// real programs alive at once and all their memory back after; more processes waiting on children
// than the old 64 Reply objects (a chain of svctests, each waiting on the next); and requests of
// every operation with garbage in them, after which waiting and memory still work. Children are
// `idle` (sleeps until killed, or exits after MS milliseconds) and svctest in its "chain" mode.
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;
using T = Vireo.User.Testing.TestRunner;

static unsafe class ProcLimitTests
{
    private const int Thousand = 1000;
    private const int ChainDepth = 100;

    public static void Run()
    {
        T.Run("procmgr.thousand_processes_alive", &ThousandAlive);
        T.Run("procmgr.hundred_nested_waiters", &NestedWaiters);
        T.Run("procmgr.garbage_requests", &Garbage);
    }

    /// <summary>svctest as a link of the chain: "chain N" starts "chain N-1" and waits for it (the
    /// last one sleeps a little, so that every link is waiting at once). Its code: 0 when every link
    /// below waited and ended well.</summary>
    public static bool IsChild(out int code)
    {
        code = 0;
        if (!Args.PositionalIs(0, "chain")) return false;
        if (Args.PositionalCount < 2 || !Numbers.TryParseDecimal(Args.Positional(1), out ulong depth)) { code = 2; return true; }
        if (depth == 0)
        {
            Sys.Sleep(100_000_000);
            return true;
        }
        if (MemoryTests.Spawn("initfs:/bin/svctest chain " + (depth - 1).ToString(), 0, out ulong pid) != Status.Ok) { code = 3; return true; }
        Status s = SchemeCall.Call(Namespace.Root, SchemeOp.WaitChild, pid, 0, 0, 0, 0, 0, out SchemeReply r);
        code = s != Status.Ok ? 4 : r.W1 != (ulong)ThreadExitKind.Exited ? 5 : (int)r.W2;
        return true;
    }

    // 1,000 idle programs at once, each in its own small block, then all killed: the process table
    // grows past its first size and every byte comes back (MemInfo's free count).
    private static void ThousandAlive()
    {
        ulong before = MemoryTests.Free();
        var pids = new ulong[Thousand];
        int started = 0;
        Status s = Status.Ok;
        while (started < Thousand && (s = MemoryTests.Spawn("initfs:/bin/idle", 0, out pids[started])) == Status.Ok) started++;
        T.Status(Status.Ok, s, "every spawn succeeded");
        T.Equal(Thousand, started, "1,000 processes started");
        ulong used = before - MemoryTests.Free();
        T.True(used <= (ulong)Thousand * 256 * 1024, "at most 256 KiB each, so 1,000 fit in 512 MiB with room to spare");
        T.Equal(started, Alive(pids[0], pids[started - 1]), "all of them alive at once (ProcList)");
        for (int i = 0; i < started; i++) MemoryTests.Kill(pids[i]);
        T.Equal(0, Alive(pids[0], pids[started - 1]), "none left after the kills");
        T.Equal((long)before, (long)MemoryTests.Free(), "all their memory is back");
    }

    // Live processes with pids in [first, last] (this test's children: pids only grow).
    private static int Alive(ulong first, ulong last)
    {
        int count = 0;
        ulong index = 0;
        while (SchemeCall.Call(Namespace.Root, SchemeOp.ProcList, index, 0, 0, 0, 0, 0, out SchemeReply r) == Status.Ok)
        {
            if (r.W0 >= first && r.W0 <= last) count++;
            index = r.W2;
        }
        return count;
    }

    // A hundred processes each waiting for its child at once: with 64 Reply objects in all, the 65th
    // WaitChild was refused (BadState) and its svctest ended while its child ran on.
    private static void NestedWaiters()
    {
        ulong before = MemoryTests.Free();
        T.Status(Status.Ok, MemoryTests.Spawn("initfs:/bin/svctest chain " + ChainDepth.ToString(), 0, out ulong pid), "spawn the top of the chain");
        T.Equal(0, (long)MemoryTests.Wait(pid), "every link waited for the next and saw it end well");
        T.Equal((long)before, (long)MemoryTests.Free(), "all their memory is back");
    }

    // Every operation, with words no request should carry and data lengths that lie, called and
    // sent (a send has no one to answer): each is refused, and none costs a child or a byte.
    private static void Garbage()
    {
        ulong before = MemoryTests.Free();
        T.Status(Status.Ok, MemoryTests.Spawn("initfs:/bin/idle 300", 0, out ulong sleeper), "a child that exits after 300 ms");
        T.Status(Status.Ok, MemoryTests.Spawn("initfs:/bin/idle 0", 0, out ulong quick), "a child that exits at once");
        Sys.Sleep(50_000_000);
        ulong* words = stackalloc ulong[3] { ulong.MaxValue, 1UL << 63, 0xDEAD_BEEF_DEAD_BEEF };
        int accepted = 0, calls = 0;
        for (ulong op = 0; op <= 100; op++)
        {
            if (op == (ulong)SchemeOp.PowerOff) continue;
            for (int w = 0; w < 3; w++)
            {
                for (int i = 0; i < 64; i++) SchemeCall.Data[i] = (byte)(words[w] >> (i & 56));
                // Words carried: the header only (a claimed length with no bytes), or 8 data words.
                for (int carried = 0; carried < 2; carried++)
                {
                    var m = Message.Of(words[w], words[(w + 1) % 3], words[(w + 2) % 3], carried == 0 ? 200UL : 64UL);
                    var info = new MessageInfo(SchemeLimits.DataWord + carried * 8, 0, op);
                    Status s = Ipc.Call(Namespace.Root, info, ref m);
                    calls++;
                    if (s == Status.Ok && m.Info.Label == (ulong)Status.Ok && op != (ulong)SchemeOp.MemInfo) accepted++;
                    m = Message.Of(words[w], words[(w + 1) % 3], words[(w + 2) % 3], 200UL);
                    // Garbage on purpose: a send gets no answer; the calls before it are what is counted.
                    _ = Ipc.Send(Namespace.Root, new MessageInfo(SchemeLimits.DataWord, 0, op), ref m);
                }
            }
        }
        T.Equal(0, accepted, "no garbage request of " + calls.ToString() + " was accepted");
        // A WaitChild that comes as a send has no caller to answer: it must not use up the exit.
        var send = Message.Of(quick);
        // A send gets no answer: the WaitChild after it checks what it did.
        _ = Ipc.Send(Namespace.Root, new MessageInfo(SchemeLimits.DataWord, 0, (ulong)SchemeOp.WaitChild), ref send);
        Status ws = SchemeCall.Call(Namespace.Root, SchemeOp.WaitChild, quick, 0, 0, 0, 0, 0, out SchemeReply r);
        T.Status(Status.Ok, ws, "the child that exited is still there to wait for");
        T.True(r.W0 == quick && r.W1 == (ulong)ThreadExitKind.Exited && r.W2 == 0, "with its pid and exit code");
        ws = SchemeCall.Call(Namespace.Root, SchemeOp.WaitChild, sleeper, 0, 0, 0, 0, 0, out r);
        T.Status(Status.Ok, ws, "waiting for the running child still works");
        T.True(r.W0 == sleeper && r.W1 == (ulong)ThreadExitKind.Exited && r.W2 == 0, "and it exited by itself");
        var stolen = Message.Of();
        T.Status(Status.InsufficientRights, Ipc.TryReceive(Namespace.Root, ref stolen), "a process cannot receive the manager's requests");
        T.Equal((long)before, (long)MemoryTests.Free(), "no memory was lost");
    }
}
