// x86_64 page-table entry bits (Intel SDM vol. 3, 4.5). One enum serves every level:
// the bits that differ per level (PS at PDPT/PD, PAT at PT) are handled by PageTable,
// which sets or strips Huge itself so callers never pick a page size through flags.
using System;

namespace Vireo.Kernel.Paging;

[Flags]
public enum PageFlags : ulong
{
    None = 0,
    Present = 1UL << 0,
    Writable = 1UL << 1,
    User = 1UL << 2,
    WriteThrough = 1UL << 3,
    CacheDisable = 1UL << 4,
    Accessed = 1UL << 5,
    Dirty = 1UL << 6,
    Huge = 1UL << 7,
    Global = 1UL << 8,
    NoExecute = 1UL << 63,
}

/// <summary>Caller choices that are not page-table bits.</summary>
public enum MapOptions
{
    None = 0,

    /// <summary>Permit a Writable mapping without NoExecute (JIT-free kernels should never need it).</summary>
    AllowWriteExecute = 1,
}

/// <summary>Outcome of a page-table operation; Ok is the only success value.</summary>
public enum MapStatus
{
    Ok = 0,
    NotAligned,
    NonCanonical,
    AlreadyMapped,
    NotMapped,
    OutOfMemory,
    WriteExecuteDenied,
    HugePageConflict,

    /// <summary>Physical address needs more than the 52 bits an entry can hold.</summary>
    BadPhysicalAddress,

    /// <summary>A block size MapBlock does not map (below 4 KiB or above 1 GiB).</summary>
    BadSize,
}
