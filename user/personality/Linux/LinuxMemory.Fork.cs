// fork's copy of an address space. This first version copies eagerly: every private frame made so
// far gets a new frame with the same bytes in the child, mapped with the same rights; a file
// daemon's read-only frame is shared (a copy of its capability). Untouched pages stay untouched in
// both: the child's areas are a copy of the parent's, files shared. Copy-on-write is the next step
// (docs/design/linux.md, "Memory").
using System.Collections.Generic;
using Vireo.Abi;
using Vireo.User;

namespace Vireo.Linux;

public sealed unsafe partial class LinuxMemory
{
    /// <summary>A new address space with this one's areas and a copy of its contents. On failure
    /// nothing of the child is left and `child` is null.</summary>
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
            s = c.CopyIn(e.Key, e.Value);
            if (s != Status.Ok) break;
        }
        if (s != Status.Ok)
        {
            c.Dispose();
            return s;
        }
        child = c;
        return Status.Ok;
    }

    // The child's page at `address`: a copy of the parent's frame `from`.
    private Status CopyIn(ulong address, Page from)
    {
        var p = new Page { Shared = from.Shared };
        Status s;
        if (from.Shared)
        {
            if (!CSpace.TryAlloc(out uint slot)) return Status.NoSpace;
            s = Sys.Copy(from.Cap, CSpace.Self, slot, Rights.Read | Rights.Execute | Rights.Map, out p.Cap);
            if (s != Status.Ok)
            {
                CSpace.Free(slot);
                return s;
            }
        }
        else
        {
            s = CSpace.Make(ObjectType.Frame, 12, out p.Cap);
            if (s != Status.Ok) return s;
            byte* source = Show(0, from), target = Show(1, p);
            if (source == null || target == null)
            {
                Forget(p);
                CSpace.Release(p.Cap);
                return Status.NoSpace;
            }
            System.Buffer.MemoryCopy(source, target, (long)PageSize, (long)PageSize);
            Forget(p);
        }
        s = from.Mapped == 0 ? Status.Ok : Sys.Map(AddressSpace, p.Cap, address, from.Mapped);
        if (s != Status.Ok)
        {
            CSpace.Release(p.Cap);
            return s;
        }
        p.Mapped = from.Mapped;
        _pages[address] = p;
        return Status.Ok;
    }
}
