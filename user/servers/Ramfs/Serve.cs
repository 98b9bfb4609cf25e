// The start and loop every scheme daemon here shares (ramfs, and devd which compiles this file
// too): register the endpoint under a name, then answer requests for ever, descriptor requests
// (through a capability the daemon minted) to one handler and path requests to the other.
using System;
using Vireo.Abi;
using Vireo.User.Schemes;

static unsafe class Serve
{
    /// <summary>Registers `name` and serves; returns 1 (after saying why) only if it cannot start.</summary>
    public static int Run(ref SchemeServer server, Status created, string name,
        delegate*<ref Request, void> onPath, delegate*<ref Request, void> onFile)
    {
        Status s = created == Status.Ok ? server.Register(name) : created;
        if (s != Status.Ok)
        {
            Console.Write(name);
            Console.Write(": cannot serve the scheme (status ");
            Console.Write((long)s);
            Console.WriteLine(")");
            return 1;
        }
        while (true)
        {
            server.Receive(out Request r);
            if (r.DataLength < 0) server.Answer(Status.InvalidArgument);
            else if (r.IsFile) onFile(ref r);
            else onPath(ref r);
        }
    }
}
