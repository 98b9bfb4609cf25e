// Segmentation as long mode needs it: flat code/data for ring 0 and ring 3, and the TSS, which
// holds the ring-0 stack for interrupts from user mode and the IST stacks (double fault, NMI,
// machine check) that keep the kernel able to report a fault even when its own stack is gone.
// Selector order is fixed by SYSRET: user data must sit 8 below user code (see syscall entry).
using System.Runtime.InteropServices;

namespace Vireo.Kernel.Arch.X64;

[StructLayout(LayoutKind.Sequential, Pack = 4)]
public struct TaskStateSegment
{
    public uint Reserved0;
    public ulong Rsp0, Rsp1, Rsp2;
    public ulong Reserved1;
    public ulong Ist1, Ist2, Ist3, Ist4, Ist5, Ist6, Ist7;
    public ulong Reserved2;
    public ushort Reserved3;
    public ushort IoMapBase;
}

public static unsafe class Gdt
{
    public const ushort KernelCode = 0x08, KernelData = 0x10, UserData = 0x18 | 3, UserCode = 0x20 | 3, Tss = 0x28;
    public const int DoubleFaultIst = 1, NmiIst = 2, MachineCheckIst = 3;

    private struct Table { public fixed ulong Entries[7]; }

    [StructLayout(LayoutKind.Sequential, Pack = 2)]
    private struct Pointer { public ushort Limit; public ulong Base; }

    // The TSS followed by its I/O permission bitmap (a clear bit lets ring 3 use that port) and
    // the terminating byte of ones the CPU requires.
    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    private struct TssWithBitmap
    {
        public TaskStateSegment Tss;
        public fixed byte IoBitmap[8192 + 1];
    }

    private static Table s_table;
    private static TssWithBitmap s_tssBlock;

    public static void Init(in KernelLayout layout)
    {
        fixed (Table* t = &s_table)
        fixed (TssWithBitmap* block = &s_tssBlock)
        {
            TaskStateSegment* tss = &block->Tss;
            for (int i = 0; i < 8192 + 1; i++) block->IoBitmap[i] = 0xFF;
            t->Entries[0] = 0;
            t->Entries[1] = 0x00AF9A000000FFFF; // kernel code, 64-bit
            t->Entries[2] = 0x00CF92000000FFFF; // kernel data
            t->Entries[3] = 0x00CFF2000000FFFF; // user data, DPL 3
            t->Entries[4] = 0x00AFFA000000FFFF; // user code, 64-bit, DPL 3
            tss->Ist1 = layout.DoubleFaultTop;
            tss->Ist2 = layout.NmiTop;
            tss->Ist3 = layout.MachineCheckTop;
            tss->IoMapBase = (ushort)sizeof(TaskStateSegment); // the bitmap follows: all ports denied until granted
            ulong b = (ulong)tss;
            ulong limit = (ulong)sizeof(TssWithBitmap) - 1;
            t->Entries[5] = (limit & 0xFFFF) | ((b & 0xFFFFFF) << 16) | (0x89UL << 40) | (((limit >> 16) & 0xF) << 48) | (((b >> 24) & 0xFF) << 56);
            t->Entries[6] = b >> 32;

            Pointer p;
            p.Limit = (ushort)(7 * 8 - 1);
            p.Base = (ulong)t;
            Cpu.LoadGdt(&p, KernelCode, KernelData);
            Cpu.LoadTaskRegister(Tss);
        }
    }

    /// <summary>The stack the CPU switches to on an interrupt from ring 3.</summary>
    public static void SetKernelStack(ulong top) => s_tssBlock.Tss.Rsp0 = top;

    /// <summary>Allows (or denies again) ring 3 the ports [first, first + count).</summary>
    public static void SetPorts(uint first, uint count, bool allow)
    {
        for (uint p = first; p < first + count && p < 65536; p++)
        {
            byte bit = (byte)(1 << (int)(p & 7));
            if (allow) s_tssBlock.IoBitmap[p >> 3] &= (byte)~bit;
            else s_tssBlock.IoBitmap[p >> 3] |= bit;
        }
    }
}
