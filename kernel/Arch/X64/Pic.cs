// The legacy 8259 pair is not used (the IOAPIC routes device interrupts), but it must be moved
// off the exception vectors and masked, or a stray IRQ would look like a CPU exception.
namespace Vireo.Kernel.Arch.X64;

public static class Pic
{
    public static void RemapAndMask()
    {
        Cpu.OutB(0x20, 0x11); Cpu.OutB(0xA0, 0x11);          // ICW1: init, expect ICW4
        Cpu.OutB(0x21, 0xE0); Cpu.OutB(0xA1, 0xE8);          // ICW2: vectors 0xE0.., 0xE8..
        Cpu.OutB(0x21, 0x04); Cpu.OutB(0xA1, 0x02);          // ICW3: cascade on IRQ2
        Cpu.OutB(0x21, 0x01); Cpu.OutB(0xA1, 0x01);          // ICW4: 8086 mode
        Cpu.OutB(0x21, 0xFF); Cpu.OutB(0xA1, 0xFF);          // mask everything
    }
}
