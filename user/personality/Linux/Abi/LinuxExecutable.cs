// What the personality needs to know of a Linux executable before loading it: the ELF checks of the
// process builder (Vireo.Formats.Elf64Image: an ET_EXEC x86_64 file, or a PIE (ET_DYN, as .NET's
// NativeAOT and gcc -static-pie make) loaded at PieBase, every PT_LOAD inside the file and user
// space, no W+X), then where the program headers lie in memory (AT_PHDR, which a static glibc reads
// to find its PT_TLS and ld.so to find the program's PT_DYNAMIC), where the heap (brk) starts, and
// the interpreter a dynamically linked program names (PT_INTERP: ld.so, itself parsed here with
// InterpreterBase and loaded beside the program, as Linux's binfmt_elf does). Portable: the host
// tests parse hand-made files with it.
using System;
using Vireo.Formats;

namespace Vireo.Linux.Abi;

public readonly struct LinuxExecutable
{
    public readonly ulong Entry;
    public readonly ulong ProgramHeaders;  // AT_PHDR: their address in the loaded image
    public readonly ulong ProgramHeaderCount;
    public readonly ulong BreakStart;      // the first page past every segment: the heap's start
    public readonly ulong LoadBias;        // a PIE's base (PieBase, InterpreterBase), 0 for ET_EXEC
    public readonly byte[] Interpreter;    // PT_INTERP's path (without its NUL), null for a static program

    /// <summary>Where a static PIE is loaded (as Linux's ELF_ET_DYN_BASE puts one near 0x5555_5555_4000; 2 MiB aligned).</summary>
    public const ulong PieBase = 0x0000_5555_5560_0000;

    /// <summary>Where the interpreter (ld.so) is loaded: the start of the mmap area, so the libraries
    /// it maps follow it (Linux puts it at the top of that area, which grows down).</summary>
    public const ulong InterpreterBase = 0x0000_7100_0000_0000;

    private LinuxExecutable(ulong entry, ulong phdr, ulong phnum, ulong brk, ulong bias, byte[] interpreter)
    {
        Interpreter = interpreter;
        LoadBias = bias;
        Entry = entry;
        ProgramHeaders = phdr;
        ProgramHeaderCount = phnum;
        BreakStart = brk;
    }

    /// <summary>Parses a file of `fileLength` bytes from its first `headLength` bytes at `head` (its
    /// first page), which must hold the program headers (a linker puts them right after the ELF
    /// header): the checks of segments against the file need only their offsets.</summary>
    public static unsafe FormatStatus TryParse(byte* head, int headLength, ulong fileLength, out LinuxExecutable exe, out string why,
        ulong loadBase = PieBase)
    {
        exe = default;
        var first = new ReadOnlySpan<byte>(head, headLength);
        if (headLength >= Elf64Image.HeaderSize && (ulong)headLength < fileLength && first[0] == 0x7F)
        {
            ulong table = Word(first, 32) + (ulong)Half(first, 56) * Elf64Image.ProgramHeaderSize;
            if (Word(first, 32) > (ulong)headLength || table > (ulong)headLength)
            {
                why = "its program headers are not in its first page";
                return FormatStatus.Unsupported;
            }
        }
        if (fileLength > int.MaxValue || (ulong)headLength > fileLength)
        {
            why = "a corrupt ELF file";
            return FormatStatus.Malformed;
        }
        return TryParse(new ReadOnlySpan<byte>(head, (ulong)headLength < fileLength ? (int)fileLength : headLength), out exe, out why,
            loadBase, headLength);
    }

    /// <summary>Parses `file` (a PIE loaded at `loadBase`); on failure `why` says, in words for the
    /// user, what is wrong with it. Only the first `readable` bytes of `file` are read (the rest is
    /// checked by offsets): the interpreter's path must lie in them.</summary>
    public static FormatStatus TryParse(ReadOnlySpan<byte> file, out LinuxExecutable exe, out string why, ulong loadBase = PieBase,
        int readable = int.MaxValue)
    {
        exe = default;
        FormatStatus s = Elf64Image.TryParse(file, out Elf64Image image, loadBase);
        if (s != FormatStatus.Ok)
        {
            why = Describe(file, s);
            return s;
        }
        byte[] interpreter = null;
        if (image.InterpreterSize != 0)
        {
            if (image.InterpreterOffset + image.InterpreterSize > readable)
            {
                why = "its interpreter's name is not in its first page";
                return FormatStatus.Unsupported;
            }
            ReadOnlySpan<byte> name = file.Slice(image.InterpreterOffset, image.InterpreterSize);
            int end = 0;
            while (end < name.Length && name[end] != 0) end++;
            if (end == name.Length || end == 0 || name[0] != (byte)'/')
            {
                why = "its interpreter's name is not an absolute path";
                return FormatStatus.Malformed;
            }
            interpreter = name.Slice(0, end).ToArray();
        }
        ulong phoff = Word(file, 32);
        ulong phnum = Half(file, 56);
        ulong tableEnd = phoff + phnum * Elf64Image.ProgramHeaderSize;
        ulong phdr = 0, brk = 0;
        for (int i = 0; i < image.SegmentCount; i++)
        {
            image.GetSegment(i, out Elf64Segment seg);
            if (phoff >= seg.FileOffset && tableEnd <= seg.FileOffset + seg.FileSize) phdr = seg.VirtualAddress + (phoff - seg.FileOffset);
            if (seg.EndPage > brk) brk = seg.EndPage;
        }
        if (phdr == 0)
        {
            why = "its program headers are not in a loaded segment";
            return FormatStatus.Malformed;
        }
        exe = new LinuxExecutable(image.Entry, phdr, phnum, brk, image.LoadBias, interpreter);
        why = null;
        return FormatStatus.Ok;
    }

    private static ulong Word(ReadOnlySpan<byte> b, int at) => (ulong)Half(b, at) | (ulong)Half(b, at + 2) << 16 | (ulong)Half(b, at + 4) << 32 | (ulong)Half(b, at + 6) << 48;
    private static ushort Half(ReadOnlySpan<byte> b, int at) => (ushort)(b[at] | b[at + 1] << 8);

    private static string Describe(ReadOnlySpan<byte> file, FormatStatus s)
    {
        if (s == FormatStatus.BadMagic || s == FormatStatus.Truncated && file.Length < 4) return "not an ELF file";
        if (s == FormatStatus.Unsupported)
        {
            if (file.Length >= 20 && Half(file, 18) != 62) return "not an x86_64 program";
            return "of an unsupported ELF kind (x86_64 executables and PIEs run)";
        }
        if (s == FormatStatus.WriteExecute) return "it asks for memory both writable and executable";
        if (s == FormatStatus.OutOfRange) return "it loads outside the user address range";
        return "a corrupt ELF file";
    }
}
