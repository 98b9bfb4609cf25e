// Interface calls that ilc could not devirtualise. Each call site loads the address of its dispatch
// cell into r11 and calls through the cell's first word. ilc points that word at
// RhpInitialDynamicInterfaceDispatch (Runtime.S), which saves the argument registers and calls
// Resolve below; Resolve finds the target through the object's dispatch map and then turns the cell
// into a cache: a chain of up to MaxChain entries {type, target}, which vireo_interface_dispatch_cached
// walks, so a call from a site that has seen the receiver's type costs a compare or a few and a jump.
// Entries are only ever appended (by compare-and-swap on the last one's Next), never changed once
// linked, so readers need no lock; a site that sees more types than that resolves the rest each time.
//
// Layout, as ilc 10 emits it (checked on its output; docs/design/collections.md):
// - A cell is two words {stub, cache}. Until resolved, cache is a 32-bit relative pointer to the
//   interface's MethodTable with the low two bits 3. A run of cells ends with a cell whose stub is 0;
//   its cache word holds (cell type << 16) | the interface method's slot.
// - After the interface map a MethodTable has relative pointers: type manager, writable data, then
//   the dispatch map (flag HasDispatchMap), the finalizer (HasFinalizer), the sealed virtual slots
//   (HasSealedVTableEntries); MethodTable reads them (DispatchMap, SealedVirtualSlot).
// - A dispatch map is four 16-bit counts (standard, default, static standard, static default), then
//   6-byte entries {interface index, interface slot, implementation slot}. An implementation slot
//   below the type's vtable size is a virtual slot of the object's own type; above it, an index into
//   the implementing type's sealed slots (relative pointers to code).
// Not handled: variance (an IEnumerable<Derived> object called as IEnumerable<Base>), arrays called
// through generic interfaces, static virtual methods. They fail fast with a message.
using System.Runtime;
using System.Runtime.CompilerServices;

namespace Internal.Runtime
{
    internal static unsafe class InterfaceDispatch
    {
        private const nint CacheFlagMask = 3;
        private const nint CacheIsEntry = 0;
        private const nint CacheIsInterfaceRelativePointer = 3;
        private const nint CacheIsIndirectedInterfaceRelativePointer = 2;
        private const nint CacheIsInterfacePointer = 1;
        private const int EntryCount = 256;
        private const int MaxChain = 4;

        private struct Cell
        {
            public nint Stub;
            public nint Cache;
        }

        // What a resolved cell caches: a type seen and its target, what the cell held, the next entry.
        // Runtime.S reads Type (offset 0), Target (8) and Next (32).
        private struct Entry
        {
            public MethodTable* Type;
            public nint Target;
            public MethodTable* Interface;
            public nint Slot;
            public Entry* Next;
        }

        // The entries live in one heap array, made at the first resolution and kept alive by this
        // static (a collector must not free what the cells point into; it does not move objects).
        // Not in .bss: every program would carry the pages, used or not.
        private static byte[] s_entries;
        private static int s_entriesUsed;

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "vireo_interface_dispatch_publish")]
        private static extern void Publish(void* cell, void* entry);

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "vireo_atomic_add32")]
        private static extern int AtomicAdd(int* location, int value);

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "vireo_compare_exchange_pointer")]
        private static extern nint CompareExchange(nint* location, nint value, nint comparand);

        /// <summary>Called by the dispatch stubs with the receiver and the cell; returns the code to jump to.</summary>
        [RuntimeExport("vireo_interface_resolve")]
        private static nint Resolve(object receiver, void* cellAddress)
        {
            var cell = (Cell*)cellAddress;
            MethodTable* type = receiver.m_pEEType;
            nint cache = cell->Cache;
            MethodTable* itf;
            ushort slot;
            if ((cache & CacheFlagMask) == CacheIsEntry)
            {
                var cached = (Entry*)cache;
                itf = cached->Interface;
                slot = (ushort)cached->Slot;
            }
            else
            {
                itf = InterfaceOf(cell, cache);
                Cell* end = cell;
                while (end->Stub != 0) end++;
                if ((end->Cache >> 16) != 0) System.Environment.FailFast("interface dispatch cell of an unsupported kind");
                slot = (ushort)end->Cache;
            }

            nint target = FindTarget(type, itf, slot);
            if (target == 0) System.Environment.FailFast("interface method not implemented (variance, arrays and static virtuals are not supported)");

            if ((cache & CacheFlagMask) != CacheIsEntry)
            {
                Entry* entry = NewEntry(type, target, itf, slot);
                // Another thread may have published this cell meanwhile: its entry is as good.
                if (entry != null) Publish(cell, entry);
            }
            else
            {
                Append((Entry*)cache, type, target, itf, slot);
            }
            return target;
        }

        // Links a new entry after the chain's last, unless the chain is full or the pool used up.
        private static void Append(Entry* first, MethodTable* type, nint target, MethodTable* itf, ushort slot)
        {
            int length = 1;
            Entry* last = first;
            for (; last->Next != null; last = last->Next) length++;
            if (length >= MaxChain) return;
            Entry* entry = NewEntry(type, target, itf, slot);
            if (entry == null) return;
            // Filled before it is linked; if another thread linked one first, go after that one.
            while (CompareExchange((nint*)&last->Next, (nint)entry, 0) != 0) last = last->Next;
        }

        // An entry from the pool, or null once it is used up (the counter stops short of wrapping).
        private static Entry* NewEntry(MethodTable* type, nint target, MethodTable* itf, ushort slot)
        {
            if (s_entriesUsed >= EntryCount) return null;
            int index;
            fixed (int* used = &s_entriesUsed) index = AtomicAdd(used, 1);
            if (index >= EntryCount) return null;
            var entry = (Entry*)EntryPool() + index;
            entry->Type = type;
            entry->Target = target;
            entry->Interface = itf;
            entry->Slot = slot;
            entry->Next = null;
            return entry;
        }

        // ldvirtftn on an interface method (a delegate made from one): the target for this receiver.
        [RuntimeExport("RhpResolveInterfaceMethod")]
        private static nint ResolveInterfaceMethod(object receiver, void* cell) => receiver == null ? 0 : Resolve(receiver, cell);

        [RuntimeExport("RhResolveDispatchOnType")]
        private static nint ResolveDispatchOnType(MethodTable* type, MethodTable* itf, ushort slot) => FindTarget(type, itf, slot);

        private static byte* EntryPool()
        {
            byte[] pool = s_entries;
            if (pool == null)
            {
                var fresh = new byte[EntryCount * sizeof(Entry)];
                // Threads racing here agree on the first array published; the others' become garbage.
                nint won = CompareExchange((nint*)Unsafe.AsPointer(ref s_entries), Unsafe.As<byte[], nint>(ref fresh), 0);
                pool = won == 0 ? fresh : Unsafe.As<nint, byte[]>(ref won);
            }
            return (byte*)Unsafe.AsPointer(ref pool[0]);
        }

        private static MethodTable* InterfaceOf(Cell* cell, nint cache)
        {
            nint flags = cache & CacheFlagMask;
            if (flags == CacheIsInterfacePointer) return (MethodTable*)(cache & ~CacheFlagMask);
            byte* at = (byte*)&cell->Cache + (int)cache;
            at = (byte*)((nint)at & ~CacheFlagMask);
            return flags == CacheIsInterfaceRelativePointer ? (MethodTable*)at : *(MethodTable**)at;
        }

        /// <summary>The code implementing slot `slot` of `itf` for objects of `type`, or 0. Standard
        /// implementations win over default (interface-provided) ones, searched from the type upwards.</summary>
        internal static nint FindTarget(MethodTable* type, MethodTable* itf, ushort slot)
        {
            for (int pass = 0; pass < 2; pass++)
            {
                for (MethodTable* t = type; t != null; t = t->IsArray ? null : t->RelatedType)
                {
                    if (!FindImplementationSlot(t, itf, slot, pass == 1, out ushort impl)) continue;
                    if (impl < t->NumVtableSlots)
                        return (nint)type->VirtualSlot(impl);
                    return (nint)t->SealedVirtualSlot(impl - t->NumVtableSlots);
                }
            }
            return 0;
        }

        private static bool FindImplementationSlot(MethodTable* type, MethodTable* itf, ushort slot, bool defaults, out ushort impl)
        {
            impl = 0;
            ushort* map = type->DispatchMap;
            if (map == null) return false;
            int first = defaults ? map[0] : 0;
            int end = defaults ? map[0] + map[1] : map[0];
            MethodTable** interfaces = type->InterfaceMap;
            for (int i = first; i < end; i++)
            {
                ushort* e = map + 4 + 3 * i;
                if (e[1] == slot && interfaces[e[0]] == itf)
                {
                    impl = e[2];
                    return true;
                }
            }
            return false;
        }
    }
}
