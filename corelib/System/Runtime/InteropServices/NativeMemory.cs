// The subset of System.Runtime.InteropServices.NativeMemory that bare-metal code uses: clearing
// and copying blocks (rep stos / rep movs in Runtime.S). There is no allocator behind it here.
namespace System.Runtime.InteropServices
{
    public static unsafe class NativeMemory
    {
        public static void Clear(void* ptr, nuint byteCount) => SpanHelpers.Zero((byte*)ptr, byteCount);

        public static void Copy(void* source, void* destination, nuint byteCount) =>
            SpanHelpers.Memmove(ref *(byte*)destination, ref *(byte*)source, byteCount);
    }
}
