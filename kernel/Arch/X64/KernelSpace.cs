// The kernel's half of every address space, built once at boot to replace the trampoline tables:
//   0xFFFF8000_00000000  direct map of RAM (2 MiB pages, RW, NX)
//   0xFFFFFF00_00000000  device registers (4 KiB pages, uncached, NX), handed out by MapDevice, and
//                        the APs' kernel and IST stacks (MapStack), each below an unmapped guard page
//   0xFFFFFFFF_80000000  the kernel image: text RX, rodata R, data/bss RW, guard pages unmapped
// Nothing is mapped below the canonical hole, page 0 included: user space owns the lower half
// and compiled C# relies on a fault at null.
using Vireo.Kernel.Memory;
using Vireo.Kernel.Paging;

namespace Vireo.Kernel.Arch.X64;

public static unsafe class KernelSpace
{
    public const ulong DirectMapBase = 0xFFFF800000000000;
    public const ulong DeviceBase = 0xFFFFFF0000000000;
    private const ulong DeviceWindow = 1UL << 30;

    private static PageTable s_table;
    private static ulong s_deviceNext = DeviceBase;

    public static PageTable Table => s_table;

    public static MapStatus Build(PhysMap direct, ref FrameAllocatorFrameSource frames, in KernelLayout layout, ulong directMapEnd)
    {
        MapStatus status = PageTable.TryCreate(direct, ref frames, out PageTable table);
        if (status != MapStatus.Ok) return status;

        const PageFlags data = PageFlags.Present | PageFlags.Writable | PageFlags.NoExecute | PageFlags.Global;
        for (ulong p = 0; p < directMapEnd; p += PageTable.Size2M)
        {
            status = table.Map2M(ref frames, DirectMapBase + p, new PhysAddr(p), data);
            if (status != MapStatus.Ok) return status;
        }

        status = MapImage(table, ref frames, layout, layout.TextStart, layout.TextEnd, PageFlags.Present | PageFlags.Global);
        if (status == MapStatus.Ok)
            status = MapImage(table, ref frames, layout, layout.RodataStart, layout.RodataEnd, PageFlags.Present | PageFlags.NoExecute | PageFlags.Global);
        if (status == MapStatus.Ok)
            status = MapImage(table, ref frames, layout, layout.DataStart, layout.BssEnd, data);
        if (status != MapStatus.Ok) return status;

        s_table = table;
        // Global pages survive CR3 switches: the kernel half is the same in every address space.
        Cpu.WriteCr4(Cpu.ReadCr4() | (1UL << 7));
        Cpu.WriteCr3(table.Root);
        return MapStatus.Ok;
    }

    private static MapStatus MapImage(PageTable table, ref FrameAllocatorFrameSource frames, in KernelLayout layout, ulong start, ulong end, PageFlags flags)
    {
        for (ulong v = start & ~(PageTable.Size4K - 1); v < end; v += PageTable.Size4K)
        {
            if (layout.IsGuardPage(v)) continue;
            MapStatus status = table.Map4K(ref frames, v, layout.ToPhys(v), flags);
            if (status != MapStatus.Ok) return status;
        }
        return MapStatus.Ok;
    }

    /// <summary>Maps device registers uncached; returns null when the window is exhausted.</summary>
    public static byte* MapDevice(ref FrameAllocatorFrameSource frames, PhysAddr phys, ulong length)
    {
        PhysAddr first = phys.AlignDown(PageTable.Size4K);
        ulong pages = (phys - first + length + PageTable.Size4K - 1) / PageTable.Size4K;
        var flags = PageFlags.Present | PageFlags.Writable | PageFlags.NoExecute | PageFlags.CacheDisable | PageFlags.WriteThrough | PageFlags.Global;
        ulong virt = MapWindow(ref frames, first, pages, flags, 0);
        return virt == 0 ? null : (byte*)(virt + (phys - first));
    }

    /// <summary>Maps <paramref name="pages"/> frames from <paramref name="phys"/> as a kernel stack
    /// (RW, NX) in the same window, below an unmapped guard page; returns the stack's top, or 0.</summary>
    public static ulong MapStack(ref FrameAllocatorFrameSource frames, PhysAddr phys, ulong pages)
    {
        ulong bottom = MapWindow(ref frames, phys, pages, PageFlags.Present | PageFlags.Writable | PageFlags.NoExecute | PageFlags.Global, 1);
        return bottom == 0 ? 0 : bottom + pages * PageTable.Size4K;
    }

    // Maps pages at the next free address of the window after `guardPages` left unmapped.
    private static ulong MapWindow(ref FrameAllocatorFrameSource frames, PhysAddr first, ulong pages, PageFlags flags, ulong guardPages)
    {
        ulong virt = s_deviceNext + guardPages * PageTable.Size4K;
        if (virt + pages * PageTable.Size4K > DeviceBase + DeviceWindow) return 0;
        for (ulong i = 0; i < pages; i++)
            if (s_table.Map4K(ref frames, virt + i * PageTable.Size4K, first + i * PageTable.Size4K, flags) != MapStatus.Ok) return 0;
        s_deviceNext = virt + pages * PageTable.Size4K;
        return virt;
    }
}
