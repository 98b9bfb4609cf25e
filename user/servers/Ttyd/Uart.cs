// COM1, the 16550 UART the console talks through: bytes out by polling the transmitter, bytes in
// on IRQ 4. The kernel set the line up (115200 8N1, FIFOs off) and logs through it too; ttyd only
// turns the receive interrupt on. The FIFOs stay off on purpose: switching them on clears them in
// QEMU, which would drop input that arrived before ttyd started (QEMU holds further input back
// while the receive register is full, so one byte of buffer loses nothing).
namespace Vireo.Ttyd;

using Vireo.Hardware;
using Vireo.User;
using static Vireo.Hardware.Uart16550;

public static unsafe class Uart
{
    public const ushort Base = Com1;
    public const uint PortCount = Uart16550.PortCount;
    private const ushort DataPort = Base + Data, InterruptEnablePort = Base + InterruptEnable, ModemControlPort = Base + ModemControl,
        LineStatusPort = Base + LineStatus;

    public static void Start()
    {
        Devices.OutB(ModemControlPort, DtrRtsOut2);
        Devices.OutB(InterruptEnablePort, ReceiveInterrupt);
    }

    public static bool HasInput => (Devices.InB(LineStatusPort) & DataReady) != 0;

    public static byte Read() => Devices.InB(DataPort);

    /// <summary>IRQ 4 is edge-triggered: a byte that came while the line was masked raised no edge.
    /// Turning the receive interrupt off and on makes a fresh one if data is waiting.</summary>
    public static void Rearm()
    {
        Devices.OutB(InterruptEnablePort, 0);
        Devices.OutB(InterruptEnablePort, ReceiveInterrupt);
    }

    /// <summary>Sends bytes as a terminal wants them: each '\n' as "\r\n".</summary>
    public static void Write(byte* bytes, int count)
    {
        for (int i = 0; i < count; i++)
        {
            if (bytes[i] == (byte)'\n') Put((byte)'\r');
            Put(bytes[i]);
        }
    }

    private static void Put(byte b)
    {
        while ((Devices.InB(LineStatusPort) & TransmitEmpty) == 0) { }
        Devices.OutB(DataPort, b);
    }
}
