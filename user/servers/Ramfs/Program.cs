// ramfs: the `file:` scheme, a RAM filesystem (docs/design/ramfs.md). Usage: ramfs [PAGES], where
// PAGES caps the data pages it may make (default: as many as its memory and slots allow; the
// test boot gives a small number so that a full filesystem is quick to reach).
//
// Open files are the library's FileTable of Handle (its node, access and open file description):
// Dup gives a second handle on the same node sharing the description's position (the library's OpenDescriptions),
// Close and Fstat are the library's, and the node counts its handles through Opened and Closed (an
// unlinked file lives until its last closes). Readers may map a file's pages (Mapping.cs).
using System;
using System.Runtime;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;

/// <summary>An open file: the daemon's file id (the badge of the capability it minted) indexes
/// Program.Files.</summary>
struct Handle
{
    public uint Node;
    public OpenFlags Flags;     // Read, Write, Append
    public MappedHandle Map;    // its open file description (the position, shared by Dups) and what it maps (FileMapping)
    public byte Runs;           // 1 once a program was mapped from this handle to run (Fmap with FmapFlags.Run)
}

static unsafe class Program
{
    /// <summary>File ids made room for at start; the table doubles when they are all open (bounded by
    /// memory and the daemon's capability slots, one per open file).</summary>
    public const int FirstHandles = 256;
    public static SchemeServer Server;
    internal static FileTable<Handle, Scheme> Files;

    [RuntimeExport("vireo_main")]
    static int Main()
    {
        ulong pages = DataPages.MaxPages;
        if (Args.PositionalCount > 0 && (!Numbers.TryParseDecimal(Args.Positional(0), out pages) || pages > uint.MaxValue))
        {
            Console.WriteLine("ramfs: usage: ramfs [PAGES]");
            return 2;
        }
        if (!Tree.Init() || Files.Init(FirstHandles, grow: true) != Status.Ok)
        {
            Console.WriteLine("ramfs: table layout does not fit");
            return 1;
        }
        Clock.Init();
        if (SchemeDaemon.Start("file", out Server) != Status.Ok) return 1;
        // After the server took its slots: the pool sizes itself from what is left.
        DataPages.Init((uint)pages, FirstHandles);
        while (true)
        {
            Server.Receive(out Request r);
            // The data path's write (a page from the transfer page) straight to its handler: what
            // Dispatch would check first (a lost file to forget, malformed data, a closed id) sends
            // it the long way.
            if (r.Op == SchemeOp.FileWrite && r.IsFile && r.DataLength >= 0 && !Server.HasLostFile && Files.IsOpen(r.FileId))
                FileOps.WriteFromTransfer(ref Files[(uint)r.FileId], r.W0);
            // A request the heap has no room for is NoSpace, never the end of the daemon (Room.cs).
            else if ((!r.IsFile || r.Op == SchemeOp.Dup) && !Room.For(ref r)) Server.Answer(Status.NoSpace);
            else Files.Dispatch(ref Server, ref r);
        }
    }

    /// <summary>Opens a new handle on `node` (of `kind`) and answers with its capability (Open).</summary>
    public static void AnswerWithHandle(uint node, OpenFlags access, FileKind kind)
    {
        Handle h = default;
        h.Node = node;
        h.Flags = access;
        Files.Open(ref Server, h, kind);
    }

    public struct Scheme : IScheme<Handle>
    {
        public void OnPath(ref Request r) => PathOps.Handle(ref r);
        public void OnFile(ref Request r, uint id, ref Handle h)
        {
            Times(ref r, ref h);
            FileOps.Handle(ref r, ref h);
        }
        // An Open's handle comes without a description; a Dup's copy shares its original's. What a
        // handle maps is its own: a copy starts without. Opened and Closed are inlined into the file
        // table's Open and Close (scheme_open_close).
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public void Opened(uint id, ref Handle h)
        {
            FileMapping.Opened(ref h.Map);
            h.Runs = 0;
            Node* n = Tree.Get(h.Node);
            n->Opens++;
            if ((h.Flags & OpenFlags.Write) != 0) n->Writers++;
        }

        // The node goes too if it was unlinked and this was its last handle.
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public void Closed(uint id, ref Handle h)
        {
            Node* n = Tree.Get(h.Node);
            if (FileMapping.Closed(ref h.Map)) Mapping.Unpin(n);
            if ((h.Flags & OpenFlags.Write) != 0) n->Writers--;
            if (h.Runs != 0) n->Runs--;
            if (--n->Opens == 0 && n->Links == 0) Tree.Release(h.Node);
        }

        public void Stat(ref Handle h, out FileStat st)
        {
            FileStat made;
            Tree.Stat(h.Node, &made);
            st = made;
        }

        // The times Read, Write and Ftruncate change, set here rather than in FileOps (which keeps to
        // the bytes; FileWrite, the data path's, sets its own there): set when the request passes
        // FileOps's checks (a Write that then finds no page still counts, as a failed write(2) on
        // Linux may).
        private static void Times(ref Request r, ref Handle h)
        {
            if (r.Op == SchemeOp.Read)
            {
                Node* n = Tree.Get(h.Node);
                if ((h.Flags & OpenFlags.Read) != 0 && !n->IsDirectory) MetaOps.Touch(n, false);
            }
            else if (r.Op == SchemeOp.Write && r.DataLength > 0 || r.Op == SchemeOp.Ftruncate)
            {
                Node* n = Tree.Get(h.Node);
                if ((h.Flags & OpenFlags.Write) != 0 && !n->IsDirectory) MetaOps.Touch(n, true);
            }
        }
    }
}
