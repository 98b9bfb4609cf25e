// PCI configuration space, read through whatever access mechanism the caller has (the legacy ports
// 0xCF8/0xCFC here; ECAM later): the type-0 and type-1 headers, BARs decoded and sized, the capability
// list walked for MSI and MSI-X, and the bus walked depth-first through PCI-to-PCI bridges. Portable
// (the access is an interface specialised at compile time), so the host tests run it against an
// emulated configuration space.
namespace Vireo.Pci;

/// <summary>Bus, device (0-31) and function (0-7).</summary>
public readonly struct PciAddress
{
    public readonly byte Bus, Device, Function;
    public PciAddress(int bus, int device, int function) { Bus = (byte)bus; Device = (byte)device; Function = (byte)function; }
}

/// <summary>32-bit reads and writes of a function's configuration space at a 4-byte-aligned offset.
/// A function that does not exist reads all ones.</summary>
public interface IConfigAccess
{
    uint Read32(PciAddress at, int offset);
    void Write32(PciAddress at, int offset, uint value);
}

public enum BarKind : byte { None, Io, Memory32, Memory64 }

public struct PciBar
{
    public BarKind Kind;
    public bool Prefetchable;
    public ulong Address;   // the base it is programmed with
    public ulong Size;      // bytes decoded, from the write-all-ones probe; 0 = not implemented
}

public unsafe struct PciFunction
{
    public const int MaxBars = 6;
    public PciAddress Address;
    public ushort Vendor, Device;
    public byte ClassCode, Subclass, ProgIf, Revision;
    public byte HeaderType;          // 0 a device, 1 a PCI-to-PCI bridge, 2 CardBus (bits 0-6)
    public bool MultiFunction;
    public byte IrqLine, IrqPin;     // pin 0 none, 1-4 INTA-INTD; line 0xFF unknown
    public byte SecondaryBus;        // bridges only
    public bool HasMsi, HasMsiX;
    public byte MsiOffset, MsiXOffset; // where those capabilities are in configuration space (0: none)
    public int BarCount;             // 6 for a device, 2 for a bridge (entries may be None, or the upper half of a 64-bit BAR)
    public fixed byte BarKinds[MaxBars];
    public fixed byte BarPrefetchable[MaxBars];
    public fixed ulong BarAddresses[MaxBars];
    public fixed ulong BarSizes[MaxBars];

    public PciBar Bar(int i) => new PciBar
    {
        Kind = (BarKind)BarKinds[i], Prefetchable = BarPrefetchable[i] != 0, Address = BarAddresses[i], Size = BarSizes[i],
    };
}

public static class PciConfig
{
    // Offsets in the common header.
    public const int VendorDevice = 0x00, CommandStatus = 0x04, ClassRevision = 0x08, HeaderInfo = 0x0C, Bar0 = 0x10;
    public const int BusNumbers = 0x18, CapabilitiesPointer = 0x34, Interrupt = 0x3C;
    public const uint CommandIo = 1, CommandMemory = 2, CommandBusMaster = 4, CommandInterruptDisable = 1u << 10;
    public const uint StatusCapabilityList = 1u << 20;   // bit 4 of the status register (upper half)
    public const byte CapabilityMsi = 0x05, CapabilityMsiX = 0x11;
    private const int MaxCapabilities = 48;              // (256 - 64) / 4: a loop in the list ends here

    /// <summary>Reads function `at`. False when nothing answers there (vendor 0xFFFF).</summary>
    public static unsafe bool TryRead<TAccess>(ref TAccess access, PciAddress at, out PciFunction f) where TAccess : struct, IConfigAccess
    {
        f = default;
        uint id = access.Read32(at, VendorDevice);
        if ((id & 0xFFFF) == 0xFFFF) return false;
        f.Address = at;
        f.Vendor = (ushort)id;
        f.Device = (ushort)(id >> 16);
        uint cls = access.Read32(at, ClassRevision);
        f.Revision = (byte)cls;
        f.ProgIf = (byte)(cls >> 8);
        f.Subclass = (byte)(cls >> 16);
        f.ClassCode = (byte)(cls >> 24);
        uint info = access.Read32(at, HeaderInfo);
        f.HeaderType = (byte)((info >> 16) & 0x7F);
        f.MultiFunction = (info & (1u << 23)) != 0;
        uint irq = access.Read32(at, Interrupt);
        f.IrqLine = (byte)irq;
        f.IrqPin = (byte)(irq >> 8);
        if (f.HeaderType == 1) f.SecondaryBus = (byte)(access.Read32(at, BusNumbers) >> 8);
        f.BarCount = f.HeaderType == 0 ? 6 : f.HeaderType == 1 ? 2 : 0;
        SizeBars(ref access, ref f);
        WalkCapabilities(ref access, ref f);
        return true;
    }

    // Each BAR is sized by writing all ones and reading back which address bits stick, then restoring
    // it; decoding is off meanwhile, so the device never answers at the probe's address.
    private static unsafe void SizeBars<TAccess>(ref TAccess access, ref PciFunction f) where TAccess : struct, IConfigAccess
    {
        if (f.BarCount == 0) return;
        uint command = access.Read32(f.Address, CommandStatus);
        access.Write32(f.Address, CommandStatus, command & 0xFFFF & ~(CommandIo | CommandMemory));
        for (int i = 0; i < f.BarCount; i++)
        {
            int offset = Bar0 + i * 4;
            uint low = access.Read32(f.Address, offset);
            access.Write32(f.Address, offset, 0xFFFF_FFFF);
            uint lowMask = access.Read32(f.Address, offset);
            access.Write32(f.Address, offset, low);
            if (lowMask == 0) continue;   // not implemented
            if ((low & 1) != 0)
            {
                f.BarKinds[i] = (byte)BarKind.Io;
                f.BarAddresses[i] = low & ~3u;
                f.BarSizes[i] = SizeOf(lowMask & ~3u, 0xFFFF);
                continue;
            }
            f.BarPrefetchable[i] = (byte)((low & 8) != 0 ? 1 : 0);
            bool wide = ((low >> 1) & 3) == 2 && i + 1 < f.BarCount;
            if (!wide)
            {
                f.BarKinds[i] = (byte)BarKind.Memory32;
                f.BarAddresses[i] = low & ~0xFu;
                f.BarSizes[i] = SizeOf(lowMask & ~0xFu, 0xFFFF_FFFF);
                continue;
            }
            uint high = access.Read32(f.Address, offset + 4);
            access.Write32(f.Address, offset + 4, 0xFFFF_FFFF);
            uint highMask = access.Read32(f.Address, offset + 4);
            access.Write32(f.Address, offset + 4, high);
            ulong mask = (ulong)highMask << 32 | (lowMask & ~0xFu);
            f.BarKinds[i] = (byte)BarKind.Memory64;
            f.BarAddresses[i] = (ulong)high << 32 | (low & ~0xFu);
            f.BarSizes[i] = ~mask + 1;
            i++;   // the upper half is this BAR's, not one of its own
        }
        access.Write32(f.Address, CommandStatus, command & 0xFFFF);
    }

    // The size is the lowest address bit that sticks; bits the BAR does not have above `width` count as set.
    private static ulong SizeOf(uint mask, uint width)
    {
        uint m = mask | ~width;
        return m == 0 ? 0 : (ulong)(~m + 1) & width;
    }

    private static void WalkCapabilities<TAccess>(ref TAccess access, ref PciFunction f) where TAccess : struct, IConfigAccess
    {
        if ((access.Read32(f.Address, CommandStatus) & StatusCapabilityList) == 0 || f.HeaderType > 1) return;
        int at = (int)(access.Read32(f.Address, CapabilitiesPointer) & 0xFC);
        for (int n = 0; at >= 0x40 && n < MaxCapabilities; n++)
        {
            uint header = access.Read32(f.Address, at);
            byte id = (byte)header;
            if (id == CapabilityMsi && !f.HasMsi) { f.HasMsi = true; f.MsiOffset = (byte)at; }
            if (id == CapabilityMsiX && !f.HasMsiX) { f.HasMsiX = true; f.MsiXOffset = (byte)at; }
            at = (int)((header >> 8) & 0xFC);
        }
    }

    /// <summary>Every function reachable from bus 0 (through bridges' secondary buses), in bus order,
    /// into `into`; returns how many (at most into.Length).</summary>
    public static int Enumerate<TAccess>(ref TAccess access, System.Span<PciFunction> into) where TAccess : struct, IConfigAccess
    {
        int count = 0;
        ScanBus(ref access, 0, into, ref count, 0);
        return count;
    }

    private const int MaxBridgeDepth = 8;

    private static void ScanBus<TAccess>(ref TAccess access, int bus, System.Span<PciFunction> into, ref int count, int depth) where TAccess : struct, IConfigAccess
    {
        for (int device = 0; device < 32; device++)
            for (int function = 0; function < 8 && count < into.Length; function++)
            {
                if (!TryRead(ref access, new PciAddress(bus, device, function), out PciFunction f))
                {
                    if (function == 0) break;
                    continue;
                }
                into[count++] = f;
                if (f.HeaderType == 1 && f.SecondaryBus > bus && depth < MaxBridgeDepth)
                    ScanBus(ref access, f.SecondaryBus, into, ref count, depth + 1);
                if (function == 0 && !f.MultiFunction) break;
            }
    }

    /// <summary>A short name for the class code (and subclass where it tells the kind apart).</summary>
    public static string ClassName(byte classCode, byte subclass) => classCode switch
    {
        0x00 => "unclassified",
        0x01 => subclass switch { 0x00 => "SCSI storage", 0x01 => "IDE interface", 0x06 => "SATA controller", 0x08 => "NVMe controller", _ => "mass storage" },
        0x02 => "network controller",
        0x03 => subclass == 0x00 ? "VGA controller" : "display controller",
        0x04 => "multimedia controller",
        0x05 => "memory controller",
        0x06 => subclass switch { 0x00 => "host bridge", 0x01 => "ISA bridge", 0x04 => "PCI bridge", _ => "bridge" },
        0x07 => "communication controller",
        0x08 => "system peripheral",
        0x0C => subclass == 0x03 ? "USB controller" : subclass == 0x05 ? "SMBus" : "serial bus controller",
        _ => "other",
    };
}
