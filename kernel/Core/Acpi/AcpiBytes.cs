// Little-endian loads and the ACPI byte checksum. Loads are assembled byte by byte so they
// are correct at any alignment (XSDT entries are only 4-byte aligned) without relying on
// BCL helpers the kernel does not have. Callers guarantee the bytes are inside the PhysMap.
namespace Vireo.Kernel.Acpi;

internal static unsafe class AcpiBytes
{
    public static ushort U16(byte* p) => (ushort)(p[0] | p[1] << 8);

    public static uint U32(byte* p) => (uint)(p[0] | p[1] << 8 | p[2] << 16 | p[3] << 24);

    public static ulong U64(byte* p) => U32(p) | (ulong)U32(p + 4) << 32;

    /// <summary>Sum of the bytes mod 256; a valid ACPI structure sums to zero.</summary>
    public static byte Sum(byte* p, uint length)
    {
        uint sum = 0;
        for (uint i = 0; i < length; i++)
            sum += p[i];
        return (byte)sum;
    }
}
