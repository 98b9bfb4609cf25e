// kill PID...: asks the process manager to end each process.

static unsafe class Program
{
    [RuntimeExport("vireo_main")]
    static int Main() => ForEach.Argument("kill", "usage: kill PID...", &End, "no such process");

    private static Status End(ReadOnlySpan<byte> pid)
    {
        if (!Numbers.TryParseDecimal(pid, out ulong id)) return Status.InvalidArgument;
        return SchemeCall.Call(Namespace.Root, SchemeOp.Kill, id, 0, 0, 0, 0, 0, out _);
    }
}
