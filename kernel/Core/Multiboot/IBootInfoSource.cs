// What BootInfo needs from a boot protocol reader. Implemented by the Multiboot1/2 readers and used only as a
// generic constraint (never as a boxed interface value), so the kernel build needs no interface dispatch.
using System;

namespace Vireo.Kernel.Multiboot;

public interface IBootInfoSource
{
    BootParseStatus GetMemoryBounds(out uint lowerKiB, out uint upperKiB);
    BootParseStatus ReadMemoryMap(Span<MemoryRegion> dest, out int count);
    BootParseStatus ReadModules(Span<BootModule> dest, out int count);
    BootParseStatus CopyCmdline(Span<byte> dest, out int length);
}
