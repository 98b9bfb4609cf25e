// In-guest tests of the root scheme's AwaitName, the request init makes after starting a daemon: a
// name registered later, a daemon that ends without registering, bad requests, and several waiters
// on one name. The other parties are svctest itself, started with a mode word (IsChild).
using System;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;
using T = Vireo.User.Testing.TestRunner;

static unsafe class NameWaitTests
{
    private const string Late = "awaitd";       // registered by an await-register child
    private const string Many = "awaitmany";    // registered by this process
    private const string Any = "awaitany";      // registered by this process, awaited from any
    private const int Waiters = 24;             // more than the root scheme's 16 before its table grew
    private const ulong Stamp = 42;             // what the await-register child answers

    public static void Run()
    {
        T.Run("root.await_name_registered_later", &RegisteredLater);
        T.Run("root.await_name_daemon_ends_first", &DaemonEndsFirst);
        T.Run("root.await_name_bad_requests", &BadRequests);
        T.Run("root.await_name_several_waiters", &SeveralWaiters);
        T.Run("root.await_name_any_process_bounded", &AnyProcessBounded);
        T.Run("root.await_name_more_waiters_than_sixteen", &ManyWaiters);
    }

    /// <summary>svctest started as a party of these tests:
    ///   await-register: after 50 ms registers `awaitd`, answers one request with w0 = 42, exits 0;
    ///   await-exit: after 30 ms exits with 5, registering nothing;
    ///   await-idle: sleeps until killed;
    ///   await-wait PID: waits for `awaitmany` (PID to register it), exits with the status (100 if
    ///   Ok came without a capability);
    ///   await-any: waits for `awaitany`, registered by any process, for at most 60 s; the same codes.
    ///   (The bound only keeps a broken run from hanging: starting 24 processes and checking each on
    ///   four emulated CPUs of a loaded host took more than the 5 s it once was, and every waiter
    ///   whose bound passed before the registration failed the test.)</summary>
    public static bool IsChild(out int code)
    {
        code = 0;
        if (Args.PositionalIs(0, "await-register")) code = RegisterLater();
        else if (Args.PositionalIs(0, "await-exit")) { Sys.Sleep(30_000_000); code = 5; }
        else if (Args.PositionalIs(0, "await-idle")) { while (true) Sys.Sleep(1_000_000_000); }
        else if (Args.PositionalIs(0, "await-wait")) code = WaitChild();
        else if (Args.PositionalIs(0, "await-any")) code = WaitAny();
        else return false;
        return true;
    }

    private static int RegisterLater()
    {
        if (SchemeServer.Create(new CapHandle(BootstrapSlots.Memory, 0), out SchemeServer server) != Status.Ok) return 1;
        Sys.Sleep(50_000_000);
        if (server.Register(Late) != Status.Ok) return 2;
        server.Receive(out _);
        _ = server.AnswerWithCaps(Status.Ok, Stamp, null, 0);   // sent now: no later Receive delivers it
        return 0;
    }

    private static int WaitChild()
    {
        if (!Numbers.TryParseDecimal(Args.Positional(1), out ulong daemon)) return 101;
        Status s = Await(Many, daemon, out CapHandle scheme);
        return s == Status.Ok && scheme.Value == 0 ? 100 : (int)s;
    }

    private static int WaitAny()
    {
        Status s = Await(Any, 0, out CapHandle scheme, 60_000);
        return s == Status.Ok && scheme.Value == 0 ? 100 : (int)s;
    }

    // --- helpers ---------------------------------------------------------------------------------

    private static Status Await(string name, ulong daemon, out CapHandle scheme, ulong bound = 0)
    {
        byte* n = stackalloc byte[name.Length];
        for (int i = 0; i < name.Length; i++) n[i] = (byte)name[i];
        return Namespace.AwaitName(n, name.Length, daemon, out scheme, bound);
    }

    // The request as sent, without the library's own checks.
    private static Status RawAwait(string name, ulong daemon, ulong bound = 0) => RawAwait(name, daemon, out _, bound);

    private static Status RawAwait(string name, ulong daemon, out SchemeReply r, ulong bound = 0)
    {
        SchemeCall.Put(name);
        return SchemeCall.Call(Namespace.Root, SchemeOp.AwaitName, daemon, bound, 0, name.Length, 0, 1, out r);
    }

    // Starts svctest with these words (after the program's name), no descriptors.
    private static Status Start(string mode, ulong number, out ulong pid)
    {
        byte* argv = stackalloc byte[64];
        var words = new Text(argv, 64);
        words.Str("initfs:/bin/svctest\0");
        words.Str(mode);
        if (number != 0)
        {
            words.Char('\0');
            words.Number(number);
        }
        SchemeCall.Put(argv, words.Length);
        Status s = SchemeCall.Call(Namespace.Root, SchemeOp.Spawn, 0, 0, 0, words.Length, 0, 0, out SchemeReply r);
        pid = r.W0;
        return s;
    }

    private static ulong ExitCode(ulong pid)
    {
        T.Status(Status.Ok, Children.Wait(pid, out _, out _, out ulong code), "wait pid");
        return code;
    }

    private static bool Running(ulong pid)
    {
        for (ulong index = 0; SchemeCall.Call(Namespace.Root, SchemeOp.ProcList, index, 0, 0, 0, 0, 0, out SchemeReply r) == Status.Ok; index = r.W2)
            if (r.W0 == pid) return true;
        return false;
    }

    // --- tests -----------------------------------------------------------------------------------

    // The child registers 50 ms after it starts; our wait, sent at once, is answered then, with a
    // capability that reaches the child.
    private static void RegisteredLater()
    {
        T.Status(Status.Ok, Start("await-register", 0, out ulong pid), "start a daemon that registers late");
        T.Status(Status.Ok, Await(Late, pid, out CapHandle scheme), "the wait ends when the name is registered");
        T.Status(Status.Ok, SchemeCall.Call(scheme, SchemeOp.Stat, 0, 0, 0, 0, 0, 0, out SchemeReply r), "its capability reaches the daemon");
        T.Equal((long)Stamp, (long)r.W0, "which answers");
        T.Equal(0, (long)ExitCode(pid), "the daemon registered without trouble");
        Namespace.Forget(scheme);
    }

    // A daemon that ends without registering: the wait ends with PeerDied, never hangs; once its end
    // is collected, the pid names no process (NotFound).
    private static void DaemonEndsFirst()
    {
        T.Status(Status.Ok, Start("await-exit", 0, out ulong pid), "start a program that registers nothing");
        T.Status(Status.PeerDied, Await("awaitnever", pid, out _), "the wait ends when it ends");
        T.Equal(5, (long)ExitCode(pid), "it ended as it said");
        T.Status(Status.NotFound, Await("awaitnever", pid, out _), "a pid that names no process");
        T.Status(Status.Ok, Start("await-exit", 0, out pid), "start it again");
        Sys.Sleep(100_000_000);
        T.Status(Status.PeerDied, Await("awaitnever", pid, out _), "a daemon that ended before the wait began");
        ExitCode(pid);
    }

    private static void BadRequests()
    {
        T.Status(Status.InvalidArgument, RawAwait("a:b", 1), "a name with a colon");
        T.Status(Status.InvalidArgument, RawAwait("a b", 1), "a name with a space");
        T.Status(Status.InvalidArgument, RawAwait("", 1), "an empty name");
        T.Status(Status.NameTooLong, RawAwait("abcdefghijklmnopqrstuvwxyz0123456789", 1), "a name over 31 bytes");
        T.Status(Status.InvalidArgument, RawAwait("awaitnever", 0), "any process may register it, and no bound: a wait nothing ends");
        T.Status(Status.InvalidArgument, RawAwait("awaitnever", 0, 24UL * 3600 * 1000 + 1), "a bound over a day");
        T.Status(Status.Ok, RawAwait("initfs", 999_999, out SchemeReply r), "a registered name is answered at once");
        T.True(r.Cap0.Value != 0, "with its capability");
        CSpace.Release(r.Cap0);
    }

    // Three children wait for a name that this process registers once they all wait; each gets it.
    private static void SeveralWaiters()
    {
        T.Status(Status.Ok, Start("await-idle", 0, out ulong daemon), "start a process named as the daemon");
        ulong* waiters = stackalloc ulong[3];
        for (int i = 0; i < 3; i++) T.Status(Status.Ok, Start("await-wait", daemon, out waiters[i]), "start a waiter");
        Sys.Sleep(200_000_000);
        bool waiting = true;
        for (int i = 0; i < 3; i++) waiting &= Running(waiters[i]);
        T.True(waiting, "they wait while the name is not registered");
        T.Status(Status.Ok, SchemeServer.Create(new CapHandle(BootstrapSlots.Memory, 0), out SchemeServer server), "create");
        T.Status(Status.Ok, server.Register(Many), "register the name");
        // Ending the named daemon now answers, with PeerDied, any waiter the Register left waiting.
        T.Status(Status.Ok, SchemeCall.Call(Namespace.Root, SchemeOp.Kill, daemon, 0, 0, 0, 0, 0, out _), "kill");
        ExitCode(daemon);
        for (int i = 0; i < 3; i++) T.Equal(0, (long)ExitCode(waiters[i]), "a waiter got Ok and the capability");
    }

    // A wait for a name any process may register ends at its bound (WouldBlock), not before and not
    // much later; the clock that ends it wakes the manager though nothing else happens meanwhile.
    private static void AnyProcessBounded()
    {
        ulong start = Sys.TimeNanos();
        T.Status(Status.WouldBlock, Await("awaitnever", 0, out _, 100), "nobody registers it within 100 ms");
        ulong took = Sys.TimeNanos() - start;
        T.True(took >= 100_000_000, "not before the bound");
        T.True(took < 1_000_000_000, "nor long after it");
        T.Status(Status.NotFound, Await("awaitnever", 999_999_999, out _, 50), "a pid that names no process: NotFound at once, bound or not");
    }

    // More processes wait for one name (registered by anyone, with a bound) than the root scheme's
    // table held before it grew (16: the 17th was refused NoSpace); each takes a Reply object of the
    // manager's one pool. All get the name when it is registered, and their Reply objects go back.
    private static void ManyWaiters()
    {
        ulong* waiters = stackalloc ulong[Waiters];
        for (int i = 0; i < Waiters; i++) T.Status(Status.Ok, Start("await-any", 0, out waiters[i]), "start a waiter");
        Sys.Sleep(300_000_000);
        int waiting = 0;
        for (int i = 0; i < Waiters; i++) if (Running(waiters[i])) waiting++;
        T.Equal(Waiters, waiting, "they all wait while the name is not registered");
        T.Status(Status.Ok, SchemeServer.Create(new CapHandle(BootstrapSlots.Memory, 0), out SchemeServer server), "create");
        T.Status(Status.Ok, server.Register(Any), "register the name");
        int ok = 0;
        for (int i = 0; i < Waiters; i++) if (ExitCode(waiters[i]) == 0) ok++;
        T.Equal(Waiters, ok, "every waiter got Ok and the capability");
    }
}
