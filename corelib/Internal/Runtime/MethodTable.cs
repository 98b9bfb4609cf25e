// The runtime's type descriptor, as ilc lays it out. Only the fields the allocator and the
// cast helpers read are declared; the layout must match ilc's output (see docs/adr/0001-toolchain.md).
namespace Internal.Runtime
{
    public unsafe struct MethodTable
    {
        public const uint HasComponentSizeFlag = 0x80000000;
        // Upper bits of _uFlags: the kind of type (class, array, interface, ...).
        public const uint ElementTypeMask = 0x7C000000;
        public const int ElementTypeShift = 26;
        // NativeAOT's EETypeElementType: primitives 0x02-0x0F in CorElementType order, then these.
        public const uint ValueTypeElementType = 0x10;
        public const uint NullableElementType = 0x12;
        public const uint ClassElementType = 0x14;
        public const uint InterfaceElementType = 0x15;
        public const uint SystemArrayElementType = 0x16;
        public const uint ArrayElementType = 0x17; // multi-dimensional
        public const uint SzArrayElementType = 0x18;
        // The low 16 bits of Flags (for types without a component size): extended flags. Value types keep
        // their padding (BaseSize minus header, MethodTable and fields) and Nullable<T> the log2 offset of
        // its value field there (ilc's EETypeFlagsEx).
        private const uint ValueTypeFieldPaddingMask = 0xE0;
        private const int ValueTypeFieldPaddingShift = 5;
        private const uint NullableValueOffsetMask = 0x700;
        private const int NullableValueOffsetShift = 8;

        public uint Flags;
        public uint BaseSize;
        public MethodTable* RelatedType;
        public ushort NumVtableSlots;
        public ushort NumInterfaces;
        public uint HashCode;

        public bool HasComponentSize => (Flags & HasComponentSizeFlag) != 0;
        public ushort ComponentSize => HasComponentSize ? (ushort)Flags : (ushort)0;
        public uint ElementType => (Flags & ElementTypeMask) >> ElementTypeShift;
        public bool IsArray => ElementType == SzArrayElementType || ElementType == ArrayElementType;
        public bool IsInterface => ElementType == InterfaceElementType;
        public bool IsValueType => ElementType < ClassElementType;
        public bool IsNullable => ElementType == NullableElementType;

        /// <summary>Bytes of a value type's fields as stored unboxed (locals, arrays, fields).</summary>
        public uint ValueTypeSize =>
            BaseSize - (uint)(2 * sizeof(nint)) - ((Flags & ValueTypeFieldPaddingMask) >> ValueTypeFieldPaddingShift);

        /// <summary>Offset of Nullable&lt;T&gt;'s value field (after its bool, aligned for T).</summary>
        public int NullableValueOffset => 1 << (int)((Flags & NullableValueOffsetMask) >> NullableValueOffsetShift);

        private const uint HasDispatchMapFlag = 0x00040000;
        private const uint HasFinalizerFlag = 0x00100000;
        private const uint HasSealedVTableEntriesFlag = 0x00400000;
        private const uint IsGenericFlag = 0x02000000;

        // After the interface map ilc writes 32-bit relative pointers: type manager, writable data,
        // then the dispatch map, finalizer and sealed virtual slots when the flags say so, then (for
        // generic types) the generic definition and the generic composition.
        private int* OptionalPointers => (int*)((byte*)InterfaceMap + NumInterfaces * sizeof(nint)) + 2;

        private static byte* Follow(int* relative) => (byte*)relative + *relative;

        /// <summary>{ushort standard, default, standardStatic, defaultStatic counts; entries of three
        /// ushorts: interface index, interface slot, implementation slot}, or null.</summary>
        public ushort* DispatchMap => (Flags & HasDispatchMapFlag) != 0 ? (ushort*)Follow(OptionalPointers) : null;

        /// <summary>Code of a slot past the vtable (a sealed type's own virtual methods and interface
        /// implementations live there): a table of self-relative pointers.</summary>
        public byte* SealedVirtualSlot(int index)
        {
            int* p = OptionalPointers;
            if ((Flags & HasDispatchMapFlag) != 0) p++;
            if ((Flags & HasFinalizerFlag) != 0) p++;
            if ((Flags & HasSealedVTableEntriesFlag) == 0) return null;
            int* table = (int*)Follow(p);
            return Follow(table + index);
        }

        public byte* VirtualSlot(int index)
        {
            fixed (MethodTable* self = &this)
                return ((byte**)(self + 1))[index];
        }

        /// <summary>The T of a Nullable&lt;T&gt;: its first generic argument, from the generic composition
        /// {ushort arity; MethodTable* arguments[]}.</summary>
        public MethodTable* NullableType
        {
            get
            {
                int* p = OptionalPointers;
                if ((Flags & HasDispatchMapFlag) != 0) p++;
                if ((Flags & HasFinalizerFlag) != 0) p++;
                if ((Flags & HasSealedVTableEntriesFlag) != 0) p++;
                if ((Flags & IsGenericFlag) == 0) return null;
                byte* composition = Follow(p + 1);
                return *(MethodTable**)(composition + sizeof(nint));
            }
        }

        // The interface map follows the vtable.
        public MethodTable** InterfaceMap
        {
            get
            {
                fixed (MethodTable* self = &this)
                    return (MethodTable**)((byte*)self + sizeof(MethodTable) + NumVtableSlots * sizeof(nint));
            }
        }
    }
}
