// lspci [-v]: the PCI functions pcid found, one line each (pci:/: address, vendor:device, class and
// its name); with -v, each line followed by that function's file (pci:/BB:DD.F: BARs with sizes,
// IRQ, MSI and MSI-X), indented.

static unsafe class Program
{
    private const int ListingBytes = 8192;
    private const int NameLength = 7;   // "BB:DD.F", as pcid names its files

    [RuntimeExport("vireo_main")]
    static int Main()
    {
        if (Args.Unknown(out ReadOnlySpan<byte> option, "-v"))
        {
            Out.Error("lspci", option, "unknown option");
            return 2;
        }
        byte* listing = stackalloc byte[ListingBytes];
        Status s = Read("pci:/", listing, ListingBytes, out int length);
        if (s != Status.Ok)
        {
            Out.Error("lspci", default, s);
            return 1;
        }
        bool verbose = Args.Has("-v");
        int failures = 0;
        for (int start = 0; start < length;)
        {
            int end = start;
            while (end < length && listing[end] != (byte)'\n') end++;
            Out.Write(listing + start, end - start);
            Out.Line();
            if (verbose && end - start >= NameLength && !Details(listing + start)) failures++;
            start = end + 1;
        }
        return Out.Flush() == Status.Ok && failures == 0 ? 0 : 1;
    }

    // Prints pci:/NAME indented by four spaces, then an empty line.
    private static bool Details(byte* name)
    {
        byte* path = stackalloc byte[16];
        var t = new Text(path, 16);
        t.Str("pci:/");
        t.Bytes(name, NameLength);
        byte* text = stackalloc byte[1024];
        Status s = Read(t.Written, text, 1024, out int length);
        if (s != Status.Ok)
        {
            Out.Error("lspci", t.Written, s);
            return false;
        }
        bool lineStart = true;
        for (int i = 0; i < length; i++)
        {
            if (lineStart) Out.Write("    ");
            Out.Write(text[i]);
            lineStart = text[i] == (byte)'\n';
        }
        Out.Line();
        return true;
    }

    private static Status Read(string path, byte* into, int capacity, out int length)
    {
        byte* p = stackalloc byte[16];
        int n = Ascii.Copy(path, new Span<byte>(p, 16));
        return Read(new ReadOnlySpan<byte>(p, n), into, capacity, out length);
    }

    private static Status Read(ReadOnlySpan<byte> path, byte* into, int capacity, out int length) =>
        File.ReadAll(path, new Span<byte>(into, capacity), out length);
}
