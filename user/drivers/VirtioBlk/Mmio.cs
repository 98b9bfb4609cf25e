// Device registers through uncached mappings. Each access is a call the compiler cannot fold, merge
// or move (a register read has effects, and a polled one changes under us), in the width the device
// expects: virtio's common configuration is accessed field by field at the field's own width.
using System.Runtime.CompilerServices;

static unsafe class Mmio
{
    [MethodImpl(MethodImplOptions.NoInlining)] public static byte Read8(byte* at) => *at;
    [MethodImpl(MethodImplOptions.NoInlining)] public static ushort Read16(byte* at) => *(ushort*)at;
    [MethodImpl(MethodImplOptions.NoInlining)] public static uint Read32(byte* at) => *(uint*)at;
    [MethodImpl(MethodImplOptions.NoInlining)] public static void Write8(byte* at, byte value) => *at = value;
    [MethodImpl(MethodImplOptions.NoInlining)] public static void Write16(byte* at, ushort value) => *(ushort*)at = value;
    [MethodImpl(MethodImplOptions.NoInlining)] public static void Write32(byte* at, uint value) => *(uint*)at = value;

    /// <summary>A 64-bit field as two 32-bit writes, low half first (virtio 1.x, 4.1.3.1).</summary>
    public static void Write64(byte* at, ulong value)
    {
        Write32(at, (uint)value);
        Write32(at + 4, (uint)(value >> 32));
    }

    public static ulong Read64(byte* at) => Read32(at) | (ulong)Read32(at + 4) << 32;
}
