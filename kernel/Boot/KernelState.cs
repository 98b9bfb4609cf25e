// The composition root's state: the kernel objects built at boot, reachable by the layers above
// (in-guest tests, benchmarks, and in later issues the capability and process layers).
using Vireo.Kernel.Acpi;
using Vireo.Kernel.Arch.X64;
using Vireo.Kernel.Memory;
using Vireo.Kernel.Multiboot;

namespace Vireo.Kernel.Boot;

public static unsafe class KernelState
{
    public static KernelLayout Layout;
    public static PhysMap Direct;
    public static FrameAllocator Frames;
    public static FrameAllocatorFrameSource FrameSource;
    public static AcpiInfo Acpi;
    public static BootInfo BootInfo;
    public static ulong BootNanos;
}
