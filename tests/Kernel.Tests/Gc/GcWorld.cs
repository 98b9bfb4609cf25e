// A collected heap over a pinned, page-aligned host buffer, with synthetic MethodTables laid out as
// ilc lays them out (GC descriptor before the table) and roots the test holds: precise roots (as
// static bases are) and a conservative "stack" of raw words. Each test builds a fresh world.
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Vireo.User.Runtime;

namespace Vireo.Tests.Gc;

public sealed unsafe class GcWorld : IDisposable
{
    public const nuint RegionBytes = 64u << 20;
    public const int StackWords = 256;

    private readonly byte* _region;
    private readonly byte* _types;
    private int _typesUsed;
    private GCHandle _self;
    public readonly GcHeap* Heap;
    public readonly List<nint> Roots = new();
    /// <summary>Words scanned conservatively, as a thread's stack is.</summary>
    public readonly nint* Stack;
    public bool RefuseCollections;

    public GcWorld(nuint minTrigger = GcHeap.DefaultMinTrigger, nuint commitLimit = 0)
    {
        _region = (byte*)NativeMemory.AlignedAlloc(RegionBytes, 4096);
        NativeMemory.Clear(_region, RegionBytes);
        _types = (byte*)NativeMemory.AllocZeroed(64 * 1024);
        Stack = (nint*)NativeMemory.AllocZeroed(StackWords * 8);
        Heap = (GcHeap*)NativeMemory.AllocZeroed((nuint)sizeof(GcHeap));
        _self = GCHandle.Alloc(this);
        Heap->Init(_region, RegionBytes, &Commit, &Collect, (void*)GCHandle.ToIntPtr(_self), minTrigger, commitLimit);
    }

    public void Dispose()
    {
        _self.Free();
        NativeMemory.AlignedFree(_region);
        NativeMemory.Free(_types);
        NativeMemory.Free(Stack);
        NativeMemory.Free(Heap);
    }

    public byte* RegionStart => _region;

    // The buffer is zeroed up front, so committing is only a bounds check.
    private static bool Commit(byte* at, nuint bytes) => true;

    private static bool Collect(GcHeap* heap, void* context)
    {
        var world = (GcWorld)GCHandle.FromIntPtr((IntPtr)context).Target;
        if (world.RefuseCollections || !heap->BeginCollection()) return false;
        heap->MarkRange((byte*)world.Stack, (byte*)(world.Stack + StackWords));
        foreach (nint root in world.Roots) heap->MarkRoot((byte*)root);
        heap->FinishCollection();
        return true;
    }

    /// <summary>A class with `refs` reference fields at +8, then `dataWords` plain words.</summary>
    public byte* ClassType(int refs, int dataWords)
    {
        uint baseSize = (uint)(8 + refs * 8 + dataWords * 8 + 8);
        if (refs == 0) return Type(0, baseSize, 0, null);
        return Type(GcLayout.HasPointersFlag, baseSize, 1, new nint[] { refs * 8 - (nint)baseSize, 8 });
    }

    /// <summary>An array of references: length at +8, elements from +16.</summary>
    public byte* RefArrayType() =>
        Type(GcLayout.HasPointersFlag | GcLayout.HasComponentSizeFlag | 8, 24, 1, new nint[] { -24, 16 });

    /// <summary>An array of bytes: no pointers.</summary>
    public byte* ByteArrayType() => Type(GcLayout.HasComponentSizeFlag | 1, 24, 0, null);

    /// <summary>An array of struct { object Ref; long Value; }: the repeating series (1 pointer, skip 8).</summary>
    public byte* StructArrayType()
    {
        byte* mt = Reserve(32);
        *(nint*)(mt - 8) = -1;
        *(nint*)(mt - 16) = 16;
        *(uint*)(mt - 24) = 1;
        *(uint*)(mt - 20) = 8;
        *(uint*)mt = GcLayout.HasPointersFlag | GcLayout.HasComponentSizeFlag | 16;
        *(uint*)(mt + 4) = 24;
        return mt;
    }

    // series: pairs {size, offset}, the first at MT-24.
    private byte* Type(uint flags, uint baseSize, nint count, nint[] series)
    {
        byte* mt = Reserve(8 + (series?.Length ?? 0) * 8);
        if (count != 0) *(nint*)(mt - 8) = count;
        for (int i = 0; series != null && i < series.Length; i += 2)
        {
            *(nint*)(mt - 24 - 8 * i) = series[i];
            *(nint*)(mt - 16 - 8 * i) = series[i + 1];
        }
        *(uint*)mt = flags;
        *(uint*)(mt + 4) = baseSize;
        return mt;
    }

    private byte* Reserve(int descriptorBytes)
    {
        _typesUsed += descriptorBytes + 8;
        _typesUsed = (_typesUsed + 15) & ~15;
        byte* mt = _types + _typesUsed;
        _typesUsed += 32;
        return mt;
    }

    /// <summary>A new object as the allocation helpers make one: zeroed memory, then the MethodTable.</summary>
    public byte* New(byte* mt)
    {
        byte* p = Heap->Allocate(*(uint*)(mt + 4));
        if (p != null) *(byte**)p = mt;
        return p;
    }

    public byte* NewArray(byte* mt, int length)
    {
        nuint size = (*(uint*)(mt + 4) + (nuint)length * (ushort)*(uint*)mt + 7) & ~(nuint)7;
        byte* p = Heap->Allocate(size);
        if (p == null) return null;
        *(byte**)p = mt;
        *(int*)(p + 8) = length;
        return p;
    }

    public static void SetRef(byte* obj, int field, byte* value) => *(byte**)(obj + 8 + field * 8) = value;
    public static byte* GetRef(byte* obj, int field) => *(byte**)(obj + 8 + field * 8);
    public static void SetElement(byte* array, int index, byte* value) => *(byte**)(array + 16 + index * 8) = value;
    public static byte* GetElement(byte* array, int index) => *(byte**)(array + 16 + index * 8);

    public bool IsLiveObject(byte* obj) => *(byte**)obj != null && !Heap->Contains(*(byte**)obj);
}
