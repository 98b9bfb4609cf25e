// Where the process builder takes a program's bytes and pages from: the initfs (the archive mapped
// in this process, a frame capability for each of its pages), or a file whose pages its daemon
// handed out with Fmap (a frame capability per file page and nothing mapped: docs/adr/0013). The
// builder shares a source page with the child when it can and copies the rest; for a file of frames
// it reads bytes one page at a time through a scratch mapping, and it parses the ELF headers from a
// private copy of the first page, so that nobody can change them between the checks and their use.
using Vireo.Abi;
using Vireo.Formats;

namespace Vireo.User;

public unsafe struct ProgramFile
{
    /// <summary>Where a page of a file of frames is mapped for the time of one copy.</summary>
    private const ulong ReadWindow = 0x0000_6000_0001_0000;

    public byte* Bytes;          // the file mapped here (the initfs), or null: read through Frames
    public ulong Length;
    public CapHandle* Frames;    // when Bytes is null: the frame of file page i, i < PageCount
    private ulong _pageBase;     // the initfs: the archive's first page and its frames' first slot
    private uint _firstSlot, _frameCount;

    public ulong PageCount => (Length + 4095) / 4096;

    public static ProgramFile FromInitfs(ref InitfsImage initfs, byte* file, ulong length) => new ProgramFile
    {
        Bytes = file,
        Length = length,
        _pageBase = initfs.PageBase,
        _firstSlot = initfs.FirstFrameSlot,
        _frameCount = initfs.FrameCount,
    };

    /// <summary>A file of `length` bytes whose pages are `frames` (PageCount of them, Read and Map).</summary>
    public static ProgramFile FromFrames(CapHandle* frames, ulong length) => new ProgramFile { Frames = frames, Length = length };

    /// <summary>The frame holding the file's page at `filePage` (a multiple of 4096), if it can be mapped as it is.</summary>
    public bool FrameFor(ulong filePage, out CapHandle frame)
    {
        frame = default;
        if (filePage >= Length || (filePage & 0xFFF) != 0) return false;
        if (Bytes == null)
        {
            frame = Frames[filePage >> 12];
            return true;
        }
        ulong address = (ulong)(Bytes + filePage);
        if ((address & 0xFFF) != 0 || address < _pageBase || ((address - _pageBase) >> 12) >= _frameCount) return false;
        frame = new CapHandle(_firstSlot + (uint)((address - _pageBase) >> 12), 0);
        return true;
    }

    /// <summary>Copies `count` bytes from `offset`, which lie in one page of the file, to `to`.</summary>
    public Status Copy(ulong offset, byte* to, ulong count)
    {
        if (count == 0) return Status.Ok;
        if (offset >= Length || count > Length - offset || (offset & 0xFFF) + count > 4096) return Status.OutOfRange;
        if (Bytes != null)
        {
            System.Buffer.MemoryCopy(Bytes + offset, to, (long)count, (long)count);
            return Status.Ok;
        }
        CapHandle frame = Frames[offset >> 12];
        Status s = Sys.Map(CSpace.SelfAddressSpace, frame, ReadWindow, Rights.Read);
        if (s != Status.Ok) return s;
        System.Buffer.MemoryCopy((byte*)ReadWindow + (offset & 0xFFF), to, (long)count, (long)count);
        return Sys.Unmap(frame);
    }

    /// <summary>Validates the ELF headers. A file of frames is parsed from a copy of its first page in
    /// `page` (4096 bytes the caller keeps while `image` is used), and its program headers must lie
    /// in that page (a linker puts them right after the ELF header).</summary>
    public FormatStatus Parse(byte* page, out Elf64Image image)
    {
        image = default;
        if (Bytes != null) return Elf64Image.TryParse(Bytes, Length, out image);
        ulong first = Length < 4096 ? Length : 4096;
        if (Length == 0 || Copy(0, page, first) != Status.Ok) return FormatStatus.Truncated;
        if (first < Elf64Image.HeaderSize) return Elf64Image.TryParse(page, first, out image);
        ulong table = *(ulong*)(page + 32) + (ulong)*(ushort*)(page + 56) * Elf64Image.ProgramHeaderSize;
        if (*(ulong*)(page + 32) > first || table > first)
        {
            // The checks on the first page's copy still say what is wrong with a bad header.
            FormatStatus early = Elf64Image.TryParse(page, first, out _);
            return early != FormatStatus.Ok && early != FormatStatus.Truncated ? early : FormatStatus.Unsupported;
        }
        return Elf64Image.TryParse(page, Length, out image);
    }
}
