// The 16550 UART behind COM1, as the kernel's log (polled output) and user space's serial driver and
// console daemon (interrupt-driven input) both program it. One set of names for its registers and
// bits, so the kernel's set-up and ttyd's use of the same line cannot drift apart.
namespace Vireo.Hardware;

public static class Uart16550
{
    /// <summary>COM1's first I/O port; the UART occupies PortCount ports from there.</summary>
    public const ushort Com1 = 0x3F8;
    public const uint PortCount = 8;

    // Register offsets from the base port.
    public const ushort Data = 0, InterruptEnable = 1, FifoControl = 2, LineControl = 3, ModemControl = 4, LineStatus = 5;

    /// <summary>Line status: a received byte waits in Data; the transmitter can take a byte.</summary>
    public const byte DataReady = 0x01, TransmitEmpty = 0x20;

    /// <summary>Interrupt enable: raise the line when a byte arrives.</summary>
    public const byte ReceiveInterrupt = 0x01;

    /// <summary>Modem control: DTR, RTS and OUT2 (OUT2 gates the interrupt line on PCs).</summary>
    public const byte DtrRtsOut2 = 0x0B;

    /// <summary>Line control: the divisor latch (DLAB), and 8 data bits, no parity, 1 stop bit.</summary>
    public const byte DivisorLatch = 0x80, EightNoneOne = 0x03;

    /// <summary>Divisor for 115,200 baud (the UART's 1.8432 MHz clock / 16).</summary>
    public const byte Divisor115200 = 1;
}
