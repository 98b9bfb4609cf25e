// Outcome of reading one item from a boot information structure. Truncation is not an error: the items
// that fit were written and the caller decides whether losing the rest matters.
namespace Vireo.Kernel.Multiboot;

public enum BootParseStatus : byte
{
    Ok,
    /// <summary>The destination was too small; it is full and holds the leading items.</summary>
    Truncated,
    /// <summary>The boot loader did not supply this item (flag clear or tag absent).</summary>
    Missing,
    /// <summary>The magic value handed over in EAX is not the one for this protocol.</summary>
    BadMagic,
    /// <summary>A size or address points outside the structure or outside mapped memory.</summary>
    Malformed,
}
