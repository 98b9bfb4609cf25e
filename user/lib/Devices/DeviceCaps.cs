// What pcid shares the bus out with, on top of Devices' calls: carving into a slot it takes itself, and
// an MSI vector as an interrupt handler with its message (MsiHandlerGet).
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

    /// <summary>A free MSI vector as an interrupt handler in a fresh slot, with the message a device
    /// must write to raise it (address and data, for its MSI or MSI-X capability).</summary>
    public static Status MsiHandlerGet(CapHandle irqControl, out CapHandle handler, out ulong address, out uint data)
    {
        handler = default;
        address = 0;
        data = 0;
        if (!CSpace.TryAlloc(out uint slot)) return Status.NoSpace;
        Status s = Sys.Call(Syscall.MsiHandlerGet, out ulong h, out ulong message, irqControl.Value, CSpace.Self.Value, slot);
        if (s != Status.Ok)
        {
            CSpace.Free(slot);
            return s;
        }
        handler = new CapHandle(h);
        data = (uint)message;
        address = message >> 32;
        return Status.Ok;
    }
}
