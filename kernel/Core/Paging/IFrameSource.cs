// Where PageTable gets frames for intermediate tables and returns them on reclamation.
// PageTable takes the source as `ref TFrames` with `TFrames : struct, IFrameSource`, so ilc
// specialises each call site and no interface dispatch or boxing happens at run time; the
// `ref` keeps the caller's allocator state (a struct copied by value would lose it).
using Vireo.Kernel.Memory;

namespace Vireo.Kernel.Paging;

public interface IFrameSource
{
    /// <summary>Allocates one 4 KiB frame whose contents are all zero.</summary>
    bool TryAllocZeroedFrame(out PhysAddr phys);

    void FreeFrame(PhysAddr phys);
}
