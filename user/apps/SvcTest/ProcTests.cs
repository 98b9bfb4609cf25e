// In-guest tests of the root scheme and the process manager (the bootstrap) and of initfs:, run
// against the live system: lookup and registration, spawn/wait/kill/list/meminfo, and every
// status these document.
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;
using T = Vireo.User.Testing.TestRunner;

static unsafe class ProcTests
{
    public static void Run()
    {
        T.Run("root.unknown_scheme_and_bad_paths", &BadPaths);
        T.Run("root.register_lookup_list", &RegisterLookupList);
        T.Run("proc.spawn_and_wait", &SpawnAndWait);
        T.Run("proc.spawn_statuses", &SpawnStatuses);
        T.Run("proc.kill_and_fault_reported", &KillAndFault);
        T.Run("proc.list_and_meminfo", &ListAndMeminfo);
        T.Run("proc.parent_gives_the_namespace", &NestedNamespace);
        T.Run("root.garbage_answers_and_daemon_death", &BadDaemon);
        T.Run("proc.daemon_tool_starts_and_supervises", &DaemonTool);
        T.Run("sys.files_for_processes_memory_and_time", &SysFiles);
        T.Run("initfs.read_seek_stat", &InitfsFiles);
        T.Run("initfs.directories_and_statuses", &InitfsDirectories);
    }

    private static Status Call(SchemeOp op, ulong w0, ulong w1, int length, out SchemeReply r) =>
        SchemeCall.Call(Namespace.Root, op, w0, w1, 0, length, 0, 0, out r);

    private static Status Spawn(string argv, out ulong pid, ulong flags = 0)
    {
        // argv words separated by spaces here; the protocol separates them with NUL.
        SchemeCall.Put(argv);
        for (int i = 0; i < argv.Length; i++) if (SchemeCall.Data[i] == (byte)' ') SchemeCall.Data[i] = 0;
        Status s = Call(SchemeOp.Spawn, flags, 0, argv.Length, out SchemeReply r);
        pid = r.W0;
        return s;
    }

    private static Status Wait(ulong pid, out ulong kind, out ulong code)
    {
        Status s = Call(SchemeOp.WaitChild, pid, 0, 0, out SchemeReply r);
        kind = r.W1;
        code = r.W2;
        return s;
    }

    private static void BadPaths()
    {
        T.Status(Status.UnknownScheme, Fs.Open("nosuch:/x", OpenFlags.Read, out _), "an unregistered scheme");
        T.Status(Status.UnknownScheme, Fs.Open("no-colon-here", OpenFlags.Read, out _), "a path without a scheme");
        T.Status(Status.UnknownScheme, Fs.Open(":/x", OpenFlags.Read, out _), "an empty scheme name");
        const int Long = SchemeLimits.MaxFullPath + 1;
        byte* longPath = stackalloc byte[Long];
        for (int i = 0; i < Long; i++) longPath[i] = (byte)'a';
        longPath[0] = (byte)'f'; longPath[1] = (byte)':';
        T.Status(Status.NameTooLong, Fs.Open(longPath, Long, OpenFlags.Read, out _), "a path over MaxFullPath bytes");
        T.Status(Status.NameTooLong, Fs.Open("abcdefghijklmnopqrstuvwxyz0123456789:/x", OpenFlags.Read, out _), "a scheme name over 31 bytes");
        T.Status(Status.Ok, Fs.Open("/scheme/initfs/etc/test.rc", OpenFlags.Read, out Fd fd), "the /scheme/NAME/rest form");
        T.Status(Status.Ok, Fs.Close(fd), "close fd");
        T.Status(Status.BadDescriptor, Fs.Read(fd, longPath, 10, out _), "a closed descriptor");
        T.Status(Status.BadDescriptor, Fs.Read(new Fd(new CapHandle(3000, 0)), longPath, 10, out _), "a descriptor never opened");
        T.Status(Status.Ok, Fs.Open("initfs:/etc/test.rc", OpenFlags.Read, out fd), "open initfs:/etc/test.rc");
        T.Status(Status.BadAddress, Fs.Read(fd, null, 10, out _), "a buffer at address 0");
        T.Status(Status.BadAddress, Fs.Read(fd, (byte*)0xFFFF_8000_0000_0000, 10, out _), "a buffer in the kernel half");
        T.Status(Status.BadAddress, Fs.Write(fd, (byte*)0x0000_7400_0000_0000 - 4, 10, out _), "a buffer running past the user half");
        T.Status(Status.Ok, Fs.Close(fd), "close fd");
    }

    private static void RegisterLookupList()
    {
        T.Status(Status.Ok, SchemeServer.Create(new CapHandle(BootstrapSlots.Memory, 0), out SchemeServer server), "create");
        T.Status(Status.Ok, server.Register("svctest"), "register a scheme");
        T.Status(Status.Exists, server.Register("svctest"), "names are unique");
        T.Status(Status.InvalidArgument, server.Register("a:b"), "a name with a colon");
        T.Status(Status.NameTooLong, server.Register("abcdefghijklmnopqrstuvwxyz0123456789"), "a name over 31 bytes");
        byte* name = stackalloc byte[SchemeLimits.MaxName];
        ulong index = 0;
        bool seen = false, seenInitfs = false;
        int count = 0;
        while (Namespace.List(index, name, out int length, out ulong next) == Status.Ok && count++ < 64)
        {
            if (length == 7 && name[0] == (byte)'s' && name[6] == (byte)'t') seen = true;
            if (length == 6 && name[0] == (byte)'i' && name[5] == (byte)'s') seenInitfs = true;
            index = next;
        }
        T.True(seen && seenInitfs, "List names both svctest and initfs");
        // A request through the looked-up capability arrives at this endpoint, badged with the caller.
        byte* n = stackalloc byte[7];
        for (int i = 0; i < 7; i++) n[i] = (byte)"svctest"[i];
        T.Status(Status.Ok, Namespace.Lookup(n, 7, out CapHandle scheme), "look it up");
        var m = Message.Of(5);
        T.Status(Status.WouldBlock, Ipc.TrySend(scheme, new MessageInfo(1, 0), ref m), "nobody receives yet (the endpoint is ours)");
        T.Status(Status.Ok, Sys.Identify(scheme, out ObjectType type, out _, out _, out ulong badge), "identify it");
        T.True(type == ObjectType.Endpoint && (badge & SchemeBadge.ClientFlag) != 0, "a client-badged endpoint capability");
    }

    private static void SpawnAndWait()
    {
        T.Status(Status.Ok, Spawn("initfs:/bin/fault 6", out ulong pid), "spawn a program that exits with 42");
        T.True(pid != 0, "it has a pid");
        T.Status(Status.Ok, Wait(pid, out ulong kind, out ulong code), "wait for it");
        T.Equal((long)ThreadExitKind.Exited, (long)kind, "it exited");
        T.Equal(42, (long)code, "with its status");
        T.Status(Status.NotFound, Wait(pid, out _, out _), "an ended child is waited for once");
        T.Status(Status.Ok, Spawn("/bin/fault 10 abcd", out pid), "arguments reach the child");
        T.Status(Status.Ok, Wait(pid, out _, out code), "wait pid");
        T.Equal(100 * 3 + 2, (long)code, "argc 3, argv[1] of two digits");
        T.Status(Status.Ok, Spawn("bin/fault 6", out ulong a), "two children");
        T.Status(Status.Ok, Spawn("bin/fault 6", out ulong b), "two children (2)");
        T.Status(Status.Ok, Wait(0, out _, out _), "wait for any child");
        T.Status(Status.Ok, Wait(0, out _, out _), "and the other");
        T.Status(Status.NotFound, Wait(0, out _, out _), "no children left");
    }

    private static void SpawnStatuses()
    {
        T.Status(Status.NotFound, Spawn("initfs:/bin/nosuch", out _), "a program that is not there");
        T.Status(Status.InvalidArgument, Call(SchemeOp.Spawn, 0, 0, 0, out _), "no argv");
        T.Status(Status.InvalidArgument, Spawn("bin/fault 6", out _, 1UL << 20), "unknown spawn flags");
        SchemeCall.Put("bin/fault");
        T.Status(Status.InvalidArgument, Call(SchemeOp.Spawn, 0, 40, 9, out _), "memory bits out of range");
        T.Status(Status.NotSupported, Call((SchemeOp)999, 0, 0, 0, out _), "an unknown operation");
        T.Status(Status.NotFound, Call(SchemeOp.Kill, 999999, 0, 0, out _), "kill an unknown pid");
    }

    private static void KillAndFault()
    {
        T.Status(Status.Ok, Spawn("bin/fault 9", out ulong pid), "spawn a program that blocks forever");
        T.Status(Status.Ok, Call(SchemeOp.Kill, pid, 0, 0, out _), "kill it");
        T.Status(Status.Ok, Wait(pid, out ulong kind, out _), "its parent learns of it");
        T.Equal((long)ThreadExitKind.Killed, (long)kind, "as killed");
        T.Status(Status.Ok, Spawn("bin/fault 4", out pid), "spawn a program that divides by zero");
        T.Status(Status.Ok, Wait(pid, out kind, out ulong code), "wait for it");
        T.Equal((long)ThreadExitKind.Faulted, (long)kind, "it was stopped by the fault");
        T.Equal(0, (long)code, "vector 0 (#DE)");
    }

    private static void ListAndMeminfo()
    {
        ulong index = 0;
        int count = 0;
        bool init = false;
        while (Call(SchemeOp.ProcList, index, 0, 0, out SchemeReply r) == Status.Ok && count < 300)
        {
            count++;
            if (r.DataLength == 4 && SchemeCall.Data[0] == (byte)'i' && SchemeCall.Data[3] == (byte)'t') init = true;
            index = r.W2;
        }
        T.True(count >= 3, "initfsd, init and this suite are listed");
        T.True(init, "init is named");
        T.Status(Status.Ok, Call(SchemeOp.MemInfo, 0, 0, 0, out SchemeReply mem), "meminfo");
        T.True(mem.W0 > 256UL << 20 && mem.W1 > 0 && mem.W1 < mem.W0, "total over 256 MiB, some used, some free");
        T.Status(Status.Ok, Spawn("bin/fault 9", out ulong pid), "spawn bin/fault 9");
        T.Status(Status.Ok, Call(SchemeOp.MemInfo, 0, 0, 0, out SchemeReply during), "mem info");
        T.True(during.W1 < mem.W1, "a new process takes memory");
        T.Status(Status.Ok, Call(SchemeOp.Kill, pid, 0, 0, out _), "kill");
        T.Status(Status.Ok, Wait(pid, out _, out _), "wait pid");
        T.Status(Status.Ok, Call(SchemeOp.MemInfo, 0, 0, 0, out SchemeReply after), "mem info");
        T.Equal((long)mem.W1, (long)after.W1, "and gives it all back when it ends");
    }

    // The nested process model: a child whose Namespace is this process's own endpoint asks us, not
    // the root, when it looks a scheme up; we answer, and it exits with what we said.
    private static void NestedNamespace()
    {
        T.Status(Status.Ok, SchemeServer.Create(new CapHandle(BootstrapSlots.Memory, 0), out SchemeServer proxy), "create");
        CSpace.TryAlloc(out uint slot);
        T.Status(Status.Ok, Sys.Mint(proxy.Endpoint, CSpace.Self, slot, Rights.Read | Rights.Write | Rights.Grant, SchemeBadge.Client(77), out CapHandle childNs), "mint");
        const string argv = "initfs:/bin/svcbench\0lookup\0zzz";
        SchemeCall.Put(argv);
        SchemeCall.Buffer->SendCaps[0] = childNs.Value;
        T.Status(Status.Ok, SchemeCall.Call(Namespace.Root, SchemeOp.Spawn, (ulong)SpawnFlags.Namespace, 0, 0, argv.Length, 1, 0, out SchemeReply r),
            "spawn with our own endpoint as the child's namespace");
        ulong pid = r.W0;
        proxy.Receive(out Request q);
        T.True(q.Op == SchemeOp.Lookup && q.DataLength == 3 && q.Data[0] == (byte)'z', "the child's lookup came to us");
        T.Equal(77, (long)q.Client, "with the badge we gave it");
        T.Status(Status.Ok, proxy.AnswerWithCaps(Status.NotSupported, 0, null, 0), "answer");
        T.Status(Status.Ok, Wait(pid, out _, out ulong code), "wait pid");
        T.Equal((long)Status.NotSupported, (long)code, "and it got our answer");
        T.Status(Status.InvalidArgument, SchemeCall.Call(Namespace.Root, SchemeOp.Spawn, (ulong)SpawnFlags.Namespace, 0, 0, argv.Length, 0, 0, out _),
            "the Namespace flag without a capability");
        T.Status(Status.Ok, Sys.Delete(childNs), "delete");
        CSpace.Free(slot);
    }

    // A daemon that answers outside the protocol, or dies while a caller waits: each caller gets a
    // status, never a hang (bin/testd).
    private static void BadDaemon()
    {
        T.Status(Status.Ok, Spawn("initfs:/bin/testd", out ulong pid), "start a misbehaving daemon");
        byte* name = stackalloc byte[3];
        name[0] = (byte)'b'; name[1] = (byte)'a'; name[2] = (byte)'d';
        for (int i = 0; i < 100 && Namespace.Lookup(name, 3, out _) != Status.Ok; i++) Sys.Sleep(5_000_000);
        T.Status(Status.BadReply, Fs.Stat("bad:/x", out _, out _), "a status outside the protocol's set");
        T.Status(Status.BadReply, Fs.Open("bad:/long", OpenFlags.Read, out _), "data longer than the message");
        T.Status(Status.BadReply, Fs.Unlink("bad:/x"), "a capability nobody asked for");
        T.Status(Status.PeerDied, Fs.Open("bad:/die", OpenFlags.Read, out _), "the daemon dies while we wait");
        T.Status(Status.Ok, Wait(pid, out ulong kind, out ulong code), "wait pid");
        T.Equal(3, (long)code, "it exited as it said");
        T.Status(Status.UnknownScheme, Fs.Open("bad:/x", OpenFlags.Read, out _), "its name went with it");
    }

    // `daemon NAME PROGRAM` run as the shell runs it (without the register right): the daemon:
    // service starts a detached supervisor, which starts the program with the right and starts it
    // again when it ends (bin/testd registers `bad`; Stat answers 999, which the client calls BadReply).
    private static void DaemonTool()
    {
        T.Status(Status.Ok, Spawn("initfs:/bin/daemon bad testd", out ulong tool, (ulong)SpawnFlags.NoRegister), "run the tool");
        T.Status(Status.Ok, Wait(tool, out _, out ulong code), "it ends");
        T.Equal(0, (long)code, "once bad: is registered");
        T.Status(Status.BadReply, Fs.Stat("bad:/x", out _, out _), "the daemon answers");
        T.Status(Status.PeerDied, Fs.Open("bad:/die", OpenFlags.Read, out _), "it dies");
        // Polled, up to 10 s: the restart runs in other processes, which on several CPUs (and a loaded
        // host) need not have run by any fixed moment.
        Status s = Status.UnknownScheme;
        for (int i = 0; i < 1000 && (s = Fs.Stat("bad:/x", out _, out _)) != Status.BadReply; i++) Sys.Sleep(10_000_000);
        T.Status(Status.BadReply, s, "its supervisor started it again");
        ulong supervisor = 0;
        for (ulong index = 0; Call(SchemeOp.ProcList, index, 0, 0, out SchemeReply r) == Status.Ok; index = r.W2)
            if (r.W1 == 0 && r.DataLength == 6 && SchemeCall.Data[0] == (byte)'d' && SchemeCall.Data[5] == (byte)'n') supervisor = r.W0;
        T.True(supervisor != 0, "the supervisor is a daemon process with no parent");
        T.Status(Status.Ok, Call(SchemeOp.Kill, supervisor, 0, 0, out _), "end the supervisor");
        // This call makes the daemon die: its status is whatever the death gives.
        _ = Fs.Open("bad:/die", OpenFlags.Read, out _);
        // The name goes when the process manager has seen the death, which another CPU may still be
        // handling: polled, up to 5 s, rather than one look after a fixed sleep. The name is gone
        // between a death and a restart too, so it is looked at again later: a supervisor that
        // outlived its kill (it restarts at once) would have registered the daemon again by then.
        for (int i = 0; i < 500 && (s = Fs.Stat("bad:/x", out _, out _)) != Status.UnknownScheme; i++) Sys.Sleep(10_000_000);
        T.Status(Status.UnknownScheme, s, "then the daemon ends");
        Sys.Sleep(500_000_000);
        T.Status(Status.UnknownScheme, Fs.Stat("bad:/x", out _, out _), "for good: nobody starts it again");
    }

    private static int ReadAll(string path, byte* into, int max)
    {
        if (Fs.Open(path, OpenFlags.Read, out Fd fd) != Status.Ok) return -1;
        T.Status(Status.Ok, File.ReadAll(fd, new System.Span<byte>(into, max), out int total), "read all");
        T.Status(Status.Ok, Fs.Close(fd), "close fd");
        return total;
    }

    private static bool Contains(byte* text, int length, string what) => Ascii.Contains(new System.ReadOnlySpan<byte>(text, length), what);

    private static void SysFiles()
    {
        byte* text = stackalloc byte[2048];
        int n = ReadAll("sys:/ps", text, 2048);
        T.True(n > 0 && Contains(text, n, "PID PARENT CPU NAME") && Contains(text, n, " svctest\n") && Contains(text, n, " ramfs\n"), "sys:/ps lists processes");
        n = ReadAll("sys:/meminfo", text, 2048);
        T.True(n > 0 && Contains(text, n, "total ") && Contains(text, n, "free "), "sys:/meminfo");
        n = ReadAll("sys:/uptime", text, 2048);
        T.True(n >= 6 && text[n - 5] == (byte)'.' && text[n - 1] == (byte)'\n', "sys:/uptime: seconds with milliseconds");
        n = ReadAll("sys:/schemes", text, 2048);
        T.True(Contains(text, n, "sys\n") && Contains(text, n, "file\n") && Contains(text, n, "initfs\n"), "sys:/schemes");
        T.Status(Status.Ok, Fs.Open("sys:/debug", OpenFlags.Write, out Fd debug), "open sys:/debug");
        T.Status(Status.Ok, Fs.Write(debug, "svctest: a line through sys:/debug\n"), "write to the kernel log");
        T.Status(Status.Ok, Fs.Close(debug), "close debug");
        T.Status(Status.Ok, Spawn("bin/fault 9", out ulong pid), "a process to kill");
        T.Status(Status.Ok, Fs.Open("sys:/kill", OpenFlags.Write, out Fd kill), "open sys:/kill");
        byte* digits = stackalloc byte[Numbers.MaxDecimalDigits];
        int d = Numbers.FormatDecimal(pid, new System.Span<byte>(digits, Numbers.MaxDecimalDigits));
        T.Status(Status.Ok, Fs.Write(kill, digits, d, out _), "write its pid");
        T.Status(Status.Ok, Wait(pid, out ulong kind, out _), "it ended");
        T.Equal((long)ThreadExitKind.Killed, (long)kind, "killed");
        T.Status(Status.NotFound, Fs.Write(kill, digits, d, out _), "a pid that is gone");
        T.Status(Status.Ok, Fs.Close(kill), "close kill");
        T.Status(Status.Ok, Fs.Open("sys:/", OpenFlags.Read | OpenFlags.Directory, out Fd dir), "the directory");
        T.Status(Status.Ok, Fs.Getdents(dir, text, 480, out n), "getdents dir");
        T.True(n > 0 && Contains(text, n, "meminfo"), "lists its files");
        T.Status(Status.Ok, Fs.Close(dir), "close dir");
        T.Status(Status.NotFound, Fs.Open("sys:/nosuch", OpenFlags.Read, out _), "an unknown file");
        T.Status(Status.InsufficientRights, Fs.Unlink("sys:/ps"), "sys: cannot be changed");
    }

    private static void InitfsFiles()
    {
        T.Status(Status.Ok, Fs.Open("initfs:/etc/test.rc", OpenFlags.Read, out Fd fd), "open a file");
        T.Status(Status.Ok, Fs.Fstat(fd, out ulong size, out FileKind kind), "fstat");
        T.True(kind == FileKind.File && size > 20, "a file of some size");
        byte* buffer = stackalloc byte[600];
        T.Status(Status.Ok, Fs.Read(fd, buffer, 600, out int n), "read");
        T.True(n > 0 && buffer[0] == (byte)'#', "its first bytes");
        T.Status(Status.Ok, Fs.Seek(fd, 1, SeekFrom.Start, out ulong position), "seek");
        T.Status(Status.Ok, Fs.Read(fd, buffer + 100, 1, out _), "read fd");
        T.Equal(buffer[1], buffer[100], "reads from the new position");
        T.Status(Status.Ok, Fs.Seek(fd, 0, SeekFrom.End, out position), "seek fd");
        T.Equal((long)size, (long)position, "seek to the end");
        T.Status(Status.Ok, Fs.Read(fd, buffer, 10, out n), "read fd");
        T.Equal(0, n, "end of file");
        T.Status(Status.InsufficientRights, Fs.Write(fd, buffer, 1, out _), "initfs: is read-only");
        T.Status(Status.InvalidArgument, Fs.Seek(fd, -5, SeekFrom.Start, out _), "a negative position");
        T.Status(Status.Ok, Fs.Dup(fd, out Fd copy), "dup");
        buffer[0] = 0;
        T.Status(Status.Ok, Fs.Seek(copy, 0, SeekFrom.Start, out _), "seek copy");
        T.Status(Status.Ok, Fs.Read(copy, buffer, 1, out n), "read through the copy");
        T.True(n == 1 && buffer[0] == (byte)'#', "the copy reads from its own position (the start)");
        T.Status(Status.Ok, Fs.Read(fd, buffer, 1, out n), "read fd");
        T.Equal(0, n, "while the original is still at the end");
        T.Status(Status.Ok, Fs.Close(copy), "close copy");
        T.Status(Status.Ok, Fs.Close(fd), "close fd");
        T.Status(Status.Ok, Fs.Stat("initfs:/bin/init", out size, out kind), "stat a path");
        T.True(kind == FileKind.File && size > 4096, "an executable");
    }

    private static void InitfsDirectories()
    {
        T.Status(Status.Ok, Fs.Open("initfs:/bin", OpenFlags.Read | OpenFlags.Directory, out Fd dir), "open a directory");
        byte* buffer = stackalloc byte[480];
        bool sawInit = false, sawSvctest = false;
        int entries = 0;
        while (Fs.Getdents(dir, buffer, 480, out int n) == Status.Ok && n > 0)
        {
            for (int at = 0; at + 2 <= n; at += 2 + buffer[at + 1])
            {
                entries++;
                int len = buffer[at + 1];
                if (len == 4 && buffer[at + 2] == (byte)'i' && buffer[at + 5] == (byte)'t') sawInit = true;
                if (len == 7 && buffer[at + 2] == (byte)'s' && buffer[at + 8] == (byte)'t') sawSvctest = true;
            }
        }
        T.True(sawInit && sawSvctest && entries >= 5, "Getdents lists the programs");
        T.Status(Status.IsDirectory, Fs.Read(dir, buffer, 10, out _), "read a directory");
        T.Status(Status.Ok, Fs.Close(dir), "close dir");
        T.Status(Status.Ok, Fs.Open("initfs:/", OpenFlags.Read, out Fd root), "the root is a directory");
        T.Status(Status.Ok, Fs.Getdents(root, buffer, 480, out int rootBytes), "getdents root");
        T.True(rootBytes > 0, "with entries (bin, etc)");
        T.Status(Status.Ok, Fs.Close(root), "close root");
        T.Status(Status.NotFound, Fs.Open("initfs:/nosuch", OpenFlags.Read, out _), "a missing file");
        T.Status(Status.NotDirectory, Fs.Open("initfs:/etc/test.rc", OpenFlags.Read | OpenFlags.Directory, out _), "a file as a directory");
        T.Status(Status.InsufficientRights, Fs.Open("initfs:/new", OpenFlags.Write | OpenFlags.Create, out _), "create in initfs:");
        T.Status(Status.InsufficientRights, Fs.Unlink("initfs:/etc/test.rc"), "unlink in initfs:");
    }
}
