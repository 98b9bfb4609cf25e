// The driver manager, inside pcid (Redox's pcid-spawner is the model; pci.md says why here): after the
// first scan it reads its table (initfs:/etc/drivers.rc, or the path given as pcid's first argument),
// and for each function a rule names starts `PROGRAM [ARGS...] BB:DD.F` through the process manager
// with SpawnFlags.Dma, its memory keeping the Physical right, and the kernel log (SpawnFlags.KernelLog:
// pcid has it from init, as every daemon; a driver with no standard output writes its messages there).
// The pid it gets back is the one process that may claim the function (Handover). When a driver ends
// (DriverWatch tells the main thread), its function's bus mastering goes off (its DMA buffers went with
// it) and, unless it exited with status 0 (nothing to drive, on purpose), the same command is started
// again, within a RestartBudget: the new driver claims the same function and gets the same hand-over.
using System;
using Vireo.Abi;
using Vireo.Pci;
using Vireo.User;
using Vireo.User.Schemes;

static unsafe class DriverManager
{
    private const int TableBytes = 4096;
    public const string DefaultTable = "initfs:/etc/drivers.rc";

    // Each driven function's argv (kept for restarts) and its restart budget.
    private struct Driven
    {
        public byte[] Argv;
        public int Length;
        public RestartBudget Budget;
    }

    private static Driven[] s_driven;

    /// <summary>Starts the driver of each function the table names; true if it started any (then
    /// DriverWatch has children to wait for).</summary>
    public static bool StartAll(ReadOnlySpan<byte> tablePath, PciFunction[] functions, int count)
    {
        s_driven = new Driven[count];
        var table = new byte[TableBytes];
        if (File.ReadAll(tablePath, table, out int length) != Status.Ok) return false;   // no table: nothing to start
        bool any = false;
        for (int i = 0; i < count; i++)
        {
            if (!DriverTable.TryFind(new ReadOnlySpan<byte>(table, 0, length), functions[i].Vendor, functions[i].Device, out ReadOnlySpan<byte> command, out _))
                continue;
            var argv = new byte[SchemeLimits.MaxData];
            int n = Argv(command, functions[i].Address, argv);
            if (n < 0) continue;
            s_driven[i] = new Driven { Argv = argv, Length = n };
            Status s = Start(new ReadOnlySpan<byte>(argv, 0, n), out ulong pid);
            if (s == Status.Ok) Handovers.All[i].Driver = pid;
            else Say("pcid: cannot start the driver of ", functions[i].Address, s);
            any |= s == Status.Ok;
        }
        return any;
    }

    /// <summary>Child `pid` ended (`kind`, `code` as WaitChild says): if it drove a function, that
    /// function's DMA stops and the driver starts again (unless it exited with 0 or died too often).</summary>
    public static void Ended(PciFunction[] functions, int count, ulong pid, ThreadExitKind kind, ulong code)
    {
        int i = 0;
        while (i < count && Handovers.All[i].Driver != pid) i++;
        if (i == count || pid == 0) return;
        var access = new BusAccess();
        Handovers.Stop(ref access, functions[i], ref Handovers.All[i]);
        if (kind == ThreadExitKind.Exited && code == 0) return;   // done on purpose: nothing to drive
        bool again = s_driven[i].Budget.Take(Sys.TimeNanos());
        Console.Write("pcid: the driver of ");
        WriteName(functions[i].Address);
        Console.Write(" (pid ");
        Console.Write(pid);
        Console.Write(kind == ThreadExitKind.Exited ? ") exited with status " : kind == ThreadExitKind.Killed ? ") was killed" : ") faulted, vector ");
        if (kind != ThreadExitKind.Killed) Console.Write(code);
        Console.WriteLine(again ? "; restarting" : "; it died too often, giving up");
        if (!again) return;
        Status s = Start(new ReadOnlySpan<byte>(s_driven[i].Argv, 0, s_driven[i].Length), out ulong started);
        if (s == Status.Ok) Handovers.All[i].Driver = started;
        else Say("pcid: cannot restart the driver of ", functions[i].Address, s);
    }

    // The command's words joined by NUL, then the function's name: argv as Spawn takes it.
    private static int Argv(ReadOnlySpan<byte> command, PciAddress address, byte[] into)
    {
        int n = 0, at = 0;
        while (Ascii.NextWord(command, ref at, out ReadOnlySpan<byte> word))
        {
            if (n + word.Length + 1 + PciListing.NameLength > into.Length) return -1;
            word.CopyTo(new Span<byte>(into, n, word.Length));
            n += word.Length;
            into[n++] = 0;
        }
        fixed (byte* p = &into[n])
        {
            var t = new Text(p, PciListing.NameLength);
            PciListing.Name(ref t, address);
        }
        return n + PciListing.NameLength;
    }

    // The driver writes where pcid does (its standard output, as init gave it: a daemon has no input);
    // without one it starts with no standard files at all, and its Console writes to the kernel log.
    private static Status Start(ReadOnlySpan<byte> argv, out ulong pid)
    {
        pid = 0;
        Fd* stdio = stackalloc Fd[3];
        stdio[0] = stdio[1] = stdio[2] = default;
        Status s = Status.Ok;
        for (int i = 0; i < 3 && s == Status.Ok; i++) s = Fs.Dup(Fd.Stdout, out stdio[i]);
        bool given = s == Status.Ok;
        s = given ? Children.Spawn(argv, stdio[0], stdio[1], stdio[2], Flags, out pid) : Children.SpawnWithoutStdio(argv, Flags, out pid);
        // The child has its own copies now: ours go. Files nobody else holds are closed.
        for (int i = 0; i < 3; i++)
        {
            if (stdio[i].Cap.Value == 0) continue;
            if (given && s == Status.Ok) Fs.Forget(stdio[i]);
            else _ = Fs.Close(stdio[i]);   // a file nobody holds: what else it answers changes nothing
        }
        return s;
    }

    // The kernel log without a standard output: a driver's failure is seen either way. A pcid without
    // the kernel log (started by hand) asks for none, as a child may get only rights its parent holds.
    private static SpawnFlags Flags =>
        SpawnFlags.Dma | (Sys.Identify(new CapHandle(ProcessSlots.KernelLog, 0), out _, out _, out _, out _) == Status.Ok ? SpawnFlags.KernelLog : 0);

    private static void Say(string what, PciAddress address, Status s)
    {
        Console.Write(what);
        WriteName(address);
        Console.Write(": ");
        Console.WriteLine(StatusText.Describe(s));
    }

    private static void WriteName(PciAddress address)
    {
        byte* name = stackalloc byte[PciListing.NameLength];
        var t = new Text(name, PciListing.NameLength);
        PciListing.Name(ref t, address);
        for (int i = 0; i < PciListing.NameLength; i++) Console.Write((char)name[i]);
    }
}
