// ipcd: the IPC daemon (docs/design/ipcd.md). One process serves one scheme, chosen by its argument:
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
    private const int Pipe = 1, Chan = 2, Shm = 3;

    [RuntimeExport("vireo_main")]
    static int Main()
    {
        int scheme = Which();
        if (scheme == 0)
        {
            Console.WriteLine("usage: ipcd pipe|chan|shm");
            return 1;
        }
        string name = scheme == Pipe ? "pipe" : scheme == Chan ? "chan" : "shm";
        Status s = SchemeServer.Create(new CapHandle(BootstrapSlots.Memory, 0), out Daemon.Server);
        if (s == Status.Ok) s = Daemon.Server.Register(name);
        if (s != Status.Ok)
        {
            Console.Write("ipcd: cannot serve ");
            Console.Write(name);
            Console.Write(": status ");
            Console.Write((long)s);
            Console.WriteLine();
            return 1;
        }
        while (true)
        {
            Daemon.Server.Receive(out Request r);
            if (r.DataLength < 0)
            {
                Daemon.Server.Answer(Status.InvalidArgument);
                continue;
            }
            if (scheme == Pipe) Pipes.Handle(ref r);
            else if (scheme == Chan) Channels.Handle(ref r);
            else SharedMemory.Handle(ref r);
            // Every change of state comes with a request: after each, signal the watches it satisfied.
            if (scheme == Pipe)
            {
                Daemon.Watches.Check(&Pipes.Ready);
                Pipes.PublishWatches();
            }
            else if (scheme == Chan) Daemon.Watches.Check(&Channels.Ready);
        }
    }

    private static int Which()
    {
        if (Startup.ArgumentIs(1, "pipe")) return Pipe;
        if (Startup.ArgumentIs(1, "chan")) return Chan;
        if (Startup.ArgumentIs(1, "shm")) return Shm;
        return 0;
    }
}
