// rm PATH...: removes each file, or each empty directory (one command for both: there is no
// recursive removal to guard against).

static unsafe class Program
{
    [RuntimeExport("vireo_main")]
    static int Main() => ForEach.Argument("rm", "usage: rm PATH...", &Remove);

    private static Status Remove(ReadOnlySpan<byte> path)
    {
        fixed (byte* p = path)
        {
            Status s = Fs.Unlink(p, path.Length);
            return s == Status.IsDirectory ? Fs.Rmdir(p, path.Length) : s;
        }
    }
}
