// Outcome of parsing an untrusted file format (initfs cpio archive, ELF executable). Parsers in
// this folder never trust a length or an offset they read: each is checked against the bytes
// actually present, and the first violation is reported as one of these values.
namespace Vireo.Formats;

public enum FormatStatus : byte
{
    Ok = 0,

    /// <summary>The bytes end before a structure that must be there (header, name, data, table, trailer).</summary>
    Truncated,

    /// <summary>The identifying magic bytes are wrong: this is not the expected format at all.</summary>
    BadMagic,

    /// <summary>A valid variant this code deliberately does not handle (ELF class/machine/type, cpio CRC format, huge inputs).</summary>
    Unsupported,

    /// <summary>Internally inconsistent: bad hex digit, bad field value, overlapping segments, misalignment.</summary>
    Malformed,

    /// <summary>An address lies outside what is allowed (ELF segment or entry outside user space).</summary>
    OutOfRange,

    /// <summary>An ELF segment (or the stack request) is both writable and executable.</summary>
    WriteExecute,

    /// <summary>The requested name is not in the archive.</summary>
    NotFound,
}
