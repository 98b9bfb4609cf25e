// uptime: time since boot, from the kernel's clock.

static unsafe class Program
{
    [RuntimeExport("vireo_main")]
    static int Main()
    {
        ulong ms = Sys.TimeNanos() / 1_000_000;
        ulong seconds = ms / 1000;
        Out.Write("up ");
        Out.Number(seconds / 3600);
        Out.Write((byte)':');
        Two(seconds / 60 % 60);
        Out.Write((byte)':');
        Two(seconds % 60);
        Out.Write((byte)'.');
        ulong fraction = ms % 1000;
        if (fraction < 100) Out.Write((byte)'0');
        if (fraction < 10) Out.Write((byte)'0');
        Out.Number(fraction);
        Out.Line();
        return Out.Flush() == Vireo.Abi.Status.Ok ? 0 : 1;
    }

    private static void Two(ulong value)
    {
        if (value < 10) Out.Write((byte)'0');
        Out.Number(value);
    }
}
