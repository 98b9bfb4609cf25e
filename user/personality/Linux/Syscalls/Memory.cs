// The program break and memory mappings, over LinuxMemory's areas: every call only reserves,
// protects or releases ranges, and frames are made at the first touch (demand paging), so a
// PROT_NONE or MAP_NORESERVE reservation of a gigabyte costs a record. mmap places mappings upwards
// from LinuxProcess.MmapBase in the first gap; MAP_FIXED replaces what it covers; MAP_PRIVATE file
// mappings read the file's pages; MAP_SHARED file mappings are the file daemon's own frames, so a
// store is the file's at once, seen by read() and by every other mapping (msync has nothing left to
// do), where the daemon lends them writable (ramfs; diskfs lends read-only ones: a writable shared
// mapping of a disk file is ENODEV); MAP_SHARED anonymous memory gets its frames at once, so that a
// fork shares them. mprotect changes the frames' rights
// through the kernel's Protect; madvise(MADV_DONTNEED) frees frames, so the range reads zero (or
// the file) again. Errors as Linux gives them (mm/mmap.c, mm/mprotect.c, mm/madvise.c).
using Vireo.Abi;
using Vireo.Linux.Abi;
using Vireo.User;
using Vireo.User.Schemes;

namespace Vireo.Linux.Syscalls;

public static unsafe partial class SyscallTable
{
    private const ulong MapShared = 0x01, MapPrivate = 0x02, MapSharedValidate = 0x03, MapType = 0x0F,
        MapFixed = 0x10, MapAnonymous = 0x20, MapFixedNoreplace = 0x100000;
    private const ulong MsAsync = 1, MsInvalidate = 2, MsSync = 4;
    private const ulong MadvNormal = 0, MadvRandom = 1, MadvSequential = 2, MadvWillneed = 3, MadvDontneed = 4, MadvFree = 8;
    private const ulong MmapMin = 0x10000;   // vm.mmap_min_addr
    private static ulong MmapLimit => LinuxProcess.StackTop - LinuxProcess.StackSize;

    private static ulong PageUp(ulong x) => (x + 0xFFF) & ~0xFFFUL;

    private static long Brk(LinuxProcess p, ulong address)
    {
        if (address < p.BreakStart || address >= LinuxProcess.MmapBase) return (long)p.Break;
        ulong end = PageUp(address), mapped = PageUp(p.Break);
        if (end > mapped)
        {
            if (p.Memory.Areas.Overlaps(mapped, end)) return (long)p.Break;
            p.Memory.Reserve(new Area { Start = mapped, End = end, Prot = Prot.Read | Prot.Write });
        }
        else if (end < mapped) p.Memory.Unreserve(end, mapped);
        p.Break = address;
        return (long)address;
    }

    private static long Mmap(LinuxProcess p, ulong address, ulong length, ulong prot, ulong flags, long fd, ulong offset)
    {
        ulong type = flags & MapType;
        if (length == 0 || (offset & 0xFFF) != 0) return -Errno.EINVAL;   // other prot bits are ignored, as Linux's mmap does
        if (type != MapShared && type != MapPrivate && type != MapSharedValidate) return -Errno.EINVAL;
        ulong size = PageUp(length);
        if (size == 0 || size > MmapLimit) return -Errno.ENOMEM;
        bool fixedAt = (flags & (MapFixed | MapFixedNoreplace)) != 0;
        if (fixedAt && ((address & 0xFFF) != 0 || address < MmapMin || address + size > MmapLimit || address + size < address))
            return (address & 0xFFF) != 0 ? -Errno.EINVAL : -Errno.ENOMEM;
        var area = new Area { Prot = (uint)prot & Prot.All, Shared = type != MapPrivate };
        BackingFile file = null;
        if ((flags & MapAnonymous) == 0)
        {
            if (fd < 0 || p.Files.Get((ulong)fd) == null) return -Errno.EBADF;
            long e = MappableFile(p, fd, area.Shared, (prot & Prot.Write) != 0, out file);
            if (e != 0) return e;
        }
        if ((flags & MapFixedNoreplace) != 0 && p.Memory.Areas.Overlaps(address, address + size)) return -Errno.EEXIST;
        ulong at = address;
        if (!fixedAt)
        {
            // A hint is taken when it is free; otherwise the first gap from the mmap base.
            at = (address & 0xFFF) == 0 && address >= MmapMin && address + size <= MmapLimit && address + size > address &&
                !p.Memory.Areas.Overlaps(address, address + size) ? address : p.Memory.Areas.FindFree(size, LinuxProcess.MmapBase, MmapLimit);
            if (at == 0)
            {
                file?.Close();   // not used by any memory yet: closed
                return -Errno.ENOMEM;
            }
        }
        area.Start = at;
        area.End = at + size;
        if (file != null)
        {
            area.File = p.Memory.AddFile(file);
            area.FileOffset = offset;
            area.FileEnd = at + size;
        }
        p.Memory.Reserve(area);
        if (area.Shared && file == null && p.Memory.Commit(at, at + size) != Status.Ok)
        {
            p.Memory.Unreserve(at, at + size);
            return -Errno.ENOMEM;
        }
        return (long)at;
    }

    // The file behind `fd` for a mapping: a Dup of its Vireo file (the mapping outlives a close of
    // fd, and maps the file fd names even if it was renamed or unlinked since), so an open keeps no
    // path for it. A shared mapping of a file open for reading and writing takes writable frames
    // where the daemon lends them (so a later mprotect may add PROT_WRITE, as Linux allows); one
    // with PROT_WRITE must have them: EACCES when fd is not open for writing, ENODEV when its
    // daemon lends only read-only frames.
    private static long MappableFile(LinuxProcess p, long fd, bool shared, bool write, out BackingFile file)
    {
        file = null;
        LinuxFile f = fd >= 0 ? p.Files.Get((ulong)fd) : null;
        if (f == null) return -Errno.EBADF;
        ulong mode = f.StatusFlags & OAccMode;
        if (mode == 1) return -Errno.EACCES;   // O_WRONLY
        if (f.Stdio || !f.Fd.IsValid || f.IsStream || f.IsDirectory || f.Content != null) return -Errno.ENODEV;
        if (shared && write && mode != 2) return -Errno.EACCES;   // PROT_WRITE needs O_RDWR
        Status s = Fs.Dup(f.Fd, out Fd copy);
        if (s == Status.Ok) s = BackingFile.Adopt(copy, null, run: false, out file, writable: shared && mode == 2);
        if (s == Status.NotSupported && shared && mode == 2 && !write)
        {
            // Read-only frames will do for a mapping that is not writable (a disk file).
            s = Fs.Dup(f.Fd, out copy);
            if (s == Status.Ok) s = BackingFile.Adopt(copy, null, run: false, out file);
        }
        return s == Status.Ok ? 0 : s == Status.InvalidArgument || s == Status.NotSupported ? -Errno.ENODEV : -Errno.From(s);
    }

    // msync: a shared mapping's frames are the file's own, so there is nothing to write back; the
    // checks are Linux's (mm/msync.c): EINVAL for an unaligned start, unknown flags or both MS_ASYNC
    // and MS_SYNC, ENOMEM when part of the range is not mapped.
    private static long Msync(LinuxProcess p, ulong address, ulong length, ulong flags)
    {
        if ((address & 0xFFF) != 0 || (flags & ~(MsAsync | MsInvalidate | MsSync)) != 0 || (flags & (MsAsync | MsSync)) == (MsAsync | MsSync))
            return -Errno.EINVAL;
        ulong end = address + PageUp(length);
        if (end < address) return -Errno.ENOMEM;
        return end == address || p.Memory.Areas.Covers(address, end) ? 0 : -Errno.ENOMEM;
    }

    private static long Munmap(LinuxProcess p, ulong address, ulong length)
    {
        if ((address & 0xFFF) != 0 || length == 0 || address + PageUp(length) < address) return -Errno.EINVAL;
        p.Memory.Unreserve(address, address + PageUp(length));
        return 0;
    }

    private static long Mprotect(LinuxProcess p, ulong address, ulong length, ulong prot)
    {
        if ((address & 0xFFF) != 0 || (prot & ~(ulong)Prot.All) != 0) return -Errno.EINVAL;
        ulong end = address + PageUp(length);
        if (end < address) return -Errno.ENOMEM;
        if (end == address) return 0;
        if (!p.Memory.Areas.Covers(address, end)) return -Errno.ENOMEM;
        if ((prot & Prot.Write) != 0 && !p.Memory.SharedWritable(address, end)) return -Errno.EACCES;   // a shared mapping of a file not open for writing
        return p.Memory.Protect(address, end, (uint)prot) == Status.Ok ? 0 : -Errno.ENOMEM;
    }

    private static long Madvise(LinuxProcess p, ulong address, ulong length, ulong advice)
    {
        if ((address & 0xFFF) != 0) return -Errno.EINVAL;
        if (advice != MadvNormal && advice != MadvRandom && advice != MadvSequential && advice != MadvWillneed &&
            advice != MadvDontneed && advice != MadvFree && (advice < 9 || advice > 19)) return -Errno.EINVAL;
        ulong end = address + PageUp(length);
        if (end < address) return -Errno.EINVAL;
        if (end == address) return 0;
        if (!p.Memory.Areas.Covers(address, end)) return -Errno.ENOMEM;
        // Private memory reads zeros (or the file) again; shared memory keeps its bytes, as shmem does.
        if (advice == MadvDontneed || advice == MadvFree) p.Memory.DiscardPrivate(address, end);
        return 0;
    }
}
