// Segmentation as long mode needs it: flat code/data for ring 0 and ring 3, and the TSS, which
// holds the ring-0 stack for interrupts from user mode and the IST stacks (double fault, NMI,
// machine check) that keep the kernel able to report a fault even when its own stack is gone.
// Selector order is fixed by SYSRET: user data must sit 8 below user code (see syscall entry).
// Every CPU has its own GDT and TSS (CpuTables): the TSS's rsp0 is the frame of the thread that
// CPU runs, and its I/O bitmap the ports that thread may use. The BSP's are static; the APs' are
// made from frames at boot (Smp.cs).
using System.Runtime.InteropServices;

namespace Vireo.Kernel.Arch.X64;

/// <summary>The IST stack tops a CPU's TSS names.</summary>
public struct IstStacks
{
    public ulong DoubleFault, Nmi, MachineCheck;
}

public static unsafe class Gdt
{
    public const ushort KernelCode = 0x08, KernelData = 0x10, UserData = 0x18 | 3, UserCode = 0x20 | 3, Tss = 0x28;
    public const int DoubleFaultIst = 1, NmiIst = 2, MachineCheckIst = 3;
    private const int IoBitmapBytes = 8192 + 1;

    [StructLayout(LayoutKind.Sequential, Pack = 2)]
    private struct Pointer { public ushort Limit; public ulong Base; }

    /// <summary>One CPU's GDT, then its TSS followed by the I/O permission bitmap (a clear bit lets
    /// ring 3 use that port) and the terminating byte of ones the CPU requires.</summary>
    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    public struct CpuTables
    {
        public fixed ulong Entries[8];
        public TaskStateSegment Tss;
        public fixed byte IoBitmap[IoBitmapBytes];
    }

    private static CpuTables s_bsp;

    private const int TssOffset = 8 * 8; // CpuTables.Tss follows the eight GDT entries

    /// <summary>The bootstrap processor's tables, loaded on it.</summary>
    public static TaskStateSegment* Init(in KernelLayout layout)
    {
        var ist = new IstStacks { DoubleFault = layout.DoubleFaultTop, Nmi = layout.NmiTop, MachineCheck = layout.MachineCheckTop };
        fixed (CpuTables* t = &s_bsp)
        {
            TaskStateSegment* tss = Fill(t, ist);
            Load(tss);
            return tss;
        }
    }

    /// <summary>Fills <paramref name="t"/> (zeroed memory) for one CPU; returns its TSS.</summary>
    public static TaskStateSegment* Fill(CpuTables* t, in IstStacks ist)
    {
        TaskStateSegment* tss = &t->Tss;
        for (int i = 0; i < IoBitmapBytes; i++) t->IoBitmap[i] = 0xFF;
        t->Entries[0] = 0;
        t->Entries[1] = 0x00AF9A000000FFFF; // kernel code, 64-bit
        t->Entries[2] = 0x00CF92000000FFFF; // kernel data
        t->Entries[3] = 0x00CFF2000000FFFF; // user data, DPL 3
        t->Entries[4] = 0x00AFFA000000FFFF; // user code, 64-bit, DPL 3
        tss->Ist1 = ist.DoubleFault;
        tss->Ist2 = ist.Nmi;
        tss->Ist3 = ist.MachineCheck;
        tss->IoMapBase = (ushort)sizeof(TaskStateSegment); // the bitmap follows: all ports denied until granted
        ulong b = (ulong)tss;
        ulong limit = (ulong)(sizeof(TaskStateSegment) + IoBitmapBytes) - 1;
        t->Entries[5] = (limit & 0xFFFF) | ((b & 0xFFFFFF) << 16) | (0x89UL << 40) | (((limit >> 16) & 0xF) << 48) | (((b >> 24) & 0xFF) << 56);
        t->Entries[6] = b >> 32;
        return tss;
    }

    /// <summary>Loads the tables holding <paramref name="tss"/> as this CPU's GDT and task register.</summary>
    public static void Load(TaskStateSegment* tss)
    {
        var t = (CpuTables*)((byte*)tss - TssOffset);
        Pointer p;
        p.Limit = (ushort)(7 * 8 - 1);
        p.Base = (ulong)t;
        Cpu.LoadGdt(&p, KernelCode, KernelData);
        Cpu.LoadTaskRegister(Tss);
    }

    /// <summary>Allows (or denies again) ring 3 the ports [first, first + count) on this CPU.</summary>
    public static void SetPorts(uint first, uint count, bool allow)
    {
        byte* bitmap = (byte*)(PerCpu.Current->Tss + 1);
        for (uint p = first; p < first + count && p < 65536; p++)
        {
            byte bit = (byte)(1 << (int)(p & 7));
            if (allow) bitmap[p >> 3] &= (byte)~bit;
            else bitmap[p >> 3] |= bit;
        }
    }
}
