// COM1, the 16550 UART the console talks through: bytes out by polling the transmitter, bytes in
// on IRQ 4. The kernel set the line up (115200 8N1, FIFOs off) and logs through it too; ttyd only
// turns the receive interrupt on. The FIFOs stay off on purpose: switching them on clears them in
// QEMU, which would drop input that arrived before ttyd started (QEMU holds further input back
// while the receive register is full, so one byte of buffer loses nothing).
namespace Vireo.Ttyd;

using Vireo.User;

public static unsafe class Uart
{
    public const ushort Base = 0x3F8;
    public const uint PortCount = 8;
    private const ushort Data = Base, InterruptEnable = Base + 1, ModemControl = Base + 4, LineStatus = Base + 5;
    private const byte DataReady = 0x01, TransmitEmpty = 0x20;
    private const byte ReceiveInterrupt = 0x01;

    public static void Start()
    {
        Devices.OutB(ModemControl, 0x0B);    // DTR, RTS, OUT2 (OUT2 gates the interrupt)
        Devices.OutB(InterruptEnable, ReceiveInterrupt);
    }

    public static bool HasInput => (Devices.InB(LineStatus) & DataReady) != 0;

    public static byte Read() => Devices.InB(Data);

    /// <summary>IRQ 4 is edge-triggered: a byte that came while the line was masked raised no edge.
    /// Turning the receive interrupt off and on makes a fresh one if data is waiting.</summary>
    public static void Rearm()
    {
        Devices.OutB(InterruptEnable, 0);
        Devices.OutB(InterruptEnable, ReceiveInterrupt);
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
        while ((Devices.InB(LineStatus) & TransmitEmpty) == 0) { }
        Devices.OutB(Data, b);
    }
}
