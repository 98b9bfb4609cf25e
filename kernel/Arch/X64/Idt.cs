// The interrupt descriptor table: every vector points at its stub in Asm/interrupts.S. All are
// interrupt gates (interrupts stay off in handlers); double fault, NMI and machine check switch
// to their IST stacks.
using System.Runtime.InteropServices;

namespace Vireo.Kernel.Arch.X64;

public static unsafe class Idt
{
    public const int DivideError = 0, Debug = 1, Nmi = 2, Breakpoint = 3, InvalidOpcode = 6,
        DoubleFault = 8, GeneralProtection = 13, PageFault = 14, MachineCheck = 18;

    private struct Table { public fixed ulong Words[512]; }

    [StructLayout(LayoutKind.Sequential, Pack = 2)]
    private struct Pointer { public ushort Limit; public ulong Base; }

    private static Table s_table;

    public static void Init(in KernelLayout layout)
    {
        var stubs = (ulong*)layout.IsrTable;
        fixed (Table* t = &s_table)
        {
            for (int v = 0; v < 256; v++)
            {
                ulong ist = (ulong)(v == DoubleFault ? Gdt.DoubleFaultIst : v == Nmi ? Gdt.NmiIst : v == MachineCheck ? Gdt.MachineCheckIst : 0);
                ulong handler = stubs[v];
                t->Words[v * 2] = (handler & 0xFFFF) | ((ulong)Gdt.KernelCode << 16) | (ist << 32) | (0x8EUL << 40) | (((handler >> 16) & 0xFFFF) << 48);
                t->Words[v * 2 + 1] = handler >> 32;
            }
        }
        Load();
    }

    /// <summary>Loads the one IDT on this CPU: every CPU shares it (their TSSs hold their own IST stacks).</summary>
    public static void Load()
    {
        fixed (Table* t = &s_table)
        {
            Pointer p;
            p.Limit = 256 * 16 - 1;
            p.Base = (ulong)t;
            Cpu.LoadIdt(&p);
        }
    }

    public static string VectorName(ulong vector) => vector switch
    {
        0 => "divide error (#DE)",
        1 => "debug (#DB)",
        2 => "non-maskable interrupt",
        3 => "breakpoint (#BP)",
        4 => "overflow (#OF)",
        5 => "bound range exceeded (#BR)",
        6 => "invalid opcode (#UD)",
        7 => "device not available (#NM)",
        8 => "double fault (#DF)",
        10 => "invalid TSS (#TS)",
        11 => "segment not present (#NP)",
        12 => "stack-segment fault (#SS)",
        13 => "general protection fault (#GP)",
        14 => "page fault (#PF)",
        16 => "x87 floating-point error (#MF)",
        17 => "alignment check (#AC)",
        18 => "machine check (#MC)",
        19 => "SIMD floating-point exception (#XM)",
        20 => "virtualization exception (#VE)",
        21 => "control protection exception (#CP)",
        _ => vector < 32 ? "reserved exception" : "interrupt",
    };
}
