// ramfs: the `file:` scheme, a RAM filesystem (docs/design/ramfs.md). Usage: ramfs [PAGES], where
// PAGES caps the data pages it may make (default: as many as its memory and slots allow; the
// test boot gives a small number so that a full filesystem is quick to reach).
//
// Open files are the library's FileTable of Handle (its node, access and position): Dup gives a
// second handle on the same node with its own position, Close and Fstat are the library's, and the
// node counts its handles through Opened and Closed (an unlinked file lives until its last closes).
using System;
using System.Runtime;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;

/// <summary>An open file: the daemon's file id (the badge of the capability it minted) indexes
/// Program.Files.</summary>
struct Handle
{
    public ushort Node;
    public OpenFlags Flags;     // Read, Write, Append
    public ulong Position;      // a file: byte offset; a directory: entry index (Getdents)
}

static unsafe class Program
{
    public const int MaxHandles = 256;   // file ids 1..MaxHandles-1
    public static SchemeServer Server;
    internal static FileTable<Handle, Scheme> Files;

    [RuntimeExport("vireo_main")]
    static int Main()
    {
        ulong pages = Pages.MaxPages;
        if (Args.PositionalCount > 0 && (!Numbers.TryParseDecimal(Args.Positional(0), out pages) || pages > uint.MaxValue))
        {
            Console.WriteLine("ramfs: usage: ramfs [PAGES]");
            return 2;
        }
        if (!Tree.Init() || Files.Init(MaxHandles) != Status.Ok)
        {
            Console.WriteLine("ramfs: table layout does not fit");
            return 1;
        }
        if (SchemeDaemon.Start("file", out Server) != Status.Ok) return 1;
        // After the server took its slots: the pool sizes itself from what is left.
        Pages.Init((uint)pages, MaxHandles);
        return SchemeDaemon.Serve(ref Server, ref Files);
    }

    /// <summary>Opens a new handle on `node` and answers with its capability (Open).</summary>
    public static void AnswerWithHandle(ushort node, OpenFlags access, ulong position)
    {
        Handle h = default;
        h.Node = node;
        h.Flags = access;
        h.Position = position;
        Files.Open(ref Server, h);
    }

    public struct Scheme : IScheme<Handle>
    {
        public void OnPath(ref Request r) => PathOps.Handle(ref r);
        public void OnFile(ref Request r, uint id, ref Handle h) => FileOps.Handle(ref r, ref h);
        public void Opened(uint id, ref Handle h) => Tree.Get(h.Node)->Opens++;

        // The node goes too if it was unlinked and this was its last handle.
        public void Closed(uint id, ref Handle h)
        {
            Tree.Get(h.Node)->Opens--;
            Tree.Release(h.Node);
        }

        public FileKind Stat(ref Handle h, out ulong size)
        {
            Node* n = Tree.Get(h.Node);
            size = n->Size;
            return (FileKind)n->Kind;
        }
    }
}
