// What a worker's semi-valid arguments are drawn from: the capabilities it made (a playground
// untyped and objects carved from it, in slots of its own CNode), copies of its own slots with fewer
// rights, its sibling threads, and addresses of every kind (mapped, unmapped, kernel half, null,
// non-canonical, misaligned). Destructive calls (delete, revoke, move, retype's source) only get
// playground handles or plain random words: the fuzzer must not delete its own heap or code.
using Vireo.Abi;
using Vireo.User;

static unsafe class Pool
{
    public const int Size = 32;
    // Where fuzzed Map calls place frames (2 MiB aligned, far from the program and its heap), and
    // each thread's pages: scratch and IPC buffer pages two apart, so the page after each is unmapped.
    public const ulong MapBase = 0x0000_6F00_0000_0000;
    public const ulong ScratchBase = 0x0000_6F10_0000_0000;
    public const ulong IpcBase = 0x0000_6F20_0000_0000;
    // The stacks share the IPC buffers' page table: the address space's page-table pool is small, and
    // a table of their own (with the directory above it) left too few for the threads' stacks.
    public const ulong StackBase = IpcBase + 0x0010_0000;
    public const ulong KernelHalf = 0xFFFF_8000_0000_0000;
    private const int PlaygroundBits = 19;

    private static readonly uint[] s_slotArray = new uint[Size];
    private static readonly ulong[] s_handleArray = new ulong[Size];
    private static readonly ulong[] s_threadArray = new ulong[Worker.Threads + 1];
    public static uint* Slots;
    public static ulong* Handles;
    public static ulong* SiblingThreads;
    // Roles of the first pool slots at start (any slot may hold anything later).
    public const int Playground = 0, Endpoint = 1, Endpoint2 = 2, Notification = 3, Frame = 4, Frame2 = 5,
        Thread = 6, CNode = 7, AddressSpace = 8, Reply = 9, Untyped = 10, OwnCopies = 11;
    public const int PoolCNodeBits = 4;

    private static readonly byte[] s_textArray = new byte[16];
    public static byte* Text;   // what a valid DebugWrite prints: dots

    /// <summary>Allocates the pool's slots and makes its first objects; false when that fails.</summary>
    public static bool Setup()
    {
        fixed (uint* p = s_slotArray) Slots = p;
        fixed (ulong* p = s_handleArray) Handles = p;
        fixed (ulong* p = s_threadArray) SiblingThreads = p;
        fixed (byte* p = s_textArray) Text = p;
        for (int i = 0; i < 16; i++) Text[i] = (byte)'.';
        for (int i = 0; i < Size; i++)
        {
            if (!CSpace.TryAlloc(out Slots[i])) return false;
            Handles[i] = new CapHandle(Slots[i], 0).Value;
        }
        if (!Make(CSpace.Memory, Playground, ObjectType.Untyped, PlaygroundBits)) return false;
        var from = new CapHandle(Handles[Playground]);
        bool ok = Make(from, Endpoint, ObjectType.Endpoint, 0) & Make(from, Endpoint2, ObjectType.Endpoint, 0)
            & Make(from, Notification, ObjectType.Notification, 0) & Make(from, Frame, ObjectType.Frame, 12)
            & Make(from, Frame2, ObjectType.Frame, 12) & Make(from, Thread, ObjectType.Thread, 0)
            & Make(from, CNode, ObjectType.CNode, PoolCNodeBits) & Make(from, AddressSpace, ObjectType.AddressSpace, 0)
            & Make(from, Reply, ObjectType.Reply, 0) & Make(from, Untyped, ObjectType.Untyped, 14);
        // Copies of the process's own CNode, address space and memory with fewer rights (not the
        // main thread's: suspending it would stop the run).
        uint* own = stackalloc uint[3] { BootstrapSlots.CNode, BootstrapSlots.AddressSpace, BootstrapSlots.Memory };
        for (int i = 0; i < 3; i++)
            if (Sys.Copy(new CapHandle(own[i], 0), CSpace.Self, Slots[OwnCopies + i], Vireo.Abi.Rights.Read, out CapHandle c) == Status.Ok)
                Handles[OwnCopies + i] = c.Value;
        // The rest of the pool: copies of the objects above with fewer rights.
        ulong rng = Rng.Seed(Size);
        for (int i = OwnCopies + 3; i < Size; i++)
        {
            ulong original = Handles[(i - OwnCopies - 3) % OwnCopies];
            if (Sys.Copy(new CapHandle(original), CSpace.Self, Slots[i], (Vireo.Abi.Rights)Rng.Below(&rng, 64), out CapHandle c) == Status.Ok)
                Handles[i] = c.Value;
        }
        return ok;
    }

    private static bool Make(CapHandle from, int at, ObjectType type, int bits)
    {
        if (Sys.Retype(from, type, bits, CSpace.Self, Slots[at], 1, out CapHandle made) != Status.Ok) return false;
        Handles[at] = made.Value;
        return true;
    }

    /// <summary>Notes the handle a successful call placed in this process's CNode (if in the pool).</summary>
    public static void Placed(ulong cnode, ulong index, ulong handle)
    {
        if (cnode != CSpace.Self.Value) return;
        for (int i = 0; i < Size; i++)
            if (Slots[i] == index) Handles[i] = handle;
    }

    /// <summary>The playground untyped is revoked (which empties the pool) but never deleted or moved:
    /// Retype remakes the pool from it.</summary>
    public static ulong KeepPlayground(ulong handle) => handle == Handles[Playground] ? Handles[Untyped] : handle;

    public static ulong Any(ulong* rng) => Handles[Rng.Below(rng, Size)];

    /// <summary>A capability argument. Destructive calls get no own slots and no sibling threads.</summary>
    public static ulong Handle(ulong* rng, bool destructive)
    {
        switch (Rng.Below(rng, 16))
        {
            case 8: return Slots[Rng.Below(rng, Size)];                  // index only, generation 0
            case 9: return Any(rng) ^ (1UL << CapHandle.IndexBits);      // a stale generation
            case 10:
                if (destructive) return Any(rng);
                ulong k = Rng.Below(rng, 3);
                return k == 0 ? BootstrapSlots.CNode : k == 1 ? BootstrapSlots.AddressSpace : BootstrapSlots.Memory;
            case 11: return destructive ? Any(rng) : SiblingThreads[Rng.Below(rng, Worker.Threads)];
            case 12: return 0;
            case 13: return Rng.Next(rng);
            case 14:
                // A bare index (generation 0) names a slot directly: only the CNode, the address
                // space, the memory, or indices past the CNode's end. Never the main thread (suspending
                // it stops the run) nor the granted slots (the process manager's endpoint, stdio):
                // garbage sent there fuzzes the services, not the kernel, and can end the run.
                if (destructive) return Rng.Next(rng) | (1UL << 40);
                ulong small = Rng.Below(rng, 4);
                return small == 0 ? BootstrapSlots.CNode : small == 1 ? BootstrapSlots.AddressSpace : small == 2 ? BootstrapSlots.Memory : 1024 + Rng.Below(rng, 64);
            case 15: return ulong.MaxValue;
            default: return Any(rng);
        }
    }

    public static ulong DestCNode(ulong* rng)
    {
        ulong r = Rng.Below(rng, 8);
        return r < 4 ? CSpace.Self.Value : r < 6 ? Handles[CNode] : Handle(rng, false);
    }

    /// <summary>A slot index: mostly the pool's (in this CNode) or the pool CNode's range, then edges.</summary>
    public static ulong DestIndex(ulong* rng)
    {
        switch (Rng.Below(rng, 10))
        {
            case 0: return Rng.Below(rng, 1UL << PoolCNodeBits);
            case 1: return Rng.Below(rng, 2) == 0 ? 1024 : 1UL << PoolCNodeBits;
            case 2: return Rng.Next(rng);
            case 3: return 0;
            default: return Slots[Rng.Below(rng, Size)];
        }
    }

    public static ulong Rights(ulong* rng) => Rng.OneIn(rng, 8) ? Rng.Next(rng) : Rng.Below(rng, 64);

    public static ulong Scratch(int thread) => ScratchBase + (ulong)thread * 0x2000;

    /// <summary>A user pointer: the thread's scratch page, or one of the ways a pointer goes wrong.</summary>
    public static ulong Pointer(ulong* rng, int thread)
    {
        ulong scratch = Scratch(thread);
        switch (Rng.Below(rng, 12))
        {
            case 0: return scratch + 0x1000 - 8 * Rng.Below(rng, 8);   // crosses into an unmapped page
            case 1: return scratch + 0x1000;                            // unmapped
            case 2: return Rng.Below(rng, 2) * 8;                       // null
            case 3: return KernelHalf + Rng.Below(rng, 1UL << 40);
            case 4: return 0x0000_8000_0000_0000 + Rng.Below(rng, 4096);   // non-canonical
            case 5: return scratch + 1 + Rng.Below(rng, 7);             // misaligned
            case 6: return (ulong)(delegate*<ulong*, int, void>)&Calls.One;   // code: read-only
            case 7: return Rng.Next(rng);
            default: return scratch;
        }
    }

    /// <summary>A pointer to nothing readable: DebugWrite must not print memory to the serial log.</summary>
    public static ulong BadPointer(ulong* rng, int thread)
    {
        switch (Rng.Below(rng, 5))
        {
            case 0: return Scratch(thread) + 0x1000;
            case 1: return Rng.Below(rng, 2) * 8;
            case 2: return KernelHalf + Rng.Below(rng, 1UL << 40);
            case 3: return 0x0000_8000_0000_0000 + Rng.Below(rng, 4096);
            default: return Rng.Next(rng) | (1UL << 62);
        }
    }

    /// <summary>A virtual address for Map: free pages of the map area mostly, then the wrong kinds.</summary>
    public static ulong MapAddress(ulong* rng, int thread)
    {
        switch (Rng.Below(rng, 10))
        {
            case 0: return MapBase + (Rng.Below(rng, 4) << 21);
            case 1: return MapBase + 1 + Rng.Below(rng, 4095);
            case 2: return 0;
            case 3: return KernelHalf + (Rng.Below(rng, 1UL << 30) << 12);
            case 4: return 0x0000_8000_0000_0000;
            case 5: return Scratch(thread);                              // occupied
            case 6: return Rng.Next(rng);
            default: return MapBase + (Rng.Below(rng, 64) << 12);
        }
    }

    public static ulong SizeBits(ulong* rng)
    {
        switch (Rng.Below(rng, 8))
        {
            case 0: return Rng.Next(rng);
            case 1: return Rng.Below(rng, 64);
            case 2: return 0;
            case 3: return PoolCNodeBits;
            default: return 12;
        }
    }

    /// <summary>A word: small numbers, edges and plain random words.</summary>
    public static ulong Word(ulong* rng)
    {
        switch (Rng.Below(rng, 6))
        {
            case 0: return 0;
            case 1: return ulong.MaxValue;
            case 2: return Rng.Below(rng, 16);
            case 3: return 1UL << (int)Rng.Below(rng, 64);
            default: return Rng.Next(rng);
        }
    }
}
