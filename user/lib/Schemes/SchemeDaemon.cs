// A scheme daemon's start and its serve loop (it was Ramfs/Serve.cs, compiled into devd and initfsd
// by path): make the endpoint from the process's memory, register the scheme's name, then receive
// and dispatch for ever. Daemons that also take interrupts (ttyd) or check watches after every
// request (ipcd) write the loop themselves around the same two calls: Receive and Dispatch.
using System;
using Vireo.Abi;

namespace Vireo.User.Schemes;

public static class SchemeDaemon
{
    /// <summary>An endpoint from BootstrapSlots.Memory, registered as `name`. On failure says why on
    /// the console ("NAME: cannot serve the scheme (status N: words)").</summary>
    public static Status Start(string name, out SchemeServer server)
    {
        Status s = SchemeServer.Create(new CapHandle(BootstrapSlots.Memory, 0), out server);
        if (s == Status.Ok) s = server.Register(name);
        if (s != Status.Ok) Failed(name, s);
        return s;
    }

    /// <summary>Start, a file table of `maxFiles` ids, and Serve. Returns 1 only if it cannot start.</summary>
    public static int Run<TFile, TScheme>(string name, int maxFiles, ref SchemeServer server, ref FileTable<TFile, TScheme> files)
        where TFile : struct where TScheme : struct, IScheme<TFile>
    {
        Status s = files.Init(maxFiles);
        if (s != Status.Ok)
        {
            Failed(name, s);
            return 1;
        }
        if (Start(name, out server) != Status.Ok) return 1;
        return Serve(ref server, ref files);
    }

    /// <summary>Receives and dispatches requests for ever.</summary>
    public static int Serve<TFile, TScheme>(ref SchemeServer server, ref FileTable<TFile, TScheme> files)
        where TFile : struct where TScheme : struct, IScheme<TFile>
    {
        while (true)
        {
            server.Receive(out Request r);
            files.Dispatch(ref server, ref r);
        }
    }

    private static void Failed(string name, Status s)
    {
        Console.Write(name);
        Console.Write(": cannot serve the scheme (status ");
        Console.Write((long)s);
        Console.Write(": ");
        Console.Write(StatusText.Describe(s));
        Console.WriteLine(")");
    }
}
