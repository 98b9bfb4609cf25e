// ksyms: turns the kernel ELF's .symtab into the compact "VKSY" blob that the kernel's
// Vireo.Kernel.Diagnostics.SymbolTable reads in panics (format documented in
// kernel/Core/Diagnostics/SymbolTable.cs). Code symbols are selected by the section they live
// in, not by type alone: ilc marks every defined symbol with a size as STT_FUNC (data included)
// and every size-0 symbol as STT_NOTYPE, while C/asm code uses STT_FUNC properly. So a symbol is
// kept when it is FUNC or NOTYPE and defined in an allocated, executable section.
using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Vireo.Tools;

public readonly record struct KernelSymbol(ulong Address, uint Size, string Name);

public static class KernelSymbols
{
    public static readonly byte[] Magic = "VKSY"u8.ToArray();
    public const uint FormatVersion = 1;
    private const int HeaderSize = 16;
    private const int EntrySize = 16;

    /// <summary>
    /// Code symbols sorted by address, one per address. Aliases at one address are resolved
    /// deterministically (FUNC over NOTYPE, sized over unsized, names without a leading
    /// underscore over linker-style ones, exported over hidden, global over weak over local, then
    /// ordinal name).
    /// Unsized symbols get the distance to the next symbol or the end of their section as
    /// size, so lookups past the end of the last function in a section miss.
    /// </summary>
    public static List<KernelSymbol> Select(Elf64File elf)
    {
        var candidates = new List<(ElfSymbol Symbol, ulong Address, ulong SectionEnd)>();
        foreach (ElfSymbol symbol in elf.ReadSymbols())
        {
            if (symbol.Name.Length == 0 || symbol.Name.StartsWith(".L", StringComparison.Ordinal))
                continue;
            if (symbol.Type != Elf64File.SttFunc && symbol.Type != Elf64File.SttNotype)
                continue;
            // Undefined, absolute and common symbols have no section and so no code.
            if (symbol.SectionIndex == Elf64File.ShnUndef || symbol.SectionIndex >= elf.Sections.Count)
                continue;

            ElfSection section = elf.Sections[(int)symbol.SectionIndex];
            if (!section.IsExecutable || !section.IsAllocated)
                continue;

            // In relocatable objects values are section offsets; in linked images they are addresses.
            ulong address = elf.Type == Elf64File.EtRel ? section.Address + symbol.Value : symbol.Value;
            candidates.Add((symbol, address, section.Address + section.Size));
        }

        candidates.Sort((a, b) =>
        {
            int order = a.Address.CompareTo(b.Address);
            if (order == 0)
                order = Preference(b.Symbol).CompareTo(Preference(a.Symbol));
            if (order == 0)
                order = string.CompareOrdinal(a.Symbol.Name, b.Symbol.Name);
            return order;
        });

        var unique = new List<(ElfSymbol Symbol, ulong Address, ulong SectionEnd)>();
        foreach (var candidate in candidates)
        {
            if (unique.Count == 0 || unique[^1].Address != candidate.Address)
                unique.Add(candidate);
        }

        var result = new List<KernelSymbol>(unique.Count);
        for (int i = 0; i < unique.Count; i++)
        {
            (ElfSymbol symbol, ulong address, ulong sectionEnd) = unique[i];
            ulong size = symbol.Size;
            if (size == 0)
            {
                ulong end = sectionEnd;
                if (i + 1 < unique.Count && unique[i + 1].Address < end)
                    end = unique[i + 1].Address;
                size = end > address ? end - address : 0;
            }

            result.Add(new KernelSymbol(address, size > uint.MaxValue ? uint.MaxValue : (uint)size, symbol.Name));
        }

        return result;
    }

    /// <summary>Serialises symbols (must be sorted by address) into the VKSY blob; identical names share pool bytes.</summary>
    public static byte[] Build(IReadOnlyList<KernelSymbol> symbols)
    {
        for (int i = 1; i < symbols.Count; i++)
        {
            if (symbols[i].Address < symbols[i - 1].Address)
                throw new ArgumentException("symbols must be sorted by address", nameof(symbols));
        }

        var pool = new MemoryStream();
        var offsets = new Dictionary<string, uint>(StringComparer.Ordinal);
        var nameOffsets = new uint[symbols.Count];
        for (int i = 0; i < symbols.Count; i++)
        {
            string name = symbols[i].Name;
            if (name.Contains('\0'))
                throw new ArgumentException("symbol names cannot contain NUL", nameof(symbols));
            if (!offsets.TryGetValue(name, out uint offset))
            {
                offset = checked((uint)pool.Length);
                pool.Write(Encoding.UTF8.GetBytes(name));
                pool.WriteByte(0);
                offsets.Add(name, offset);
            }

            nameOffsets[i] = offset;
        }

        byte[] blob = new byte[checked(HeaderSize + symbols.Count * EntrySize + (int)pool.Length)];
        Span<byte> span = blob;
        Magic.CopyTo(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], FormatVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], (uint)symbols.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(span[12..], (uint)pool.Length);
        for (int i = 0; i < symbols.Count; i++)
        {
            Span<byte> entry = span.Slice(HeaderSize + i * EntrySize, EntrySize);
            BinaryPrimitives.WriteUInt64LittleEndian(entry, symbols[i].Address);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[8..], symbols[i].Size);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[12..], nameOffsets[i]);
        }

        pool.ToArray().CopyTo(span[(HeaderSize + symbols.Count * EntrySize)..]);
        return blob;
    }

    /// <summary>The `ksyms &lt;kernel.elf&gt; &lt;out.bin&gt;` verb.</summary>
    public static int Run(ReadOnlySpan<string> args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length != 2)
        {
            stderr.WriteLine("usage: vireo-tools ksyms <kernel.elf> <out.bin>");
            return 2;
        }

        try
        {
            Elf64File elf = Elf64File.Parse(File.ReadAllBytes(args[0]));
            List<KernelSymbol> symbols = Select(elf);
            if (symbols.Count == 0)
            {
                stderr.WriteLine($"ksyms: {args[0]}: no code symbols (stripped?)");
                return 1;
            }

            byte[] blob = Build(symbols);
            File.WriteAllBytes(args[1], blob);
            stdout.WriteLine($"ksyms: {symbols.Count} symbols, {blob.Length} bytes -> {args[1]}");
            return 0;
        }
        catch (Exception e) when (e is ElfFormatException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"ksyms: {args[0]}: {e.Message}");
            return 1;
        }
    }

    // Higher is better when several symbols share an address.
    private static int Preference(ElfSymbol symbol)
    {
        int score = symbol.Type == Elf64File.SttFunc ? 32 : 0;
        if (symbol.Size != 0)
            score += 16;
        // Linker-script markers (_text_start, __bss_end) alias the first function of a
        // section; the function's own name is the more useful one in a backtrace.
        if (!symbol.Name.StartsWith('_'))
            score += 8;
        // A method with [RuntimeExport("name")] has two names: ilc's mangled one, which it marks
        // hidden, and the exported one, which code outside (assembly, the fault tests) relies on
        // and which does not change when the method's namespace or assembly does.
        if (symbol.Visibility != Elf64File.StvHidden)
            score += 4;
        score += symbol.Binding switch
        {
            Elf64File.StbGlobal => 2,
            Elf64File.StbWeak => 1,
            _ => 0,
        };
        return score;
    }
}
