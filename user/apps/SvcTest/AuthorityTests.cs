// In-guest tests of authority (docs/design/schemes.md, "Authority"): who may kill whom, power off and
// write the kernel log, and the restart of init (which adopts the running daemons) and of initfsd. The
// parties without rights are svctest itself started with a mode word (IsChild): etc/test.rc gives
// svctest kill, poweroff and log, and a child gets none of them unless it is asked for.
// Run (the checks that leave the system as it was) goes with the other areas; RunLast kills init and
// initfsd and asks for a power-off a refused child must not get, so it runs after everything else.
using System;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;
using T = Vireo.User.Testing.TestRunner;

static unsafe class AuthorityTests
{
    private const string Self = "initfs:/bin/svctest";

    public static void Run()
    {
        T.Run("authority.child_cannot_kill_its_parent", &ChildKillsParent);
        T.Run("authority.child_cannot_kill_a_sibling", &ChildKillsSibling);
        T.Run("authority.child_cannot_kill_init_or_initfsd", &ChildKillsSystem);
        T.Run("authority.parent_kills_its_child", &ParentKillsChild);
        T.Run("authority.kill_any_holder_kills", &KillAnyHolder);
        T.Run("authority.rights_pass_only_from_holders", &RightsFromHolders);
        T.Run("authority.debug_write_needs_the_kernel_log", &DebugWriteNeedsLog);
        T.Run("authority.shell_says_a_refused_kill_in_words", &ShellKillRefused);
        T.Run("authority.pci_ports_need_the_register_right", &PciPortsRefused);
        T.Run("authority.physical_addresses_only_for_dma_drivers", &PhysicalOnlyForDma);
    }

    public static void RunLast()
    {
        T.Run("authority.restarted_init_adopts_the_daemons", &InitRestarts);
        T.Run("authority.killed_initfsd_comes_back", &InitfsdRestarts);
        // Without the check a refused child's PowerOff ends the run here with status 1: a failure.
        T.Run("authority.poweroff_refused_without_the_right", &PowerOffRefused);
    }

    /// <summary>svctest started as a party of these tests; each exits with a status (as a number):
    ///   auth-kill PID          Kill PID                    auth-kill-parent   Kill its parent (Whois)
    ///   auth-sys-kill PID      write PID to sys:/kill      auth-sys-debug     write to sys:/debug
    ///   auth-log               DebugWrite                  auth-poweroff      PowerOff with status 1
    ///   auth-grant             spawn a child with KillAny  auth-idle          sleep until killed
    ///   auth-pci               spawn a child with PciPorts (the PCI configuration ports)
    ///   auth-dma               spawn a child with Dma      auth-physical      FramePhysical of a frame of its own memory
    ///   auth-kill-child        spawn an idle child, kill it, wait: 0 if it ended killed
    ///   auth-orphan            spawn an idle child and exit 0 at once (the child is orphaned)
    ///   auth-parent MODE...    run svctest MODE... as its child and exit with its code (99: it was killed)
    ///   auth-fault PID         make PID fault (SchemeOp.InjectFault, test bootstrap only): the status</summary>
    public static bool IsChild(out int code)
    {
        code = 0;
        if (Args.PositionalIs(0, "auth-kill")) code = (int)Kill(Number(1));
        else if (Args.PositionalIs(0, "auth-kill-parent")) code = (int)KillParent();
        else if (Args.PositionalIs(0, "auth-sys-kill")) code = (int)WriteSys("sys:/kill", Args.Positional(1));
        else if (Args.PositionalIs(0, "auth-sys-debug")) code = (int)WriteSys("sys:/debug", Args.Positional(0));
        else if (Args.PositionalIs(0, "auth-log")) code = (int)Log();
        else if (Args.PositionalIs(0, "auth-poweroff")) code = (int)SchemeCall.Call(Namespace.Root, SchemeOp.PowerOff, 1, 0, 0, 0, 0, 0, out _);
        else if (Args.PositionalIs(0, "auth-grant")) code = (int)Spawn("auth-idle", SpawnFlags.KillAny, out _);
        else if (Args.PositionalIs(0, "auth-idle")) { while (true) Sys.Sleep(1_000_000_000); }
        else if (Args.PositionalIs(0, "auth-pci")) code = (int)Spawn("auth-idle", SpawnFlags.PciPorts, out _);
        else if (Args.PositionalIs(0, "auth-dma")) code = (int)Spawn("auth-idle", SpawnFlags.Dma, out _);
        else if (Args.PositionalIs(0, "auth-physical")) code = (int)OwnFramePhysical();
        else if (Args.PositionalIs(0, "auth-kill-child")) code = KillChild();
        else if (Args.PositionalIs(0, "auth-orphan")) code = (int)Spawn("auth-idle", 0, out _);
        else if (Args.PositionalIs(0, "auth-parent")) code = RunChild();
        else if (Args.PositionalIs(0, "auth-fault"))   // the console-fault shell session: make PID fault
            code = (int)SchemeCall.Call(Namespace.Root, SchemeOp.InjectFault, Number(1), 0, 0, 0, 0, 0, out _);
        else return false;
        return true;
    }

    // --- the tests ---------------------------------------------------------------------------------

    private static void ChildKillsParent()
    {
        // svctest -> A (auth-parent) -> B (auth-kill-parent): B's Kill of A is refused and A lives
        // to pass B's status on.
        T.Equal((long)Status.InsufficientRights, Run("auth-parent auth-kill-parent"), "a child may not kill its parent");
    }

    private static void ChildKillsSibling()
    {
        if (!T.Status(Status.Ok, Spawn("auth-idle", 0, out ulong sibling), "a first child")) return;
        T.Equal((long)Status.InsufficientRights, Run("auth-kill " + sibling.ToString()), "a second child may not kill it");
        T.Equal((long)Status.InsufficientRights, Run("auth-sys-kill " + sibling.ToString()), "nor through sys:/kill");
        T.True(Alive(sibling), "the first child still runs");
        T.Status(Status.Ok, Kill(sibling), "its parent ends it");
        T.Status(Status.Ok, Wait(sibling, out _), "wait sibling");
    }

    private static void ChildKillsSystem()
    {
        ulong init = FindPid("init", 0), initfsd = FindPid("initfsd", 0);
        T.True(init != 0 && initfsd != 0, "init and initfsd are in the process list");
        T.Equal((long)Status.InsufficientRights, Run("auth-kill " + init.ToString()), "a child of svctest may not kill init");
        T.Equal((long)Status.InsufficientRights, Run("auth-kill " + initfsd.ToString()), "nor initfsd");
        T.Equal((long)Status.InsufficientRights, Run("auth-sys-kill " + init.ToString()), "nor init through sys:/kill");
        T.Equal((long)Status.NotFound, Run("auth-kill 999999"), "a pid that is not there is NotFound, rights or not");
        T.True(Alive(init) && Alive(initfsd), "both still run");
    }

    private static void ParentKillsChild()
    {
        T.Equal(0, Run("auth-kill-child"), "a process without rights kills its own child");
    }

    private static void KillAnyHolder()
    {
        // An orphan is nobody's descendant: only a holder of KillAny may end it.
        T.Equal(0, Run("auth-orphan"), "a child leaves an orphan");
        ulong orphan = FindPid("svctest", 0, parent: 0);
        if (!T.True(orphan != 0, "the orphan is listed with parent 0")) return;
        T.Equal((long)Status.InsufficientRights, Run("auth-kill " + orphan.ToString()), "a child without KillAny may not kill it");
        T.Equal(0, Run("auth-kill " + orphan.ToString(), SpawnFlags.KillAny), "a child given KillAny may");
        T.True(!Alive(orphan), "the orphan is gone");
    }

    private static void RightsFromHolders()
    {
        T.Equal((long)Status.InsufficientRights, Run("auth-grant"), "a child without KillAny cannot give it");
        T.Status(Status.Ok, Whois(null, out ulong self, out _, out ulong rights), "Whois with no name: the caller");
        T.True(self != 0 && rights == (ulong)(SpawnFlags.KillAny | SpawnFlags.PowerOff | SpawnFlags.KernelLog), "svctest holds what test.rc grants");
        T.Status(Status.Ok, Whois("file", out ulong ramfs, out ulong parent, out ulong given), "Whois file: the daemon that registered it");
        T.True(ramfs != 0 && ramfs != self && given == (ulong)SpawnFlags.KernelLog, "ramfs, with the kernel log alone (a daemon)");
        T.Status(Status.NotFound, Whois("nosuchname", out _, out _, out _), "an unregistered name");
        if (!T.Status(Status.Ok, Spawn("auth-idle", SpawnFlags.InheritRights, out ulong heir), "a child inheriting svctest's rights")) return;
        T.True(Alive(heir), "it runs");
        T.Status(Status.Ok, Kill(heir), "kill heir");
        T.Status(Status.Ok, Wait(heir, out _), "wait heir");
    }

    private static void DebugWriteNeedsLog()
    {
        T.Equal((long)Status.InvalidCapability, Run("auth-log"), "a child not given the kernel log cannot DebugWrite");
        T.Equal(0, Run("auth-log", SpawnFlags.KernelLog), "a child given it can");
        T.Equal((long)Status.InsufficientRights, Run("auth-sys-debug"), "nor write sys:/debug without it");
        byte* dot = stackalloc byte[1];
        dot[0] = (byte)'\n';
        T.Status(Status.WrongType, Sys.DebugWrite(CSpace.Self, dot, 1), "a capability that is not I/O ports");
        if (!CSpace.TryAlloc(out uint slot)) return;
        var log = new CapHandle(ProcessSlots.KernelLog, 0);
        if (T.Status(Status.Ok, Sys.Copy(log, CSpace.Self, slot, Rights.Read, out CapHandle readOnly), "a copy without Write"))
        {
            T.Status(Status.InsufficientRights, Sys.DebugWrite(readOnly, dot, 1), "I/O ports without the Write right");
            T.Status(Status.Ok, Sys.Delete(readOnly), "delete");
        }
        CSpace.Free(slot);
        T.Status(Status.InsufficientRights, Devices.IoPortsBind(log, new CapHandle(BootstrapSlots.Thread, 0), 0xF4, 1), "the log binds no port (no Control)");
    }

    private static void ShellKillRefused()
    {
        // A shell without rights (the suite starts it with none) runs `kill` on initfsd.
        ulong initfsd = FindPid("initfsd", 0);
        if (!ShellTests.Session("kill " + initfsd.ToString() + "\necho status $?\necho @end\n", out _)) return;
        ShellTests.Expect("kill: " + initfsd.ToString() + ": permission denied\n", "a refused kill, in words");
        ShellTests.Expect("status 1\n", "and a failing status");
        T.True(Alive(initfsd), "initfsd still runs");
    }

    private static void InitRestarts()
    {
        if (T.Status(Status.Ok, Fs.Open("file:/auth-kept", OpenFlags.Write | OpenFlags.Create, out Fd kept), "a file in file: before"))
        {
            T.Status(Status.Ok, Fs.Write(kept, "kept"), "written");
            T.Status(Status.Ok, Fs.Close(kept), "close kept");
        }
        ulong init = FindPid("init", 0), ramfs = FindPid("ramfs", 0);
        if (!T.True(init != 0 && ramfs != 0, "init and ramfs are listed")) return;
        int daemons = Count("ramfs") + Count("devd") + Count("ipcd") + Count("ttyd") + Count("daemon");
        T.Status(Status.Ok, Kill(init), "svctest (KillAny) kills init");
        ulong next = 0;
        for (int i = 0; i < 200 && next == 0; i++)
        {
            next = FindPid("init", init);
            if (next == 0) Sys.Sleep(10_000_000);
        }
        if (!T.True(next != 0, "a new init runs")) return;
        Sys.Sleep(300_000_000);   // time for it to read the rc file and adopt
        T.Equal((long)ramfs, (long)FindPid("ramfs", 0), "the same ramfs runs");
        T.Equal(daemons, Count("ramfs") + Count("devd") + Count("ipcd") + Count("ttyd") + Count("daemon"), "no daemon started twice");
        T.True(Reads("file:/auth-kept", "kept"), "file: still holds the file written before");
        // The new init supervises: a killed ramfs comes back.
        T.Status(Status.Ok, Kill(ramfs), "kill ramfs");
        T.True(Reopens("file:/auth-back"), "the new init restarted file:");
        ulong again = FindPid("ramfs", 0);
        T.True(again != 0 && again != ramfs, "a new ramfs");
        T.Equal(1, Count("ramfs"), "one ramfs");
    }

    private static void InitfsdRestarts()
    {
        ulong initfsd = FindPid("initfsd", 0);
        if (!T.True(initfsd != 0, "initfsd is listed")) return;
        T.Status(Status.Ok, Kill(initfsd), "svctest (KillAny) kills initfsd");
        bool back = false;
        for (int i = 0; i < 200 && !back; i++)
        {
            back = Reads("initfs:/etc/test.rc", "# What init");
            if (!back) Sys.Sleep(10_000_000);
        }
        T.True(back, "initfs: comes back with the archive");
        ulong next = FindPid("initfsd", 0);
        T.True(next != 0 && next != initfsd, "a new initfsd");
    }

    private static void PowerOffRefused()
    {
        T.Equal((long)Status.InsufficientRights, Run("auth-poweroff"), "a child without the right cannot power off");
    }

    // --- helpers -----------------------------------------------------------------------------------

    private static ulong Number(int positional) => Numbers.TryParseDecimal(Args.Positional(positional), out ulong n) ? n : 0;

    private static Status Kill(ulong pid) => SchemeCall.Call(Namespace.Root, SchemeOp.Kill, pid, 0, 0, 0, 0, 0, out _);

    private static Status KillParent()
    {
        Status s = Whois(null, out _, out ulong parent, out _);
        return s != Status.Ok ? s : Kill(parent);
    }

    private static Status Whois(string name, out ulong pid, out ulong parent, out ulong rights)
    {
        int length = name == null ? 0 : name.Length;
        if (name != null) SchemeCall.Put(name);
        Status s = SchemeCall.Call(Namespace.Root, SchemeOp.Whois, 0, 0, 0, length, 0, 0, out SchemeReply r);
        pid = r.W0;
        parent = r.W1;
        rights = r.W2;
        return s;
    }

    private static Status WriteSys(string path, ReadOnlySpan<byte> text)
    {
        Status s = Fs.Open(path, OpenFlags.Write, out Fd fd);
        if (s != Status.Ok) return s;
        fixed (byte* t = text) s = Fs.Write(fd, t, text.Length, out _);
        T.Status(Status.Ok, Fs.Close(fd), "close fd");
        return s;
    }

    private static Status Log()
    {
        byte* line = stackalloc byte[40];
        int n = Ascii.Copy("authority: a child writes the log\n", new Span<byte>(line, 40));
        return Sys.DebugWrite(line, (ulong)n);
    }

    private static int KillChild()
    {
        Status s = Spawn("auth-idle", 0, out ulong child);
        if (s != Status.Ok) return 100 + (int)s;
        s = Kill(child);
        if (s != Status.Ok) return 50 + (int)s;
        return Wait(child, out ThreadExitKind kind) == Status.Ok && kind == ThreadExitKind.Killed ? 0 : 99;
    }

    private static int RunChild()
    {
        var t = new System.Text.StringBuilder();
        for (int i = 1; i < Args.PositionalCount; i++)
        {
            if (i > 1) t.Append(' ');
            var word = Args.Positional(i);
            for (int k = 0; k < word.Length; k++) t.Append((char)word[k]);
        }
        return Run(t.ToString());
    }

    // Runs svctest with `mode` (words separated by spaces) as a child; its exit code, or 99 when it
    // did not exit by itself, or 200 + the status when it could not start.
    // A child that may not register (as every child here) may not have the PCI ports opened to its
    // own children: only a daemon's starter may ask (docs/design/pci.md).
    private static void PciPortsRefused() =>
        T.Equal((long)Status.InsufficientRights, Run("auth-pci"), "PciPorts refused to a caller without the register right");

    // Memory from the process manager keeps Rights.Physical only for a child started with SpawnFlags.Dma,
    // which only a caller with the register right may ask for (ADR 0011).
    private static void PhysicalOnlyForDma()
    {
        T.Status(Status.InsufficientRights, OwnFramePhysical(), "svctest's own memory has no Physical right");
        T.Equal((long)Status.InsufficientRights, Run("auth-physical"), "nor has an ordinary child's");
        T.Equal(0, Run("auth-physical", SpawnFlags.Dma), "a child started with Dma may learn its frames' addresses");
        T.Equal((long)Status.InsufficientRights, Run("auth-dma"), "Dma refused to a caller without the register right");
    }

    // FramePhysical of a new frame from this process's memory: Ok only when the memory has Physical.
    private static Status OwnFramePhysical()
    {
        Status s = CSpace.Make(ObjectType.Frame, 12, out CapHandle frame);
        if (s != Status.Ok) return s;
        s = Devices.FramePhysical(frame, out _);
        CSpace.Release(frame);
        return s;
    }

    private static int Run(string mode, SpawnFlags flags = 0)
    {
        Status s = Spawn(mode, flags, out ulong pid);
        if (s != Status.Ok) return 200 + (int)s;
        s = Wait(pid, out ThreadExitKind kind, out ulong code);
        return s == Status.Ok && kind == ThreadExitKind.Exited ? (int)code : 99;
    }

    private static Status Spawn(string mode, SpawnFlags flags, out ulong pid)
    {
        string argv = Self + " " + mode;
        SchemeCall.Put(argv);
        for (int i = 0; i < argv.Length; i++) if (SchemeCall.Data[i] == (byte)' ') SchemeCall.Data[i] = 0;
        Status s = SchemeCall.Call(Namespace.Root, SchemeOp.Spawn, (ulong)(SpawnFlags.NoRegister | flags), 0, 0, argv.Length, 0, 0, out SchemeReply r);
        pid = s == Status.Ok ? r.W0 : 0;
        return s;
    }

    private static Status Wait(ulong pid, out ThreadExitKind kind) => Wait(pid, out kind, out _);

    private static Status Wait(ulong pid, out ThreadExitKind kind, out ulong code)
    {
        Status s = SchemeCall.Call(Namespace.Root, SchemeOp.WaitChild, pid, 0, 0, 0, 0, 0, out SchemeReply r);
        kind = (ThreadExitKind)r.W1;
        code = r.W2;
        return s;
    }

    // The first live process named `name` other than `not` (with parent `parent`, when given).
    private static ulong FindPid(string name, ulong not, ulong parent = ulong.MaxValue)
    {
        ulong index = 0;
        while (SchemeCall.Call(Namespace.Root, SchemeOp.ProcList, index, 0, 0, 0, 0, 0, out SchemeReply r) == Status.Ok)
        {
            index = r.W2;
            if (r.W0 == not || (parent != ulong.MaxValue && r.W1 != parent) || r.DataLength < 0) continue;
            if (Ascii.Equals(new ReadOnlySpan<byte>(SchemeCall.Data, r.DataLength), name)) return r.W0;
        }
        return 0;
    }

    private static int Count(string name)
    {
        int n = 0;
        ulong index = 0;
        while (SchemeCall.Call(Namespace.Root, SchemeOp.ProcList, index, 0, 0, 0, 0, 0, out SchemeReply r) == Status.Ok)
        {
            index = r.W2;
            if (r.DataLength >= 0 && Ascii.Equals(new ReadOnlySpan<byte>(SchemeCall.Data, r.DataLength), name)) n++;
        }
        return n;
    }

    private static bool Alive(ulong pid)
    {
        ulong index = 0;
        while (SchemeCall.Call(Namespace.Root, SchemeOp.ProcList, index, 0, 0, 0, 0, 0, out SchemeReply r) == Status.Ok)
        {
            if (r.W0 == pid) return true;
            index = r.W2;
        }
        return false;
    }

    // True when the file's text begins with `start`.
    private static bool Reads(string path, string start)
    {
        byte* buffer = stackalloc byte[64];
        if (Fs.Open(path, OpenFlags.Read, out Fd fd) != Status.Ok) return false;
        _ = File.ReadAll(fd, new Span<byte>(buffer, 64), out int n);   // NoSpace past 64 bytes: the start is read
        T.Status(Status.Ok, Fs.Close(fd), "close fd");
        return n >= start.Length && Ascii.StartsWith(new ReadOnlySpan<byte>(buffer, n), start);
    }

    // Creating `path` works again within two seconds (its daemon came back).
    private static bool Reopens(string path)
    {
        for (int i = 0; i < 200; i++)
        {
            if (Fs.Open(path, OpenFlags.Write | OpenFlags.Create, out Fd fd) == Status.Ok)
            {
                T.Status(Status.Ok, Fs.Close(fd), "close fd");
                return true;
            }
            Sys.Sleep(10_000_000);
        }
        return false;
    }
}
