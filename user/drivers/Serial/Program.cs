// The 16550 serial driver, in user space. Its creator grants it the I/O ports (slot FirstGrant)
// and the handler for IRQ 4 (slot FirstGrant + 1). It opens COM1's eight ports to itself,
// binds the interrupt to a notification, enables the receive interrupt, and then sleeps on the
// notification: each interrupt, it drains the receive FIFO, hands the bytes on (to the console
// for now), and acknowledges the line. With a first argument of "line", it exits after a newline
// with the number of bytes it received (the in-guest test).
using System;
using System.Runtime;
using Vireo.Abi;
using Vireo.Hardware;
using Vireo.User;

static unsafe class Program
{
    const ushort Com1 = Uart16550.Com1;
    const ushort Data = Com1 + Uart16550.Data, InterruptEnable = Com1 + Uart16550.InterruptEnable,
        ModemControl = Com1 + Uart16550.ModemControl, LineStatus = Com1 + Uart16550.LineStatus;

    [RuntimeExport("vireo_main")]
    static int Main()
    {
        int failed = Driver.Start(out CapHandle n, Com1, Uart16550.PortCount);
        if (failed != 0) return failed;
        bool lineMode = Args.PositionalIs(0, "line");
        Devices.OutB(ModemControl, Uart16550.DtrRtsOut2);
        Devices.OutB(InterruptEnable, Uart16550.ReceiveInterrupt);
        int received = 0;
        while (true)
        {
            while ((Devices.InB(LineStatus) & Uart16550.DataReady) != 0)
            {
                byte b = Devices.InB(Data);
                received++;
                Console.Write("serial: received ");
                Console.Write((ulong)b);
                Console.WriteLine();
                if (lineMode && b == (byte)'\n')
                {
                    Devices.OutB(InterruptEnable, 0);
                    return received;
                }
            }
            if (Devices.IrqAck(Driver.Irq) != Status.Ok) return Driver.AckFailed;
            // IRQ 4 is edge-triggered: a byte that arrived while the line was masked raised no
            // edge. Turning the receive interrupt off and on makes a fresh one if data is waiting.
            Devices.OutB(InterruptEnable, 0x00);
            Devices.OutB(InterruptEnable, Uart16550.ReceiveInterrupt);
            if (Ipc.Wait(n, out _) != Status.Ok) return Driver.WaitFailed;
        }
    }
}
