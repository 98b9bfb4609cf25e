// Growing the managed heap: when the first region (in .bss) runs out, the runtime retypes frames
// from the untyped memory in the process's Memory slot and maps them at HeapBase upwards. A
// process without such memory fails fast with "managed heap exhausted".
using Vireo.Abi;

namespace Vireo.User;

public static unsafe class Memory
{
    /// <summary>1 GiB: the same page directory pointer table as the program image, so the first
    /// 2 MiB of heap costs two page tables.</summary>
    public const ulong HeapBase = 0x0000_0000_4000_0000;
    private const ulong Chunk = 64 * 1024;
    private static ulong s_next = HeapBase;
    private static ulong s_pages;

    public static ulong PagesMapped => s_pages;

    internal static bool Grow(nuint needed)
    {
        ulong bytes = ((ulong)needed + Chunk - 1) & ~(Chunk - 1);
        ulong start = s_next;
        for (ulong v = start; v < start + bytes; v += 4096)
        {
            if (CSpace.Make(ObjectType.Frame, 12, out CapHandle frame) != Status.Ok) return false;
            if (Sys.Map(CSpace.SelfAddressSpace, frame, v, Rights.Read | Rights.Write) != Status.Ok)
            {
                CSpace.Release(frame);   // the frame, not only the slot (it was made)
                return false;
            }
            s_next = v + 4096;
            s_pages++;
        }
        Internal.Runtime.Heap.Extend((byte*)start, (nuint)bytes);
        return true;
    }
}
