// TLB shootdown. A CPU caches translations of the address space its CR3 holds; a mapping removed or
// narrowed on one CPU stays usable on another until that one invalidates it. Unmap and Protect
// (Nucleus/Mappings.cs) invalidate locally and then here on every other CPU whose CR3 holds the same
// root (PerCpuBlock.ActiveRoot), through a cross-CPU call that returns only when each has done it
// (ADR 0017). A CPU that has since loaded another root has no entries of this one left (no PCIDs; user
// pages are not global), so it needs nothing.
using System.Runtime.CompilerServices;
using Vireo.Kernel.Memory;
using Vireo.Kernel.Paging;

namespace Vireo.Kernel.Arch.X64;

public static unsafe class Tlb
{
    /// <summary>Invalidates the block of 2^sizeBits bytes at <paramref name="virt"/> on every other
    /// CPU running on <paramref name="root"/>; returns once they have. Inline: on one CPU it is a test.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ShootDown(PhysAddr root, ulong virt, int sizeBits)
    {
        if (PerCpu.Count > 1) ShootDownOthers(root, virt, sizeBits);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ShootDownOthers(PhysAddr root, ulong virt, int sizeBits)
    {
        ulong mask = 0;
        for (int i = 0; i < PerCpu.Count; i++)
            if (PerCpu.Block(i)->ActiveRoot == root.Value) mask |= 1UL << i;
        mask &= ~(1UL << (int)PerCpu.Index);
        if (mask != 0) CrossCall.RunOnMask(mask, &InvalidateHere, virt | (uint)sizeBits);
    }

    /// <summary>Invalidates a kernel-half block (global pages, in every CPU's TLB) on every other CPU.</summary>
    public static void ShootDownKernel(ulong virt, int sizeBits) =>
        CrossCall.RunOnMask(ulong.MaxValue, &InvalidateHere, virt | (uint)sizeBits);

    // The argument is the block's page-aligned address with its size (bits) in the low 12 bits.
    private static void InvalidateHere(ulong arg) => InvalidateLocal(arg & ~0xFFFUL, (int)(arg & 0xFFF));

    /// <summary>Invalidates the block on this CPU only: one invlpg per page of the block (at most 512,
    /// a 1 GiB frame in 2 MiB pages).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void InvalidateLocal(ulong virt, int sizeBits)
    {
        ulong page = PageTable.BlockPageSize(sizeBits);
        for (ulong v = virt; v < virt + (1UL << sizeBits); v += page) Cpu.InvalidatePage(v);
    }
}
