// Privileged and special instructions, implemented in Asm/cpu.S. Each import is a plain call;
// the cost is a few instructions, which matters only on paths measured in kernel/Arch benchmarks.
using System.Runtime;
using System.Runtime.CompilerServices;
using Vireo.Kernel.Memory;

namespace Vireo.Kernel.Arch.X64;

public static unsafe class Cpu
{
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_outb")] public static extern void OutB(ushort port, byte value);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_outw")] public static extern void OutW(ushort port, ushort value);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_outl")] public static extern void OutL(ushort port, uint value);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_inb")] public static extern byte InB(ushort port);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_inw")] public static extern ushort InW(ushort port);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_inl")] public static extern uint InL(ushort port);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_read_cr0")] public static extern ulong ReadCr0();
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_read_cr2")] public static extern ulong ReadCr2();
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_read_cr3")] private static extern ulong ReadCr3Raw();
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_read_cr4")] public static extern ulong ReadCr4();
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_write_cr0")] public static extern void WriteCr0(ulong value);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "arch_write_cr3")] private static extern void WriteCr3Raw(ulong value);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_write_cr4")] public static extern void WriteCr4(ulong value);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_rdmsr")] public static extern ulong ReadMsr(uint msr);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_wrmsr")] public static extern void WriteMsr(uint msr, ulong value);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_cpuid")] public static extern void CpuId(uint leaf, uint subleaf, uint* result);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_rdtsc")] public static extern ulong ReadTsc();
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_lidt")] public static extern void LoadIdt(void* descriptor);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_lgdt")] public static extern void LoadGdt(void* descriptor, ushort codeSelector, ushort dataSelector);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_ltr")] public static extern void LoadTaskRegister(ushort selector);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_hlt")] public static extern void Halt();
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_sti")] public static extern void EnableInterrupts();
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_cli")] public static extern void DisableInterrupts();
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_sti_hlt")] public static extern void EnableInterruptsAndHalt();
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_pause")] public static extern void Pause();
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_invlpg")] public static extern void InvalidatePage(ulong virt);
    /// <summary>FXSAVE into a 512-byte, 16-byte aligned area.</summary>
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_fxsave")] public static extern void FxSave(byte* area);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_read_rflags")] public static extern ulong ReadFlags();
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_read_rbp")] public static extern ulong ReadFramePointer();
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_read_rsp")] public static extern ulong ReadStackPointer();
    /// <summary>Atomically adds <paramref name="value"/> to *<paramref name="p"/>; returns the old value (a full barrier).</summary>
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_fetch_add32")] public static extern uint FetchAdd(uint* p, uint value);
    /// <summary>Reads *<paramref name="p"/> from memory on every call (for polling what another CPU writes).</summary>
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_load32")] public static extern uint Load(uint* p);
    /// <summary>Stores with release order (x86 keeps earlier stores before it); a compiler barrier too.</summary>
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_store32")] public static extern void Store(uint* p, uint value);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_ud2")] public static extern void InvalidOpcode();
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_int3")] public static extern void Breakpoint();

    // CR3 holds the physical address of the PML4: the kernel uses no PCIDs and sets neither PWT nor
    // PCD there, so the register's value is the root's address and is typed as one.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static PhysAddr ReadCr3() => new(ReadCr3Raw());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    // Recorded in this CPU's block by the same stub (PerCpuBlock.ActiveRoot, read by Tlb.cs): a CPU
    // whose CR3 holds another root caches none of this one's entries. Needs PerCpu.Load to have run.
    public static void WriteCr3(PhysAddr root) => WriteCr3Raw(root.Value);
}
