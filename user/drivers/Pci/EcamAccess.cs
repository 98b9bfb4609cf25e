// Configuration space memory-mapped (PCI Express ECAM, from ACPI's MCFG: QEMU's q35 machine puts it
// at 0xB000_0000): function (bus, device, function) is the 4 KiB page at base + (bus << 20 | device
// << 15 | function << 12), its whole 4 KiB readable (extended capabilities too), where the ports reach
// 256 bytes. The process manager tells pcid the base and bus range (its start words) and gives it the
// window's device memory. A function's page is carved, retyped into an uncached frame and mapped when
// it is first touched; pages of functions that are not there are given back at once. Carving goes in
// ascending order only, so a page below one already carved reads as absent: the depth-first scan
// meets pages in ascending order unless a bridge's secondary bus sits between two of bus 0's devices
// (QEMU's machines have none; pci.md, "Not yet").
using Vireo.Abi;
using Vireo.Pci;
using Vireo.User;

public unsafe struct EcamAccess : IConfigAccess
{
    /// <summary>Where function pages are mapped: page i of the window at Window + i * 4 KiB (in the heap's
    /// 1 GiB directory, 512 MiB above it: bus 0 needs one page table).</summary>
    private const ulong Window = 0x0000_0000_6000_0000;
    private const byte Unknown = 0, Mapped = 1, Absent = 2;

    private static ulong s_base;
    private static int s_first, s_last;
    private static byte[] s_state;   // by page index (bus - first) << 8 | device << 3 | function

    public static bool Enabled => s_state != null;

    /// <summary>Uses ECAM for buses first..last, `base` being bus 0's address (0: not at all).</summary>
    public static void Init(ulong physicalBase, int first, int last)
    {
        if (physicalBase == 0 || last < first || !PciResources.Present) return;
        s_base = physicalBase;
        s_first = first;
        s_last = last;
        s_state = new byte[(last - first + 1) * 256];
    }

    private static byte* Page(PciAddress at)
    {
        if (at.Bus < s_first || at.Bus > s_last) return null;
        int index = (at.Bus - s_first) << 8 | at.Device << 3 | at.Function;
        byte* page = (byte*)(Window + (ulong)index * 4096);
        if (s_state[index] == Mapped) return page;
        if (s_state[index] == Absent) return null;
        s_state[index] = Absent;
        ulong physical = s_base + ((ulong)at.Bus << 20 | (ulong)at.Device << 15 | (ulong)at.Function << 12);
        if (PciResources.CarveMemory(physical, 12, out CapHandle piece) != Status.Ok) return null;
        Status s = CSpace.Make(piece, ObjectType.Frame, 12, out CapHandle frame);
        if (s == Status.Ok) s = Sys.Map(CSpace.SelfAddressSpace, frame, (ulong)page, Rights.Read | Rights.Write);
        if (s == Status.Ok && *(uint*)page != 0xFFFF_FFFF)
        {
            s_state[index] = Mapped;
            return page;
        }
        // Nothing there (or no room): the frame, then the piece it came from (deleting a frame unmaps it).
        if (frame.Value != 0) CSpace.Release(frame);
        CSpace.Release(piece);
        return null;
    }

    public uint Read32(PciAddress at, int offset)
    {
        byte* page = Page(at);
        return page == null ? 0xFFFF_FFFF : *(uint*)(page + (offset & 0xFFC));
    }

    public void Write32(PciAddress at, int offset, uint value)
    {
        byte* page = Page(at);
        if (page != null) *(uint*)(page + (offset & 0xFFC)) = value;
    }
}

/// <summary>ECAM where the machine has it, the legacy ports otherwise: the access pcid uses.</summary>
public struct BusAccess : IConfigAccess
{
    public uint Read32(PciAddress at, int offset) =>
        EcamAccess.Enabled ? new EcamAccess().Read32(at, offset) : offset < 256 ? new PortAccess().Read32(at, offset) : 0xFFFF_FFFF;

    public void Write32(PciAddress at, int offset, uint value)
    {
        if (EcamAccess.Enabled) new EcamAccess().Write32(at, offset, value);
        else if (offset < 256) new PortAccess().Write32(at, offset, value);
    }
}
