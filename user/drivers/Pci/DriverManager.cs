// The driver manager, inside pcid (Redox's pcid-spawner is the model; pci.md says why here): after the
// first scan it reads its table (initfs:/etc/drivers.rc, or the path given as pcid's first argument),
// and for each function a rule names starts `PROGRAM [ARGS...] BB:DD.F` through the process manager
// with SpawnFlags.Dma, its memory keeping the Physical right. The pid it gets back is the one process
// that may claim the function (Handover). A driver that dies is not restarted (not yet).
using System;
using Vireo.Abi;
using Vireo.Pci;
using Vireo.User;
using Vireo.User.Schemes;

static unsafe class DriverManager
{
    private const int TableBytes = 4096;
    public const string DefaultTable = "initfs:/etc/drivers.rc";

    public static void StartAll(ReadOnlySpan<byte> tablePath, PciFunction[] functions, int count)
    {
        var table = new byte[TableBytes];
        if (File.ReadAll(tablePath, table, out int length) != Status.Ok) return;   // no table: nothing to start
        var argv = new byte[SchemeLimits.MaxData];
        for (int i = 0; i < count; i++)
        {
            if (!DriverTable.TryFind(new ReadOnlySpan<byte>(table, 0, length), functions[i].Vendor, functions[i].Device, out ReadOnlySpan<byte> command, out _))
                continue;
            int n = Argv(command, functions[i].Address, argv);
            if (n < 0) continue;
            Status s = Start(new ReadOnlySpan<byte>(argv, 0, n), out ulong pid);
            if (s == Status.Ok) Handovers.All[i].Driver = pid;
            else Say(functions[i].Address, s);
        }
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
    // without one it starts with no standard files at all.
    private static Status Start(ReadOnlySpan<byte> argv, out ulong pid)
    {
        pid = 0;
        Fd* stdio = stackalloc Fd[3];
        stdio[0] = stdio[1] = stdio[2] = default;
        Status s = Status.Ok;
        for (int i = 0; i < 3 && s == Status.Ok; i++) s = Fs.Dup(Fd.Stdout, out stdio[i]);
        bool given = s == Status.Ok;
        s = given ? Children.Spawn(argv, stdio[0], stdio[1], stdio[2], SpawnFlags.Dma, out pid) : Children.SpawnWithoutStdio(argv, SpawnFlags.Dma, out pid);
        // The child has its own copies now: ours go. Files nobody else holds are closed.
        for (int i = 0; i < 3; i++)
        {
            if (stdio[i].Cap.Value == 0) continue;
            if (given && s == Status.Ok) Fs.Forget(stdio[i]);
            else _ = Fs.Close(stdio[i]);   // a file nobody holds: what else it answers changes nothing
        }
        return s;
    }

    private static void Say(PciAddress address, Status s)
    {
        Console.Write("pcid: cannot start the driver of ");
        var name = new byte[PciListing.NameLength];
        fixed (byte* p = name)
        {
            var t = new Text(p, PciListing.NameLength);
            PciListing.Name(ref t, address);
        }
        for (int i = 0; i < name.Length; i++) Console.Write((char)name[i]);
        Console.Write(": ");
        Console.WriteLine(StatusText.Describe(s));
    }
}
