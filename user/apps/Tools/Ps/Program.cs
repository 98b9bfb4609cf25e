// ps: the processes the process manager runs: pid, parent pid, name.

static unsafe class Program
{
    private const int MaxProcesses = 4096;   // the walk ends even if the list keeps changing

    [RuntimeExport("vireo_main")]
    static int Main()
    {
        byte* name = stackalloc byte[SchemeLimits.MaxData];
        Out.Write("  PID PARENT NAME\n");
        ulong index = 0;
        Status s = Status.Ok;
        for (int i = 0; i < MaxProcesses; i++)
        {
            s = SchemeCall.Call(Namespace.Root, SchemeOp.ProcList, index, 0, 0, 0, 0, 0, out SchemeReply r);
            if (s != Status.Ok) break;
            // The name is in the IPC buffer, which the next write to stdout reuses: copy it first.
            int n = r.DataLength;
            for (int k = 0; k < n; k++) name[k] = SchemeCall.Data[k];
            Out.Number(r.W0, 5);
            Out.Number(r.W1, 7);
            Out.Write((byte)' ');
            Out.Write(name, n);
            Out.Line();
            if (r.W2 <= index) break;
            index = r.W2;
        }
        // Output that cannot be written (no standard output, a closed pipe) is dropped, as Out says;
        // the exit code tells of the work itself.
        _ = Out.Flush();
        if (s == Status.Ok || s == Status.NotFound) return 0;
        Out.Error("ps", default, s);
        return 1;
    }
}
