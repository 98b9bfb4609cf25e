// A CNode: 2^k capability slots of 64 bytes, an object of 2^(k+6) bytes in physical memory.
// Lookup is O(1): the handle's index selects the slot and its generation must match the slot's, so a
// handle kept after its capability was deleted never names whatever the slot holds later (until the
// 16-bit generation wraps after 65536 reuses of that slot).
using Vireo.Abi;
using Vireo.Kernel.Memory;

namespace Vireo.Kernel.Caps;

public static class CNode
{
    /// <summary>Finds the occupied slot a handle names. InvalidCapability when the handle is malformed,
    /// its index is out of range, the slot is empty, or the generation differs.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static unsafe Status Lookup(PhysMap map, PhysAddr cnodePhys, int slotBits, CapHandle handle, out SlotAddr slotPhys)
    {
        slotPhys = SlotAddr.Null;
        if (!handle.IsWellFormed || (ulong)handle.Index >= (1UL << slotBits))
            return Status.InvalidCapability;
        SlotAddr phys = SlotAddress(cnodePhys, handle.Index);
        CapSlot* slot = phys.In(map);
        if (slot->Type == ObjectType.Null || slot->Generation != handle.Generation)
            return Status.InvalidCapability;
        slotPhys = phys;
        return Status.Ok;
    }

    /// <summary>The slot at an index, empty or not (destinations). OutOfRange when index >= 2^slotBits.</summary>
    public static Status SlotAt(PhysAddr cnodePhys, int slotBits, ulong index, out SlotAddr slotPhys)
    {
        slotPhys = SlotAddr.Null;
        if (index >= (1UL << slotBits))
            return Status.OutOfRange;
        slotPhys = SlotAddress(cnodePhys, index);
        return Status.Ok;
    }

    /// <summary>Most slots one FindBadged looks at: the scan runs with interrupts off, so a CNode of
    /// 65,536 slots is looked through in bounded steps (ADR 0003).</summary>
    public const ulong ScanLimit = 1024;

    /// <summary>The first slot at or after `from` (slot 0 never holds a capability) holding an endpoint
    /// capability whose badge has a bit of `badgeMask`, looking at no more than ScanLimit slots.
    /// Returns its index, or 0 when none was found; `next` is where a further scan goes on: past the
    /// slot found, or past the slots looked at (2^slotBits when the end was reached). Precondition:
    /// from &lt;= 2^slotBits.</summary>
    public static unsafe ulong FindBadged(PhysMap map, PhysAddr cnodePhys, int slotBits, ulong from, ulong badgeMask, out ulong next)
    {
        ulong size = 1UL << slotBits;
        ulong end = size - from > ScanLimit ? from + ScanLimit : size;
        for (ulong i = from == 0 ? 1 : from; i < end; i++)
        {
            CapSlot* slot = SlotAddress(cnodePhys, i).In(map);
            if (slot->Type == ObjectType.Endpoint && (slot->Badge & badgeMask) != 0)
            {
                next = i + 1;
                return i;
            }
        }
        next = end;
        return 0;
    }

    /// <summary>The handle user space quotes for a slot of this CNode, with the slot's current generation.</summary>
    public static unsafe CapHandle HandleFor(PhysMap map, PhysAddr cnodePhys, SlotAddr slotPhys) =>
        new CapHandle((uint)((slotPhys.Value - cnodePhys.Value) >> ObjectSizes.SlotBits), slotPhys.In(map)->Generation);

    /// <summary>The address of a CNode's slot: here is where a CNode's address (a PhysAddr) and an index
    /// become a slot's (a SlotAddr).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static SlotAddr SlotAddress(PhysAddr cnodePhys, ulong index) => new(cnodePhys.Value + (index << ObjectSizes.SlotBits));
}
