// Outcome of an ACPI parsing step. Firmware tables are untrusted input, so every parser
// reports why it refused a table instead of trusting it; the kernel then picks a fallback
// (e.g. a single CPU with legacy PICs when the MADT is unusable).
namespace Vireo.Kernel.Acpi;

public enum AcpiStatus : byte
{
    Ok = 0,

    /// <summary>No RSDP was found, or no table with the requested signature is listed.</summary>
    NotFound,

    /// <summary>The structure, or part of it, lies outside the PhysMap window.</summary>
    OutOfRange,

    BadSignature,

    /// <summary>Length smaller than the structure requires, or absurdly large.</summary>
    BadLength,

    BadChecksum,

    /// <summary>A MADT entry has length below 2 / below its type's size, or runs past the table end.</summary>
    MalformedEntry,
}
