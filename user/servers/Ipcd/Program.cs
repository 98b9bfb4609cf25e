// ipcd, the IPC daemon (docs/design/ipcd.md). One process serves one scheme, chosen by its argument:
// `ipcd pipe`, `ipcd chan` or `ipcd shm`. The root scheme hands every client a capability to the one
// endpoint a daemon registered, so a path request cannot say which of several names it came
// through; one scheme per process (one endpoint, one thread) keeps that unambiguous and keeps the
// scheme library's single IPC buffer and the bump heap single-threaded.
using System;
using System.Runtime;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;

static unsafe class Program
{
    [RuntimeExport("vireo_main")]
    static int Main()
    {
        Daemon.Scheme = Args.PositionalIs(0, "pipe") ? Daemon.Pipe : Args.PositionalIs(0, "chan") ? Daemon.Chan :
            Args.PositionalIs(0, "shm") ? Daemon.Shm : 0;
        if (Daemon.Scheme == 0)
        {
            Console.WriteLine("usage: ipcd pipe|chan|shm");
            return 1;
        }
        string name = Daemon.Scheme == Daemon.Pipe ? "pipe" : Daemon.Scheme == Daemon.Chan ? "chan" : "shm";
        FileStats.UseBootTime();   // its objects keep no times: they show the system's start
        if (Daemon.Files.Init(SchemeServer.MaxFiles) != Status.Ok || SchemeDaemon.Start(name, out Daemon.Server) != Status.Ok) return 1;
        while (true)
        {
            Daemon.Server.Receive(out Request r);
            Daemon.Files.Dispatch(ref Daemon.Server, ref r);
            // Every change of state comes with a request: after each, signal the watches it satisfied.
            if (Daemon.Scheme == Daemon.Pipe)
            {
                Daemon.Watches.Check(&Pipes.Ready);
                Pipes.PublishWatches();
            }
            else if (Daemon.Scheme == Daemon.Chan) Daemon.Watches.Check(&Channels.Ready);
        }
    }
}
