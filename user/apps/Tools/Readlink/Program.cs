// readlink PATH...: the content of each symbolic link, one per line.

static unsafe class Program
{
    [RuntimeExport("vireo_main")]
    static int Main() => ForEach.Argument("readlink", "usage: readlink PATH...", &Show);

    private static Status Show(ReadOnlySpan<byte> path)
    {
        byte* target = stackalloc byte[SchemeLimits.MaxPath];
        Status s;
        int length;
        fixed (byte* p = path) s = Fs.Readlink(p, path.Length, target, SchemeLimits.MaxPath, out length);
        if (s != Status.Ok) return s;
        Out.Write(target, length);
        Out.Line();
        return Status.Ok;
    }
}
