// fork's copy of an address space, copy-on-write: the child gets the parent's areas and, for each
// frame made so far, a capability to the same frame. A private frame is then mapped read-only in
// both (CowShare counts its holders), and the first write to it in either, a page fault the
// personality serves as the pager or a syscall writing into it, gives the writer a copy of its own
// (Unshare; the last holder just gets its write right back). A file daemon's read-only frame is
// shared for good, and so are the frames of MAP_SHARED anonymous memory (made at its mmap, so that
// none is left to be made apart). Untouched pages stay untouched in both, and files are shared.
using System.Collections.Generic;
using Vireo.Abi;
using Vireo.Linux.Abi;
using Vireo.User;

namespace Vireo.Linux;

public sealed unsafe partial class LinuxMemory
{
    /// <summary>A new address space with this one's areas and contents, shared copy-on-write. On
    /// failure nothing of the child is left and `child` is null.</summary>
    public Status Fork(out LinuxMemory child)
    {
        var c = new LinuxMemory();
        child = null;
        Status s = c.Create();
        if (s != Status.Ok) return s;
        c.Areas = Areas.Clone();
        foreach (BackingFile f in Files)
        {
            f.Users++;
            c.Files.Add(f);
        }
        foreach (KeyValuePair<ulong, Page> e in _pages)
        {
            s = ShareWith(c, e.Key, e.Value);
            if (s != Status.Ok) break;
        }
        if (s != Status.Ok)
        {
            c.Release();
            return s;
        }
        child = c;
        return Status.Ok;
    }

    // The child's page at `address`: the frame of the parent's page `from`, read-only in both.
    private Status ShareWith(LinuxMemory child, ulong address, Page from)
    {
        if (!CSpace.TryAlloc(out uint slot)) return Status.NoSpace;
        Status s = Sys.Copy(from.Cap, CSpace.Self, slot, Rights.Read | Rights.Write | Rights.Execute | Rights.Map, out CapHandle cap);
        if (s != Status.Ok)
        {
            CSpace.Free(slot);
            return s;
        }
        var p = new Page { Cap = cap, Shared = from.Shared, Block = from.Block };
        if (from.Block != 0) (p.Holders = from.Holders ??= new BlockHolders()).Hold();
        Area area = Areas.Find(address);
        if (!from.Shared && (area == null || !area.Shared))
        {
            from.Cow ??= new CowShare { Count = 1 };
            from.Cow.Count++;
            p.Cow = from.Cow;
            if ((from.Mapped & Rights.Write) != 0)
            {
                s = Sys.Protect(from.Cap, Rights.Read);
                if (s == Status.Ok) from.Mapped = Rights.Read;
            }
        }
        Rights rights = from.Mapped;
        if (s == Status.Ok && rights != 0) s = Sys.Map(child.AddressSpace, cap, address, rights);
        if (s != Status.Ok)
        {
            if (p.Cow != null) p.Cow.Count--;
            ObjectPool.Frames.Release(cap, p.Block, p.Holders);
            return s;
        }
        p.Mapped = rights;
        child._pages[address] = p;
        return Status.Ok;
    }

    // The page's frame becomes this memory's alone, mapped with `want`: a copy while another memory
    // still holds it, the frame itself once none does.
    private Status Unshare(ulong address, Page p, Rights want)
    {
        Status s;
        if (p.Cow.Count > 1)
        {
            s = ObjectPool.Frames.Make(out CapHandle copy, out ulong block);
            if (s != Status.Ok) return s;
            var fresh = new Page { Cap = copy, Block = block };
            byte* source = Show(0, p), target = Show(1, fresh);
            if (source != null && target != null) System.Buffer.MemoryCopy(source, target, (long)PageSize, (long)PageSize);
            Forget(fresh);
            Forget(p);
            if (source == null || target == null)
            {
                ObjectPool.Frames.Release(copy, block, null);
                return Status.NoSpace;
            }
            // The shared frame leaves this address space (deleting the capability unmaps it).
            ObjectPool.Frames.Release(p.Cap, p.Block, p.Holders);
            p.Cow.Count--;
            p.Cow = null;
            p.Cap = copy;
            p.Block = block;
            p.Holders = null;
            p.Mapped = 0;
        }
        else
        {
            p.Cow = null;
            Forget(p);   // shown read-only while shared: shown again writable when needed
        }
        s = Remap(address, p, want);
        return s;
    }
}
