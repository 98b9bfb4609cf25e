// Builds Multiboot2 info structures byte by byte, including deliberately broken ones.
using System;
using System.Collections.Generic;
using Vireo.Tests.Memory;

namespace Vireo.Tests.Boot;

public sealed class Multiboot2Builder
{
    private readonly List<byte> _bytes = new List<byte>();

    public Multiboot2Builder()
    {
        U32(0);
        U32(0);
    }

    /// <summary>Overrides the total_size written by WriteTo (null = actual length).</summary>
    public uint? TotalSizeOverride { get; set; }

    public int Length => _bytes.Count;

    /// <summary>Appends a tag whose size field is <paramref name="sizeOverride"/> or header + payload.</summary>
    public Multiboot2Builder Tag(uint type, byte[] payload, uint? sizeOverride = null)
    {
        U32(type);
        U32(sizeOverride ?? (uint)(8 + payload.Length));
        _bytes.AddRange(payload);
        while (_bytes.Count % 8 != 0)
            _bytes.Add(0);
        return this;
    }

    public Multiboot2Builder Cmdline(string text) => Tag(1, CString(text));

    public Multiboot2Builder Module(uint start, uint end, string text)
    {
        var payload = new List<byte>();
        payload.AddRange(BitConverter.GetBytes(start));
        payload.AddRange(BitConverter.GetBytes(end));
        payload.AddRange(CString(text));
        return Tag(3, payload.ToArray());
    }

    public Multiboot2Builder BasicMemory(uint lowerKiB, uint upperKiB)
    {
        var payload = new List<byte>();
        payload.AddRange(BitConverter.GetBytes(lowerKiB));
        payload.AddRange(BitConverter.GetBytes(upperKiB));
        return Tag(4, payload.ToArray());
    }

    /// <summary>Entries are (base, length, multiboot type); entrySize pads each entry.</summary>
    public Multiboot2Builder MemoryMap((ulong Base, ulong Length, uint Type)[] entries, uint entrySize = 24)
    {
        var payload = new List<byte>();
        payload.AddRange(BitConverter.GetBytes(entrySize));
        payload.AddRange(BitConverter.GetBytes(0u));
        foreach (var e in entries)
        {
            // A deliberately short entry_size cuts the fields off.
            var entry = new byte[Math.Max(entrySize, 24)];
            BitConverter.GetBytes(e.Base).CopyTo(entry, 0);
            BitConverter.GetBytes(e.Length).CopyTo(entry, 8);
            BitConverter.GetBytes(e.Type).CopyTo(entry, 16);
            payload.AddRange(new ArraySegment<byte>(entry, 0, (int)entrySize));
        }
        return Tag(6, payload.ToArray());
    }

    public Multiboot2Builder End() => Tag(0, Array.Empty<byte>());

    public ulong WriteTo(EmulatedPhysMemory memory, ulong phys)
    {
        byte[] bytes = _bytes.ToArray();
        BitConverter.GetBytes(TotalSizeOverride ?? (uint)bytes.Length).CopyTo(bytes, 0);
        memory.WriteBytes(phys, bytes);
        return (ulong)bytes.Length;
    }

    public static byte[] CString(string text)
    {
        var bytes = new byte[text.Length + 1];
        for (int i = 0; i < text.Length; i++)
            bytes[i] = (byte)text[i];
        return bytes;
    }

    private void U32(uint value) => _bytes.AddRange(BitConverter.GetBytes(value));
}
