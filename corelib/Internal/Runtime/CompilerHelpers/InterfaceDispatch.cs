// Interface calls that ilc could not devirtualise (for example through an interface in shared
// generic code). The call site loads its dispatch cell into r11 and calls the cell's stub,
// RhpInitialDynamicInterfaceDispatch (Runtime.S), which saves the argument registers, asks Resolve
// for the code and jumps there. There is no cache: each call walks the dispatch maps of the
// object's type and its bases (a few entries each); default interface methods are not supported.
//
// A cell is {stub, info}. info's low two bits say how it names the interface: 3 a 32-bit pointer
// relative to the info field, 2 the same through one indirection, 1 an absolute pointer. The slot
// is kept once per run of cells, in the info of the terminating cell (the first with a null stub):
// its low 16 bits.
using System.Runtime;

namespace Internal.Runtime.CompilerHelpers
{
    internal static unsafe class InterfaceDispatch
    {
        private struct Cell
        {
            public nint Stub;
            public nint Info;
        }

        [RuntimeExport("vireo_resolve_interface")]
        private static byte* Resolve(object obj, Cell* cell)
        {
            MethodTable* itf = InterfaceOf(cell);
            Cell* end = cell;
            while (end->Stub != 0) end++;
            ushort slot = (ushort)end->Info;

            MethodTable* type = obj.m_pEEType;
            for (MethodTable* current = type; current != null; current = current->IsArray ? null : current->RelatedType)
            {
                ushort* map = current->DispatchMap;
                if (map == null) continue;
                ushort* entry = map + 4;
                for (int i = 0; i < map[0]; i++, entry += 3)
                {
                    if (entry[1] != slot || current->InterfaceMap[entry[0]] != itf) continue;
                    int impl = entry[2];
                    // A slot inside the vtable is virtual: the object's own type may override it.
                    return impl < current->NumVtableSlots ? type->VirtualSlot(impl) : current->SealedVirtualSlot(impl - current->NumVtableSlots);
                }
            }
            System.Environment.FailFast("interface method not found (default interface methods are not supported)");
            return null;
        }

        private static MethodTable* InterfaceOf(Cell* cell)
        {
            nint info = cell->Info;
            byte* field = (byte*)&cell->Info;
            switch (info & 3)
            {
                case 3: return (MethodTable*)(field + (int)(info & ~3));
                case 2: return *(MethodTable**)(field + (int)(info & ~3));
                case 1: return (MethodTable*)(info & ~3);
                default:
                    System.Environment.FailFast("unsupported interface dispatch cell");
                    return null;
            }
        }
    }
}
