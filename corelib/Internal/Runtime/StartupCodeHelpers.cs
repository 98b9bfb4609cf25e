// Start-up work ilc leaves to the runtime: give every type with reference-type statics its
// static base object. The `__modules` section holds a pointer to each module's ReadyToRun header;
// its GC static region (section 201) lists, by 32-bit relative pointers, one block per type.
// A block still holding a tagged MethodTable pointer (low bit set) has not been initialised:
// allocate the static base object, copy in any preinitialised field data, and store the reference.
// The regions are remembered: their slots are the user collector's precise roots.
namespace Internal.Runtime
{
    public static unsafe class StartupCodeHelpers
    {
        private const uint ReadyToRunSignature = 0x00525452; // "RTR"
        private const int GCStaticRegionSection = 201;
        private const nint Uninitialized = 1;
        private const nint HasPreInitializedData = 2;
        private const nint FlagMask = 3;

        private struct ReadyToRunHeader
        {
            public uint Signature;
            public ushort MajorVersion;
            public ushort MinorVersion;
            public uint Flags;
            public ushort NumberOfSections;
            public byte EntrySize;
            public byte EntryType;
        }

        private struct ModuleInfoRow
        {
            public int SectionId;
            public int Flags;
            public byte* Start;
            public byte* End;
        }

        // The GC static regions seen, kept for a collector: each 32-bit entry leads to a slot that
        // holds a static base object (its GC descriptor covers the type's reference statics).
        private struct GcStaticRegions
        {
            public const int Max = 4;
            public fixed ulong Bounds[2 * Max];
            public int Count;
        }

        private static GcStaticRegions s_regions;

        public static int GCStaticRegionCount => s_regions.Count;

        /// <summary>The static base slot that GC static region `region`'s entry `index` leads to, or
        /// null past the end.</summary>
        public static void** GCStaticSlot(int region, int index)
        {
            byte* entry = (byte*)s_regions.Bounds[2 * region] + index * sizeof(int);
            if (entry >= (byte*)s_regions.Bounds[2 * region + 1]) return null;
            return (void**)ReadRelPtr32(entry);
        }

        /// <summary>Returns false if a module header is malformed.</summary>
        public static bool InitializeModules(void** modulesStart, void** modulesEnd)
        {
            for (void** m = modulesStart; m < modulesEnd; m++)
            {
                var header = (ReadyToRunHeader*)*m;
                if (header == null) continue;
                if (header->Signature != ReadyToRunSignature) return false;
                byte* row = (byte*)(header + 1);
                for (int i = 0; i < header->NumberOfSections; i++, row += header->EntrySize)
                {
                    var info = (ModuleInfoRow*)row;
                    if (info->SectionId != GCStaticRegionSection) continue;
                    InitializeStatics(info->Start, info->End);
                    if (s_regions.Count < GcStaticRegions.Max)
                    {
                        s_regions.Bounds[2 * s_regions.Count] = (ulong)info->Start;
                        s_regions.Bounds[2 * s_regions.Count + 1] = (ulong)info->End;
                        s_regions.Count++;
                    }
                }
            }
            return true;
        }

        private static byte* ReadRelPtr32(void* address) => (byte*)address + *(int*)address;

        private static void InitializeStatics(byte* start, byte* end)
        {
            for (byte* entry = start; entry < end; entry += sizeof(int))
            {
                nint* block = (nint*)ReadRelPtr32(entry);
                nint tagged = (nint)ReadRelPtr32(block);
                if ((tagged & Uninitialized) == 0) continue;

                var type = (MethodTable*)(tagged & ~FlagMask);
                byte* obj = Heap.Allocate(type->BaseSize);
                *(MethodTable**)obj = type;
                if ((tagged & HasPreInitializedData) != 0)
                {
                    byte* data = ReadRelPtr32((int*)block + 1);
                    // Fields start after the MethodTable pointer; BaseSize counts the object header too.
                    nuint fieldBytes = type->BaseSize - (nuint)(2 * sizeof(nint));
                    System.SpanHelpers.Memmove(ref *(obj + sizeof(nint)), ref *data, fieldBytes);
                }
                *block = (nint)obj;
            }
        }
    }
}
