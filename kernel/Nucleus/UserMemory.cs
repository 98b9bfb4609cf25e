// User pointers are allegations until checked: a range is usable only if it lies in the user
// half and every page is mapped user-accessible (and writable, for writes) in the caller's
// address space. Only then does the kernel touch it, through the same virtual addresses.
using Vireo.Abi;
using Vireo.Kernel.Paging;

namespace Vireo.Kernel.Nucleus;

public static unsafe class UserMemory
{
    public static bool TryCheck(Tcb* thread, ulong virt, ulong length, bool write)
    {
        if (length == 0) return true;
        if (!AddressSpaces.IsUserRange(virt, length)) return false;
        PageTable table = AddressSpaces.TableOf(NucleusContext.Current.Direct, thread->AddressSpace);
        ulong end = virt + length;
        for (ulong page = virt & ~ObjectSizes.PageOffsetMask; page < end; page += ObjectSizes.PageSize)
        {
            if (!table.TryTranslate(page, out _, out PageFlags flags)) return false;
            if ((flags & PageFlags.User) == 0) return false;
            if (write && (flags & PageFlags.Writable) == 0) return false;
        }
        return true;
    }
}
