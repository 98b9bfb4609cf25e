// The Root System Description Pointer, decoded. Produced only by RsdpLocator, so a value
// with Phys != 0 has passed signature and checksum validation.
namespace Vireo.Kernel.Acpi;

public unsafe struct Rsdp
{
    public ulong Phys;

    /// <summary>0 for ACPI 1.0 (20-byte RSDP); 2 or more for ACPI 2.0+ (extended RSDP).</summary>
    public byte Revision;

    public uint RsdtAddress;

    /// <summary>Only meaningful when Revision >= 2; zero otherwise.</summary>
    public ulong XsdtAddress;

    /// <summary>20 for a version-1 RSDP; the Length field for revision >= 2.</summary>
    public uint Length;

    private fixed byte _oemId[6];

    public bool PrefersXsdt => Revision >= 2 && XsdtAddress != 0;

    public byte OemIdByte(int index) => (uint)index < 6 ? _oemId[index] : (byte)0;

    internal void SetOemIdByte(int index, byte value)
    {
        if ((uint)index < 6)
            _oemId[index] = value;
    }
}
