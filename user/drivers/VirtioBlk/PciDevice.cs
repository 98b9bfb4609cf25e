// The driver's side of pcid's hand-over (docs/design/pci.md, "Hand-over"): open the function's file
// (the driver manager started this process for it, so only it may), claim it, read its configuration
// space, and map the BARs it needs from the capabilities pcid carved for exactly those BARs.
using System;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;

static unsafe class PciDevice
{
    /// <summary>BAR i is mapped at BarBase + i * BarSpan (in the heap's 1 GiB directory, above the DMA pages).</summary>
    private const ulong BarBase = 0x0000_0000_7800_0000, BarSpan = 0x0100_0000;

    private static Fd s_file;
    private static ulong[] s_barCaps = new ulong[6];
    private static int[] s_barPages = new int[6];

    public static Status Open(ReadOnlySpan<byte> name)
    {
        byte* path = stackalloc byte[16];
        int n = Ascii.Copy("pci:/", new Span<byte>(path, 5));
        if (name.Length > 8) return Status.InvalidArgument;
        for (int i = 0; i < name.Length; i++) path[n++] = name[i];
        return Fs.Open(path, n, OpenFlags.Read, out s_file);
    }

    /// <summary>PciClaim: the interrupt handler (in `irq`, if any), its kind, which BARs pcid has for us,
    /// and the MSI message (address | data << 32) for an MSI-X table entry.</summary>
    public static Status Claim(out CapHandle irq, out PciInterrupt kind, out ulong bars, out ulong message)
    {
        irq = default;
        kind = PciInterrupt.None;
        bars = 0;
        message = 0;
        // One capability when there is an interrupt: ask for it, and take none if the answer has none.
        Status s = SchemeCall.Call(s_file.Cap, SchemeOp.PciClaim, 0, 0, 0, 0, 0, 1, out SchemeReply r);
        if (s == Status.BadReply) s = SchemeCall.Call(s_file.Cap, SchemeOp.PciClaim, 0, 0, 0, 0, 0, 0, out r);
        if (s != Status.Ok) return s;
        irq = r.Caps > 0 ? r.Cap0 : default;
        kind = (PciInterrupt)(r.W0 & 0xFF);
        bars = r.W0 >> 8;
        message = r.W1;
        return Status.Ok;
    }

    /// <summary>`length` bytes of configuration space from `offset` (PciConfigRead).</summary>
    public static Status ConfigRead(int offset, Span<byte> into)
    {
        Status s = SchemeCall.Call(s_file.Cap, SchemeOp.PciConfigRead, (ulong)offset, (ulong)into.Length, 0, 0, 0, 0, out SchemeReply r);
        if (s != Status.Ok) return s;
        if (r.DataLength != into.Length) return Status.BadReply;
        new ReadOnlySpan<byte>(SchemeCall.Data, into.Length).CopyTo(into);
        return Status.Ok;
    }

    // What PciBar gave: device memory for a memory BAR, I/O ports for an I/O one.
    private static bool Is(CapHandle cap, ObjectType type) =>
        Sys.Identify(cap, out ObjectType t, out _, out _, out _) == Status.Ok && t == type;

    /// <summary>I/O BAR `bar`: its ports opened to this thread; the first port in `first`.</summary>
    public static Status OpenPorts(int bar, out ushort first)
    {
        first = 0;
        if ((uint)bar >= 6) return Status.InvalidArgument;
        Status s = SchemeCall.Call(s_file.Cap, SchemeOp.PciBar, (ulong)bar, 0, 0, 0, 0, 1, out SchemeReply r);
        if (s != Status.Ok) return s;
        if (!Is(r.Cap0, ObjectType.IoPorts) || r.W0 > 0xFFFF || r.W1 == 0 || r.W0 + r.W1 > 0x10000) return Status.WrongType;
        first = (ushort)r.W0;
        return Devices.IoPortsBind(r.Cap0, new CapHandle(BootstrapSlots.Thread, 0), (uint)r.W0, (uint)r.W1);
    }

    /// <summary>Maps the first `bytes` of memory BAR `bar` (uncached) and returns where.</summary>
    public static Status MapBar(int bar, ulong bytes, out byte* at)
    {
        at = (byte*)(BarBase + (ulong)bar * BarSpan);
        if ((uint)bar >= 6 || bytes > BarSpan) return Status.InvalidArgument;
        if (s_barCaps[bar] == 0)
        {
            Status s = SchemeCall.Call(s_file.Cap, SchemeOp.PciBar, (ulong)bar, 0, 0, 0, 0, 1, out SchemeReply r);
            if (s != Status.Ok) return s;
            if (!Is(r.Cap0, ObjectType.DeviceMemory)) return Status.WrongType;   // an I/O BAR
            s_barCaps[bar] = r.Cap0.Value;
        }
        // Device memory is retyped upwards: frames for the pages not mapped yet, in order.
        int pages = (int)((bytes + 4095) / 4096);
        while (s_barPages[bar] < pages)
        {
            Status s = CSpace.Make(new CapHandle(s_barCaps[bar]), ObjectType.Frame, 12, out CapHandle frame);
            if (s == Status.Ok) s = Sys.Map(CSpace.SelfAddressSpace, frame, (ulong)at + (ulong)s_barPages[bar] * 4096, Rights.Read | Rights.Write);
            if (s != Status.Ok) return s;
            s_barPages[bar]++;
        }
        return Status.Ok;
    }
}
