// Zeroed native buffer standing in for physical memory, with a PhysMap over it.
// Native (not managed) memory so its address never moves under the PhysMap.
using System;
using System.Runtime.InteropServices;
using Vireo.Kernel.Memory;

namespace Vireo.Tests.Acpi;

internal sealed unsafe class FakePhysicalMemory : IDisposable
{
    private byte* _base;

    public FakePhysicalMemory(ulong size)
    {
        _base = (byte*)NativeMemory.AllocZeroed((nuint)size);
        Size = size;
    }

    public ulong Size { get; }

    public PhysMap Map => new PhysMap(_base, Size);

    public void Write(ulong phys, byte[] bytes)
    {
        if (phys + (ulong)bytes.Length > Size)
            throw new ArgumentOutOfRangeException(nameof(phys));
        for (int i = 0; i < bytes.Length; i++)
            _base[phys + (ulong)i] = bytes[i];
    }

    public void Write8(ulong phys, byte value) => _base[phys] = value;

    public void Write16(ulong phys, ushort value) => Write(phys, BitConverter.GetBytes(value));

    public void Write32(ulong phys, uint value) => Write(phys, BitConverter.GetBytes(value));

    public byte Read8(ulong phys) => _base[phys];

    public void Dispose()
    {
        if (_base != null)
        {
            NativeMemory.Free(_base);
            _base = null;
        }
    }
}
