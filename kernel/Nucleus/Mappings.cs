// Frames in address spaces. A frame capability maps at most one page; its slot records where
// (see AddressSpaces.MappingRecord), so deleting the capability removes the mapping, and mapping
// the same frame twice takes a copy of the capability. Rights of a mapping never exceed the
// capability's, and no mapping is both writable and executable.
using Vireo.Abi;
using Vireo.Kernel.Arch.X64;
using Vireo.Kernel.Boot;
using Vireo.Kernel.Caps;
using Vireo.Kernel.Paging;

namespace Vireo.Kernel.Nucleus;

public static unsafe class Mappings
{
    /// <summary>Counts every removal or narrowing of a user mapping (unmap, protect, an address space
    /// destroyed). Translations cached with an older epoch (a thread's IPC buffer) are stale.</summary>
    public static ulong Epoch = 1;

    /// <summary>Page flags for mapping this frame with these rights; device frames map uncached.</summary>
    public static PageFlags FlagsFor(CapSlot* frame, Rights rights)
    {
        PageFlags flags = PageFlags.Present | PageFlags.User;
        if ((rights & Rights.Write) != 0) flags |= PageFlags.Writable;
        if ((rights & Rights.Execute) == 0) flags |= PageFlags.NoExecute;
        if ((frame->Flags & CapFlags.Device) != 0) flags |= PageFlags.CacheDisable | PageFlags.WriteThrough;
        return flags;
    }

    public static Status Map(ulong asPhys, CapSlot* frame, ulong vaddr, Rights rights)
    {
        var map = KernelState.Direct;
        if ((vaddr & 0xFFF) != 0) return Status.NotAligned;
        if (!AddressSpaces.IsUserRange(vaddr, 4096) || vaddr < 0x1000) return Status.OutOfRange;
        if ((rights & (Rights.Write | Rights.Execute)) == (Rights.Write | Rights.Execute)) return Status.InvalidArgument;
        if ((rights & (Rights.Read | Rights.Write | Rights.Execute)) == 0) return Status.InvalidArgument;
        if ((rights & ~frame->Rights & (Rights.Read | Rights.Write | Rights.Execute)) != 0) return Status.InsufficientRights;
        // Only 4 KiB frames map for now; a 2 MiB frame is refused rather than half mapped.
        if (frame->SizeBits != 12) return Status.InvalidArgument;
        // A record of a mapping into an address space that has since died is no mapping.
        if (frame->Extra != 0 && !AddressSpaces.TryResolve(frame->Extra, out _)) frame->Extra = 0;
        if (frame->Extra != 0) return Status.Occupied;
        var tables = new AddressSpaceTables(map, asPhys);
        MapStatus s = AddressSpaces.TableOf(map, asPhys).Map4K(ref tables, vaddr, frame->Object, FlagsFor(frame, rights));
        if (s == MapStatus.AlreadyMapped || s == MapStatus.HugePageConflict) return Status.Occupied;
        if (s == MapStatus.OutOfMemory) return Status.OutOfMemory;
        if (s != MapStatus.Ok) return Status.InvalidArgument;
        frame->Extra = AddressSpaces.MappingRecord(map, asPhys, vaddr, out frame->Spare);
        return Status.Ok;
    }

    public static Status Unmap(CapSlot* frame)
    {
        if (frame->Extra == 0) return Status.NotMapped;
        Remove(ref *frame);
        return Status.Ok;
    }

    public static Status Protect(CapSlot* frame, Rights rights)
    {
        if (frame->Extra == 0) return Status.NotMapped;
        if ((rights & (Rights.Write | Rights.Execute)) == (Rights.Write | Rights.Execute)) return Status.InvalidArgument;
        if ((rights & (Rights.Read | Rights.Write | Rights.Execute)) == 0) return Status.InvalidArgument;
        if ((rights & ~frame->Rights & (Rights.Read | Rights.Write | Rights.Execute)) != 0) return Status.InsufficientRights;
        if (!AddressSpaces.TryResolve(frame->Extra, out ulong asPhys))
        {
            frame->Extra = 0;
            return Status.NotMapped;
        }
        Epoch++;
        if (AddressSpaces.TableOf(KernelState.Direct, asPhys).Protect(frame->Spare, FlagsFor(frame, rights)) != MapStatus.Ok) return Status.NotMapped;
        Cpu.InvalidatePage(frame->Spare);
        return Status.Ok;
    }

    /// <summary>Removes the mapping a frame capability made, if its address space still exists.</summary>
    public static void Remove(ref CapSlot frame)
    {
        Epoch++;
        if (AddressSpaces.TryResolve(frame.Extra, out ulong asPhys))
        {
            var map = KernelState.Direct;
            var tables = new AddressSpaceTables(map, asPhys);
            AddressSpaces.TableOf(map, asPhys).Unmap4K(ref tables, frame.Spare, out _, keepTables: true);
            // Another address space may be current: a stale entry there would only matter if it were live.
            Cpu.InvalidatePage(frame.Spare);
        }
        frame.Extra = 0;
        frame.Spare = 0;
    }
}
