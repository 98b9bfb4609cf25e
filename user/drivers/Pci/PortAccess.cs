// Configuration mechanism #1 (the legacy ports on QEMU's pc machine and every PC): the address of a
// dword goes to 0xCF8 (enable bit, bus, device, function, register), its data is read or written at
// 0xCFC. The process manager opens exactly these eight ports to the daemon's thread (SpawnFlags.PciPorts).
using Vireo.Hardware;
using Vireo.User;

namespace Vireo.Pci;

public struct PortAccess : IConfigAccess
{
    private const uint Enable = 1u << 31;

    private static uint Address(PciAddress at, int offset) =>
        Enable | (uint)at.Bus << 16 | (uint)at.Device << 11 | (uint)at.Function << 8 | (uint)(offset & 0xFC);

    public uint Read32(PciAddress at, int offset)
    {
        Devices.OutL(PciConfigPorts.Address, Address(at, offset));
        return Devices.InL(PciConfigPorts.Data);
    }

    public void Write32(PciAddress at, int offset, uint value)
    {
        Devices.OutL(PciConfigPorts.Address, Address(at, offset));
        Devices.OutL(PciConfigPorts.Data, value);
    }
}
