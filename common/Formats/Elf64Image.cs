// Validation of an x86_64 static executable (ELF64, little endian, ET_EXEC) before anything of it
// is mapped. The file comes from the initfs and is untrusted: TryParse checks every header field
// and every PT_LOAD segment once, so that afterwards Entry, GetSegment and Elf64Segment.GetPage
// are plain arithmetic that cannot overflow or leave the file. Rules, in the order checked:
//
//   - magic \x7fELF (BadMagic); class 64, little endian, ident version 1, ET_EXEC, EM_X86_64 (62),
//     e_version 1 (Unsupported); e_ehsize >= 64, e_phentsize == 56, 1..MaxProgramHeaders headers
//     (Malformed / Unsupported); the program header table inside the file (Truncated)
//   - PT_INTERP and PT_DYNAMIC need a dynamic linker the kernel's loader does not have (Unsupported),
//     except that a caller that gives a pieBase (the Linux personality) accepts them: a PIE (ET_DYN,
//     every address moved by pieBase: LoadBias) and a program naming its interpreter (PT_INTERP: its
//     path's bytes inside the file, Interpreter; the caller loads that too); a PT_GNU_STACK
//     asking for an executable stack is refused (WriteExecute); other non-load headers are ignored
//   - each PT_LOAD: not both W and X (WriteExecute); 0 < memsz, filesz <= memsz, p_align 0 or a
//     power of two, vaddr % 4096 == offset % 4096 so file pages can be mapped (Malformed); file
//     range inside the file (Truncated); [vaddr, vaddr+memsz) inside [UserStart, UserEnd) (OutOfRange)
//   - at least one PT_LOAD, and no two PT_LOADs touching the same page (Malformed): every page has
//     exactly one owner and so one set of permissions
//   - the entry point inside an executable PT_LOAD (OutOfRange if outside user space, else Malformed)
//
// UserStart keeps page 0 unmapped so null dereferences fault. UserEnd is the top of the user half as
// the kernel has it (BootstrapLayout.UserTop: PML4 entries from 232 on hold address-space bookkeeping),
// which also keeps user code well below the canonical boundary 0x0000_8000_0000_0000, where a SYSCALL
// in the last page would return to a non-canonical RIP that Intel's SYSRET turns into a #GP in ring 0
// (CVE-2012-0217). One limit for the kernel's loader and the process builder alike.
using System;
using Vireo.Abi;

namespace Vireo.Formats;

public readonly ref struct Elf64Image
{
    public const ulong UserStart = 0x1000;
    public const ulong UserEnd = BootstrapLayout.UserTop;

    /// <summary>Bounds the O(n^2) overlap check; real static executables have fewer than 16.</summary>
    public const int MaxProgramHeaders = 128;

    public const int HeaderSize = 64;
    public const int ProgramHeaderSize = 56;

    public const uint TypeLoad = 1;
    public const uint TypeDynamic = 2;
    public const uint TypeInterpreter = 3;
    public const uint TypeGnuStack = 0x6474_E551;

    private const ushort FileTypeExecutable = 2, FileTypeShared = 3;
    private const ushort MachineX86_64 = 62;

    private readonly ReadOnlySpan<byte> _file;
    private readonly int _programHeaderOffset;
    private readonly int _programHeaderCount;

    public readonly ulong Entry;

    /// <summary>What every address of a static PIE (ET_DYN) is moved by: the pieBase it was parsed with; 0 for ET_EXEC.</summary>
    public readonly ulong LoadBias;

    /// <summary>Number of PT_LOAD segments (other program headers are not counted).</summary>
    public readonly int SegmentCount;

    /// <summary>Where PT_INTERP's path lies in the file (with its NUL), MaxInterpreter bytes at
    /// most; InterpreterSize 0 without one (only a caller with a pieBase sees one).</summary>
    public readonly int InterpreterOffset, InterpreterSize;

    /// <summary>The longest PT_INTERP accepted (Linux's binfmt_elf takes up to PATH_MAX).</summary>
    public const int MaxInterpreter = 4096;

    private Elf64Image(ReadOnlySpan<byte> file, int programHeaderOffset, int programHeaderCount, ulong entry, int segmentCount, ulong bias,
        int interpreterOffset = 0, int interpreterSize = 0)
    {
        InterpreterOffset = interpreterOffset;
        InterpreterSize = interpreterSize;
        LoadBias = bias;
        _file = file;
        _programHeaderOffset = programHeaderOffset;
        _programHeaderCount = programHeaderCount;
        Entry = entry;
        SegmentCount = segmentCount;
    }

    public ReadOnlySpan<byte> File => _file;

    /// <summary>Validates [file, file+length), e.g. an initfs member seen through the PhysMap. Files of 2 GiB or more are Unsupported.</summary>
    public static unsafe FormatStatus TryParse(byte* file, ulong length, out Elf64Image image, ulong pieBase = 0)
    {
        image = default;
        if (length > int.MaxValue)
            return FormatStatus.Unsupported;
        if (file == null && length != 0)
            return FormatStatus.Malformed;
        return TryParse(new ReadOnlySpan<byte>(file, (int)length), out image, pieBase);
    }

    public static FormatStatus TryParse(ReadOnlySpan<byte> file, out Elf64Image image) => TryParse(file, out image, 0);

    /// <summary>As TryParse, and with a nonzero `pieBase` (the Linux personality's) a PIE (ET_DYN with
    /// PT_DYNAMIC) is accepted, loaded at pieBase, and PT_INTERP is accepted (Interpreter).</summary>
    public static FormatStatus TryParse(ReadOnlySpan<byte> file, out Elf64Image image, ulong pieBase)
    {
        image = default;
        if (file.Length < 4)
            return FormatStatus.Truncated;
        if (file[0] != 0x7F || file[1] != (byte)'E' || file[2] != (byte)'L' || file[3] != (byte)'F')
            return FormatStatus.BadMagic;
        if (file.Length < HeaderSize)
            return FormatStatus.Truncated;
        if (file[4] != 2 || file[5] != 1 || file[6] != 1)
            return FormatStatus.Unsupported; // ELFCLASS64, ELFDATA2LSB, EV_CURRENT
        ushort fileType = LittleEndian.U16(file, 16);
        bool pie = pieBase != 0 && fileType == FileTypeShared;
        ulong bias = pie ? pieBase : 0;
        if ((fileType != FileTypeExecutable && !pie) || LittleEndian.U16(file, 18) != MachineX86_64
            || LittleEndian.U32(file, 20) != 1)
            return FormatStatus.Unsupported;

        ulong entry = LittleEndian.U64(file, 24) + bias;
        ulong phoff = LittleEndian.U64(file, 32);
        ushort ehsize = LittleEndian.U16(file, 52);
        ushort phentsize = LittleEndian.U16(file, 54);
        ushort phnum = LittleEndian.U16(file, 56);
        if (ehsize < HeaderSize || phentsize != ProgramHeaderSize || phnum == 0)
            return FormatStatus.Malformed;
        if (phnum > MaxProgramHeaders)
            return FormatStatus.Unsupported;
        // phnum * 56 < 2^13, so the subtraction below is the only overflow to avoid.
        ulong tableSize = (ulong)phnum * ProgramHeaderSize;
        if (phoff > (ulong)file.Length || tableSize > (ulong)file.Length - phoff)
            return FormatStatus.Truncated;

        int tableOffset = (int)phoff;
        int loads = 0, interpreterOffset = 0, interpreterSize = 0;
        for (int i = 0; i < phnum; i++)
        {
            int header = tableOffset + i * ProgramHeaderSize;
            uint type = LittleEndian.U32(file, header);
            uint flags = LittleEndian.U32(file, header + 4);
            if ((type == TypeInterpreter || type == TypeDynamic) && pieBase == 0)
                return FormatStatus.Unsupported;
            if (type == TypeInterpreter)
            {
                ulong offset = LittleEndian.U64(file, header + 8), size = LittleEndian.U64(file, header + 32);
                if (interpreterSize != 0 || size < 2 || size > MaxInterpreter)
                    return FormatStatus.Malformed;
                if (offset > (ulong)file.Length || size > (ulong)file.Length - offset)
                    return FormatStatus.Truncated;
                interpreterOffset = (int)offset;
                interpreterSize = (int)size;
            }
            if (type == TypeGnuStack && (flags & Elf64Segment.FlagExecute) != 0)
                return FormatStatus.WriteExecute;
            if (type != TypeLoad)
                continue;
            FormatStatus status = CheckLoad(file, header, bias);
            if (status != FormatStatus.Ok)
                return status;
            loads++;
        }

        if (loads == 0)
            return FormatStatus.Malformed;

        image = new Elf64Image(file, tableOffset, phnum, entry, loads, bias, interpreterOffset, interpreterSize);
        bool entryMapped = false;
        for (int i = 0; i < loads; i++)
        {
            image.GetSegment(i, out Elf64Segment a);
            for (int j = i + 1; j < loads; j++)
            {
                image.GetSegment(j, out Elf64Segment b);
                if (a.FirstPage < b.EndPage && b.FirstPage < a.EndPage)
                {
                    image = default;
                    return FormatStatus.Malformed;
                }
            }

            if (a.IsExecutable && entry >= a.VirtualAddress && entry - a.VirtualAddress < a.MemorySize)
                entryMapped = true;
        }

        if (!entryMapped)
        {
            image = default;
            return entry < UserStart || entry >= UserEnd ? FormatStatus.OutOfRange : FormatStatus.Malformed;
        }

        return FormatStatus.Ok;
    }

    /// <summary>The index-th PT_LOAD segment (0..SegmentCount-1) in program header order; false when out of range.</summary>
    public bool GetSegment(int index, out Elf64Segment segment)
    {
        segment = default;
        if (index < 0)
            return false;
        int seen = 0;
        for (int i = 0; i < _programHeaderCount; i++)
        {
            int header = _programHeaderOffset + i * ProgramHeaderSize;
            if (LittleEndian.U32(_file, header) != TypeLoad)
                continue;
            if (seen == index)
            {
                segment = ReadLoad(_file, header, LoadBias);
                return true;
            }

            seen++;
        }

        return false;
    }

    /// <summary>The FileSize bytes of the file that the segment's first bytes are initialised from.</summary>
    public ReadOnlySpan<byte> GetFileBytes(in Elf64Segment segment) =>
        _file.Slice((int)segment.FileOffset, (int)segment.FileSize);

    private static Elf64Segment ReadLoad(ReadOnlySpan<byte> file, int header, ulong bias) =>
        new Elf64Segment(
            virtualAddress: LittleEndian.U64(file, header + 16) + bias,
            memorySize: LittleEndian.U64(file, header + 40),
            fileOffset: LittleEndian.U64(file, header + 8),
            fileSize: LittleEndian.U64(file, header + 32),
            flags: LittleEndian.U32(file, header + 4));

    private static FormatStatus CheckLoad(ReadOnlySpan<byte> file, int header, ulong bias)
    {
        Elf64Segment s = ReadLoad(file, header, bias);
        ulong align = LittleEndian.U64(file, header + 48);
        if (s.IsWritable && s.IsExecutable)
            return FormatStatus.WriteExecute;
        if (s.MemorySize == 0 || s.FileSize > s.MemorySize || (align & (align - 1)) != 0)
            return FormatStatus.Malformed;
        if (s.VirtualAddress % Elf64Segment.PageSize != s.FileOffset % Elf64Segment.PageSize)
            return FormatStatus.Malformed;
        if (s.FileOffset > (ulong)file.Length || s.FileSize > (ulong)file.Length - s.FileOffset)
            return FormatStatus.Truncated;
        if (s.VirtualAddress < UserStart || s.VirtualAddress >= UserEnd || s.MemorySize > UserEnd - s.VirtualAddress)
            return FormatStatus.OutOfRange;
        return FormatStatus.Ok;
    }
}
