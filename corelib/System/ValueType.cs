// Equals and GetHashCode of a struct that does not override them, which boxed structs, default
// comparers (ObjectEqualityComparer) and dictionary keys reach. .NET compares field by field, through
// reflection or a helper ilc generates; here the struct's bytes are compared, which is .NET's own fast
// path for structs without references or padding. A reference field is thus compared by reference
// (not with its Equals), and padding bytes take part: a difference from .NET written in the guide.
using System.Runtime.CompilerServices;

namespace System
{
    public abstract partial class ValueType
    {
        public override unsafe bool Equals(object obj)
        {
            if (obj == null || obj.m_pEEType != m_pEEType) return false;
            return SpanHelpers.SequenceEqual(ref Unsafe.As<RawData>(this).Data, ref Unsafe.As<RawData>(obj).Data,
                m_pEEType->ValueTypeSize);
        }

        // FNV-1a over the bytes: equal values hash alike, as Equals above requires.
        public override unsafe int GetHashCode()
        {
            ref byte data = ref Unsafe.As<RawData>(this).Data;
            uint hash = 2166136261;
            for (uint i = 0; i < m_pEEType->ValueTypeSize; i++)
                hash = (hash ^ Unsafe.Add(ref data, (nint)i)) * 16777619;
            return (int)hash;
        }
    }
}
