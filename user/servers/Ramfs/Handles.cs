// Open files: the daemon's file id (the badge of the capability it minted) indexes this table.
// Each handle has its own position and access; Dup makes a second handle on the same node.
using Vireo.Abi;

struct Handle
{
    public ushort Node;         // 0 = free
    public OpenFlags Flags;     // Read, Write, Append
    public ulong Position;      // a file: byte offset; a directory: entry index (Getdents)
}

static unsafe class Handles
{
    public const int Max = 256;   // file ids 1..Max-1
    private struct Table { public fixed byte Bytes[Max * 24]; }
    private static Table s_table;

    public static Handle* Get(ulong id)
    {
        if (id == 0 || id >= Max) return null;
        fixed (byte* p = s_table.Bytes)
        {
            var h = (Handle*)p + id;
            return h->Node != 0 ? h : null;
        }
    }

    /// <summary>A free id (the handle still unused until Open fills it), or 0 when all are taken.</summary>
    public static uint FreeId()
    {
        fixed (byte* p = s_table.Bytes)
            for (uint i = 1; i < Max; i++) if (((Handle*)p)[i].Node == 0) return i;
        return 0;
    }

    public static void Open(uint id, ushort node, OpenFlags flags, ulong position)
    {
        fixed (byte* p = s_table.Bytes)
        {
            var h = (Handle*)p + id;
            h->Node = node;
            h->Flags = flags;
            h->Position = position;
        }
        Tree.Get(node)->Opens++;
    }

    /// <summary>Forgets the handle; its node goes too if it was unlinked and this was the last handle.</summary>
    public static void Close(uint id)
    {
        Handle* h = Get(id);
        if (h == null) return;
        ushort node = h->Node;
        h->Node = 0;
        Tree.Get(node)->Opens--;
        Tree.Release(node);
    }
}
