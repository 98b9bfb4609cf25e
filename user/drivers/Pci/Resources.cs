// What pcid shares out among drivers, as the process manager gave it (SpawnFlags.PciPorts;
// ProcessSlots.PciPorts..): the I/O-ports capability for all ports, a copy of IrqControl, and the
// device-memory pieces of the PCI hole and the ECAM window. Each driver gets children carved from
// them for exactly its own BARs (CapCarve), and a handler for its own interrupt: an MSI vector, or
// its INTx line. Without them (an old process manager, or a pcid started by hand) pcid still lists
// the bus, and hand-over answers NotSupported.
using Vireo.Abi;
using Vireo.User;

static unsafe class PciResources
{
    public static bool Present;
    private static int s_pieces;
    private static ulong[] s_lines;   // INTx handlers by IOAPIC line, made at the first claim of each

    private static CapHandle Ports => new CapHandle(ProcessSlots.PciPorts, 0);
    private static CapHandle IrqControl => new CapHandle(ProcessSlots.PciIrqControl, 0);

    public static void Init()
    {
        s_lines = new ulong[256];
        Present = Is(ProcessSlots.PciPorts, ObjectType.IoPorts) && Is(ProcessSlots.PciIrqControl, ObjectType.IrqControl);
        while (s_pieces < ProcessSlots.PciDeviceMemoryCount && Is(ProcessSlots.PciDeviceMemory + (uint)s_pieces, ObjectType.DeviceMemory)) s_pieces++;
    }

    private static bool Is(uint slot, ObjectType type) =>
        Sys.Identify(new CapHandle(slot, 0), out ObjectType t, out _, out _, out _) == Status.Ok && t == type;

    /// <summary>A DeviceMemory capability for exactly [first, first + 2^bits), from whichever piece holds
    /// it. Pieces are carved in ascending order only: a range below one carved before is refused.</summary>
    public static Status CarveMemory(ulong first, int bits, out CapHandle cap)
    {
        cap = default;
        if (!Present) return Status.NotSupported;
        Status last = Status.NotFound;
        for (int i = 0; i < s_pieces; i++)
        {
            last = DeviceCaps.Carve(new CapHandle(ProcessSlots.PciDeviceMemory + (uint)i, 0), first, bits, out cap);
            if (last == Status.Ok) return Status.Ok;
        }
        return last;
    }

    /// <summary>An IoPorts capability for exactly [first, first + 2^bits).</summary>
    public static Status CarveIo(ulong first, int bits, out CapHandle cap)
    {
        cap = default;
        return Present ? DeviceCaps.Carve(Ports, first, bits, out cap) : Status.NotSupported;
    }

    /// <summary>The handler of IOAPIC line `line` (one per line, kept: functions sharing a line get
    /// copies of the same handler).</summary>
    public static Status Line(byte line, out CapHandle handler)
    {
        handler = new CapHandle(s_lines[line]);
        if (handler.Value != 0) return Status.Ok;
        if (!Present) return Status.NotSupported;
        if (!CSpace.TryAlloc(out uint slot)) return Status.NoSpace;
        Status s = Devices.IrqHandlerGet(IrqControl, line, CSpace.Self, slot, out handler);
        if (s != Status.Ok)
        {
            CSpace.Free(slot);
            return s;
        }
        s_lines[line] = handler.Value;
        return Status.Ok;
    }

    /// <summary>A new MSI vector's handler and the message that raises it.</summary>
    public static Status Msi(out CapHandle handler, out ulong address, out uint data)
    {
        handler = default;
        address = 0;
        data = 0;
        return Present ? DeviceCaps.MsiHandlerGet(IrqControl, out handler, out address, out data) : Status.NotSupported;
    }
}
