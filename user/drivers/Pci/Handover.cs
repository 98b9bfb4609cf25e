// Handing a driver its device (docs/design/pci.md, "Hand-over"). The driver manager records which
// process it started for each function; that process, through a pci:/BB:DD.F file it opened itself,
// may claim the function (bus mastering and decoding on, its interrupt set up: an MSI-X or MSI vector
// when the function has the capability and the kernel gives one, else its INTx line), ask for each BAR
// as a capability for exactly that BAR, and read the function's configuration space. Anyone else gets
// InsufficientRights. pcid alone writes configuration space.
//
// Memory BARs are carved out of the PCI hole at the first scan, all at once in ascending address order
// (device memory can only be carved upwards), a whole page at least (a BAR smaller than a page gets its
// page; a page two BARs share goes to the first only); I/O BARs are carved when asked for.
using System;
using Vireo.Abi;
using Vireo.Pci;
using Vireo.User;
using Vireo.User.Schemes;

public unsafe struct Handover
{
    public ulong Driver;          // the pid the manager started for the function (0: none)
    public bool Claimed;
    public PciInterrupt Kind;
    public ulong Irq;             // the interrupt handler pcid keeps (copies go to the driver)
    public ulong MsiAddress;
    public uint MsiData;
    public fixed ulong Bars[PciFunction.MaxBars];   // carved capabilities (0: none)
}

static unsafe class Handovers
{
    public static Handover[] All;

    public static void Init(int functions) => All = new Handover[functions];

    /// <summary>Carves every memory BAR of `functions` from the PCI hole, lowest address first.</summary>
    public static void CarveMemoryBars(PciFunction[] functions, int count)
    {
        ulong floor = 0;   // the next page not yet carved
        while (true)
        {
            int best = -1, bestBar = 0;
            ulong bestAddress = ulong.MaxValue;
            for (int i = 0; i < count; i++)
                for (int b = 0; b < functions[i].BarCount; b++)
                {
                    PciBar bar = functions[i].Bar(b);
                    if (bar.Kind != BarKind.Memory32 && bar.Kind != BarKind.Memory64 || bar.Size == 0 || bar.Address == 0) continue;
                    ulong page = bar.Address & ~0xFFFUL;
                    if (page >= floor && page < bestAddress) { best = i; bestBar = b; bestAddress = page; }
                }
            if (best < 0) return;
            PciBar chosen = functions[best].Bar(bestBar);
            ulong size = chosen.Size < 4096 ? 4096 : chosen.Size;
            int bits = System.Numerics.BitOperations.Log2(size);
            Status carved = PciResources.CarveMemory(bestAddress, bits, out CapHandle cap);
            if (carved == Status.Ok) All[best].Bars[bestBar] = cap.Value;
            else if (PciResources.Present) Unreachable(functions[best].Address, bestBar, bestAddress, carved);
            floor = bestAddress + size;
        }
    }

    // Said at the scan, so a driver's NotFound for this BAR has its reason in the log: the BAR lies
    // outside the device-memory pieces pcid was given (pci.md, "Authority"), or its page went to another.
    private static void Unreachable(PciAddress address, int bar, ulong at, Status s)
    {
        byte* line = stackalloc byte[64];
        var t = new Text(line, 64);
        t.Str("pcid: BAR ");
        t.Number((ulong)bar);
        t.Str(" of ");
        PciListing.Name(ref t, address);
        t.Str(" at 0x");
        t.Hex(at);
        for (int i = 0; i < t.Length; i++) Console.Write((char)line[i]);
        Console.Write(" cannot be handed over (");
        Console.Write(StatusText.Describe(s));
        Console.WriteLine("): its driver gets NotFound for it");
    }

    /// <summary>Bit i set: BAR i can be handed over (a memory BAR carved, or an I/O BAR).</summary>
    public static ulong BarMask(in PciFunction f, ref Handover h)
    {
        ulong mask = 0;
        for (int b = 0; b < f.BarCount; b++)
            if (h.Bars[b] != 0 || f.Bar(b).Kind == BarKind.Io && f.Bar(b).Size != 0) mask |= 1UL << b;
        return mask;
    }

    /// <summary>Sets the function up for its driver once (later claims, by a restarted driver, get the
    /// same interrupt): an interrupt, then decoding and bus mastering on (INTx off when a vector is
    /// used). Bus mastering goes on again at each claim: Stop turned it off when a driver ended.</summary>
    public static Status Claim<TAccess>(ref TAccess access, in PciFunction f, ref Handover h) where TAccess : struct, IConfigAccess
    {
        uint command = access.Read32(f.Address, PciConfig.CommandStatus) & 0xFFFF;
        if (h.Claimed)
        {
            access.Write32(f.Address, PciConfig.CommandStatus, command | PciConfig.CommandIo | PciConfig.CommandMemory | PciConfig.CommandBusMaster);
            return Status.Ok;
        }
        if (f.HasMsiX && PciResources.Msi(out CapHandle handler, out ulong address, out uint data) == Status.Ok)
        {
            // Enabled with every entry still masked (as reset leaves them): the driver programs entry 0.
            uint control = access.Read32(f.Address, f.MsiXOffset);
            access.Write32(f.Address, f.MsiXOffset, (control | 1u << 31) & ~(1u << 30));
            h.Kind = PciInterrupt.MsiX;
            h.Irq = handler.Value;
            h.MsiAddress = address;
            h.MsiData = data;
            command |= PciConfig.CommandInterruptDisable;
        }
        else if (f.HasMsi && PciResources.Msi(out handler, out address, out data) == Status.Ok)
        {
            int at = f.MsiOffset;
            uint control = access.Read32(f.Address, at);
            bool wide = (control & (1u << 23)) != 0;   // 64-bit message address
            access.Write32(f.Address, at + 4, (uint)address);
            if (wide) access.Write32(f.Address, at + 8, (uint)(address >> 32));
            access.Write32(f.Address, wide ? at + 12 : at + 8, data);
            // One message (multiple-message enable 0), enabled.
            access.Write32(f.Address, at, (control & ~(7u << 20)) | 1u << 16);
            h.Kind = PciInterrupt.Msi;
            h.Irq = handler.Value;
            command |= PciConfig.CommandInterruptDisable;
        }
        else if (f.IrqPin >= 1 && f.IrqPin <= 4 && f.IrqLine < 0xFF && PciResources.Line(f.IrqLine, out handler) == Status.Ok)
        {
            h.Kind = PciInterrupt.Line;
            h.Irq = handler.Value;
            command &= ~PciConfig.CommandInterruptDisable;
        }
        access.Write32(f.Address, PciConfig.CommandStatus, command | PciConfig.CommandIo | PciConfig.CommandMemory | PciConfig.CommandBusMaster);
        h.Claimed = true;
        return Status.Ok;
    }

    /// <summary>The function's driver ended: bus mastering off, so the device writes nothing more into
    /// what were the driver's DMA buffers (its memory is free again, for anyone); no driver until the
    /// manager starts one. Decoding stays: the restarted driver resets the device through its BARs.</summary>
    public static void Stop<TAccess>(ref TAccess access, in PciFunction f, ref Handover h) where TAccess : struct, IConfigAccess
    {
        h.Driver = 0;
        if (!h.Claimed) return;
        uint command = access.Read32(f.Address, PciConfig.CommandStatus) & 0xFFFF;
        access.Write32(f.Address, PciConfig.CommandStatus, command & ~PciConfig.CommandBusMaster);
    }

    /// <summary>BAR `index` as a capability: the memory carved at the scan, or the I/O range carved now.</summary>
    public static Status Bar(in PciFunction f, ref Handover h, int index, out CapHandle cap)
    {
        cap = default;
        if ((uint)index >= (uint)f.BarCount) return Status.InvalidArgument;
        PciBar bar = f.Bar(index);
        if (h.Bars[index] == 0 && bar.Kind == BarKind.Io && bar.Size != 0)
        {
            Status s = PciResources.CarveIo(bar.Address, System.Numerics.BitOperations.Log2(bar.Size), out CapHandle ports);
            if (s != Status.Ok) return s;
            h.Bars[index] = ports.Value;
        }
        if (h.Bars[index] == 0) return Status.NotFound;
        cap = new CapHandle(h.Bars[index]);
        return Status.Ok;
    }
}
