// ramfs: the `file:` scheme, a RAM filesystem (docs/design/ramfs.md). Usage: ramfs [PAGES], where
// PAGES caps the data pages it may make (default: as many as its memory and slots allow; the
// test boot gives a small number so that a full filesystem is quick to reach).
using System;
using System.Runtime;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;

static unsafe class Program
{
    public static SchemeServer Server;

    [RuntimeExport("vireo_main")]
    static int Main()
    {
        uint pages = Pages.MaxPages;
        if (Startup.ArgumentCount > 1 && !ParseNumber(Startup.Argument(1), out pages))
        {
            Console.WriteLine("ramfs: usage: ramfs [PAGES]");
            return 2;
        }
        if (!Tree.Init() || sizeof(Handle) > 24)
        {
            Console.WriteLine("ramfs: table layout does not fit");
            return 1;
        }
        Status s = SchemeServer.Create(new CapHandle(BootstrapSlots.Memory, 0), out Server);
        // After the server took its slots: the pool sizes itself from what is left.
        Pages.Init(pages, Handles.Max);
        return Serve.Run(ref Server, s, "file", &PathOps.Handle, &FileOps.Handle);
    }

    /// <summary>Opens a new handle on `node` and answers with its capability (Open, Dup).</summary>
    public static void AnswerWithHandle(ushort node, OpenFlags access, ulong position)
    {
        uint id = Handles.FreeId();
        if (id == 0)
        {
            Server.Answer(Status.NoSpace);
            return;
        }
        Handles.Open(id, node, access, position);
        // A caller that dies or named no slot never gets the capability: the handle goes again.
        Server.AnswerNewFile(id, Tree.Get(node)->Kind, &Handles.Close);
    }

    private static bool ParseNumber(ReadOnlySpan<byte> text, out uint value)
    {
        value = 0;
        if (text.Length == 0 || text.Length > 9) return false;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] < '0' || text[i] > '9') return false;
            value = value * 10 + (uint)(text[i] - '0');
        }
        return true;
    }
}
