// In-guest tests of devices in user space: interrupt-line and I/O-port capabilities, and the
// serial and keyboard drivers receiving input by IRQ 4 and IRQ 1: the harness feeds "vireo\n" to
// COM1 and types "vi" Enter through QEMU's monitor once the keyboard driver is ready.
using System;
using Vireo.Abi;
using Vireo.User;
using T = Vireo.User.Testing.TestRunner;

namespace Vireo.Bootstrap.Tests;

static unsafe class DeviceTests
{
    private static CapHandle s_memory;
    private static InitfsImage s_initfs;
    private static readonly CapHandle Control = new CapHandle(BootstrapSlots.IrqControl, 0);
    private static readonly CapHandle Ports = new CapHandle(BootstrapSlots.IoPorts, 0);

    public static void Run(ref InitfsImage initfs, CapHandle memory)
    {
        s_memory = memory;
        s_initfs = initfs;
        T.Run("devices.statuses", &Statuses);
        T.Run("devices.ports_need_binding", &PortsNeedBinding);
        T.Run("devices.device_memory_maps_the_vga_text_buffer", &DeviceMemory);
        T.Run("devices.serial_driver_receives_input_by_irq4", &SerialDriver);
        T.Run("devices.keyboard_driver_receives_keys_by_irq1", &KeyboardDriver);
    }

    private static void Statuses()
    {
        CSpace.TryAlloc(out uint hs);
        CSpace.TryAlloc(out uint ns);
        T.Status(Status.WrongType, Devices.IrqHandlerGet(Ports, 5, CSpace.Self, hs, out _), "claim with a non-control capability");
        T.Status(Status.OutOfRange, Devices.IrqHandlerGet(Control, 2, CSpace.Self, hs, out _), "line 2 is the cascade");
        T.Status(Status.OutOfRange, Devices.IrqHandlerGet(Control, 24, CSpace.Self, hs, out _), "beyond the ISA and PCI lines");
        T.Status(Status.Ok, Devices.IrqHandlerGet(Control, 5, CSpace.Self, hs, out CapHandle h), "claim line 5");
        T.Status(Status.Occupied, Devices.IrqHandlerGet(Control, 5, CSpace.Self, hs + 1, out _), "claim it twice");
        T.Status(Status.BadState, Devices.IrqAck(h), "acknowledge before binding");
        Sys.Retype(s_memory, ObjectType.Notification, 0, CSpace.Self, ns, 1, out CapHandle n);
        T.Status(Status.InvalidArgument, Devices.IrqHandlerBind(h, n, 0), "bind with no bits");
        T.Status(Status.Ok, Devices.IrqHandlerBind(h, n, 1), "bind");
        T.Status(Status.Ok, Devices.IrqAck(h), "acknowledge");
        var self = new CapHandle(BootstrapSlots.Thread, 0);
        T.Status(Status.WrongType, Devices.IoPortsBind(Control, self, 0x60, 1), "ports from a non-port capability");
        T.Status(Status.OutOfRange, Devices.IoPortsBind(Ports, self, 0xFFFF, 2), "range past the last port");
        T.Status(Status.OutOfRange, Devices.IoPortsBind(Ports, self, 0x60, 0), "empty range");
        T.Status(Status.Ok, Sys.Delete(h), "deleting the last handler capability frees the line");
        T.Status(Status.Ok, Devices.IrqHandlerGet(Control, 5, CSpace.Self, hs, out h), "so it can be claimed again");
        Sys.Delete(h);
        Sys.Delete(n);
        CSpace.Free(hs);
        CSpace.Free(ns);
    }

    // The bootstrap's first DeviceMemory capability covers the legacy VGA window (0xA0000..0xC0000):
    // its text buffer at 0xB8000 is device memory a driver maps (uncached) and writes directly.
    private static void DeviceMemory()
    {
        var info = (BootstrapInfo*)Startup.Argument0;
        T.True(info->DeviceCount >= 2, "device memory capabilities were handed over");
        var vga = new CapHandle((uint)info->FirstDeviceSlot, 0);
        Sys.Identify(vga, out ObjectType type, out _, out int bits, out _);
        T.Equal((long)ObjectType.DeviceMemory, (long)type, "the first is device memory");
        T.Equal(17, bits, "128 KiB: the VGA window");
        CSpace.TryAlloc(out uint s);
        T.Status(Status.WrongType, Sys.Retype(vga, ObjectType.Thread, 0, CSpace.Self, s, 1, out _), "no kernel objects from device memory");
        // Frames are handed out upwards: the 25th page of the window is 0xB8000.
        var frames = stackalloc CapHandle[25];
        uint* slots = stackalloc uint[25];
        int made = 0;
        for (int i = 0; i < 25; i++)
        {
            CSpace.TryAlloc(out slots[i]);
            Status r = Sys.Retype(vga, ObjectType.Frame, 12, CSpace.Self, slots[i], 1, out frames[i]);
            if (r == Status.Ok) made++;
        }
        T.Equal(25, made, "25 device frames");
        const ulong at = 0x0000_5B00_0000_0000;
        if (T.Status(Status.Ok, Sys.Map(CSpace.SelfAddressSpace, frames[24], at, Rights.Read | Rights.Write), "map the text buffer page"))
        {
            var cell = (ushort*)at;
            // Frames of RAM are zeroed when made, device frames are not: the firmware left text (or at
            // least blanks, 0x0720) in the buffer, so a non-zero cell shows this is the device.
            T.True(cell[0] != 0, "the text buffer holds what the firmware left there, not zeroed RAM");
            cell[0] = 0x1F56;   // 'V', white on blue, top left of the screen
            T.Equal(0x1F56, cell[0], "the write reached the device and reads back");
        }
        for (int i = 24; i >= 0; i--)
        {
            Sys.Delete(frames[i]);
            CSpace.Free(slots[i]);
        }
        Sys.Identify(vga, out _, out _, out _, out ulong free);
        T.Equal(1L << 17, (long)free, "all device frames returned");
        CSpace.Free(s);
    }

    private static void PortsNeedBinding()
    {
        Status s = ProcessBuilder.Spawn(ref s_initfs, "bin/fault", s_memory, 20, 12, 0, out Process p);
        T.Status(Status.Ok, s, "spawn");
        if (s != Status.Ok) return;
        p.Wait(out ThreadExitKind kind, out ulong code);
        T.Equal((long)ThreadExitKind.Faulted, (long)kind, "in/out on a port never opened faults");
        T.Equal(13, (long)code, "as a general protection fault");
        p.Destroy();
    }

    private static Process s_driver;
    private static volatile bool s_done;
    private static ulong s_code;

    private static ulong WaitForDriver(ulong unused)
    {
        s_driver.Wait(out _, out s_code);
        s_done = true;
        return 0;
    }

    private static void KeyboardDriver()
    {
        // The harness types "vi" and Enter through QEMU's monitor once the driver says it is ready:
        // six scancodes (press and release), one interrupt each.
        T.Equal(3, RunDriver("bin/keyboard", 1, 250), "v, i, Enter: three characters typed through QEMU");
    }

    private static void SerialDriver()
    {
        // The harness feeds "vireo\n" to COM1 before boot; it waits in the UART until read.
        T.Equal(6, RunDriver("bin/serial", 4, 100), "\"vireo\\n\": six bytes, each through an interrupt to user space");
    }

    /// <summary>Starts a driver in line mode with the I/O ports and the handler for `line` and returns
    /// its exit code (the characters it got), or -1 if it did not finish within `patience` * 20 ms.</summary>
    private static long RunDriver(string path, uint line, int patience)
    {
        CSpace.TryAlloc(out uint hs);
        if (!T.Status(Status.Ok, Devices.IrqHandlerGet(Control, line, CSpace.Self, hs, out CapHandle irq), "claim the driver's line")) return -1;
        ProcessOptions o = ProcessOptions.Default(20);
        o.Grant0 = Ports;
        o.Grant1 = irq;
        o.KernelLog = Ports;   // it says it is ready in the kernel log, where the harness waits for it
        var args = new string[] { "line" };
        Status s = ProcessBuilder.Spawn(ref s_initfs, path, args, s_memory, o, 0, 0, out s_driver);
        T.Status(Status.Ok, s, "start the driver");
        if (s != Status.Ok) return -1;
        s_done = false;
        ThreadBuilder.Create(s_memory, &WaitForDriver, 0, 0x0000_5A00_0000_0000, out LocalThread waiter);
        Sys.ThreadStart(waiter.Thread);
        Sys.Sleep(2_000_000);   // the driver binds its line and waits
        for (int i = 0; i < patience && !s_done; i++) Sys.Sleep(20_000_000);
        T.True(s_done, "the driver finished its line in time");
        long code = s_done ? (long)s_code : -1;
        s_driver.Destroy();
        Sys.ThreadWait(waiter.Thread, out _, out _);
        ThreadBuilder.Destroy(ref waiter);
        Sys.Delete(irq);
        CSpace.Free(hs);
        return code;
    }

}
