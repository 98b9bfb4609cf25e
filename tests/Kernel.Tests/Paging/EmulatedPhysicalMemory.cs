// Test fixtures for paging: a zeroed, page-aligned native buffer that plays physical memory,
// and a frame source over it that records every frame handed out and returned, so tests can
// check that page tables give back exactly what they took.
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Vireo.Kernel.Memory;
using Vireo.Kernel.Paging;

namespace Vireo.Tests.Paging;

public sealed unsafe class EmulatedPhysicalMemory : IDisposable
{
    public const ulong FrameSize = 4096;

    public EmulatedPhysicalMemory(int frames)
    {
        Size = (ulong)frames * FrameSize;
        Base = (byte*)NativeMemory.AlignedAlloc((nuint)Size, (nuint)FrameSize);
        NativeMemory.Clear(Base, (nuint)Size);
        Map = new PhysMap(Base, Size);
    }

    public byte* Base { get; }
    public ulong Size { get; }
    public PhysMap Map { get; }

    public ulong ReadEntry(PhysAddr tablePhys, int index) => Map.As<ulong>(tablePhys)[index];

    public void WriteEntry(PhysAddr tablePhys, int index, ulong value) => Map.As<ulong>(tablePhys)[index] = value;

    public void Dispose() => NativeMemory.AlignedFree(Base);
}

/// <summary>Hands out frames of an EmulatedPhysicalMemory (never frame 0), optionally failing after a budget.</summary>
public unsafe struct TestFrameSource : IFrameSource
{
    private readonly EmulatedPhysicalMemory _memory;
    private readonly Stack<PhysAddr> _free;
    private ulong _next;

    public TestFrameSource(EmulatedPhysicalMemory memory)
    {
        _memory = memory;
        _free = new Stack<PhysAddr>();
        _next = EmulatedPhysicalMemory.FrameSize;
        Live = new HashSet<PhysAddr>();
        Budget = -1;
    }

    /// <summary>Frames currently handed out and not yet freed.</summary>
    public HashSet<PhysAddr> Live { get; }

    /// <summary>Allocations still allowed; negative means unlimited.</summary>
    public int Budget { get; set; }

    public int Allocations { get; private set; }
    public int Frees { get; private set; }

    public bool TryAllocZeroedFrame(out PhysAddr phys)
    {
        phys = PhysAddr.Null;
        if (Budget == 0)
            return false;

        if (_free.Count > 0)
        {
            phys = _free.Pop();
        }
        else
        {
            if (_next + EmulatedPhysicalMemory.FrameSize > _memory.Size)
                return false;
            phys = new PhysAddr(_next);
            _next += EmulatedPhysicalMemory.FrameSize;
        }

        if (Budget > 0)
            Budget--;
        // Dirty recycled frames must not leak into new tables: the contract says zeroed.
        NativeMemory.Clear(_memory.Map.Ptr(phys), (nuint)EmulatedPhysicalMemory.FrameSize);
        Live.Add(phys);
        Allocations++;
        return true;
    }

    public void FreeFrame(PhysAddr phys)
    {
        if (!Live.Remove(phys))
            throw new InvalidOperationException($"frame 0x{phys.Value:x} freed but not live");

        // Scribble on it so a use-after-free of a page table shows up as garbage.
        NativeMemory.Fill(_memory.Map.Ptr(phys), (nuint)EmulatedPhysicalMemory.FrameSize, 0xAB);
        _free.Push(phys);
        Frees++;
    }
}
