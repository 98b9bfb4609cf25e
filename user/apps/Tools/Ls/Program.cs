// ls [PATH...]: the entries of each directory (a '/' after subdirectories), or a file's own path.
// Without a path: file:/, the RAM filesystem's root (there is no current directory).

static unsafe class Program
{
    private const int KindByte = 0, LengthByte = 1, NameStart = 2;

    [RuntimeExport("vireo_main")]
    static int Main()
    {
        int failures = 0;
        if (Args.Unknown(out ReadOnlySpan<byte> option))
        {
            Out.Error("ls", option, "unknown option");
            return 2;
        }
        if (Args.PositionalCount == 0)
        {
            const string Root = "file:/";
            byte* root = stackalloc byte[Root.Length];
            int n = Ascii.Copy(Root, new Span<byte>(root, Root.Length));
            if (!List(new ReadOnlySpan<byte>(root, n))) failures++;
        }
        for (int i = 0; i < Args.PositionalCount; i++)
        {
            if (Args.PositionalCount > 1)
            {
                if (i > 0) Out.Line();
                Out.Write(Args.Positional(i));
                Out.Write(":\n");
            }
            if (!List(Args.Positional(i))) failures++;
        }
        // Output that cannot be written (no standard output, a closed pipe) is dropped, as Out says;
        // the exit code tells of the work itself.
        _ = Out.Flush();
        return failures;
    }

    private static bool List(ReadOnlySpan<byte> path)
    {
        Status s = File.Open(path, OpenFlags.Read | OpenFlags.Directory, out Fd dir);
        if (s == Status.NotDirectory)
        {
            ulong size;
            FileKind kind;
            fixed (byte* p = path) s = Fs.Stat(p, path.Length, out size, out kind);
            if (s == Status.Ok)
            {
                Out.Write(path);
                Out.Line();
                return true;
            }
        }
        if (s != Status.Ok)
        {
            Out.Error("ls", path, s);
            return false;
        }
        byte* records = stackalloc byte[SchemeLimits.MaxData];
        while (true)
        {
            s = Fs.Getdents(dir, records, SchemeLimits.MaxData, out int got);
            if (s != Status.Ok || got == 0) break;
            for (int at = 0; at + NameStart <= got;)
            {
                int length = records[at + LengthByte];
                if (at + NameStart + length > got) break;
                Out.Write(records + at + NameStart, length);
                if ((FileKind)records[at + KindByte] == FileKind.Directory) Out.Write((byte)'/');
                Out.Line();
                at += NameStart + length;
            }
        }
        // Read only: the listing is shown whatever the close says.
        _ = Fs.Close(dir);
        if (s == Status.Ok) return true;
        Out.Error("ls", path, s);
        return false;
    }
}
