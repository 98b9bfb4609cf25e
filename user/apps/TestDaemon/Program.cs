// A scheme daemon that misbehaves on purpose, for the services tests. It registers `bad` and answers:
//   Stat          with status 999 (outside the protocol's set)
//   Open "/long"  claiming 1000 bytes of data
//   Open "/caps"  with a capability the caller did not ask room for... (Unlink: a cap; the client asks for none)
//   Open "/die"   by exiting while the caller waits (a daemon dying mid-request)
//   Open "/file"  with a file (id 1; asked once)
//   Open "/deaf"  NotSupported at once, then it never receives again (a hung daemon: DeathTests)
//   anything else: NotSupported
using System.Runtime;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;

static unsafe class Program
{
    [RuntimeExport("vireo_main")]
    static int Main()
    {
        if (SchemeServer.Create(new CapHandle(BootstrapSlots.Memory, 0), out SchemeServer server) != Status.Ok) return 1;
        if (server.Register("bad") != Status.Ok) return 2;
        while (true)
        {
            server.Receive(out Request r);
            if (r.Op == SchemeOp.Stat)
            {
                server.Answer((Status)999);
            }
            else if (r.Op == SchemeOp.Open && Is(ref r, "/die"))
            {
                return 3;
            }
            else if (r.Op == SchemeOp.Open && Is(ref r, "/long"))
            {
                var m = Message.Of(0, 0, 0, 1000);
                // Misbehaving on purpose: the tests check what the client sees.
                _ = Ipc.Reply(new MessageInfo(4, 0, 0), ref m);
                server.Answer(Status.Ok);   // nothing more is owed; the staged answer finds no caller
            }
            else if (r.Op == SchemeOp.Open && Is(ref r, "/file"))
            {
                // Misbehaving on purpose: the tests check what the client sees.
                if (server.MintFile(1, out CapHandle file) == Status.Ok) _ = server.AnswerWithCaps(Status.Ok, (ulong)FileKind.File, &file, 1);
                else server.Answer(Status.NoSpace);
            }
            else if (r.Op == SchemeOp.Open && Is(ref r, "/deaf"))
            {
                var m = Message.Of();
                // Misbehaving on purpose: the tests check what the client sees.
                _ = Ipc.Reply(new MessageInfo(4, 0, (ulong)Status.NotSupported), ref m);
                while (true) Sys.Sleep(1_000_000_000);
            }
            else if (r.Op == SchemeOp.Unlink)
            {
                CapHandle self = server.Endpoint;
                // Misbehaving on purpose: the tests check what the client sees.
                _ = server.AnswerWithCaps(Status.Ok, 0, &self, 1);
            }
            else
            {
                server.Answer(Status.NotSupported);
            }
        }
    }

    private static bool Is(ref Request r, string path) => Ascii.Equals(new System.ReadOnlySpan<byte>(r.Data, r.DataLength), path);
}
