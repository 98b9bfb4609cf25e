// pcid: the PCI bus as the scheme pci:, and the driver manager. init starts it with `devices=pci`: the
// process manager opens the configuration ports 0xCF8-0xCFF to its thread and gives it what it shares
// out among drivers (the I/O ports, IrqControl, the PCI hole's and the ECAM window's device memory;
// PciResources), and ECAM's place when the machine has it (EcamAccess). At start it registers pci:,
// scans the bus (through ECAM or the ports), carves every memory BAR, and starts the driver its table
// names for each function (DriverManager), restarting one that dies (DriverWatch); then it serves
// (docs/design/pci.md):
//   pci:/          the listing, one line per function (PciListing.Line); as a directory, the names
//   pci:/BB:DD.F   one function: address, vendor, device, class, BARs with sizes, IRQ, MSI/MSI-X, and
//                  `driver PID` when the manager started one; for that driver only, PciClaim, PciBar
//                  and PciConfigRead on the file it opened (Handovers)
// A file's text is made when it is opened, into the page of its id (TextFiles, as sys: does).
using System;
using System.Runtime;
using Vireo.Abi;
using Vireo.Pci;
using Vireo.User;
using Vireo.User.Schemes;

static unsafe class Program
{
    private const int MaxFiles = 16;
    private const int TextBytes = 8192;
    private const int MaxFunctions = 256;
    private const int Listing = -1;

    private struct OpenFile
    {
        public int Function;    // index into s_functions, or Listing
        public ulong Opener;    // the pid that opened it: the driver, for the hand-over operations
        public int Length, Position;
        public int Entry;       // the next name a Getdents gives
        public byte* Text;
    }

    private static SchemeServer s_server;
    private static FileTable<OpenFile, Scheme> s_files;
    private static PciFunction[] s_functions;
    private static int s_count = -1;   // -1 until the scan
    private static TextFiles s_texts;

    [RuntimeExport("vireo_main")]
    static int Main()
    {
        s_functions = new PciFunction[MaxFunctions];
        s_texts.Init(MaxFiles, TextBytes);
        PciResources.Init();
        EcamAccess.Init(Startup.Argument0, (int)(Startup.Argument1 & 0xFF), (int)((Startup.Argument1 >> 8) & 0xFF));
        Handovers.Init(MaxFunctions);
        FileStats.UseBootTime();   // the listing's files show the system's start
        if (s_files.Init(MaxFiles) != Status.Ok || SchemeDaemon.Start("pci", out s_server) != Status.Ok) return 1;
        // Registered first: the drivers started next open pci: files as they start.
        Scan();
        Handovers.CarveMemoryBars(s_functions, s_count);
        ReadOnlySpan<byte> table = Args.Positional(0);
        if (table.Length == 0)
        {
            var name = new byte[DriverManager.DefaultTable.Length];
            Ascii.Copy(DriverManager.DefaultTable, name);
            table = name;
        }
        // A driver's end comes as a notification among the requests (DriverWatch). Without the
        // watcher pcid still serves; its drivers then stay down when they die (it says so).
        bool watched = CSpace.Make(ObjectType.Notification, 0, out CapHandle ended) == Status.Ok &&
            Ipc.Bind(new CapHandle(BootstrapSlots.Thread, 0), ended) == Status.Ok;
        if (DriverManager.StartAll(table, s_functions, s_count) && !(watched && DriverWatch.Start(ended)))
            Console.WriteLine("pcid: cannot watch the drivers; one that ends is not started again");
        while (true)
        {
            s_server.Receive(out Request r);
            if ((ulong)r.Op != MessageInfo.NotificationLabel)
            {
                s_files.Dispatch(ref s_server, ref r);
                continue;
            }
            DriverWatch.Take(out ulong pid, out ThreadExitKind kind, out ulong code);
            DriverManager.Ended(s_functions, s_count, pid, kind, code);
            DriverWatch.Done();
        }
    }

    private static void Scan()
    {
        if (s_count >= 0) return;
        var access = new BusAccess();
        s_count = PciConfig.Enumerate(ref access, new Span<PciFunction>(s_functions));
    }

    // Listing for "" or "/", an index for "BB:DD.F" found on the bus, -2 for anything else.
    private static int Find(byte* path, int length)
    {
        var name = new ReadOnlySpan<byte>(path, length);
        while (name.Length > 0 && name[0] == (byte)'/') name = name.Slice(1);
        if (name.Length == 0) return Listing;
        if (!PciListing.TryParseName(name, out PciAddress a)) return -2;
        Scan();
        for (int i = 0; i < s_count; i++)
        {
            PciAddress b = s_functions[i].Address;
            if (a.Bus == b.Bus && a.Device == b.Device && a.Function == b.Function) return i;
        }
        return -2;
    }

    private struct Scheme : IScheme<OpenFile>
    {
        public void OnPath(ref Request r)
        {
            int found = Find(r.Data, r.DataLength);
            if (r.Op == SchemeOp.Open)
            {
                var flags = (OpenFlags)r.W0;
                if (found < Listing) s_server.Answer(Status.NotFound);
                else if ((flags & (OpenFlags.Write | OpenFlags.Create | OpenFlags.Truncate)) != 0) s_server.Answer(Status.InsufficientRights);
                else if ((flags & OpenFlags.Directory) != 0 && found != Listing) s_server.Answer(Status.NotDirectory);
                else s_files.Open(ref s_server, new OpenFile { Function = found, Opener = r.Client });
            }
            else if (r.Op == SchemeOp.Stat && found < Listing)
                s_server.Answer(Status.NotFound);
            else if (r.Op == SchemeOp.Stat)
                FileStats.Answer(ref s_server, StatOf(found, 0));
            else if (r.Op == SchemeOp.Unlink || r.Op == SchemeOp.Mkdir || r.Op == SchemeOp.Rmdir || r.Op == SchemeOp.Rename)
                s_server.Answer(Status.InsufficientRights);
        }

        public void OnFile(ref Request r, uint id, ref OpenFile f)
        {
            switch (r.Op)
            {
                case SchemeOp.Read:
                    TextFiles.Read(ref s_server, ref r, f.Text, f.Length, ref f.Position);
                    return;
                case SchemeOp.Getdents:
                    if (f.Function != Listing) { s_server.Answer(Status.NotDirectory); return; }
                    int at = 0;
                    for (; f.Entry < s_count && at + 2 + PciListing.NameLength <= (int)r.W0 && at + 2 + PciListing.NameLength <= SchemeLimits.MaxData; f.Entry++)
                    {
                        SchemeCall.Data[at] = (byte)FileKind.Device;
                        SchemeCall.Data[at + 1] = PciListing.NameLength;
                        var t = new Text(SchemeCall.Data + at + 2, PciListing.NameLength);
                        PciListing.Name(ref t, s_functions[f.Entry].Address);
                        at += 2 + PciListing.NameLength;
                    }
                    s_server.Answer(Status.Ok, 0, 0, 0, at);
                    return;
                case SchemeOp.Seek:
                    TextFiles.Seek(ref s_server, ref r, f.Length, ref f.Position);
                    return;
                case SchemeOp.Write:
                    s_server.Answer(Status.InsufficientRights);
                    return;
                case SchemeOp.PciClaim:
                case SchemeOp.PciBar:
                case SchemeOp.PciConfigRead:
                    HandOver(ref r, ref f);
                    return;
            }
        }

        // A new file's text is rendered now; a dup's is the original's, copied.
        public void Opened(uint id, ref OpenFile f)
        {
            if (!s_texts.Own(id, ref f.Text, f.Length)) f.Length = Render(f.Function, f.Text);
        }

        public void Closed(uint id, ref OpenFile f) { }

        public void Stat(ref OpenFile f, out FileStat st) => st = StatOf(f.Function, (ulong)f.Length);
    }

    // The listing is a directory (0555), each function's text a read-only file (0444).
    private static FileStat StatOf(int function, ulong size)
    {
        if (function == Listing) return FileStats.Of(FileKind.Directory, size, FileStats.DefaultPermissions(FileKind.Directory));
        return FileStats.Text(size);
    }

    // The hand-over operations, for the process the manager started for this function only.
    private static void HandOver(ref Request r, ref OpenFile f)
    {
        if (f.Function == Listing || f.Opener == 0 || Handovers.All[f.Function].Driver != f.Opener)
        {
            s_server.Answer(Status.InsufficientRights);
            return;
        }
        if (!PciResources.Present)
        {
            s_server.Answer(Status.NotSupported);
            return;
        }
        ref PciFunction fn = ref s_functions[f.Function];
        ref Handover h = ref Handovers.All[f.Function];
        var access = new BusAccess();
        if (r.Op == SchemeOp.PciClaim)
        {
            Status s = Handovers.Claim(ref access, fn, ref h);
            ulong w0 = (ulong)h.Kind | Handovers.BarMask(fn, ref h) << 8;
            if (s != Status.Ok) s_server.Answer(s);
            else if (h.Irq == 0) s_server.Answer(Status.Ok, w0);
            else
            {
                CapHandle irq = new CapHandle(h.Irq);
                // x86's MSI address is 32 bits (0xFEEx_xxxx): it and the data share one word.
                _ = s_server.AnswerWithCaps(Status.Ok, w0, (h.MsiAddress & 0xFFFF_FFFF) | (ulong)h.MsiData << 32, &irq, 1);
            }
        }
        else if (r.Op == SchemeOp.PciBar)
        {
            if (!h.Claimed) { s_server.Answer(Status.BadState); return; }
            Status s = Handovers.Bar(fn, ref h, (int)r.W0, out CapHandle cap);
            if (s != Status.Ok) { s_server.Answer(s); return; }
            PciBar bar = fn.Bar((int)r.W0);
            _ = s_server.AnswerWithCaps(Status.Ok, bar.Address, bar.Size, &cap, 1);   // a caller that cannot take it got BadReply
        }
        else
        {
            ulong offset = r.W0, length = r.W1;
            if (length == 0 || length > 256 || offset >= 4096 || offset + length > 4096 || (!EcamAccess.Enabled && offset + length > 256))
            {
                s_server.Answer(Status.InvalidArgument);
                return;
            }
            for (ulong i = 0; i < length; i++)
                SchemeCall.Data[i] = (byte)(access.Read32(fn.Address, (int)((offset + i) & ~3UL)) >> (int)(((offset + i) & 3) * 8));
            s_server.Answer(Status.Ok, 0, 0, 0, (int)length);
        }
    }

    private static int Render(int function, byte* into)
    {
        Scan();
        var t = new Text(into, TextBytes);
        if (function != Listing)
        {
            PciListing.Details(ref t, s_functions[function]);
            t.Str(EcamAccess.Enabled ? "config ecam\n" : "config ports\n");
            ref Handover h = ref Handovers.All[function];
            if (h.Driver != 0) { t.Str("driver "); t.Number(h.Driver); t.Char('\n'); }
            if (h.Claimed)
                t.Str(h.Kind == PciInterrupt.MsiX ? "interrupt msix\n" : h.Kind == PciInterrupt.Msi ? "interrupt msi\n" : h.Kind == PciInterrupt.Line ? "interrupt line\n" : "interrupt none\n");
        }
        else for (int i = 0; i < s_count; i++) PciListing.Line(ref t, s_functions[i]);
        return t.Length;
    }
}
