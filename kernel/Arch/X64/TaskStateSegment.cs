// The 64-bit task-state segment: the ring-0 stack (rsp0) the CPU loads on an interrupt from ring 3,
// and the IST stacks. arch_set_current (Asm/interrupts.S) writes rsp0 at offset 4; a host test pins it.
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
