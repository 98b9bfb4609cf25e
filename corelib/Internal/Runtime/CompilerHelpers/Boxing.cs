// Boxing and unboxing, which ilc compiles into calls to these by name. A box is an ordinary object:
// the value type's MethodTable, then the value's bytes (ValueTypeSize of them, without the
// padding the MethodTable's base size adds). Nullable<T> boxes as its T or as null.
using System.Runtime.CompilerServices;
using Internal.Runtime;
using Internal.Runtime.CompilerHelpers;

namespace System.Runtime
{
    internal static unsafe class RuntimeExports
    {
        public static object RhBox(MethodTable* pEEType, ref byte data)
        {
            ref byte value = ref data;
            if (pEEType->IsNullable)
            {
                // hasValue is Nullable's first field; the T inside is boxed, not the Nullable.
                if (data == 0) return null;
                value = ref Unsafe.Add(ref data, pEEType->NullableValueOffset);
                pEEType = NullableUnderlyingType(pEEType);
            }
            object box = NewObject(pEEType);
            SpanHelpers.Memmove(ref Unsafe.As<RawData>(box).Data, ref value, pEEType->ValueTypeSize);
            return box;
        }

        public static ref byte RhUnbox2(MethodTable* pUnboxToEEType, object obj)
        {
            if (obj is null) ThrowHelpers.ThrowNullReferenceException();
            if (obj.m_pEEType != pUnboxToEEType && !SameEnumOrPrimitive(obj.m_pEEType, pUnboxToEEType))
                ThrowHelpers.ThrowInvalidCastException();
            return ref Unsafe.As<RawData>(obj).Data;
        }

        public static void RhUnboxNullable(ref byte data, MethodTable* pUnboxToEEType, object obj)
        {
            int offset = pUnboxToEEType->NullableValueOffset;
            if (obj is null)
            {
                // A null box is a Nullable without a value: clear hasValue and the value.
                SpanHelpers.ClearWithoutReferences(ref data, pUnboxToEEType->ValueTypeSize);
                return;
            }
            data = 1;
            SpanHelpers.Memmove(ref Unsafe.Add(ref data, offset), ref Unsafe.As<RawData>(obj).Data, obj.m_pEEType->ValueTypeSize);
        }

        // An int box unboxes to an enum over int and back, as in .NET: both are the same primitive.
        private static bool SameEnumOrPrimitive(MethodTable* a, MethodTable* b) =>
            a->ElementType == b->ElementType && a->ElementType < MethodTable.ValueTypeElementType && a->ElementType != 0;

        // The allocator's own entry point (Allocation.cs), reached by its symbol.
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "RhpNewFast")]
        private static extern object NewObject(MethodTable* type);

        private static MethodTable* NullableUnderlyingType(MethodTable* nullable) => nullable->NullableType;
    }
}
