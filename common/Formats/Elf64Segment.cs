// A PT_LOAD segment of a validated Elf64Image. Only Elf64Image creates these, after checking the
// invariants the page arithmetic below relies on: MemorySize > 0, FileSize <= MemorySize,
// [FileOffset, FileOffset+FileSize) inside the file, VirtualAddress % 4096 == FileOffset % 4096,
// and [VirtualAddress, VirtualAddress+MemorySize) inside user space, so nothing here can overflow.
using Vireo.Abi;

namespace Vireo.Formats;

public readonly struct Elf64Segment
{
    public const ulong PageSize = ObjectSizes.PageSize;

    /// <summary>p_flags bits.</summary>
    public const uint FlagExecute = 1;
    public const uint FlagWrite = 2;
    public const uint FlagRead = 4;

    public readonly ulong VirtualAddress;
    public readonly ulong MemorySize;
    public readonly ulong FileOffset;
    public readonly ulong FileSize;
    public readonly uint Flags;

    internal Elf64Segment(ulong virtualAddress, ulong memorySize, ulong fileOffset, ulong fileSize, uint flags)
    {
        VirtualAddress = virtualAddress;
        MemorySize = memorySize;
        FileOffset = fileOffset;
        FileSize = fileSize;
        Flags = flags;
    }

    /// <summary>x86 cannot map a present page unreadable, so R is implied by W or X when the loader maps it.</summary>
    public bool IsReadable => (Flags & FlagRead) != 0;
    public bool IsWritable => (Flags & FlagWrite) != 0;
    public bool IsExecutable => (Flags & FlagExecute) != 0;

    /// <summary>VirtualAddress rounded down to a page.</summary>
    public ulong FirstPage => VirtualAddress & ~(PageSize - 1);

    /// <summary>End of the last page, exclusive: VirtualAddress+MemorySize rounded up.</summary>
    public ulong EndPage => (VirtualAddress + MemorySize + PageSize - 1) & ~(PageSize - 1);

    public ulong PageCount => (EndPage - FirstPage) / PageSize;

    /// <summary>Where page `index` (0..PageCount-1) of the segment gets its bytes; false when index is out of range.</summary>
    public bool GetPage(ulong index, out Elf64Page page)
    {
        page = default;
        if (index >= PageCount)
            return false;

        ulong pageStart = FirstPage + index * PageSize;
        ulong pageEnd = pageStart + PageSize;
        ulong fileEnd = VirtualAddress + FileSize; // end of the file-backed part, in virtual addresses
        ulong low = pageStart > VirtualAddress ? pageStart : VirtualAddress;
        ulong high = pageEnd < fileEnd ? pageEnd : fileEnd;
        if (low >= high)
        {
            page = new Elf64Page(pageStart, Elf64PageKind.Zero, 0, 0, 0);
            return true;
        }

        ulong fileOffset = FileOffset + (low - VirtualAddress);
        if (!IsWritable && low == pageStart && high == pageEnd)
            page = new Elf64Page(pageStart, Elf64PageKind.Shared, fileOffset, 0, (uint)PageSize);
        else
            page = new Elf64Page(pageStart, Elf64PageKind.Copy, fileOffset, (uint)(low - pageStart), (uint)(high - low));
        return true;
    }
}
