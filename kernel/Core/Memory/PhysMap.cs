// The direct map: every physical address is visible at a fixed virtual offset.
// In the kernel the offset is the higher-half direct-map base; in host tests it is the
// address of a pinned buffer that stands in for physical memory. Portable code reaches
// physical memory only through this type, which is why it can be tested on the host.
using System.Runtime.CompilerServices;

namespace Vireo.Kernel.Memory;

public readonly unsafe struct PhysMap
{
    public readonly byte* Base;
    public readonly ulong Limit;

    public PhysMap(byte* @base, ulong limit)
    {
        Base = @base;
        Limit = limit;
    }

    /// <summary>True when [phys, phys+length) lies inside the mapped window.</summary>
    public bool Contains(ulong phys, ulong length) => phys <= Limit && length <= Limit - phys;

    public byte* Ptr(ulong phys) => Base + phys;

    public T* As<T>(ulong phys) where T : unmanaged => (T*)(Base + phys);

    public ulong ToPhys(void* virt) => (ulong)((byte*)virt - Base);

    // The same through PhysAddr, for code that keeps its addresses typed (PhysAddr.cs).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte* Ptr(PhysAddr phys) => Base + phys.Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T* As<T>(PhysAddr phys) where T : unmanaged => (T*)(Base + phys.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public PhysAddr AddressOf(void* virt) => new((ulong)((byte*)virt - Base));
}
