// uptime: time since boot, from the kernel's clock.

static unsafe class Program
{
    [RuntimeExport("vireo_main")]
    static int Main()
    {
        ulong ms = Sys.TimeNanos() / 1_000_000;
        ulong seconds = ms / 1000;
        byte* line = stackalloc byte[64];
        var t = new Text(line, 64);
        t.Str("up ");
        t.Number(seconds / 3600);
        t.Char(':');
        t.Padded(seconds / 60 % 60, 2);
        t.Char(':');
        t.Padded(seconds % 60, 2);
        t.Char('.');
        t.Padded(ms % 1000, 3);
        t.Char('\n');
        Out.Write(t.Written);
        return Out.Flush() == Status.Ok ? 0 : 1;
    }
}
