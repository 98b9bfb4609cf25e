// Finds and validates the RSDP. On BIOS machines it lives on a 16-byte boundary in the first
// KiB of the EBDA or in 0xE0000-0xFFFFF; on UEFI the loader hands its address over and only
// TryParseRsdp is needed. Every candidate is fully validated before it is believed, because
// the signature alone also matches stray copies in option ROMs.
using Vireo.Kernel.Memory;

namespace Vireo.Kernel.Acpi;

public static unsafe class RsdpLocator
{
    public const uint V1Length = 20;
    public const uint V2Length = 36;

    /// <summary>Upper bound on the extended RSDP Length field; the structure is 36 bytes in every revision.</summary>
    public const uint MaxLength = 4096;

    public const ulong BdaEbdaSegment = 0x40E;
    public const uint EbdaScanLength = 1024;
    public const ulong BiosAreaStart = 0xE0000;
    public const uint BiosAreaLength = 0x20000;

    public static bool TryParseRsdp(PhysMap map, ulong phys, out Rsdp rsdp) =>
        ParseRsdp(map, phys, out rsdp) == AcpiStatus.Ok;

    public static AcpiStatus ParseRsdp(PhysMap map, ulong phys, out Rsdp rsdp)
    {
        rsdp = default;
        if (!map.Contains(phys, V1Length))
            return AcpiStatus.OutOfRange;

        byte* p = map.Ptr(phys);
        if (AcpiBytes.U64(p) != AcpiSignature.Rsdp)
            return AcpiStatus.BadSignature;
        if (AcpiBytes.Sum(p, V1Length) != 0)
            return AcpiStatus.BadChecksum;

        byte revision = p[15];
        uint length = V1Length;
        ulong xsdt = 0;
        if (revision >= 2)
        {
            if (!map.Contains(phys, V2Length))
                return AcpiStatus.OutOfRange;
            length = AcpiBytes.U32(p + 20);
            if (length < V2Length || length > MaxLength)
                return AcpiStatus.BadLength;
            if (!map.Contains(phys, length))
                return AcpiStatus.OutOfRange;
            if (AcpiBytes.Sum(p, length) != 0)
                return AcpiStatus.BadChecksum;
            xsdt = AcpiBytes.U64(p + 24);
        }

        rsdp.Phys = phys;
        rsdp.Revision = revision;
        rsdp.RsdtAddress = AcpiBytes.U32(p + 16);
        rsdp.XsdtAddress = xsdt;
        rsdp.Length = length;
        rsdp.OemId = AcpiBytes.U64(p + 8) >> 8 & 0xFFFF_FFFF_FFFF;
        return AcpiStatus.Ok;
    }

    /// <summary>
    /// BIOS-style search: first KiB of the EBDA, then 0xE0000-0xFFFFF. Returns the first
    /// 16-byte-aligned candidate that validates.
    /// </summary>
    public static bool TryFindRsdp(PhysMap map, out ulong phys)
    {
        if (map.Contains(BdaEbdaSegment, 2))
        {
            ulong ebda = (ulong)AcpiBytes.U16(map.Ptr(BdaEbdaSegment)) << 4;
            // Same sanity window as Linux: above the BDA/IVT, below the VGA hole.
            if (ebda >= 0x400 && ebda < 0xA0000 && ScanRange(map, ebda, EbdaScanLength, out phys))
                return true;
        }
        return ScanRange(map, BiosAreaStart, BiosAreaLength, out phys);
    }

    private static bool ScanRange(PhysMap map, ulong start, uint length, out ulong phys)
    {
        for (uint offset = 0; offset < length; offset += 16)
        {
            ulong candidate = start + offset;
            if (!map.Contains(candidate, 8))
                break;
            if (AcpiBytes.U64(map.Ptr(candidate)) == AcpiSignature.Rsdp && TryParseRsdp(map, candidate, out _))
            {
                phys = candidate;
                return true;
            }
        }
        phys = 0;
        return false;
    }
}
