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
    public static unsafe Status Lookup(PhysMap map, ulong cnodePhys, int slotBits, CapHandle handle, out ulong slotPhys)
    {
        slotPhys = 0;
        if (!handle.IsWellFormed || (ulong)handle.Index >= (1UL << slotBits))
            return Status.InvalidCapability;
        ulong phys = cnodePhys + ((ulong)handle.Index << ObjectSizes.SlotBits);
        CapSlot* slot = map.As<CapSlot>(phys);
        if (slot->Type == ObjectType.Null || slot->Generation != handle.Generation)
            return Status.InvalidCapability;
        slotPhys = phys;
        return Status.Ok;
    }

    /// <summary>The slot at an index, empty or not (destinations). OutOfRange when index >= 2^slotBits.</summary>
    public static Status SlotAt(ulong cnodePhys, int slotBits, ulong index, out ulong slotPhys)
    {
        slotPhys = 0;
        if (index >= (1UL << slotBits))
            return Status.OutOfRange;
        slotPhys = cnodePhys + (index << ObjectSizes.SlotBits);
        return Status.Ok;
    }

    /// <summary>The handle user space quotes for a slot of this CNode, with the slot's current generation.</summary>
    public static unsafe CapHandle HandleFor(PhysMap map, ulong cnodePhys, ulong slotPhys) =>
        new CapHandle((uint)((slotPhys - cnodePhys) >> ObjectSizes.SlotBits), map.As<CapSlot>(slotPhys)->Generation);
}
