// schemes: the scheme names registered with the root scheme, one a line.

static unsafe class Program
{
    private const int MaxSchemes = 1024;   // the walk ends even if the table keeps changing

    [RuntimeExport("vireo_main")]
    static int Main()
    {
        byte* name = stackalloc byte[SchemeLimits.MaxName];
        ulong index = 0;
        Status s = Status.Ok;
        for (int i = 0; i < MaxSchemes; i++)
        {
            s = Namespace.List(index, name, out int length, out ulong next);
            if (s != Status.Ok) break;
            Out.Write(name, length);
            Out.Line();
            if (next <= index) break;
            index = next;
        }
        // Output that cannot be written (no standard output, a closed pipe) is dropped, as Out says;
        // the exit code tells of the work itself.
        _ = Out.Flush();
        if (s == Status.Ok || s == Status.NotFound) return 0;
        Out.Error("schemes", default, s);
        return 1;
    }
}
