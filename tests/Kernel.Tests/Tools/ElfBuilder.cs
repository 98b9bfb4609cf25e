// Synthesises small ELF64 little-endian images for the ksyms tests: a list of sections plus a
// symbol table, laid out as [header][section contents][.symtab][.strtab][.shstrtab][section headers].
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Vireo.Tests.Tools;

public sealed class ElfBuilder
{
    public const ulong Alloc = 0x2;
    public const ulong Exec = 0x4;
    public const ulong Write = 0x1;

    private readonly List<(string Name, uint Type, ulong Flags, ulong Address, ulong Size)> _sections = new();
    private readonly List<(string Name, byte Info, byte Other, ushort Shndx, ulong Value, ulong Size)> _symbols = new();

    public ushort FileType { get; set; } = 2; // ET_EXEC

    /// <summary>Adds a PROGBITS section; returns its section index (the null section is 0).</summary>
    public ushort Section(string name, ulong flags, ulong address, ulong size)
    {
        _sections.Add((name, 1, flags, address, size));
        return (ushort)_sections.Count;
    }

    public ElfBuilder Symbol(string name, byte type, ushort shndx, ulong value, ulong size = 0, byte binding = 1, byte visibility = 0)
    {
        _symbols.Add((name, (byte)((binding << 4) | type), visibility, shndx, value, size));
        return this;
    }

    public byte[] Build()
    {
        var strtab = new MemoryStream();
        strtab.WriteByte(0);
        var symtab = new MemoryStream();
        var w = new BinaryWriter(symtab);
        w.Write(new byte[24]);
        foreach (var s in _symbols)
        {
            uint nameOffset = (uint)strtab.Length;
            strtab.Write(Encoding.UTF8.GetBytes(s.Name));
            strtab.WriteByte(0);
            w.Write(nameOffset);
            w.Write(s.Info);
            w.Write(s.Other);
            w.Write(s.Shndx);
            w.Write(s.Value);
            w.Write(s.Size);
        }

        var shstrtab = new MemoryStream();
        shstrtab.WriteByte(0);
        uint ShName(string name)
        {
            uint offset = (uint)shstrtab.Length;
            shstrtab.Write(Encoding.UTF8.GetBytes(name));
            shstrtab.WriteByte(0);
            return offset;
        }

        var file = new MemoryStream();
        var o = new BinaryWriter(file);
        o.Write(new byte[64]);
        var contentOffsets = new List<ulong>();
        foreach (var s in _sections)
        {
            contentOffsets.Add((ulong)file.Length);
            o.Write(new byte[s.Size]);
        }

        ulong symtabOffset = (ulong)file.Length;
        o.Write(symtab.ToArray());
        ulong strtabOffset = (ulong)file.Length;
        o.Write(strtab.ToArray());

        int symtabIndex = _sections.Count + 1;
        var headers = new List<(uint Name, uint Type, ulong Flags, ulong Address, ulong Offset, ulong Size, uint Link, uint Info, ulong EntSize)>
        {
            (0, 0, 0, 0, 0, 0, 0, 0, 0),
        };
        for (int i = 0; i < _sections.Count; i++)
        {
            var s = _sections[i];
            headers.Add((ShName(s.Name), s.Type, s.Flags, s.Address, contentOffsets[i], s.Size, 0, 0, 0));
        }

        headers.Add((ShName(".symtab"), 2, 0, 0, symtabOffset, (ulong)symtab.Length, (uint)(symtabIndex + 1), 1, 24));
        headers.Add((ShName(".strtab"), 3, 0, 0, strtabOffset, (ulong)strtab.Length, 0, 0, 0));
        uint shstrName = ShName(".shstrtab");
        ulong shstrOffset = (ulong)file.Length;
        o.Write(shstrtab.ToArray());
        headers.Add((shstrName, 3, 0, 0, shstrOffset, (ulong)shstrtab.Length, 0, 0, 0));

        while (file.Length % 8 != 0)
            o.Write((byte)0);
        ulong shoff = (ulong)file.Length;
        foreach (var h in headers)
        {
            o.Write(h.Name);
            o.Write(h.Type);
            o.Write(h.Flags);
            o.Write(h.Address);
            o.Write(h.Offset);
            o.Write(h.Size);
            o.Write(h.Link);
            o.Write(h.Info);
            o.Write(8UL);
            o.Write(h.EntSize);
        }

        byte[] bytes = file.ToArray();
        byte[] ident = { 0x7f, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1 };
        ident.CopyTo(bytes, 0);
        BitConverter.GetBytes(FileType).CopyTo(bytes, 16);
        BitConverter.GetBytes((ushort)62).CopyTo(bytes, 18); // EM_X86_64
        BitConverter.GetBytes(1u).CopyTo(bytes, 20);
        BitConverter.GetBytes(shoff).CopyTo(bytes, 40);
        BitConverter.GetBytes((ushort)64).CopyTo(bytes, 52);
        BitConverter.GetBytes((ushort)64).CopyTo(bytes, 58);
        BitConverter.GetBytes((ushort)headers.Count).CopyTo(bytes, 60);
        BitConverter.GetBytes((ushort)(headers.Count - 1)).CopyTo(bytes, 62);
        return bytes;
    }
}
