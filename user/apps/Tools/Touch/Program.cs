// touch PATH...: sets each file's access and modify times to now (Utimens with UtimeWord.Now, the
// daemon's wall clock), making an empty file where there is none.

static unsafe class Program
{
    [RuntimeExport("vireo_main")]
    static int Main() => ForEach.Argument("touch", "usage: touch PATH...", &Touch);

    private static Status Touch(ReadOnlySpan<byte> path)
    {
        var now = new FileTime(0, UtimeWord.Now);
        fixed (byte* p = path)
        {
            Status s = Fs.Utimens(p, path.Length, now, now);
            if (s != Status.NotFound) return s;
            // Missing: made (with the scheme's default mode), and its times are its creation's.
            s = Fs.Open(p, path.Length, OpenFlags.Write | OpenFlags.Create, out Fd fd);
            if (s != Status.Ok) return s;
            return Fs.Close(fd);
        }
    }
}
