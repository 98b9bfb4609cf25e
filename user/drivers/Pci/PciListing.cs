// What pci: shows, as text: one line per function for the listing (pci:/, the lspci tool) and a
// file of "key value" lines per function (pci:/BB:DD.F). Portable (tests/Kernel.Tests compiles it):
// the format is what tools and tests parse, so the host tests pin it down.
//   listing line:  00:02.0 1234:1111 0300 VGA controller
//   function file: address 00:02.0 / vendor 1234 / device 1111 / class 03 00 00 VGA controller /
//                  revision 02 / header 0 / irq 11 pin A / bar0 mem32 pf 0xfd000000 size 0x1000000 /
//                  msi no / msix no  (one per line; a BAR line only for an implemented BAR; "irq -"
//                  when the function has no interrupt pin)
using Vireo.User;

namespace Vireo.Pci;

public static unsafe class PciListing
{
    /// <summary>The name of a function's file: "BB:DD.F" (7 bytes), hex as lspci writes it.</summary>
    public static void Name(ref Text t, PciAddress a)
    {
        t.Hex(a.Bus, 2); t.Char(':'); t.Hex(a.Device, 2); t.Char('.'); t.Hex(a.Function, 1);
    }

    public const int NameLength = 7;

    /// <summary>Parses "BB:DD.F" (after any leading '/'). False on anything else.</summary>
    public static bool TryParseName(System.ReadOnlySpan<byte> name, out PciAddress a)
    {
        a = default;
        while (name.Length > 0 && name[0] == (byte)'/') name = name.Slice(1);
        if (name.Length != NameLength || name[2] != (byte)':' || name[5] != (byte)'.') return false;
        if (!Numbers.TryParseHex(name.Slice(0, 2), out ulong bus) || !Numbers.TryParseHex(name.Slice(3, 2), out ulong device) ||
            !Numbers.TryParseHex(name.Slice(6, 1), out ulong function) || device > 31 || function > 7) return false;
        a = new PciAddress((int)bus, (int)device, (int)function);
        return true;
    }

    public static void Line(ref Text t, in PciFunction f)
    {
        Name(ref t, f.Address);
        t.Char(' '); t.Hex(f.Vendor, 4); t.Char(':'); t.Hex(f.Device, 4);
        t.Char(' '); t.Hex(f.ClassCode, 2); t.Hex(f.Subclass, 2);
        t.Char(' '); t.Str(PciConfig.ClassName(f.ClassCode, f.Subclass));
        t.Char('\n');
    }

    public static void Details(ref Text t, in PciFunction f)
    {
        t.Str("address "); Name(ref t, f.Address); t.Char('\n');
        t.Str("vendor "); t.Hex(f.Vendor, 4); t.Char('\n');
        t.Str("device "); t.Hex(f.Device, 4); t.Char('\n');
        t.Str("class "); t.Hex(f.ClassCode, 2); t.Char(' '); t.Hex(f.Subclass, 2); t.Char(' '); t.Hex(f.ProgIf, 2);
        t.Char(' '); t.Str(PciConfig.ClassName(f.ClassCode, f.Subclass)); t.Char('\n');
        t.Str("revision "); t.Hex(f.Revision, 2); t.Char('\n');
        t.Str("header "); t.Number(f.HeaderType); t.Char('\n');
        if (f.IrqPin == 0 || f.IrqPin > 4) t.Str("irq -\n");
        else
        {
            t.Str("irq "); t.Number(f.IrqLine); t.Str(" pin "); t.Char((char)('A' + f.IrqPin - 1)); t.Char('\n');
        }
        for (int i = 0; i < f.BarCount; i++)
        {
            PciBar bar = f.Bar(i);
            if (bar.Kind == BarKind.None) continue;
            t.Str("bar"); t.Number((ulong)i); t.Char(' ');
            t.Str(bar.Kind == BarKind.Io ? "io" : bar.Kind == BarKind.Memory32 ? "mem32" : "mem64");
            if (bar.Prefetchable) t.Str(" pf");
            t.Str(" 0x"); t.Hex(bar.Address); t.Str(" size 0x"); t.Hex(bar.Size); t.Char('\n');
        }
        if (f.HeaderType == 1) { t.Str("secondary bus "); t.Number(f.SecondaryBus); t.Char('\n'); }
        t.Str(f.HasMsi ? "msi yes\n" : "msi no\n");
        t.Str(f.HasMsiX ? "msix yes\n" : "msix no\n");
    }
}
