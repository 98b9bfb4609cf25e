// Cast helpers for `is`, `as` and casts that ilc could not resolve statically. Classes walk the
// parent chain; interfaces search the interface map; anything else must match exactly.
using System.Runtime.CompilerServices;
using Internal.Runtime;
using Internal.Runtime.CompilerHelpers;

namespace System.Runtime
{
    internal static unsafe class TypeCast
    {
        private static MethodTable* TypeOf(object obj)
        {
            return obj.m_pEEType;
        }

        private static bool IsInstanceOf(MethodTable* target, MethodTable* type)
        {
            if (target->IsInterface)
            {
                MethodTable** map = type->InterfaceMap;
                for (int i = 0; i < type->NumInterfaces; i++)
                    if (map[i] == target) return true;
                return false;
            }
            if (type->IsArray) return type == target;
            for (MethodTable* t = type; t != null; t = t->RelatedType)
                if (t == target) return true;
            return false;
        }

        public static object IsInstanceOfAny(void* pvTargetType, object obj) =>
            obj == null || IsInstanceOf((MethodTable*)pvTargetType, TypeOf(obj)) ? obj : null;

        public static object IsInstanceOfInterface(void* pvTargetType, object obj) => IsInstanceOfAny(pvTargetType, obj);
        public static object IsInstanceOfClass(void* pvTargetType, object obj) => IsInstanceOfAny(pvTargetType, obj);
        public static bool IsInstanceOfException(void* pvTargetType, object obj) => obj != null && IsInstanceOf((MethodTable*)pvTargetType, TypeOf(obj));

        public static object CheckCastAny(void* pvTargetType, object obj)
        {
            if (obj == null || IsInstanceOf((MethodTable*)pvTargetType, TypeOf(obj))) return obj;
            ThrowHelpers.ThrowInvalidCastException();
            return null;
        }

        public static object CheckCastInterface(void* pvTargetType, object obj) => CheckCastAny(pvTargetType, obj);
        public static object CheckCastClass(void* pvTargetType, object obj) => CheckCastAny(pvTargetType, obj);
        public static object CheckCastClassSpecial(void* pvTargetType, object obj) => CheckCastAny(pvTargetType, obj);

        // Stores into reference arrays. Array covariance is not supported, so no element check.
        public static void StelemRef(object[] array, nint index, object obj)
        {
            if ((nuint)index >= (nuint)(uint)array.Length) ThrowHelpers.ThrowIndexOutOfRangeException();
            Unsafe.Add(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(array), index) = obj;
        }

        public static ref object LdelemaRef(object[] array, nint index, IntPtr elementType)
        {
            if ((nuint)index >= (nuint)(uint)array.Length) ThrowHelpers.ThrowIndexOutOfRangeException();
            return ref Unsafe.Add(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(array), index);
        }
    }
}

namespace System.Runtime.InteropServices
{
    public interface IDynamicInterfaceCastable
    {
        static IntPtr GetDynamicInterfaceImplementation(object instance, RuntimeTypeHandle interfaceType, IntPtr method)
        {
            Environment.FailFast("dynamic interface casts are not supported");
            return default;
        }
    }
}
