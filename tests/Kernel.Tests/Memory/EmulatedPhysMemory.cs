// A zeroed, page-aligned native buffer standing in for physical memory, with a PhysMap over it.
using System;
using System.Runtime.InteropServices;
using Vireo.Kernel.Memory;

namespace Vireo.Tests.Memory;

public sealed unsafe class EmulatedPhysMemory : IDisposable
{
    private byte* _base;

    public EmulatedPhysMemory(ulong size)
    {
        Size = size;
        _base = (byte*)NativeMemory.AlignedAlloc((nuint)size, 4096);
        NativeMemory.Clear(_base, (nuint)size);
        Map = new PhysMap(_base, size);
    }

    public ulong Size { get; }
    public PhysMap Map { get; }

    public void WriteU8(ulong phys, byte value) => *Check(phys, 1) = value;
    public void WriteU32(ulong phys, uint value) => *(uint*)Check(phys, 4) = value;
    public void WriteU64(ulong phys, ulong value) => *(ulong*)Check(phys, 8) = value;
    public byte ReadU8(ulong phys) => *Check(phys, 1);
    public uint ReadU32(ulong phys) => *(uint*)Check(phys, 4);
    public ulong ReadU64(ulong phys) => *(ulong*)Check(phys, 8);

    // The same for typed addresses (what the frame allocator hands out).
    public void WriteU32(PhysAddr phys, uint value) => WriteU32(phys.Value, value);
    public void WriteU64(PhysAddr phys, ulong value) => WriteU64(phys.Value, value);
    public uint ReadU32(PhysAddr phys) => ReadU32(phys.Value);
    public ulong ReadU64(PhysAddr phys) => ReadU64(phys.Value);

    public void WriteBytes(ulong phys, ReadOnlySpan<byte> bytes) =>
        bytes.CopyTo(new Span<byte>(Check(phys, (ulong)bytes.Length), bytes.Length));

    /// <summary>Writes an ASCII string followed by NUL; returns the number of bytes written.</summary>
    public ulong WriteCString(ulong phys, string text)
    {
        for (int i = 0; i < text.Length; i++)
            WriteU8(phys + (ulong)i, (byte)text[i]);
        WriteU8(phys + (ulong)text.Length, 0);
        return (ulong)text.Length + 1;
    }

    public void Dispose()
    {
        if (_base != null)
            NativeMemory.AlignedFree(_base);
        _base = null;
    }

    private byte* Check(ulong phys, ulong length)
    {
        if (!Map.Contains(phys, length))
            throw new ArgumentOutOfRangeException(nameof(phys));
        return _base + phys;
    }
}
