// Allocation entry points that compiled code calls for `new`. Objects are laid out as ilc
// expects: MethodTable pointer, then fields; arrays and strings add a 32-bit length.
using System.Runtime;

namespace Internal.Runtime.CompilerHelpers
{
    internal static unsafe class Allocation
    {
        [RuntimeExport("RhpNewFast")]
        private static object RhpNewFast(MethodTable* type)
        {
            byte* p = Heap.Allocate(type->BaseSize);
            *(MethodTable**)p = type;
            return ObjectAt(p);
        }

        [RuntimeExport("RhpNewFinalizable")]
        private static object RhpNewFinalizable(MethodTable* type) => RhpNewFast(type);

        [RuntimeExport("RhpNewArrayFast")]
        private static object RhpNewArrayFast(MethodTable* type, int length) => NewArray(type, length);

        [RuntimeExport("RhpNewPtrArrayFast")]
        private static object RhpNewPtrArrayFast(MethodTable* type, int length) => NewArray(type, length);

        [RuntimeExport("RhNewString")]
        private static object RhNewString(MethodTable* type, int length) => NewArray(type, length);

        [RuntimeExport("RhpNewArray")]
        private static object RhpNewArray(MethodTable* type, int length) => NewArray(type, length);

        internal static object NewArray(MethodTable* type, int length)
        {
            if (length < 0) System.Environment.FailFast("negative array length");
            nuint size = type->BaseSize + (nuint)(uint)length * type->ComponentSize;
            byte* p = Heap.Allocate(size);
            *(MethodTable**)p = type;
            *(int*)(p + sizeof(nint)) = length;
            return ObjectAt(p);
        }

        private static object ObjectAt(byte* p)
        {
            nint address = (nint)p;
            return System.Runtime.CompilerServices.Unsafe.As<nint, object>(ref address);
        }
    }
}
