// Copies NUL-terminated strings out of physical memory. Boot loader strings have no length field, so every
// copy is bounded by the destination, by an explicit limit, and by the direct-map window.
using System;
using Vireo.Kernel.Memory;

namespace Vireo.Kernel.Multiboot;

internal static unsafe class PhysString
{
    /// <summary>
    /// Copies bytes from <paramref name="phys"/> up to (not including) the first NUL, at most
    /// <paramref name="maxLength"/> bytes. Malformed when the string leaves the mapped window before ending.
    /// </summary>
    public static BootParseStatus Copy(PhysMap map, ulong phys, ulong maxLength, Span<byte> dest, out int length)
    {
        length = 0;
        while ((ulong)length < maxLength)
        {
            ulong at = phys + (ulong)length;
            if (at < phys || !map.Contains(at, 1))
                return BootParseStatus.Malformed;
            byte b = *map.Ptr(at);
            if (b == 0)
                return BootParseStatus.Ok;
            if (length == dest.Length)
                return BootParseStatus.Truncated;
            dest[length] = b;
            length++;
        }
        return BootParseStatus.Ok;
    }
}
