// The collected heap's room, asked before each request that allocates in it (docs/design/ramfs.md,
// "Limits"): nodes, names, link targets, directory lists, the node, handle and description tables.
// An allocation the heap cannot make ends the process (the runtime has no failed `new`), so the
// daemon asks first whether the most such a request could take is there (Collector.Reserve: free
// heap blocks, more committed, or a collection) and answers NoSpace when it is not, then keeps
// serving: removing names and closing files never allocates, so the room comes back. Data pages are
// the page pool's (DataPages.cs) and answer NoSpace there.
using Vireo.Abi;
using Vireo.User.Runtime;
using Vireo.User.Schemes;

static class Room
{
    /// <summary>False (answer NoSpace) if request `r` may allocate more than the heap can give now.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]   // into the serve loop
    public static bool For(ref Request r)
    {
        if (r.IsFile)
        {
            // Dup makes a handle sharing a description: the file table's growth at most.
            if (r.Op != SchemeOp.Dup) return true;
            return Collector.Reserve((nuint)HandleBytes());
        }
        switch (r.Op)
        {
            case SchemeOp.Open: case SchemeOp.Mkdir: case SchemeOp.Symlink: case SchemeOp.Link:
            case SchemeOp.Rename: case SchemeOp.Mknod:
                return Collector.Reserve((nuint)(Tree.MostForOneMore() + HandleBytes() + OpenDescriptions.GrowthBytes));
            default:
                return true;
        }
    }

    // The file table's next doubling (Handle, the open flag and the free id per file).
    private static unsafe ulong HandleBytes() => (ulong)Program.Files.Capacity * 2 * (ulong)(sizeof(Handle) + 1 + sizeof(uint));
}
