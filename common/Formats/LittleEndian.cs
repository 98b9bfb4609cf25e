// Little-endian loads from a byte span, assembled byte by byte so they work at any alignment
// without BCL helpers the kernel does not have. Callers check the range first; the span indexer
// is a second line of defence (a panic in the kernel, an exception on the host), never relied on.
using System;

namespace Vireo.Formats;

internal static class LittleEndian
{
    public static ushort U16(ReadOnlySpan<byte> bytes, int offset) =>
        (ushort)(bytes[offset] | bytes[offset + 1] << 8);

    public static uint U32(ReadOnlySpan<byte> bytes, int offset) =>
        (uint)(bytes[offset] | bytes[offset + 1] << 8 | bytes[offset + 2] << 16 | bytes[offset + 3] << 24);

    public static ulong U64(ReadOnlySpan<byte> bytes, int offset) =>
        U32(bytes, offset) | (ulong)U32(bytes, offset + 4) << 32;
}
