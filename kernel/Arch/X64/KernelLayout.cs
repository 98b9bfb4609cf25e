// Addresses fixed by the linker script and boot.S, fetched once through kernel_layout().
// Field order is the order of layout_table in Asm/boot.S.
using System.Runtime;
using System.Runtime.CompilerServices;
using Vireo.Kernel.Memory;

namespace Vireo.Kernel.Arch.X64;

public struct KernelLayout
{
    public ulong KernelVma;
    public ulong PhysStart;
    public ulong TextStart, TextEnd;
    public ulong RodataStart, RodataEnd;
    public ulong DataStart, LoadEnd;
    public ulong BssStart, BssEnd;
    public ulong KsymsStart, KsymsEnd;
    public ulong ModulesStart, ModulesEnd;
    public ulong IsrTable;
    public ulong ArenaStart, ArenaEnd;
    public ulong BootStackGuard, BootStackTop;
    public ulong DoubleFaultGuard, DoubleFaultTop;
    public ulong NmiGuard, NmiTop;
    public ulong MachineCheckGuard, MachineCheckTop;
    public ulong BootPml4;

    public PhysAddr ToPhys(ulong virt) => new(virt - KernelVma);
    public ulong PhysEnd => BssEnd - KernelVma;

    public bool IsGuardPage(ulong virt) =>
        virt == BootStackGuard || virt == DoubleFaultGuard || virt == NmiGuard || virt == MachineCheckGuard;

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "kernel_layout")]
    public static extern unsafe void Read(KernelLayout* layout);
}
