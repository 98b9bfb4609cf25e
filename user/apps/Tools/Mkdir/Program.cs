// mkdir PATH...: makes each directory (its parent must exist).

static unsafe class Program
{
    [RuntimeExport("vireo_main")]
    static int Main() => ForEach.Argument("mkdir", "usage: mkdir PATH...", &Make);

    private static Status Make(ReadOnlySpan<byte> path)
    {
        fixed (byte* p = path) return Fs.Mkdir(p, path.Length);
    }
}
