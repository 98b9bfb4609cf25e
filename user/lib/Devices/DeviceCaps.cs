// What pcid shares the bus out with: Devices' CapCarve and MsiHandlerGet into slots it takes itself.
using Vireo.Abi;

namespace Vireo.User;

public static class DeviceCaps
{
    /// <summary>Devices.CapCarve into a fresh slot of this process (freed again on failure): a child of
    /// `cap` (IoPorts or DeviceMemory) for exactly [first, first + 2^sizeBits). Device memory is carved
    /// in ascending order only.</summary>
    public static Status Carve(CapHandle cap, ulong first, int sizeBits, out CapHandle carved)
    {
        carved = default;
        if (!CSpace.TryAlloc(out uint slot)) return Status.NoSpace;
        Status s = Devices.CapCarve(cap, first, sizeBits, CSpace.Self, slot, out carved);
        if (s != Status.Ok) CSpace.Free(slot);
        return s;
    }

    /// <summary>Devices.MsiHandlerGet into a fresh slot of this process (freed again on failure).</summary>
    public static Status MsiHandlerGet(CapHandle irqControl, out CapHandle handler, out ulong address, out uint data)
    {
        handler = default;
        address = 0;
        data = 0;
        if (!CSpace.TryAlloc(out uint slot)) return Status.NoSpace;
        Status s = Devices.MsiHandlerGet(irqControl, CSpace.Self, slot, out handler, out data, out uint at);
        if (s != Status.Ok) CSpace.Free(slot);
        address = at;
        return s;
    }
}
