// Who may do what to whom, as the process manager decides it (docs/design/schemes.md, "Authority"),
// and the two processes it keeps alive itself.
//
// Rights are what a process was given when it was started (SpawnFlags.KillAny, PowerOff, KernelLog),
// recorded in its table entry: the process manager gives initfsd the kernel log and init all three,
// and a process may give its children only rights it holds (InheritRights: all of them). A process
// may kill itself and its descendants; killing anything else needs KillAny; powering off needs
// PowerOff. A refused request is InsufficientRights, answered before anything changes.
//
// initfsd and init are the process manager's own children, and nobody else would notice their
// death: each is started again (a few times at most). The new initfsd gets the archive as the first
// did; the new init is told `--adopt` and becomes the parent of the old init's children, which it
// takes over by their registered names and program names instead of starting them twice
// (user/servers/Init/Adoption.cs).
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;

static unsafe partial class ProcessManager
{
    /// <summary>The rights a process can be given.</summary>
    private const SpawnFlags RightFlags = SpawnFlags.KillAny | SpawnFlags.PowerOff | SpawnFlags.KernelLog;
    /// <summary>Restarts of initfsd, and of init, before the process manager gives up on it.</summary>
    private const int MaxRestarts = 5;
    /// <summary>The longest chain of parents MayKill follows. There is no cycle (a parent is older than its
    /// child, except a restarted init, whose parent is 0); the bound only keeps the walk finite.</summary>
    private const int MaxDepth = 1 << 16;

    private static BootstrapInfo* s_info;
    private static string s_rcFile;
    private static ulong s_initfsPid, s_initPid;
    private static int s_initfsRestarts, s_initRestarts;

    /// <summary>The rights a child of `caller` gets for spawn `flags`; InsufficientRights when the
    /// flags name one the caller does not hold.</summary>
    private static Status GivenRights(ulong caller, SpawnFlags flags, out ulong rights)
    {
        ulong held = RightsOf(caller);
        ulong asked = (ulong)(flags & RightFlags);
        rights = asked | ((flags & SpawnFlags.InheritRights) != 0 ? held : 0);
        return (asked & ~held) != 0 ? Status.InsufficientRights : Status.Ok;
    }

    /// <summary>The rights process `pid` was given (0 for an unknown or ended one).</summary>
    public static ulong RightsOf(ulong pid)
    {
        Proc* e = Find(pid);
        return e == null || e->Exited ? 0 : e->Rights;
    }

    /// <summary>Ends process `pid` for `caller`: NotFound if there is no such process,
    /// InsufficientRights unless the caller may kill it.</summary>
    public static Status Kill(ulong caller, ulong pid)
    {
        Proc* e = Find(pid);
        if (e == null || e->Exited) return Status.NotFound;
        if (!MayKill(caller, e)) return Status.InsufficientRights;
        Ended(e, (ulong)ThreadExitKind.Killed, 0);
        return Status.Ok;
    }

    // The process itself, an ancestor of it, or a holder of KillAny. The chain of parents ends at 0
    // (an orphan's parent, and the process manager's children).
    private static bool MayKill(ulong caller, Proc* target)
    {
        if (caller == 0) return false;
        if (target->Pid == caller || (RightsOf(caller) & (ulong)SpawnFlags.KillAny) != 0) return true;
        ulong ancestor = target->Parent;
        for (int depth = 0; ancestor != 0 && depth < MaxDepth; depth++)
        {
            if (ancestor == caller) return true;
            Proc* p = Find(ancestor);
            if (p == null) return false;
            ancestor = p->Parent;
        }
        return false;
    }

    private static bool MayPowerOff(ulong caller) => (RightsOf(caller) & (ulong)SpawnFlags.PowerOff) != 0;

    // Whois: no data names the caller; data = NAME the process that registered NAME.
    private static void Whois(ulong caller, ref Request r)
    {
        ulong pid = caller;
        if (r.DataLength > 0)
        {
            Status s = RootScheme.CheckName(r.Data, r.DataLength);
            if (s != Status.Ok) { s_server.Answer(s); return; }
            pid = RootScheme.Owner(r.Data, r.DataLength);
        }
        Proc* e = Find(pid);
        if (e == null || e->Exited) { s_server.Answer(Status.NotFound); return; }
        s_server.Answer(Status.Ok, e->Pid, e->Parent, e->Rights);
    }

    private static Status StartInit(bool adopt)
    {
        byte* argv = stackalloc byte[96];
        var words = new Text(argv, 96);
        words.Str("initfs:/bin/init\0");
        if (adopt) words.Str("--adopt\0");
        words.Str(s_rcFile);
        words.Char('\0');
        if (words.Cut) return Status.NameTooLong;
        return Spawn(0, argv, words.Length, true, 0, default, default, default, out s_initPid, rights: (ulong)RightFlags);
    }

    // Called as process `pid` ends, once its memory and names are gone: initfsd and init start again.
    // The old init's children (still naming it as parent) go to the new init, or, if there is none,
    // to nobody.
    private static void Restart(ulong pid)
    {
        if (pid == 0) return;
        if (pid == s_initfsPid)
        {
            s_initfsPid = 0;
            if (s_initfsRestarts++ >= MaxRestarts) { Say("initfsd ended; not started again", 0); return; }
            Status s = StartInitfs(s_info, out s_initfsPid);
            if (s == Status.Ok) Say("initfsd started again, pid ", s_initfsPid);
            else Say("initfsd cannot start again, status ", (ulong)s);
            return;
        }
        if (pid != s_initPid) return;
        s_initPid = 0;
        ulong heir = 0;
        if (s_initRestarts++ >= MaxRestarts) Say("init ended; not started again", 0);
        else if (StartInit(true) == Status.Ok)
        {
            heir = s_initPid;
            Say("init started again to adopt its daemons, pid ", heir);
            // Its children come by adoption, not Spawn, so it gets the Reply object for its
            // WaitChild here (Spawn gives one to a parent with its first child).
            Proc* h = Find(heir);
            if (h != null && h->Reply == 0 && !TakeReply(out h->Reply)) Say("no Reply object for the new init; its waits fail", 0);
        }
        else Say("init cannot start again", 0);
        for (int i = 0; i < s_capacity; i++)
        {
            Proc* c = &s_procs[i];
            if (c->Pid == 0 || c->Parent != pid) continue;
            c->Parent = heir;
            if (heir == 0 && c->Exited) *c = default;
        }
    }

    private static void Say(string what, ulong number)
    {
        System.Console.Write("procmgr: ");
        System.Console.Write(what);
        if (number != 0) System.Console.Write(number);
        System.Console.WriteLine();
    }
}
