// Synthesises ELF64 executables for the Elf64Image tests: [ELF header][program headers] at the
// start, then each segment's file bytes at the offset given, filled with a pattern that depends on
// the file offset so tests can check which bytes a page is built from. Every header field can be
// overridden to provoke one specific failure.
using System;
using System.Collections.Generic;

namespace Vireo.Tests.Formats;

public sealed class ElfImageBuilder
{
    public const uint R = 4;
    public const uint W = 2;
    public const uint X = 1;

    private readonly List<(uint Type, uint Flags, ulong Offset, ulong Vaddr, ulong FileSize, ulong MemSize, ulong Align)> _headers = new();

    public byte Class { get; set; } = 2;
    public byte Data { get; set; } = 1;
    public byte IdentVersion { get; set; } = 1;
    public ushort Type { get; set; } = 2;
    public ushort Machine { get; set; } = 62;
    public uint Version { get; set; } = 1;
    public ulong Entry { get; set; }
    public ushort HeaderSize { get; set; } = 64;
    public ushort PhEntSize { get; set; } = 56;
    public ushort? PhNum { get; set; }
    public ulong PhOff { get; set; } = 64;

    /// <summary>When set, the file is cut (or zero-extended) to exactly this many bytes.</summary>
    public int? Length { get; set; }

    public static byte Pattern(ulong fileOffset) => (byte)(fileOffset * 7 + 3);

    public ElfImageBuilder Load(uint flags, ulong offset, ulong vaddr, ulong fileSize, ulong memSize, ulong align = 0x1000) =>
        Header(1, flags, offset, vaddr, fileSize, memSize, align);

    public ElfImageBuilder Header(uint type, uint flags, ulong offset = 0, ulong vaddr = 0, ulong fileSize = 0, ulong memSize = 0, ulong align = 0)
    {
        _headers.Add((type, flags, offset, vaddr, fileSize, memSize, align));
        return this;
    }

    /// <summary>A well-formed two-segment program: text RX at 0x400000 (file 0..0x1800), data RW at 0x402800 (0x100 file bytes, 0x3000 in memory).</summary>
    public static ElfImageBuilder Typical() =>
        new ElfImageBuilder { Entry = 0x400100 }
            .Load(R | X, 0, 0x400000, 0x1800, 0x1800)
            .Load(R | W, 0x2800, 0x402800, 0x100, 0x3000);

    public byte[] Build()
    {
        ulong end = PhOff + (ulong)_headers.Count * 56;
        foreach (var h in _headers)
        {
            if (h.Type == 1 && h.Offset + h.FileSize > end && h.Offset + h.FileSize < 1 << 24)
                end = h.Offset + h.FileSize;
        }

        byte[] file = new byte[Length ?? (int)end];
        for (int i = 0; i < file.Length; i++)
            file[i] = Pattern((ulong)i);

        var header = new byte[64];
        header[0] = 0x7F;
        header[1] = (byte)'E';
        header[2] = (byte)'L';
        header[3] = (byte)'F';
        header[4] = Class;
        header[5] = Data;
        header[6] = IdentVersion;
        Put(header, 16, Type, 2);
        Put(header, 18, Machine, 2);
        Put(header, 20, Version, 4);
        Put(header, 24, Entry, 8);
        Put(header, 32, PhOff, 8);
        Put(header, 52, HeaderSize, 2);
        Put(header, 54, PhEntSize, 2);
        Put(header, 56, PhNum ?? (ulong)_headers.Count, 2);
        CopyClipped(header, file, 0);

        for (int i = 0; i < _headers.Count; i++)
        {
            var h = _headers[i];
            var ph = new byte[56];
            Put(ph, 0, h.Type, 4);
            Put(ph, 4, h.Flags, 4);
            Put(ph, 8, h.Offset, 8);
            Put(ph, 16, h.Vaddr, 8);
            Put(ph, 24, h.Vaddr, 8);
            Put(ph, 32, h.FileSize, 8);
            Put(ph, 40, h.MemSize, 8);
            Put(ph, 48, h.Align, 8);
            CopyClipped(ph, file, PhOff + (ulong)i * 56);
        }

        return file;
    }

    private static void Put(byte[] bytes, int offset, ulong value, int size)
    {
        for (int i = 0; i < size; i++)
            bytes[offset + i] = (byte)(value >> (8 * i));
    }

    private static void CopyClipped(byte[] source, byte[] file, ulong offset)
    {
        for (int i = 0; i < source.Length; i++)
        {
            if (offset < (ulong)file.Length && (ulong)i < (ulong)file.Length - offset)
                file[offset + (ulong)i] = source[i];
        }
    }
}
