// What the collector reads of an object and of its MethodTable, as ilc 10 lays them out (facts in
// docs/design/gc.md): the MethodTable pointer at the object's first word, a 32-bit length at +8
// for arrays and strings, and before the MethodTable the GC descriptor: a series count at MT-8,
// then either N plain series ({size, offset} pairs going down from MT-24) or, for a negative count,
// one start offset at MT-16 and -N repeating {pointers, skip} u32 pairs going down from MT-24.
// Raw pointers only, so the host tests can build synthetic MethodTables in a pinned buffer.
using System.Runtime.CompilerServices;

namespace Vireo.User.Runtime;

public static unsafe class GcLayout
{
    public const uint HasPointersFlag = 0x01000000;
    public const uint HasComponentSizeFlag = 0x80000000;
    public const int MethodTableBaseSizeOffset = 4;
    public const int ArrayLengthOffset = 8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte* MethodTableOf(byte* obj) => *(byte**)obj;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool HasPointers(byte* mt) => (*(uint*)mt & HasPointersFlag) != 0;

    /// <summary>Bytes the object occupies: its base size (which counts an 8-byte header word) plus
    /// length times component size, rounded up to 8 as the allocator rounds it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nuint SizeOf(byte* obj)
    {
        byte* mt = MethodTableOf(obj);
        uint flags = *(uint*)mt;
        nuint size = *(uint*)(mt + MethodTableBaseSizeOffset);
        if ((flags & HasComponentSizeFlag) != 0)
            size += (nuint)(uint)*(int*)(obj + ArrayLengthOffset) * (ushort)flags;
        return (size + 7) & ~(nuint)7;
    }

    /// <summary>Offers every reference field of obj to the marker, as its GC descriptor lists them.</summary>
    public static void MarkFields(GcHeap* heap, byte* obj)
    {
        byte* mt = MethodTableOf(obj);
        if (!HasPointers(mt)) return;
        nint size = (nint)SizeOf(obj);
        nint count = *(nint*)(mt - 8);
        if (count > 0)
        {
            byte* series = mt - 24;
            for (nint i = 0; i < count; i++, series -= 16)
            {
                nint bytes = *(nint*)series + size;
                nint* p = (nint*)(obj + *(nint*)(series + 8));
                nint* end = (nint*)((byte*)p + bytes);
                for (; p < end; p++) heap->MarkReference(*p);
            }
            return;
        }
        // Repeating series (arrays of structs holding references): the pattern runs to the object's
        // end less the header word that the base size counts.
        byte* cursor = obj + *(nint*)(mt - 16);
        byte* last = obj + size - 8;
        while (cursor < last)
        {
            byte* item = mt - 24;
            for (nint i = 0; i > count; i--, item -= 8)
            {
                uint pointers = *(uint*)item;
                uint skip = *(uint*)(item + 4);
                for (uint k = 0; k < pointers; k++, cursor += 8) heap->MarkReference(*(nint*)cursor);
                cursor += skip;
            }
        }
    }
}
