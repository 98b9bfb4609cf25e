// Table signatures as little-endian integers: the four ASCII bytes of a signature read as
// one uint. Comparing integers avoids string handling, which the kernel's core library lacks.
namespace Vireo.Kernel.Acpi;

public static class AcpiSignature
{
    /// <summary>"RSD PTR " read as a little-endian ulong.</summary>
    public const ulong Rsdp = 0x2052545020445352;

    public const uint Rsdt = 'R' | 'S' << 8 | 'D' << 16 | 'T' << 24;
    public const uint Xsdt = 'X' | 'S' << 8 | 'D' << 16 | 'T' << 24;
    public const uint Madt = 'A' | 'P' << 8 | 'I' << 16 | 'C' << 24;
    public const uint Hpet = 'H' | 'P' << 8 | 'E' << 16 | 'T' << 24;
    public const uint Fadt = 'F' | 'A' << 8 | 'C' << 16 | 'P' << 24;
    public const uint Dsdt = 'D' | 'S' << 8 | 'D' << 16 | 'T' << 24;
    public const uint Ssdt = 'S' | 'S' << 8 | 'D' << 16 | 'T' << 24;
    public const uint Mcfg = 'M' | 'C' << 8 | 'F' << 16 | 'G' << 24;

    public static uint FromBytes(byte b0, byte b1, byte b2, byte b3) =>
        (uint)(b0 | b1 << 8 | b2 << 16 | b3 << 24);
}
