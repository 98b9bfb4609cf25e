// A validated view of one System Description Table (36-byte header + body).
// Open() is the only constructor: it checks that the header and the whole declared length
// lie inside the PhysMap, that the length is sane, and that the bytes sum to zero. Field
// reads past the declared length return zero, which is how older, shorter revisions of a
// table (e.g. an ACPI 1.0 FADT) present their missing fields, as ACPICA does.
using Vireo.Kernel.Memory;

namespace Vireo.Kernel.Acpi;

public readonly unsafe struct AcpiTable
{
    public const uint HeaderLength = 36;

    /// <summary>Anything longer is treated as corrupt; real tables (even DSDTs) are far smaller.</summary>
    public const uint MaxLength = 1u << 20;

    // Invariant: [_ptr, _ptr + Length) is inside the PhysMap this view was opened from.
    private readonly byte* _ptr;

    public readonly ulong Phys;
    public readonly uint Length;

    private AcpiTable(byte* ptr, ulong phys, uint length)
    {
        _ptr = ptr;
        Phys = phys;
        Length = length;
    }

    public uint Signature => U32(0);
    public byte Revision => U8(8);

    public byte OemIdByte(int index) => (uint)index < 6 ? U8(10 + (uint)index) : (byte)0;

    /// <summary>
    /// Validates the table at <paramref name="phys"/>. A <paramref name="signature"/> of 0
    /// accepts any signature.
    /// </summary>
    public static AcpiStatus Open(PhysMap map, ulong phys, uint signature, out AcpiTable table)
    {
        table = default;
        if (!map.Contains(phys, HeaderLength))
            return AcpiStatus.OutOfRange;

        byte* p = map.Ptr(phys);
        if (signature != 0 && AcpiBytes.U32(p) != signature)
            return AcpiStatus.BadSignature;

        uint length = AcpiBytes.U32(p + 4);
        if (length < HeaderLength || length > MaxLength)
            return AcpiStatus.BadLength;
        if (!map.Contains(phys, length))
            return AcpiStatus.OutOfRange;
        if (AcpiBytes.Sum(p, length) != 0)
            return AcpiStatus.BadChecksum;

        table = new AcpiTable(p, phys, length);
        return AcpiStatus.Ok;
    }

    /// <summary>Reads only the signature, without validating the table.</summary>
    public static bool TryReadSignature(PhysMap map, ulong phys, out uint signature)
    {
        signature = 0;
        if (!map.Contains(phys, 4))
            return false;
        signature = AcpiBytes.U32(map.Ptr(phys));
        return true;
    }

    /// <summary>True when [offset, offset + size) lies inside the declared table length.</summary>
    public bool Covers(uint offset, uint size) => offset <= Length && size <= Length - offset;

    public byte U8(uint offset) => Covers(offset, 1) ? _ptr[offset] : (byte)0;

    public ushort U16(uint offset) => Covers(offset, 2) ? AcpiBytes.U16(_ptr + offset) : (ushort)0;

    public uint U32(uint offset) => Covers(offset, 4) ? AcpiBytes.U32(_ptr + offset) : 0;

    public ulong U64(uint offset) => Covers(offset, 8) ? AcpiBytes.U64(_ptr + offset) : 0;

    public GenericAddress Gas(uint offset)
    {
        if (!Covers(offset, GenericAddress.Size))
            return default;
        byte* p = _ptr + offset;
        return new GenericAddress(p[0], p[1], p[2], p[3], AcpiBytes.U64(p + 4));
    }
}
