using System.Runtime;
using Vireo.Kernel.Arch.X64;

namespace Vireo.Kernel.Boot;

public static unsafe class KernelMain
{
    [RuntimeExport("kmain")]
    public static void Main(uint magic, uint info)
    {
        Cpu.OutB(0x3F8 + 1, 0);
        string s = "Vireo hello\n";
        for (int i = 0; i < s.Length; i++) Cpu.OutB(0x3F8, (byte)s[i]);
        Cpu.OutB(0xF4, 0x10);
        while (true) Cpu.Halt();
    }

    [RuntimeExport("InterruptDispatch")]
    public static void InterruptDispatch(void* frame) { }
}
