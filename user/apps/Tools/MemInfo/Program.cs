// meminfo: the machine's memory as the process manager sees it: total, free (untyped memory not
// handed out yet) and the difference, in KiB.

static unsafe class Program
{
    [RuntimeExport("vireo_main")]
    static int Main()
    {
        Status s = SchemeCall.Call(Namespace.Root, SchemeOp.MemInfo, 0, 0, 0, 0, 0, 0, out SchemeReply r);
        if (s != Status.Ok)
        {
            Out.Error("meminfo", default, s);
            return 1;
        }
        Row("total", r.W0);
        Row("used ", r.W0 >= r.W1 ? r.W0 - r.W1 : 0);
        Row("free ", r.W1);
        return Out.Flush() == Status.Ok ? 0 : 1;
    }

    private static void Row(string what, ulong bytes)
    {
        Out.Write(what);
        Out.Number(bytes / 1024, 10);
        Out.Write(" KiB\n");
    }
}
