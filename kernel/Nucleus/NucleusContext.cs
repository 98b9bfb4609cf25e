// What the nucleus needs from boot, handed over once by the composition root (kmain) and held here:
// the nucleus never reads the root's statics (KernelState), so the dependency runs one way, from
// kernel/Boot to the nucleus, and host tests set up a context of their own (an emulated direct map).
// One static instance rather than a parameter on every call: the syscall paths read the direct map
// on every call, and a static field costs them nothing (see the null syscall benchmark).
using Vireo.Kernel.Acpi;
using Vireo.Kernel.Memory;

namespace Vireo.Kernel.Nucleus;

public struct NucleusContext
{
    /// <summary>Physical memory as the kernel sees it: every kernel object is reached through it.</summary>
    public PhysMap Direct;

    /// <summary>The interrupt routing of the machine (ISA lines to GSIs) for IrqHandlerGet.</summary>
    public MadtInfo Madt;

    /// <summary>PCI Express configuration space (ECAM) for the bootstrap's information page; Segment,
    /// buses and address 0 when the machine has no MCFG.</summary>
    public McfgInfo Mcfg;

    /// <summary>The context in force; written once at boot by Init (and by host tests).</summary>
    public static NucleusContext Current;

    public static void Init(in NucleusContext context) => Current = context;
}
