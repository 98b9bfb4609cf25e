// An AddressSpace object (2^sizeBits bytes, sizeBits 12..22, retyped from untyped memory):
//   page 0: the PML4. Its kernel half is shared with every address space; its entries
//           [InfoFirstEntry, 256) are not used for mappings (user space ends below them) and hold
//           the bookkeeping instead (ASID, page-table pool bitmap). Every word kept
//           there has bit 0 (Present) clear, so the CPU never follows one.
//   pages 1..: the pool the address space's page tables come from.
// So every page table a process needs is paid for by the memory its address space was retyped
// from: the kernel allocates nothing, and destroying the object frees every table with it. A
// small process (image and stack in one 2 MiB region) fits in 16 KiB: the PML4 and 3 tables.
// Each live address space holds an ASID: a frame capability records the mapping it made as
// (ASID, generation, vaddr), so a mapping into an address space that has since been destroyed
// is recognised as gone and never followed into memory that may have been reused.
using Vireo.Abi;
using Vireo.Kernel.Arch.X64;
using Vireo.Kernel.Memory;
using Vireo.Kernel.Paging;

namespace Vireo.Kernel.Nucleus;

public static unsafe class AddressSpaces
{
    public const uint MaxAsids = 16384;

    private struct AsidEntry
    {
        public PhysAddr Phys;    // null when free
        public uint Generation;
        public uint NextFree;
    }

    private static AsidEntry* s_asids;
    private static uint s_freeHead;
    private static uint s_freeCount;

    /// <summary>ASIDs not held by a live address space: Retype checks it before it makes any.</summary>
    public static uint FreeAsids => s_freeCount;


    /// <summary>Boot time: the ASID table, from kernel memory (MaxAsids * 16 bytes).</summary>
    public static void Init(byte* table)
    {
        s_asids = (AsidEntry*)table;
        for (uint i = 0; i < MaxAsids; i++)
        {
            s_asids[i].Phys = PhysAddr.Null;
            s_asids[i].Generation = 1;
            s_asids[i].NextFree = i + 1;
        }
        s_freeHead = 1; // ASID 0 means "none"
        s_freeCount = MaxAsids - 1;
    }

    public static PageTable TableOf(PhysMap map, PhysAddr asPhys) => new PageTable(map, asPhys);
    public static AddressSpaceInfo* InfoOf(PhysMap map, PhysAddr asPhys) => map.As<AddressSpaceInfo>(asPhys + AddressSpaceInfo.InfoFirstEntry * 8);

    /// <summary>Makes a zeroed AddressSpace object usable; false when no ASID is left.</summary>
    public static bool Initialize(PhysMap map, PhysAddr asPhys, int sizeBits)
    {
        if (s_freeHead >= MaxAsids) return false;
        uint asid = s_freeHead;
        s_freeHead = s_asids[asid].NextFree;
        s_freeCount--;
        s_asids[asid].Phys = asPhys;
        TableOf(map, asPhys).ShareKernelHalf(KernelSpace.Table);
        AddressSpaceInfo* info = InfoOf(map, asPhys);
        info->Asid = asid;
        ulong pool = (1UL << sizeBits) / ObjectSizes.PageSize - 1;
        info->PoolPages = (uint)(pool > AddressSpaceInfo.MaxPoolPages ? AddressSpaceInfo.MaxPoolPages : pool);
        ObjectCounts.Add(KernelCounter.Asids, 1);
        return true;
    }

    /// <summary>The object is being destroyed: its ASID is retired. No thread runs in it any more:
    /// every thread bound to an address space holds its own copy of the capability (Tcb.AddressSpaceCap),
    /// so the last capability can only go after every such thread has let go of it.</summary>
    public static void Destroy(PhysMap map, PhysAddr asPhys)
    {
        Mappings.Epoch++;
        AddressSpaceInfo* info = InfoOf(map, asPhys);
        // Its page tables go with the object's memory.
        ObjectCounts.Subtract(KernelCounter.PageTables, info->PoolUsed);
        uint asid = info->Asid;
        if (asid != 0 && asid < MaxAsids && s_asids[asid].Phys == asPhys)
        {
            ObjectCounts.Subtract(KernelCounter.Asids, 1);
            s_asids[asid].Phys = PhysAddr.Null;
            s_asids[asid].Generation++;
            s_asids[asid].NextFree = s_freeHead;
            s_freeHead = asid;
            s_freeCount++;
        }
        Threads.ForgetAddressSpace(asPhys);
    }

    /// <summary>A mapping record for a frame capability: ASID, its generation and the page.</summary>
    public static ulong MappingRecord(PhysMap map, PhysAddr asPhys, ulong vaddr, out ulong spare)
    {
        uint asid = InfoOf(map, asPhys)->Asid;
        spare = vaddr;
        return 1 | ((ulong)asid << 1) | ((ulong)s_asids[asid].Generation << 32);
    }

    /// <summary>The address space a mapping record names; null when it no longer exists. Returned,
    /// not an out parameter: an address-taken PhysAddr would live in memory on the map path.</summary>
    public static PhysAddr Resolve(ulong record)
    {
        if ((record & 1) == 0) return PhysAddr.Null;
        uint asid = (uint)(record >> 1) & 0x7FFFFFFF;
        if (asid == 0 || asid >= MaxAsids) return PhysAddr.Null;
        if (s_asids[asid].Generation != (uint)(record >> 32)) return PhysAddr.Null;
        return s_asids[asid].Phys;
    }

    public static void Bind(Tcb* t, PhysAddr asPhys)
    {
        t->AddressSpace = asPhys;
    }

    public static void Unbind(Tcb* t)
    {
        t->AddressSpace = PhysAddr.Null;
    }

    public static bool IsUserRange(ulong virt, ulong length) =>
        length != 0 && virt < UserMode.UserTop && length <= UserMode.UserTop - virt;
}
