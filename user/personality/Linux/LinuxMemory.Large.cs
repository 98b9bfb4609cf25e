// A process's first thread moves its memory to a larger address space (ADR 0027). An address space's
// page-table pool is chosen when it is made (ADR 0004): the one every process gets (AddressSpaceBits,
// 31 tables) is enough for a program of one thread and keeps fork cheap (the object is zeroed at
// each retype), but each thread's stack is in a 2 MiB region of its own and takes a table, as do
// glibc's per-thread malloc arenas and the .NET runtime's reservations. So the first clone with
// CLONE_THREAD moves the memory to an address space of LargeAddressSpaceBits (511 tables): the old one
// goes (its mappings die with it, so no page is unmapped one by one) and every page is mapped again
// in the new one with the rights it had; a page that cannot be is left to its next fault.
using Vireo.Abi;
using Vireo.User;

namespace Vireo.Linux;

public sealed partial class LinuxMemory
{
    public const int LargeAddressSpaceBits = 21;

    /// <summary>Whether the memory is in a large address space (it has had a second thread).</summary>
    public bool Large;

    /// <summary>Moves the memory into a large address space. No thread may be in the old one: the
    /// caller has released its only thread. On failure nothing changed.</summary>
    public Status Enlarge()
    {
        Status s = ObjectPool.LargeAddressSpaces.Make(out CapHandle space, out ulong block);
        if (s != Status.Ok) return s;
        ReleaseSpace();
        AddressSpace = space;
        _spaceBlock = block;
        Large = true;
        foreach (System.Collections.Generic.KeyValuePair<ulong, Page> e in _pages)
        {
            Page p = e.Value;
            if (p.Mapped != 0 && Sys.Map(AddressSpace, p.Cap, e.Key, p.Mapped) != Status.Ok) p.Mapped = 0;
        }
        return Status.Ok;
    }

    private void ReleaseSpace()
    {
        (Large ? ObjectPool.LargeAddressSpaces : ObjectPool.AddressSpaces).Release(AddressSpace, _spaceBlock, null);
        AddressSpace = default;
        _spaceBlock = 0;
    }
}
