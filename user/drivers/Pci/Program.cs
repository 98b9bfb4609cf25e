// pcid: the PCI bus as the scheme pci:. init starts it with `devices=pci`, so the process manager
// opens the configuration ports 0xCF8-0xCFF to its thread and gives it no other device access. The
// bus is scanned once, at the first open (the daemon's start costs the boot nothing more), and the
// result is served read-only (docs/design/pci.md):
//   pci:/          the listing, one line per function (PciListing.Line); as a directory, the names
//   pci:/BB:DD.F   one function: address, vendor, device, class, BARs with sizes, IRQ, MSI/MSI-X
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
        public int Length, Position;
        public int Entry;       // the next name a Getdents gives
        public byte* Text;
    }

    private static SchemeServer s_server;
    private static FileTable<OpenFile, Scheme> s_files;
    private static PciFunction[] s_functions;
    private static int s_count = -1;   // -1 until the first open scans the bus
    private static TextFiles s_texts;

    [RuntimeExport("vireo_main")]
    static int Main()
    {
        s_functions = new PciFunction[MaxFunctions];
        s_texts.Init(MaxFiles, TextBytes);
        return SchemeDaemon.Run("pci", MaxFiles, ref s_server, ref s_files);
    }

    private static void Scan()
    {
        if (s_count >= 0) return;
        var access = new PortAccess();
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
                else s_files.Open(ref s_server, new OpenFile { Function = found });
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

    private static int Render(int function, byte* into)
    {
        Scan();
        var t = new Text(into, TextBytes);
        if (function != Listing) PciListing.Details(ref t, s_functions[function]);
        else for (int i = 0; i < s_count; i++) PciListing.Line(ref t, s_functions[i]);
        return t.Length;
    }
}
