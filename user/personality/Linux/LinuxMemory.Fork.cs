// fork's copy of a Linux address space: copy-on-write, and lazy (ADR 0023). The child gets the
// parent's areas and, for each private frame made so far, a page that names the frame without
// holding it yet: the first touch takes it (a capability copy mapped read-only) or, for a write,
// copies it. The parent's writable frames become read-only at the fork, and a count of holders
// (CowShare) says whether the first write, in either, must copy (another holder) or may just remap
// (the last). So a fork costs a record per frame and a Protect per writable one, and a child that
// execs or exits at once takes almost nothing. A file's frames are not named at all: the child
// maps them from the file's cache when it touches them, as any process does. MAP_SHARED anonymous
// memory is the exception: its frames (made at its mmap) are shared by the fork at once, never copied.
using System.Collections.Generic;
using Vireo.Abi;
using Vireo.Linux.Abi;
using Vireo.User;

namespace Vireo.Linux;

public sealed unsafe partial class LinuxMemory
{
    /// <summary>The part of the personality's capability slots a fork leaves free (a quarter): the
    /// processes running may still take pages (a fork costs few slots now, the pages its processes
    /// touch later), so a fork bomb is refused here, with ENOMEM, while those running can still touch
    /// pages and end.</summary>
    public static uint ForkReserve => CSpace.Capacity / 4;

    /// <summary>A new address space with this one's areas and contents, shared copy-on-write. On
    /// failure nothing of the child is left and `child` is null; NoSpace below ForkReserve free slots.</summary>
    public Status Fork(out LinuxMemory child)
    {
        child = null;
        if (CSpace.Available < ForkReserve) return Status.NoSpace;
        var c = new LinuxMemory();
        Status s = c.Create(large: Large);   // a threaded program's child touches as much (LinuxMemory.Large.cs)
        if (s != Status.Ok) return s;
        c.Areas = Areas.Clone();
        foreach (BackingFile f in Files)
        {
            f.Users++;
            c.Files.Add(f);
        }
        Area area = null;
        foreach (KeyValuePair<ulong, Page> e in _pages)
        {
            Page from = e.Value;
            if (from.Shared) continue;   // the file's: the child maps it from the cache
            if (area == null || e.Key < area.Start || e.Key >= area.End) area = Areas.Find(e.Key);
            s = area != null && area.Shared ? ShareWith(c, e.Key, from) : Lend(c, e.Key, from);
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

    // The child's page at `address` names the parent's private frame `from`, read-only from now on.
    private Status Lend(LinuxMemory child, ulong address, Page from)
    {
        if ((from.Mapped & Rights.Write) != 0)
        {
            Status s = Sys.Protect(from.Cap, Rights.Read);
            if (s != Status.Ok) return s;
            from.Mapped = Rights.Read;
        }
        from.Cow ??= new CowShare { Count = 1, Source = from.Cap, Block = from.Block };
        from.Cow.Count++;
        child._pages[address] = new Page { Cow = from.Cow };
        return Status.Ok;
    }

    // The child's page at `address`: MAP_SHARED anonymous memory, the frame itself, mapped as it is.
    private Status ShareWith(LinuxMemory child, ulong address, Page from)
    {
        Status s = CSpace.Copy(from.Cap, Rights.Read | Rights.Write | Rights.Execute | Rights.Map, out CapHandle cap);
        if (s != Status.Ok) return s;
        // Both pages hold the frame: its block goes back to the pool with the last (BlockHolders).
        BlockHolders holders = from.Block == 0 ? null : from.Holders ??= new BlockHolders();
        holders?.Hold();
        Rights rights = from.Mapped;
        if (rights != 0) s = Sys.Map(child.AddressSpace, cap, address, rights);
        if (s != Status.Ok)
        {
            ObjectPool.Frames.Release(cap, from.Block, holders);
            return s;
        }
        child._pages[address] = new Page { Cap = cap, Mapped = rights, Block = from.Block, Holders = holders };
        return Status.Ok;
    }

    // A fork's page not taken yet (a read, or a write to memory that is not writable): a copy of the
    // share's capability, mapped read-only; the last holder takes the share's own.
    private Status Take(ulong address, Page p, Rights want)
    {
        CowShare c = p.Cow;
        if (c.Count == 1)
        {
            p.Cap = c.Source;   // an orphan: nobody else holds the page
            p.Block = c.Block;
            p.Cow = null;
        }
        else
        {
            Status s = CSpace.Copy(c.Source, Rights.Read | Rights.Write | Rights.Execute | Rights.Map, out p.Cap);
            if (s != Status.Ok) return s;
        }
        p.Mapped = 0;
        return Remap(address, p, want);
    }

    // The page's frame becomes this memory's alone, mapped with `want`: a copy while another memory
    // still holds it, the frame itself once none does.
    private Status Unshare(ulong address, Page p, Rights want)
    {
        CowShare c = p.Cow;
        if (c.Count > 1)
        {
            Status s = ObjectPool.Frames.Make(out CapHandle copy, out ulong block);
            if (s != Status.Ok) return s;
            var fresh = new Page { Cap = copy, Block = block };
            byte* source = ShowFrame(p.Cap.Value != 0 ? p.Cap : c.Source, writable: false), target = Show(1, fresh);
            if (source != null && target != null) System.Buffer.MemoryCopy(source, target, (long)PageSize, (long)PageSize);
            HideFrame();
            Forget(fresh);
            if (source == null || target == null)
            {
                ObjectPool.Frames.Release(copy, block, null);
                return Status.NoSpace;
            }
            // The shared frame leaves this address space.
            LeaveShare(p, unmap: true);
            p.Cap = copy;
            p.Block = block;
        }
        else
        {
            if (p.Cap.Value == 0) p.Cap = c.Source;   // the share's own, orphaned: this memory's now
            else if (c.Orphan && c.Source.Value != p.Cap.Value) CSpace.Release(c.Source);
            p.Block = c.Block;
            p.Cow = null;
            Forget(p);   // shown read-only while shared: shown again writable when needed
        }
        return Remap(address, p, want);
    }

    // This memory's page stops holding the copy-on-write frame of its share: its capability goes
    // (unmapping it), except the share's Source while others still hold the page, which stays,
    // unmapped from here when `unmap` (not needed when the address space goes too), as the share's
    // own; the share's orphan goes with its last holder.
    private void LeaveShare(Page p, bool unmap)
    {
        CowShare c = p.Cow;
        Forget(p);
        c.Count--;
        if (p.Cap.Value != 0 && p.Cap.Value == c.Source.Value && c.Count > 0)
        {
            if (unmap && p.Mapped != 0) _ = Sys.Unmap(p.Cap);   // mapped by this memory: it is
            c.Orphan = true;
        }
        else
        {
            if (p.Cap.Value != 0) CSpace.Release(p.Cap);
            if (c.Count == 0 && c.Orphan && c.Source.Value != p.Cap.Value) CSpace.Release(c.Source);
            // The frame's last capability is gone: its block goes back to the pool.
            if (c.Count == 0 && c.Block != 0) ObjectPool.Frames.GiveBack(c.Block);
        }
        p.Cow = null;
        p.Cap = default;
        p.Block = 0;
        p.Mapped = 0;
    }
}
