// Minimal ELF64 little-endian reader: section headers and symbol tables, nothing else.
// Enough for ksyms; written out by hand (rather than pulling in a library) because the tool
// needs a few dozen fields and must fail clearly on truncated or malformed input: every read
// is bounds-checked and problems surface as ElfFormatException.
using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;

namespace Vireo.Tools;

public sealed class ElfFormatException(string message) : Exception(message);

public sealed record ElfSection(
    int Index, string Name, uint Type, ulong Flags, ulong Address, ulong Offset, ulong Size, uint Link, ulong EntrySize)
{
    public bool IsExecutable => (Flags & Elf64File.ShfExecInstr) != 0;
    public bool IsAllocated => (Flags & Elf64File.ShfAlloc) != 0;
}

/// <summary>
/// One .symtab entry. SectionIndex is resolved through SHN_XINDEX; reserved indices
/// (SHN_ABS, SHN_COMMON, ...) become Elf64File.NoSection.
/// </summary>
public readonly record struct ElfSymbol(string Name, ulong Value, ulong Size, byte Type, byte Binding, uint SectionIndex, byte Visibility = Elf64File.StvDefault);

public sealed class Elf64File
{
    public const ushort EtRel = 1;
    public const ushort EtExec = 2;
    public const ushort EtDyn = 3;
    public const uint ShtSymtab = 2;
    public const uint ShtStrtab = 3;
    public const uint ShtNobits = 8;
    public const uint ShtSymtabShndx = 18;
    public const ulong ShfAlloc = 0x2;
    public const ulong ShfExecInstr = 0x4;
    public const byte SttNotype = 0;
    public const byte SttObject = 1;
    public const byte SttFunc = 2;
    public const byte SttSection = 3;
    public const byte SttFile = 4;
    public const byte StbLocal = 0;
    public const byte StbGlobal = 1;
    public const byte StbWeak = 2;
    public const byte StvDefault = 0;
    public const byte StvHidden = 2;
    public const ushort ShnUndef = 0;
    public const ushort ShnLoReserve = 0xff00;
    public const ushort ShnXIndex = 0xffff;
    public const uint NoSection = uint.MaxValue;

    private const int HeaderSize = 64;
    private const int SectionHeaderSize = 64;
    private const int SymbolSize = 24;

    private readonly byte[] _data;

    private Elf64File(byte[] data, ushort type, ushort machine, List<ElfSection> sections)
    {
        _data = data;
        Type = type;
        Machine = machine;
        Sections = sections;
    }

    public ushort Type { get; }
    public ushort Machine { get; }
    public IReadOnlyList<ElfSection> Sections { get; }

    public static Elf64File Parse(byte[] data)
    {
        if (data.Length < HeaderSize || data[0] != 0x7f || data[1] != (byte)'E' || data[2] != (byte)'L' || data[3] != (byte)'F')
            throw new ElfFormatException("not an ELF file");
        if (data[4] != 2)
            throw new ElfFormatException("not ELF64 (EI_CLASS != ELFCLASS64)");
        if (data[5] != 1)
            throw new ElfFormatException("not little-endian (EI_DATA != ELFDATA2LSB)");

        ushort type = U16(data, 16);
        ushort machine = U16(data, 18);
        ulong shoff = U64(data, 40);
        ushort shentsize = U16(data, 58);
        uint shnum = U16(data, 60);
        uint shstrndx = U16(data, 62);
        if (shoff == 0)
            return new Elf64File(data, type, machine, new List<ElfSection>());
        if (shentsize < SectionHeaderSize)
            throw new ElfFormatException("section header entry size too small");

        // Extended numbering: the real counts live in section header 0.
        Span(data, shoff, SectionHeaderSize);
        if (shnum == 0)
        {
            ulong extendedCount = U64(data, shoff + 32);
            if (extendedCount > (ulong)data.Length / SectionHeaderSize)
                throw new ElfFormatException("section count larger than the file");
            shnum = (uint)extendedCount;
        }
        if (shstrndx == ShnXIndex)
            shstrndx = U32(data, shoff + 40);

        Span(data, shoff, (ulong)shnum * shentsize);
        var raw = new List<ElfSection>((int)shnum);
        for (uint i = 0; i < shnum; i++)
        {
            ulong h = shoff + (ulong)i * shentsize;
            raw.Add(new ElfSection((int)i, "", U32(data, h + 4), U64(data, h + 8), U64(data, h + 16),
                U64(data, h + 24), U64(data, h + 32), U32(data, h + 40), U64(data, h + 56)));
        }

        var sections = new List<ElfSection>(raw.Count);
        ElfSection? names = shstrndx != 0 && shstrndx < raw.Count ? raw[(int)shstrndx] : null;
        for (int i = 0; i < raw.Count; i++)
        {
            uint nameOffset = U32(data, shoff + (ulong)i * shentsize);
            string name = names is null ? "" : ReadString(data, names, nameOffset);
            sections.Add(raw[i] with { Name = name });
        }

        return new Elf64File(data, type, machine, sections);
    }

    /// <summary>All entries of every SHT_SYMTAB section, including the null symbol 0.</summary>
    public List<ElfSymbol> ReadSymbols()
    {
        var symbols = new List<ElfSymbol>();
        foreach (ElfSection symtab in Sections)
        {
            if (symtab.Type != ShtSymtab)
                continue;
            if (symtab.EntrySize != SymbolSize)
                throw new ElfFormatException($"{symtab.Name}: unexpected entry size {symtab.EntrySize}");
            if (symtab.Link >= Sections.Count)
                throw new ElfFormatException($"{symtab.Name}: string table index {symtab.Link} out of range");

            ElfSection strings = Sections[(int)symtab.Link];
            ElfSection? extended = null;
            foreach (ElfSection s in Sections)
            {
                if (s.Type == ShtSymtabShndx && s.Link == symtab.Index)
                    extended = s;
            }

            Span(_data, symtab.Offset, symtab.Size);
            ulong count = symtab.Size / SymbolSize;
            for (ulong i = 0; i < count; i++)
            {
                ulong e = symtab.Offset + i * SymbolSize;
                uint nameOffset = U32(_data, e);
                byte info = _data[e + 4];
                byte other = _data[e + 5];
                uint shndx = U16(_data, e + 6);
                if (shndx >= ShnLoReserve && shndx != ShnXIndex)
                {
                    shndx = NoSection;
                }
                else if (shndx == ShnXIndex)
                {
                    if (extended is null)
                        throw new ElfFormatException($"{symtab.Name}: SHN_XINDEX without .symtab_shndx");
                    if (i * 4 + 4 > extended.Size)
                        throw new ElfFormatException($"{extended.Name}: too short");
                    shndx = U32(_data, extended.Offset + i * 4);
                }

                symbols.Add(new ElfSymbol(ReadString(_data, strings, nameOffset), U64(_data, e + 8), U64(_data, e + 16),
                    (byte)(info & 0xf), (byte)(info >> 4), shndx, (byte)(other & 0x3)));
            }
        }

        return symbols;
    }

    private static string ReadString(byte[] data, ElfSection table, uint offset)
    {
        if (table.Type == ShtNobits)
            throw new ElfFormatException($"{table.Name}: string table has no file contents");
        if (offset >= table.Size)
            throw new ElfFormatException($"string offset {offset} outside its table ({table.Size} bytes)");

        ReadOnlySpan<byte> bytes = Span(data, table.Offset + offset, table.Size - offset);
        int end = bytes.IndexOf((byte)0);
        if (end < 0)
            throw new ElfFormatException("unterminated string in string table");
        return Encoding.UTF8.GetString(bytes[..end]);
    }

    private static ReadOnlySpan<byte> Span(byte[] data, ulong offset, ulong length)
    {
        if (offset > (ulong)data.Length || length > (ulong)data.Length - offset)
            throw new ElfFormatException($"range [0x{offset:x}, +0x{length:x}) lies outside the file ({data.Length} bytes)");
        return data.AsSpan((int)offset, (int)length);
    }

    private static ushort U16(byte[] data, ulong offset) => BinaryPrimitives.ReadUInt16LittleEndian(Span(data, offset, 2));

    private static uint U32(byte[] data, ulong offset) => BinaryPrimitives.ReadUInt32LittleEndian(Span(data, offset, 4));

    private static ulong U64(byte[] data, ulong offset) => BinaryPrimitives.ReadUInt64LittleEndian(Span(data, offset, 8));
}
