// The bookkeeping an address space keeps inside the unused top entries of its own PML4 (its ASID and
// the state of its page-table pool), and the pool it draws on (see AddressSpace.cs). Portable, so a host test can check the one
// property that matters most: no word here ever looks like a present PML4 entry.
using Vireo.Abi;
using Vireo.Kernel.Memory;
using Vireo.Kernel.Paging;

namespace Vireo.Kernel.Nucleus;

/// <summary>The bookkeeping words inside a PML4's reserved user entries. Values are stored
/// shifted left by one (bit 0 must stay clear); the pool bitmap uses bits 1..63 of each word.</summary>
public unsafe struct AddressSpaceInfo
{
    public const int InfoFirstEntry = 232;
    public const int BitsPerWord = 63;
    public const int MaxPoolPages = 1023;
    public const int BitmapWords = (MaxPoolPages + BitsPerWord - 1) / BitsPerWord;

    private ulong _asid;
    private ulong _poolPages;
    private ulong _poolUsed;
    public fixed ulong PoolBitmap[BitmapWords];

    public uint Asid { get => (uint)(_asid >> 1); set => _asid = (ulong)value << 1; }
    public uint PoolPages { get => (uint)(_poolPages >> 1); set => _poolPages = (ulong)value << 1; }
    public uint PoolUsed { get => (uint)(_poolUsed >> 1); set => _poolUsed = (ulong)value << 1; }

    public bool IsUsed(uint page) => (PoolBitmap[page / BitsPerWord] & (2UL << (int)(page % BitsPerWord))) != 0;
    public void SetUsed(uint page, bool used)
    {
        ulong bit = 2UL << (int)(page % BitsPerWord);
        if (used) PoolBitmap[page / BitsPerWord] |= bit;
        else PoolBitmap[page / BitsPerWord] &= ~bit;
    }
}

/// <summary>Page tables for one address space, taken from its own pool.</summary>
public unsafe struct AddressSpaceTables : IFrameSource
{
    private readonly PhysMap _map;
    private readonly PhysAddr _asPhys;
    private readonly AddressSpaceInfo* _info;

    public AddressSpaceTables(PhysMap map, PhysAddr asPhys)
    {
        _map = map;
        _asPhys = asPhys;
        _info = map.As<AddressSpaceInfo>(asPhys + AddressSpaceInfo.InfoFirstEntry * 8);
    }

    public bool TryAllocZeroedFrame(out PhysAddr phys)
    {
        phys = PhysAddr.Null;
        uint pages = _info->PoolPages;
        for (uint i = 0; i < pages; i++)
        {
            if (_info->IsUsed(i)) continue;
            _info->SetUsed(i, true);
            _info->PoolUsed = _info->PoolUsed + 1;
            ObjectCounts.Add(Abi.KernelCounter.PageTables, 1);
            phys = _asPhys + (1 + (ulong)i) * ObjectSizes.PageSize;
            System.Runtime.InteropServices.NativeMemory.Clear(_map.Ptr(phys), (nuint)ObjectSizes.PageSize);
            return true;
        }
        return false;
    }

    public void FreeFrame(PhysAddr phys)
    {
        ulong i = ((phys - _asPhys) >> ObjectSizes.PageBits) - 1;
        if (i >= _info->PoolPages) return;
        _info->SetUsed((uint)i, false);
        _info->PoolUsed = _info->PoolUsed - 1;
        ObjectCounts.Subtract(Abi.KernelCounter.PageTables, 1);
    }
}

