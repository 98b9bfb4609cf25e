// The Root System Description Pointer, decoded. Produced only by RsdpLocator, so a value
// with Phys != 0 has passed signature and checksum validation. The OEM id is packed into a
// ulong rather than a fixed buffer: structs with fixed buffers make ilc guard every frame
// that holds one with a stack cookie, and an Rsdp is a local in several parsing paths.
namespace Vireo.Kernel.Acpi;

public struct Rsdp
{
    public ulong Phys;

    /// <summary>0 for ACPI 1.0 (20-byte RSDP); 2 or more for ACPI 2.0+ (extended RSDP).</summary>
    public byte Revision;

    public uint RsdtAddress;

    /// <summary>Only meaningful when Revision >= 2; zero otherwise.</summary>
    public ulong XsdtAddress;

    /// <summary>20 for a version-1 RSDP; the Length field for revision >= 2.</summary>
    public uint Length;

    /// <summary>The six OEM id bytes, byte i in bits 8i..8i+7.</summary>
    public ulong OemId;

    public bool PrefersXsdt => Revision >= 2 && XsdtAddress != 0;

    public byte OemIdByte(int index) => (uint)index < 6 ? (byte)(OemId >> (index * 8)) : (byte)0;
}
