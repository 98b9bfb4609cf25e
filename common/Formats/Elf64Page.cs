// How one 4-KiB page of a loaded ELF segment gets its contents. The loader maps a program out of
// the initfs without copying where it safely can:
//
//   Zero   - no byte of the page comes from the file (pure .bss): map a fresh zeroed frame.
//   Shared - the whole page is file bytes of a read-only segment: map the file's own page
//            (file offset FileOffset, a multiple of 4096). Only possible when the file image
//            itself starts on a page boundary in memory; otherwise treat it as Copy of 4096 bytes.
//   Copy   - the page is writable (writes must never reach the shared initfs), or only partly
//            backed by the file (the first page of a segment that starts mid-page, the last page
//            where file data gives way to .bss): take a zeroed frame and copy Length bytes from
//            FileOffset to DestinationOffset. Every other byte of the page stays zero; in
//            particular bytes of the file that precede the segment are NOT exposed (unlike Linux).
namespace Vireo.Formats;

public enum Elf64PageKind : byte
{
    Zero,
    Shared,
    Copy,
}

public readonly struct Elf64Page
{
    /// <summary>Page-aligned user virtual address of the page.</summary>
    public readonly ulong VirtualAddress;

    public readonly Elf64PageKind Kind;

    /// <summary>Shared: offset of the page in the file. Copy: offset of the first byte to copy. Zero: 0.</summary>
    public readonly ulong FileOffset;

    /// <summary>Copy: where in the page the copied bytes go. Otherwise 0.</summary>
    public readonly uint DestinationOffset;

    /// <summary>Bytes taken from the file: 4096 for Shared, 1..4096 for Copy, 0 for Zero.</summary>
    public readonly uint Length;

    public Elf64Page(ulong virtualAddress, Elf64PageKind kind, ulong fileOffset, uint destinationOffset, uint length)
    {
        VirtualAddress = virtualAddress;
        Kind = kind;
        FileOffset = fileOffset;
        DestinationOffset = destinationOffset;
        Length = length;
    }
}
