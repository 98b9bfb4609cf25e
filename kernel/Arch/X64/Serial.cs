// COM1, a 16550 UART, as the kernel log's output. Polled: the log must work before interrupts
// exist and inside a panic. (Serial *input* belongs to a user-space driver in a later issue.)
namespace Vireo.Kernel.Arch.X64;

public static class Serial
{
    public const ushort Com1 = 0x3F8;
    private const ushort Data = 0, InterruptEnable = 1, FifoControl = 2, LineControl = 3, ModemControl = 4, LineStatus = 5;
    private const byte TransmitEmpty = 0x20;

    public static void Init()
    {
        Cpu.OutB(Com1 + InterruptEnable, 0x00);
        Cpu.OutB(Com1 + LineControl, 0x80);      // DLAB: set the divisor
        Cpu.OutB(Com1 + Data, 0x01);             // 115200 baud
        Cpu.OutB(Com1 + InterruptEnable, 0x00);
        Cpu.OutB(Com1 + LineControl, 0x03);      // 8N1
        // FIFO off: input that arrived before boot stays in the receive register (enabling the
        // FIFO would discard it), and the user-space driver takes one byte per interrupt.
        Cpu.OutB(Com1 + FifoControl, 0x00);
        Cpu.OutB(Com1 + ModemControl, 0x0B);     // DTR, RTS, OUT2
    }

    public static void Write(byte b)
    {
        if (b == (byte)'\n') WriteRaw((byte)'\r');
        WriteRaw(b);
    }

    private static void WriteRaw(byte b)
    {
        while ((Cpu.InB(Com1 + LineStatus) & TransmitEmpty) == 0) Cpu.Pause();
        Cpu.OutB(Com1 + Data, b);
    }
}
