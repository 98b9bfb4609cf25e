// In-guest tests of the ECAM hand-over (BootstrapInfo.Ecam*): on a machine with an MCFG (QEMU's q35)
// the bootstrap gets device memory covering PCI Express configuration space, and the first dword there
// (vendor and device of 00:00.0) is what the configuration ports answer for the same function, read by
// a thread given ports 0xCF8-0xCFF. On a machine without one (the pc machine, where ./vireo test boots)
// every field is 0.
using Vireo.Abi;
using Vireo.User;
using T = Vireo.User.Testing.TestRunner;

namespace Vireo.Bootstrap.Tests;

static unsafe class EcamTests
{
    private const ulong MapAt = 0x0000_5D00_0000_0000, StackAt = 0x0000_5D10_0000_0000;
    private const ushort ConfigAddress = 0xCF8, ConfigData = 0xCFC;
    private static CapHandle s_memory;
    private static volatile bool s_done;
    private static uint s_portValue;

    public static void Run(CapHandle memory)
    {
        s_memory = memory;
        T.Run("ecam.window_from_mcfg_reads_like_the_ports", &Window);
    }

    // Vendor and device of bus `arg`, device 0, function 0, through the configuration ports.
    private static ulong ReadByPorts(ulong bus)
    {
        Devices.OutL(ConfigAddress, 0x8000_0000u | (uint)bus << 16);
        s_portValue = Devices.InL(ConfigData);
        s_done = true;
        return 0;
    }

    private static uint PortRead(uint bus)
    {
        s_done = false;
        if (ThreadBuilder.Create(s_memory, &ReadByPorts, bus, StackAt, out LocalThread reader) != Status.Ok) return 0;
        Devices.IoPortsBind(new CapHandle(BootstrapSlots.IoPorts, 0), reader.Thread, ConfigAddress, 8);
        Sys.ThreadStart(reader.Thread);
        Sys.ThreadWait(reader.Thread, out _, out _);
        ThreadBuilder.Destroy(ref reader);
        return s_done ? s_portValue : 0;
    }

    private static void Window()
    {
        var info = (BootstrapInfo*)Startup.Argument0;
        if (info->EcamBase == 0)
        {
            T.Equal(0, (long)(info->EcamDeviceSlot | info->EcamSegment | info->EcamStartBus | info->EcamEndBus), "no MCFG: every ECAM field is 0");
            return;
        }
        T.True((info->EcamBase & 0xFFFFF) == 0 && info->EcamEndBus >= info->EcamStartBus, "an aligned window and buses in order");
        if (!T.True(info->EcamDeviceSlot != 0, "device memory covers the window")) return;
        var window = new CapHandle((uint)info->EcamDeviceSlot, 0);
        Sys.Identify(window, out ObjectType type, out _, out _, out _);
        T.Equal((long)ObjectType.DeviceMemory, (long)type, "device memory");
        if (!T.Status(Status.Ok, CSpace.Make(window, ObjectType.Frame, 12, out CapHandle page), "the first bus's first function's page")) return;
        T.Status(Status.Ok, Devices.FramePhysical(page, out ulong phys), "its address");
        T.Equal((long)(info->EcamBase + ((ulong)info->EcamStartBus << 20)), (long)phys, "where MCFG says the first bus is");
        if (T.Status(Status.Ok, Sys.Map(CSpace.SelfAddressSpace, page, MapAt, Rights.Read), "map it"))
        {
            uint byEcam = *(uint*)MapAt;
            T.True((byEcam & 0xFFFF) != 0xFFFF, "a function is there (a host bridge)");
            T.Equal((long)PortRead(info->EcamStartBus), (long)byEcam, "ECAM and the configuration ports agree on vendor and device");
            Sys.Unmap(page);
        }
        CSpace.Release(page);
    }
}
