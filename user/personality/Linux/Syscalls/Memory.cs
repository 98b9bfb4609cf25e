// The program break and anonymous mappings. The break grows by mapping fresh pages up to the page
// past it and never gives pages back (Linux may; glibc does not rely on it). mmap hands out addresses
// upwards from LinuxProcess.MmapBase, each aligned for large frames; MAP_FIXED replaces what it covers.
// Protections are recorded only: every anonymous mapping is read-write.
using Vireo.Abi;
using Vireo.Linux.Abi;

namespace Vireo.Linux.Syscalls;

public static unsafe partial class SyscallTable
{
    private const ulong MapFixed = 0x10, MapAnonymous = 0x20;
    private const ulong ProtExec = 4, ProtWrite = 2;

    private static ulong PageUp(ulong x) => (x + 0xFFF) & ~0xFFFUL;

    private static long Brk(LinuxProcess p, ulong address)
    {
        if (address < p.BreakStart || address >= LinuxProcess.MmapBase) return (long)p.Break;
        ulong end = PageUp(address);
        if (end > p.BreakMapped)
        {
            if (p.Memory.Map(p.BreakMapped, end - p.BreakMapped, Rights.Read | Rights.Write) != Status.Ok) return (long)p.Break;
            p.BreakMapped = end;
        }
        p.Break = address;
        return (long)address;
    }

    private static long Mmap(LinuxProcess p, ulong address, ulong length, ulong prot, ulong flags, long fd)
    {
        if (length == 0 || length > 1UL << 40) return -Errno.EINVAL;
        if ((flags & MapAnonymous) == 0) return -Errno.ENODEV;   // files cannot be mapped yet
        ulong size = PageUp(length);
        Rights rights = (prot & ProtExec) != 0 && (prot & ProtWrite) == 0 ? Rights.Read | Rights.Execute : Rights.Read | Rights.Write;
        if ((flags & MapFixed) != 0)
        {
            if ((address & 0xFFF) != 0 || address < 0x10000 || address + size > LinuxProcess.StackTop - LinuxProcess.StackSize) return -Errno.EINVAL;
            p.Memory.Unmap(address, size);
            if (!p.Memory.Overlaps(address, size)) return p.Memory.Map(address, size, rights) == Status.Ok ? (long)address : -Errno.ENOMEM;
            // Partly inside a larger frame that stays: what it covers reads as zero again.
            return p.Memory.IsMapped(address, size) && Zero(p, address, size) ? (long)address : -Errno.ENOMEM;
        }
        ulong align = 0x1000;
        while (align < size && align < 1UL << 20) align <<= 1;
        ulong at = (p.MmapNext + align - 1) & ~(align - 1);
        if (at + size > LinuxProcess.StackTop - LinuxProcess.StackSize) return -Errno.ENOMEM;
        if (p.Memory.Map(at, size, rights) != Status.Ok) return -Errno.ENOMEM;
        p.MmapNext = at + size;
        return (long)at;
    }

    private static bool Zero(LinuxProcess p, ulong address, ulong size)
    {
        while (size > 0)
        {
            byte* at = p.Memory.At(address, out ulong available);
            if (at == null) return false;
            ulong n = available < size ? available : size;
            for (ulong i = 0; i < n; i++) at[i] = 0;
            address += n;
            size -= n;
        }
        return true;
    }

    private static long Munmap(LinuxProcess p, ulong address, ulong length)
    {
        if ((address & 0xFFF) != 0 || length == 0) return -Errno.EINVAL;
        p.Memory.Unmap(address, PageUp(length));
        return 0;
    }

    private static long Mprotect(LinuxProcess p, ulong address, ulong length) =>
        (address & 0xFFF) != 0 ? -Errno.EINVAL : p.Memory.IsMapped(address, PageUp(length)) ? 0 : -Errno.ENOMEM;
}
