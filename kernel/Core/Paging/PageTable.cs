// One x86_64 4-level address space (PML4 -> PDPT -> PD -> PT), edited through the direct map.
// The struct is just (PhysMap, root): all state lives in the tables themselves, so copies are
// harmless and the code runs unchanged over emulated memory in host tests.
//
// Policy built in here rather than left to callers:
//  - W^X: a Writable leaf must also be NoExecute unless MapOptions.AllowWriteExecute is passed.
//  - Intermediate entries are Present|Writable (+User once any user page lies below) and never
//    NoExecute, so the leaf alone decides permissions.
//  - Tables emptied by an unmap (or left empty by a failed map) go back to the frame source.
//    PDPTs of the upper half are kept: those PML4 slots are shared by every address space.
//  - Blocks (MapBlock): 2^n bytes mapped with the largest pages that fit, natural alignment
//    required, so a block is a run of entries in one table and is mapped or refused whole.
// TLB and paging-structure caches are the caller's business: after Unmap/Protect of a live
// address space the caller must invlpg (which also drops cached intermediate entries).
// Addresses of frames and tables are PhysAddr at the interface; an entry is the CPU's 64-bit word,
// so the walker works on ulong entries and types the address it takes out of one (Target).
using System.Runtime.CompilerServices;
using Vireo.Abi;
using Vireo.Kernel.Memory;

namespace Vireo.Kernel.Paging;

public readonly unsafe struct PageTable
{
    public const ulong Size4K = ObjectSizes.PageSize;
    public const ulong Size2M = 1UL << 21;
    public const ulong Size1G = 1UL << 30;

    /// <summary>Bits 12..51: the physical address held by an entry that points to a table or 4 KiB page.</summary>
    public const ulong AddressMask = 0x000F_FFFF_FFFF_F000;

    private const int EntriesPerTable = 512;
    private const int PtLevel = 0;
    private const int PdLevel = 1;
    private const int PdptLevel = 2;
    private const int Pml4Level = 3;

    // Index of the first PML4 slot of the upper (kernel) half.
    private const int KernelHalfFirstSlot = 256;

    // Bits an entry reports back through TryTranslate: the low 12 flag bits and NX.
    private const ulong FlagBits = 0x8000_0000_0000_0FFF;

    // Leaf bits a caller may choose; Present and Huge are always decided here.
    private const ulong LeafChoosable = FlagBits & ~(ulong)(PageFlags.Present | PageFlags.Huge);

    // Permission/caching bits Protect replaces; address, Present, Huge, PAT and A/D survive.
    private const ulong ProtectBits = (ulong)(PageFlags.Writable | PageFlags.User | PageFlags.WriteThrough
        | PageFlags.CacheDisable | PageFlags.Global | PageFlags.NoExecute);

    private readonly PhysMap _map;

    /// <summary>Physical address of the PML4; the value CR3 holds (without PCID bits).</summary>
    public readonly PhysAddr Root;

    /// <summary>Wraps an existing PML4. Invariant: root is 4 KiB aligned and reachable through map.</summary>
    public PageTable(PhysMap map, PhysAddr root)
    {
        _map = map;
        Root = root;
    }

    /// <summary>Allocates an empty PML4.</summary>
    public static MapStatus TryCreate<TFrames>(PhysMap map, ref TFrames frames, out PageTable table)
        where TFrames : struct, IFrameSource
    {
        if (!frames.TryAllocZeroedFrame(out PhysAddr root))
        {
            table = default;
            return MapStatus.OutOfMemory;
        }

        table = new PageTable(map, root);
        return MapStatus.Ok;
    }

    /// <summary>True when bits 63..47 are all equal, i.e. the address is usable with 4-level paging.</summary>
    public static bool IsCanonical(ulong virt) => (ulong)((long)(virt << 16) >> 16) == virt;

    public MapStatus Map4K<TFrames>(ref TFrames frames, ulong virt, PhysAddr phys, PageFlags flags, MapOptions options = MapOptions.None)
        where TFrames : struct, IFrameSource
        => MapLeaf(ref frames, virt, phys, flags, options, PtLevel);

    public MapStatus Map2M<TFrames>(ref TFrames frames, ulong virt, PhysAddr phys, PageFlags flags, MapOptions options = MapOptions.None)
        where TFrames : struct, IFrameSource
        => MapLeaf(ref frames, virt, phys, flags, options, PdLevel);

    /// <summary>Maps a 1 GiB page; the caller must have checked CPUID for 1 GiB page support.</summary>
    public MapStatus Map1G<TFrames>(ref TFrames frames, ulong virt, PhysAddr phys, PageFlags flags, MapOptions options = MapOptions.None)
        where TFrames : struct, IFrameSource
        => MapLeaf(ref frames, virt, phys, flags, options, PdptLevel);

    /// <summary>
    /// Maps a block of 2^sizeBits bytes (MinBlockBits..MaxBlockBits), virt and phys both aligned to
    /// its size, with the largest pages that fit: 2 MiB pages from 2 MiB up (a 2 MiB block is one
    /// entry in a page directory and needs no page table), 4 KiB pages below. The block is checked
    /// whole before any page is mapped: AlreadyMapped or HugePageConflict if any part of it is
    /// mapped. An empty page table where a 2 MiB page goes gives way to it (returned to frames): the
    /// caller must invlpg the block if the table may be cached. 1 GiB pages are not used, so no
    /// CPUID check is needed. A 4 KiB block is Map4K, inlined: most mappings are single pages, and
    /// they should not pay for the block's checks (map_unmap_page).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public MapStatus MapBlock<TFrames>(ref TFrames frames, ulong virt, PhysAddr phys, int sizeBits, PageFlags flags, MapOptions options = MapOptions.None)
        where TFrames : struct, IFrameSource
        => sizeBits == MinBlockBits ? MapLeaf(ref frames, virt, phys, flags, options, PtLevel) : MapLargeBlock(ref frames, virt, phys, sizeBits, flags, options);

    private MapStatus MapLargeBlock<TFrames>(ref TFrames frames, ulong virt, PhysAddr phys, int sizeBits, PageFlags flags, MapOptions options)
        where TFrames : struct, IFrameSource
    {
        if (!TryBlockShape(sizeBits, out int level, out int count))
            return MapStatus.BadSize;
        if (count == 1)
            return MapLeaf(ref frames, virt, phys, flags, options, level);
        ulong page = LevelSize(level);
        if (((virt | phys.Value) & (page * (ulong)count - 1)) != 0)
            return MapStatus.NotAligned;
        for (int i = 0; i < count; i++)
        {
            MapStatus free = CheckFree(virt + (ulong)i * page, level);
            if (free != MapStatus.Ok)
                return free;
        }

        // Natural alignment keeps the block in one table (and on one side of the canonical hole), so
        // only the first page can fail (a bad argument, or no memory for its tables): nothing is mapped then.
        for (int i = 0; i < count; i++)
        {
            MapStatus s = MapLeaf(ref frames, virt + (ulong)i * page, phys + (ulong)i * page, flags, options, level);
            if (s != MapStatus.Ok)
                return s;
        }

        return MapStatus.Ok;
    }

    /// <summary>Unmaps a 4 KiB page and returns the frame it pointed to (the frame itself is not freed).
    /// keepTables leaves emptied page tables in place: user address
    /// spaces own their tables until they die, and reusing a table is cheaper than scanning it.</summary>
    public MapStatus Unmap4K<TFrames>(ref TFrames frames, ulong virt, out PhysAddr phys, bool keepTables = false)
        where TFrames : struct, IFrameSource
        => UnmapLeaf(ref frames, virt, PtLevel, out phys, keepTables);

    public MapStatus Unmap2M<TFrames>(ref TFrames frames, ulong virt, out PhysAddr phys)
        where TFrames : struct, IFrameSource
        => UnmapLeaf(ref frames, virt, PdLevel, out phys);

    public MapStatus Unmap1G<TFrames>(ref TFrames frames, ulong virt, out PhysAddr phys)
        where TFrames : struct, IFrameSource
        => UnmapLeaf(ref frames, virt, PdptLevel, out phys);

    /// <summary>Removes a block MapBlock made (every page of it, or nothing: NotMapped or
    /// HugePageConflict when the block is not mapped whole with the pages MapBlock would use).
    /// phys is the block's first byte. A 4 KiB block is Unmap4K, inlined (see MapBlock).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public MapStatus UnmapBlock<TFrames>(ref TFrames frames, ulong virt, int sizeBits, out PhysAddr phys, bool keepTables = false)
        where TFrames : struct, IFrameSource
        => sizeBits == MinBlockBits ? UnmapLeaf(ref frames, virt, PtLevel, out phys, keepTables) : UnmapLargeBlock(ref frames, virt, sizeBits, out phys, keepTables);

    private MapStatus UnmapLargeBlock<TFrames>(ref TFrames frames, ulong virt, int sizeBits, out PhysAddr phys, bool keepTables)
        where TFrames : struct, IFrameSource
    {
        phys = PhysAddr.Null;
        if (!TryBlockShape(sizeBits, out int level, out int count))
            return MapStatus.BadSize;
        if (count == 1)
            return UnmapLeaf(ref frames, virt, level, out phys, keepTables);
        MapStatus whole = CheckWhole(virt, level, count);
        if (whole != MapStatus.Ok)
            return whole;
        for (int i = count - 1; i >= 0; i--)
            UnmapLeaf(ref frames, virt + (ulong)i * LevelSize(level), level, out phys, keepTables);
        return MapStatus.Ok;
    }

    /// <summary>Size in bytes of each page MapBlock uses for a block of 2^sizeBits bytes.</summary>
    public static ulong BlockPageSize(int sizeBits) => sizeBits >= 21 ? Size2M : Size4K;

    public const int MinBlockBits = 12;
    public const int MaxBlockBits = 30;

    /// <summary>
    /// Replaces the permission and caching bits of the page (of any size) that starts at virt.
    /// virt must be aligned to that page's size.
    /// </summary>
    public MapStatus Protect(ulong virt, PageFlags flags, MapOptions options = MapOptions.None)
        => ProtectLeaf(virt, flags, options, -1);

    /// <summary>Protect for every page of a block MapBlock made; NotMapped unless it is mapped whole.</summary>
    public MapStatus ProtectBlock(ulong virt, int sizeBits, PageFlags flags, MapOptions options = MapOptions.None)
    {
        if (!TryBlockShape(sizeBits, out int level, out int count))
            return MapStatus.BadSize;
        if (count == 1)
            return ProtectLeaf(virt, flags, options, level);
        MapStatus whole = CheckWhole(virt, level, count);
        if (whole != MapStatus.Ok)
            return whole;
        for (int i = 0; i < count; i++)
        {
            // Each page is checked alike, so only the first can fail (W^X), before any change.
            MapStatus s = ProtectLeaf(virt + (ulong)i * LevelSize(level), flags, options, level);
            if (s != MapStatus.Ok)
                return s;
        }

        return MapStatus.Ok;
    }

    /// <summary>
    /// Translates virt through 4 KiB, 2 MiB and 1 GiB pages. flags holds the leaf's bits, except
    /// Writable and User, which are set only if every level grants them, and NoExecute, which is
    /// set if any level forbids execution: the access rights the CPU would actually enforce.
    /// </summary>
    public bool TryTranslate(ulong virt, out PhysAddr phys, out PageFlags flags)
    {
        phys = PhysAddr.Null;
        flags = PageFlags.None;
        if (!IsCanonical(virt))
            return false;

        ulong allowed = (ulong)(PageFlags.Writable | PageFlags.User);
        ulong noExecute = 0;
        ulong* table = Table(Root);
        for (int level = Pml4Level; level >= PtLevel; level--)
        {
            ulong entry = table[Index(virt, level)];
            if ((entry & (ulong)PageFlags.Present) == 0)
                return false;

            allowed &= entry;
            noExecute |= entry & (ulong)PageFlags.NoExecute;
            bool isLeaf = level == PtLevel || (level <= PdptLevel && (entry & (ulong)PageFlags.Huge) != 0);
            if (isLeaf)
            {
                ulong offsetMask = LevelSize(level) - 1;
                phys = new PhysAddr((entry & AddressMask & ~offsetMask) | (virt & offsetMask));
                ulong bits = entry & FlagBits & ~(ulong)(PageFlags.Writable | PageFlags.User | PageFlags.NoExecute);
                flags = (PageFlags)(bits | allowed | noExecute);
                return true;
            }

            table = Table(Target(entry));
        }

        return false;
    }

    /// <summary>Copies the upper-half PML4 slots of kernel into this table so both share kernel mappings.</summary>
    public void ShareKernelHalf(PageTable kernel)
    {
        ulong* source = Table(kernel.Root);
        ulong* target = Table(Root);
        for (int i = KernelHalfFirstSlot; i < EntriesPerTable; i++)
            target[i] = source[i];
    }

    private MapStatus MapLeaf<TFrames>(ref TFrames frames, ulong virt, PhysAddr phys, PageFlags flags, MapOptions options, int leafLevel)
        where TFrames : struct, IFrameSource
    {
        if (!IsCanonical(virt))
            return MapStatus.NonCanonical;
        ulong sizeMask = LevelSize(leafLevel) - 1;
        if (((virt | phys.Value) & sizeMask) != 0)
            return MapStatus.NotAligned;
        // Aligned already, so any bit outside AddressMask is above bit 51.
        if ((phys.Value & ~AddressMask) != 0)
            return MapStatus.BadPhysicalAddress;
        if (!WriteExecuteAllowed(flags, options))
            return MapStatus.WriteExecuteDenied;

        ulong userBit = (ulong)flags & (ulong)PageFlags.User;
        ulong intermediate = (ulong)(PageFlags.Present | PageFlags.Writable) | userBit;
        ulong* table = Table(Root);
        for (int level = Pml4Level; level > leafLevel; level--)
        {
            ulong* slot = table + Index(virt, level);
            ulong entry = *slot;
            if ((entry & (ulong)PageFlags.Present) == 0)
            {
                if (!frames.TryAllocZeroedFrame(out PhysAddr frame))
                {
                    // Tables created so far on this path are empty; give them back.
                    Prune(ref frames, virt);
                    return MapStatus.OutOfMemory;
                }

                entry = frame.Value | intermediate;
                *slot = entry;
            }
            else if ((entry & (ulong)PageFlags.Huge) != 0)
            {
                return MapStatus.HugePageConflict;
            }
            else if ((entry & userBit) != userBit)
            {
                // Only User is widened: an existing read-only intermediate stays read-only.
                entry |= userBit;
                *slot = entry;
            }

            table = Table(Target(entry));
        }

        ulong* leaf = table + Index(virt, leafLevel);
        ulong existing = *leaf;
        if ((existing & (ulong)PageFlags.Present) != 0)
        {
            bool slotHoldsTable = leafLevel != PtLevel && (existing & (ulong)PageFlags.Huge) == 0;
            if (!slotHoldsTable)
                return MapStatus.AlreadyMapped;
            // Smaller pages are mapped there, unless the table is empty: then it gives way.
            if (!IsEmpty(Table(Target(existing))))
                return MapStatus.HugePageConflict;
            frames.FreeFrame(Target(existing));
        }

        ulong huge = leafLevel == PtLevel ? 0 : (ulong)PageFlags.Huge;
        *leaf = phys.Value | ((ulong)flags & LeafChoosable) | (ulong)PageFlags.Present | huge;
        return MapStatus.Ok;
    }

    private MapStatus UnmapLeaf<TFrames>(ref TFrames frames, ulong virt, int leafLevel, out PhysAddr phys, bool keepTables = false)
        where TFrames : struct, IFrameSource
    {
        phys = PhysAddr.Null;
        if (!IsCanonical(virt))
            return MapStatus.NonCanonical;
        if ((virt & (LevelSize(leafLevel) - 1)) != 0)
            return MapStatus.NotAligned;

        ulong* table = Table(Root);
        for (int level = Pml4Level; level > leafLevel; level--)
        {
            ulong entry = table[Index(virt, level)];
            if ((entry & (ulong)PageFlags.Present) == 0)
                return MapStatus.NotMapped;
            if (level <= PdptLevel && (entry & (ulong)PageFlags.Huge) != 0)
                return MapStatus.HugePageConflict;
            table = Table(Target(entry));
        }

        ulong* leaf = table + Index(virt, leafLevel);
        if ((*leaf & (ulong)PageFlags.Present) == 0)
            return MapStatus.NotMapped;
        // A large-page slot that holds a table has smaller pages under it.
        if (leafLevel != PtLevel && (*leaf & (ulong)PageFlags.Huge) == 0)
            return MapStatus.HugePageConflict;

        phys = new PhysAddr(*leaf & AddressMask & ~(LevelSize(leafLevel) - 1));
        *leaf = 0;
        if (!keepTables)
            Prune(ref frames, virt);
        return MapStatus.Ok;
    }

    // Replaces the permission bits of the page at virt; leafLevel -1 accepts a page of any size.
    private MapStatus ProtectLeaf(ulong virt, PageFlags flags, MapOptions options, int leafLevel)
    {
        if (!IsCanonical(virt))
            return MapStatus.NonCanonical;
        if (!WriteExecuteAllowed(flags, options))
            return MapStatus.WriteExecuteDenied;

        ulong* leaf = FindLeaf(virt, out int level);
        if (leaf == null || (leafLevel >= 0 && level != leafLevel))
            return MapStatus.NotMapped;
        if ((virt & (LevelSize(level) - 1)) != 0)
            return MapStatus.NotAligned;

        if ((flags & PageFlags.User) != 0)
            GrantUserOnPath(virt, level);
        *leaf = (*leaf & ~ProtectBits) | ((ulong)flags & ProtectBits);
        return MapStatus.Ok;
    }

    // Ok when a page of leafLevel's size could be mapped at virt: nothing there, or an empty table
    // in a large page's slot. Otherwise the status MapLeaf would return.
    private MapStatus CheckFree(ulong virt, int leafLevel)
    {
        ulong* table = Table(Root);
        for (int level = Pml4Level; level >= leafLevel; level--)
        {
            ulong entry = table[Index(virt, level)];
            if ((entry & (ulong)PageFlags.Present) == 0)
                return MapStatus.Ok;
            bool isLeaf = level == PtLevel || (level <= PdptLevel && (entry & (ulong)PageFlags.Huge) != 0);
            if (level == leafLevel)
                return isLeaf ? MapStatus.AlreadyMapped : IsEmpty(Table(Target(entry))) ? MapStatus.Ok : MapStatus.HugePageConflict;
            if (isLeaf)
                return MapStatus.HugePageConflict;
            table = Table(Target(entry));
        }

        return MapStatus.Ok;
    }

    // Ok when count pages of leafLevel's size from virt (aligned to all of them) are all mapped.
    private MapStatus CheckWhole(ulong virt, int leafLevel, int count)
    {
        if (!IsCanonical(virt))
            return MapStatus.NonCanonical;
        if ((virt & (LevelSize(leafLevel) * (ulong)count - 1)) != 0)
            return MapStatus.NotAligned;
        for (int i = 0; i < count; i++)
        {
            if (FindLeaf(virt + (ulong)i * LevelSize(leafLevel), out int level) == null || level != leafLevel)
                return MapStatus.NotMapped;
        }

        return MapStatus.Ok;
    }

    // The level and number of the pages MapBlock uses for 2^sizeBits bytes; false for other sizes.
    private static bool TryBlockShape(int sizeBits, out int level, out int count)
    {
        level = sizeBits >= 21 ? PdLevel : PtLevel;
        count = sizeBits < MinBlockBits || sizeBits > MaxBlockBits ? 0 : 1 << (sizeBits - 12 - 9 * level);
        return count != 0;
    }

    // Returns the present leaf entry mapping virt and its level, or null when nothing maps it.
    private ulong* FindLeaf(ulong virt, out int leafLevel)
    {
        ulong* table = Table(Root);
        for (int level = Pml4Level; level >= PtLevel; level--)
        {
            ulong* slot = table + Index(virt, level);
            ulong entry = *slot;
            if ((entry & (ulong)PageFlags.Present) == 0)
                break;
            if (level == PtLevel || (level <= PdptLevel && (entry & (ulong)PageFlags.Huge) != 0))
            {
                leafLevel = level;
                return slot;
            }

            table = Table(Target(entry));
        }

        leafLevel = -1;
        return null;
    }

    // Sets User on the intermediate entries above a leaf at leafLevel (which must exist).
    private void GrantUserOnPath(ulong virt, int leafLevel)
    {
        ulong* table = Table(Root);
        for (int level = Pml4Level; level > leafLevel; level--)
        {
            ulong* slot = table + Index(virt, level);
            *slot |= (ulong)PageFlags.User;
            table = Table(Target(*slot));
        }
    }

    // Frees every empty table on virt's path, deepest first, stopping at the first non-empty one.
    private void Prune<TFrames>(ref TFrames frames, ulong virt)
        where TFrames : struct, IFrameSource
        => PruneChild(ref frames, Table(Root), Pml4Level, virt);

    // Prunes below the entry for virt in table (at level); returns true when table is now empty.
    private bool PruneChild<TFrames>(ref TFrames frames, ulong* table, int level, ulong virt)
        where TFrames : struct, IFrameSource
    {
        ulong* slot = table + Index(virt, level);
        ulong entry = *slot;
        bool pointsToTable = level > PtLevel && (entry & (ulong)PageFlags.Present) != 0
            && (level == Pml4Level || (entry & (ulong)PageFlags.Huge) == 0);
        if (pointsToTable)
        {
            PhysAddr childPhys = Target(entry);
            int childLevel = level - 1;
            bool childShared = childLevel == PdptLevel && Index(virt, Pml4Level) >= KernelHalfFirstSlot;
            if (PruneChild(ref frames, Table(childPhys), childLevel, virt) && !childShared)
            {
                *slot = 0;
                frames.FreeFrame(childPhys);
            }
        }

        // The root is never freed, so there is no point scanning it.
        return level != Pml4Level && IsEmpty(table);
    }

    private static bool IsEmpty(ulong* table)
    {
        for (int i = 0; i < EntriesPerTable; i++)
        {
            if (table[i] != 0)
                return false;
        }

        return true;
    }

    private static bool WriteExecuteAllowed(PageFlags flags, MapOptions options)
        => (flags & PageFlags.Writable) == 0
            || (flags & PageFlags.NoExecute) != 0
            || (options & MapOptions.AllowWriteExecute) != 0;

    private static int Index(ulong virt, int level) => (int)((virt >> (12 + 9 * level)) & (EntriesPerTable - 1));

    private static ulong LevelSize(int level) => 1UL << (12 + 9 * level);

    // The table or page an entry points to (bits 12..51; a large page's offset bits are zero).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static PhysAddr Target(ulong entry) => new(entry & AddressMask);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong* Table(PhysAddr phys) => _map.As<ulong>(phys);
}
