// cat [PATH...]: each file's bytes to standard output, in order; without a path (or for "-"),
// standard input's, which is what makes `a | cat` work.

static unsafe class Program
{
    [RuntimeExport("vireo_main")]
    static int Main()
    {
        if (Args.Unknown(out ReadOnlySpan<byte> option))
        {
            Out.Error("cat", option, "unknown option");
            return 2;
        }
        if (Args.PositionalCount == 0) return Show(Fd.Stdin, default, false) ? 0 : 1;
        int failures = 0;
        for (int i = 0; i < Args.PositionalCount; i++)
        {
            var path = Args.Positional(i);
            if (Ascii.Equals(path, "-"))
            {
                if (!Show(Fd.Stdin, path, false)) failures++;
                continue;
            }
            Status s = File.Open(path, OpenFlags.Read, out Fd file);
            if (s != Status.Ok)
            {
                Out.Error("cat", path, s);
                failures++;
                continue;
            }
            if (!Show(file, path, true)) failures++;
        }
        return failures;
    }

    private static bool Show(Fd from, ReadOnlySpan<byte> path, bool close)
    {
        Status s = File.Copy(from, Fd.Stdout, out bool readFailed);
        if (close) _ = Fs.Close(from);   // read only: what was shown is shown whatever the close says
        if (s == Status.Ok) return true;
        if (readFailed) Out.Error("cat", path, s);
        else Out.Error("cat", default, s);
        return false;
    }
}
