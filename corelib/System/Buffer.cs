// Block copies and fills that ilc lowers struct copies, cpblk and initblk onto.
// Eight bytes at a time: these run for page-sized copies in the kernel.
using System.Runtime.CompilerServices;

namespace System
{
    public static unsafe class Buffer
    {
        public static void MemoryCopy(void* source, void* destination, long destinationSizeInBytes, long sourceBytesToCopy)
        {
            if (sourceBytesToCopy > destinationSizeInBytes)
                Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowArgumentOutOfRangeException();
            SpanHelpers.Memmove(ref *(byte*)destination, ref *(byte*)source, (nuint)sourceBytesToCopy);
        }

        internal static void BulkMoveWithWriteBarrier(ref byte destination, ref byte source, nuint byteCount) =>
            SpanHelpers.Memmove(ref destination, ref source, byteCount);
    }

    internal static unsafe partial class SpanHelpers
    {
        [MethodImpl(MethodImplOptions.InternalCall), System.Runtime.RuntimeImport("*", "vireo_memcopy_forward")]
        internal static extern void CopyForward(byte* destination, byte* source, nuint length);

        [MethodImpl(MethodImplOptions.InternalCall), System.Runtime.RuntimeImport("*", "vireo_memzero")]
        internal static extern void Zero(byte* destination, nuint length);

        public static void Memmove(ref byte destination, ref byte source, nuint len)
        {
            byte* d = (byte*)Unsafe.AsPointer(ref destination);
            byte* s = (byte*)Unsafe.AsPointer(ref source);
            if (d == s || len == 0) return;
            if (d < s || d >= s + len)
            {
                CopyForward(d, s, len);
            }
            else
            {
                nuint i = len;
                for (; i >= 8; i -= 8) *(ulong*)(d + i - 8) = *(ulong*)(s + i - 8);
                for (; i > 0; i--) d[i - 1] = s[i - 1];
            }
        }

        public static void ClearWithoutReferences(ref byte b, nuint byteLength) => Fill(ref b, byteLength, 0);

        public static void ClearWithReferences(ref IntPtr ip, nuint pointerSizeLength) =>
            Fill(ref Unsafe.As<IntPtr, byte>(ref ip), pointerSizeLength * (nuint)sizeof(IntPtr), 0);

        public static void Fill(ref byte destination, nuint byteCount, byte value)
        {
            byte* d = (byte*)Unsafe.AsPointer(ref destination);
            if (value == 0)
            {
                Zero(d, byteCount);
                return;
            }
            ulong pattern = value * 0x0101010101010101UL;
            nuint i = 0;
            for (; i + 8 <= byteCount; i += 8) *(ulong*)(d + i) = pattern;
            for (; i < byteCount; i++) d[i] = value;
        }
    }
}

namespace System
{
    internal static unsafe partial class SpanHelpers
    {
        public static bool SequenceEqual(ref byte first, ref byte second, nuint length)
        {
            byte* a = (byte*)Unsafe.AsPointer(ref first);
            byte* b = (byte*)Unsafe.AsPointer(ref second);
            if (a == b) return true;
            nuint i = 0;
            for (; i + 8 <= length; i += 8)
                if (*(ulong*)(a + i) != *(ulong*)(b + i)) return false;
            for (; i < length; i++)
                if (a[i] != b[i]) return false;
            return true;
        }
    }
}
