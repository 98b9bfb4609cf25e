// COM1, a 16550 UART, as the kernel log's output. Polled: the log must work before interrupts
// exist and inside a panic. Input belongs to user space (ttyd), which only turns the receive
// interrupt on: the line is set up here, once.
using Vireo.Hardware;

namespace Vireo.Kernel.Arch.X64;

public static class Serial
{
    public const ushort Com1 = Uart16550.Com1;

    public static void Init()
    {
        Cpu.OutB(Com1 + Uart16550.InterruptEnable, 0x00);
        Cpu.OutB(Com1 + Uart16550.LineControl, Uart16550.DivisorLatch);
        Cpu.OutB(Com1 + Uart16550.Data, Uart16550.Divisor115200);
        Cpu.OutB(Com1 + Uart16550.InterruptEnable, 0x00);   // the divisor's high byte
        Cpu.OutB(Com1 + Uart16550.LineControl, Uart16550.EightNoneOne);
        // FIFO off: input that arrived before boot stays in the receive register (enabling the
        // FIFO would discard it), and the user-space driver takes one byte per interrupt.
        Cpu.OutB(Com1 + Uart16550.FifoControl, 0x00);
        Cpu.OutB(Com1 + Uart16550.ModemControl, Uart16550.DtrRtsOut2);
    }

    public static void Write(byte b)
    {
        if (b == (byte)'\n') WriteRaw((byte)'\r');
        WriteRaw(b);
    }

    private static void WriteRaw(byte b)
    {
        while ((Cpu.InB(Com1 + Uart16550.LineStatus) & Uart16550.TransmitEmpty) == 0) Cpu.Pause();
        Cpu.OutB(Com1 + Uart16550.Data, b);
    }
}
