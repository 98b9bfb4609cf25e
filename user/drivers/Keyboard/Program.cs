// The PS/2 keyboard driver, in user space. Its creator grants it the I/O ports (slot FirstGrant)
// and the handler for IRQ 1 (slot FirstGrant + 1). It opens the controller's data and status
// ports (0x60, 0x64) to itself, binds the interrupt to a notification and sleeps on it; each
// interrupt it reads scancodes (set 1), turns key presses into characters and hands them on (to
// the console for now), then acknowledges the line. With a first argument of "line", it exits
// after Enter with the number of characters it produced (the in-guest test).
using System;
using System.Runtime;
using Vireo.Abi;
using Vireo.Hardware;
using Vireo.User;

static unsafe class Program
{
    const ushort DataPort = Ps2Keyboard.DataPort, StatusPort = Ps2Keyboard.StatusPort;
    const string Keys = Ps2Keyboard.Plain;

    [RuntimeExport("vireo_main")]
    static int Main()
    {
        int failed = Driver.Start(out CapHandle n, DataPort, 1, StatusPort, 1);
        if (failed != 0) return failed;
        bool lineMode = Startup.ArgumentCount > 1;
        // The test harness types into the guest through QEMU once it sees this line.
        Console.WriteLine("keyboard: ready");
        int produced = 0;
        while (true)
        {
            while ((Devices.InB(StatusPort) & Ps2Keyboard.OutputFull) != 0)
            {
                byte code = Devices.InB(DataPort);
                if ((code & Ps2Keyboard.Release) != 0 || code >= Keys.Length) continue;   // key releases, unknown keys
                char c = Keys[code];
                if (c == '\0') continue;
                produced++;
                Console.Write("keyboard: ");
                if (c == (char)10) Console.Write("Enter"); else Console.Write(c);
                Console.WriteLine();
                if (lineMode && c == '\n') return produced;
            }
            if (Devices.IrqAck(Driver.Irq) != Status.Ok) return Driver.AckFailed;
            // IRQ 1 is edge-triggered: a scancode that arrived while the line was masked raised no
            // edge we will see, so look again now that it is unmasked before sleeping.
            if ((Devices.InB(StatusPort) & 1) != 0) continue;
            if (Ipc.Wait(n, out _) != Status.Ok) return Driver.WaitFailed;
        }
    }
}
