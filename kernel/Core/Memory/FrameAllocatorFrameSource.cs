// Adapts FrameAllocator to Paging's IFrameSource. PageTable takes its frame source as a struct generic
// argument (specialised by ilc, no interface dispatch), and FrameAllocator is a class, so this one-field
// struct carries the reference; copies of it all share the same allocator.
using Vireo.Kernel.Paging;

namespace Vireo.Kernel.Memory;

public struct FrameAllocatorFrameSource : IFrameSource
{
    private readonly FrameAllocator _allocator;

    public FrameAllocatorFrameSource(FrameAllocator allocator)
    {
        _allocator = allocator;
    }

    public bool TryAllocZeroedFrame(out PhysAddr phys) => _allocator.TryAllocZeroed(out phys);

    /// <summary>A rejected free (double free, unmanaged frame) is ignored here; the allocator's state is unchanged.</summary>
    public void FreeFrame(PhysAddr phys) => _allocator.Free(phys);
}
