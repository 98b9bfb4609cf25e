// Frames in address spaces. A frame capability makes at most one mapping; its slot records where
// (see AddressSpaces.MappingRecord), so deleting the capability removes the mapping, and mapping
// the same frame twice takes a copy of the capability. Rights of a mapping never exceed the
// capability's, and no mapping is both writable and executable.
// A frame of 2^n bytes maps whole at an address aligned to 2^n (PageTable.MapBlock): 2 MiB pages
// from 2 MiB up, so a 2 MiB frame is one page-directory entry and costs no page table. Natural
// alignment rather than 4 KiB: the frame is then always mapped with its largest pages, one run
// of entries in one table, and the record (address and the frame's size) says exactly what to undo.
using System.Runtime.CompilerServices;
using Vireo.Abi;
using Vireo.Kernel.Arch.X64;
using Vireo.Kernel.Caps;
using Vireo.Kernel.Memory;
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

    // Every local is assigned before it is read (C#'s rule): zeroing the frame first only cost the map path.
    [SkipLocalsInit]
    public static Status Map(PhysAddr asPhys, CapSlot* frame, ulong vaddr, Rights rights)
    {
        var map = NucleusContext.Current.Direct;
        ulong size = 1UL << frame->SizeBits;
        if ((vaddr & (size - 1)) != 0) return Status.NotAligned;
        // Aligned to its size, the frame starts at 0 or at 4 KiB or above; frames are at most 1 GiB.
        if (vaddr == 0 || vaddr > UserMode.UserTop - size) return Status.OutOfRange;
        if ((rights & (Rights.Write | Rights.Execute)) == (Rights.Write | Rights.Execute)) return Status.InvalidArgument;
        if ((rights & (Rights.Read | Rights.Write | Rights.Execute)) == 0) return Status.InvalidArgument;
        if ((rights & ~frame->Rights & (Rights.Read | Rights.Write | Rights.Execute)) != 0) return Status.InsufficientRights;
        // A record of a mapping into an address space that has since died is no mapping; it is
        // overwritten below once the new mapping exists, so validation changes nothing.
        if (frame->Extra != 0 && !AddressSpaces.Resolve(frame->Extra).IsNull) return Status.Occupied;
        var tables = new AddressSpaceTables(map, asPhys);
        MapStatus s = AddressSpaces.TableOf(map, asPhys).MapBlock(ref tables, vaddr, frame->ObjectPhys, frame->SizeBits, FlagsFor(frame, rights));
        if (s == MapStatus.AlreadyMapped || s == MapStatus.HugePageConflict) return Status.Occupied;
        if (s == MapStatus.OutOfMemory) return Status.OutOfMemory;
        if (s != MapStatus.Ok) return Status.InvalidArgument;
        // A large page may have replaced an empty page table that the CPU still caches.
        if (size >= PageTable.Size2M) Cpu.InvalidatePage(vaddr);
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
        PhysAddr asPhys = AddressSpaces.Resolve(frame->Extra);
        if (asPhys.IsNull)
        {
            frame->Extra = 0;
            return Status.NotMapped;
        }
        Epoch++;
        if (AddressSpaces.TableOf(NucleusContext.Current.Direct, asPhys).ProtectBlock(frame->Spare, frame->SizeBits, FlagsFor(frame, rights)) != MapStatus.Ok) return Status.NotMapped;
        InvalidateBlock(frame->Spare, frame->SizeBits);
        Tlb.ShootDown(asPhys, frame->Spare, frame->SizeBits);
        return Status.Ok;
    }

    /// <summary>Removes the mapping a frame capability made, if its address space still exists.</summary>
    public static void Remove(ref CapSlot frame)
    {
        Epoch++;
        PhysAddr asPhys = AddressSpaces.Resolve(frame.Extra);
        if (!asPhys.IsNull)
        {
            var map = NucleusContext.Current.Direct;
            var tables = new AddressSpaceTables(map, asPhys);
            AddressSpaces.TableOf(map, asPhys).UnmapBlock(ref tables, frame.Spare, frame.SizeBits, out _, keepTables: true);
            // Another address space may be current: a stale entry there would only matter if it were live.
            InvalidateBlock(frame.Spare, frame.SizeBits);
            // Other CPUs running on this address space invalidate before the call returns.
            Tlb.ShootDown(asPhys, frame.Spare, frame.SizeBits);
        }
        frame.Extra = 0;
        frame.Spare = 0;
    }

    // The common case, a 4 KiB frame, is one invlpg inline; the loop over a larger block's pages
    // (Tlb.InvalidateLocal, which shootdowns run too) stays out of line so that it costs the 4 KiB
    // path no registers.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InvalidateBlock(ulong vaddr, int sizeBits)
    {
        if (sizeBits == ObjectSizes.FrameBits) Cpu.InvalidatePage(vaddr);
        else Tlb.InvalidateLocal(vaddr, sizeBits);
    }
}
