// CPUID facts the kernel logs at boot and relies on (NX, APIC, SYSCALL, invariant TSC).
using Vireo.Kernel.Log;

namespace Vireo.Kernel.Arch.X64;

public static unsafe class CpuInfo
{
    private static uint s_ecx1, s_edx1, s_ebx7, s_edx81, s_ecx81, s_edx87, s_maxLeaf, s_maxExtLeaf;

    public static void Detect()
    {
        uint* r = stackalloc uint[4];
        Cpu.CpuId(0, 0, r); s_maxLeaf = r[0];
        Cpu.CpuId(1, 0, r); s_ecx1 = r[2]; s_edx1 = r[3];
        if (s_maxLeaf >= 7) { Cpu.CpuId(7, 0, r); s_ebx7 = r[1]; }
        Cpu.CpuId(0x80000000, 0, r); s_maxExtLeaf = r[0];
        if (s_maxExtLeaf >= 0x80000001) { Cpu.CpuId(0x80000001, 0, r); s_ecx81 = r[2]; s_edx81 = r[3]; }
        if (s_maxExtLeaf >= 0x80000007) { Cpu.CpuId(0x80000007, 0, r); s_edx87 = r[3]; }
    }

    public static bool HasNx => (s_edx81 & (1u << 20)) != 0;
    public static bool HasSyscall => (s_edx81 & (1u << 11)) != 0;
    public static bool HasApic => (s_edx1 & (1u << 9)) != 0;
    public static bool HasGigabytePages => (s_edx81 & (1u << 26)) != 0;

    public static void Log()
    {
        uint* r = stackalloc uint[12];
        Cpu.CpuId(0, 0, r);
        KernelLog.Begin(LogLevel.Info);
        KernelLog.Str("cpu: ");
        PutRegister(r[1]); PutRegister(r[3]); PutRegister(r[2]);
        if (s_maxExtLeaf >= 0x80000004)
        {
            KernelLog.Str(", ");
            Cpu.CpuId(0x80000002, 0, r);
            Cpu.CpuId(0x80000003, 0, r + 4);
            Cpu.CpuId(0x80000004, 0, r + 8);
            var brand = (byte*)r;
            int start = 0;
            while (start < 48 && brand[start] == ' ') start++;
            for (int i = start; i < 48 && brand[i] != 0; i++) KernelLog.Char((char)brand[i]);
        }
        KernelLog.End();

        KernelLog.Begin(LogLevel.Info);
        KernelLog.Str("cpu features:");
        Flag(s_edx1, 25, " sse"); Flag(s_edx1, 26, " sse2"); Flag(s_ecx1, 0, " sse3"); Flag(s_ecx1, 9, " ssse3");
        Flag(s_ecx1, 19, " sse4.1"); Flag(s_ecx1, 20, " sse4.2"); Flag(s_ecx1, 23, " popcnt"); Flag(s_ecx1, 28, " avx");
        Flag(s_ebx7, 3, " bmi1"); Flag(s_ebx7, 5, " avx2"); Flag(s_ebx7, 7, " smep"); Flag(s_ebx7, 20, " smap");
        Flag(s_edx1, 4, " tsc"); Flag(s_edx87, 8, " invariant-tsc"); Flag(s_edx1, 9, " apic"); Flag(s_ecx1, 21, " x2apic");
        Flag(s_edx81, 20, " nx"); Flag(s_edx81, 26, " 1g-pages"); Flag(s_edx81, 11, " syscall"); Flag(s_ecx1, 30, " rdrand");
        Flag(s_ecx1, 31, " hypervisor");
        KernelLog.End();
    }

    private static void Flag(uint reg, int bit, string name)
    {
        if ((reg & (1u << bit)) != 0) KernelLog.Str(name);
    }

    private static void PutRegister(uint value)
    {
        for (int i = 0; i < 4; i++) KernelLog.Char((char)((value >> (i * 8)) & 0xFF));
    }
}
