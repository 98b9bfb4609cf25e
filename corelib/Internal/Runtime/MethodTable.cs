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
        public const uint ArrayElementType = 0x17; // ElementType.Array (rank > 1)
        public const uint SzArrayElementType = 0x18; // ElementType.SzArray
        public const uint InterfaceElementType = 0x15;

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
