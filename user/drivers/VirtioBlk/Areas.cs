// Buffer areas for the fast path (docs/design/virtio-blk.md, "The fast path"): each open disk file
// that asks (Fmap or BlockInfo) gets 64 KiB of DMA pages, which its client maps with Fmap, so sectors
// go from the device straight into the client's memory. The client's frames are copies without the
// Physical right (it learns no physical address), made from a copy the driver keeps per page; when the
// file closes, revoking that copy unmaps the client's, and the area waits for its requests in flight
// to finish before another file reuses it (the heap does not free, and device memory must not be
// written by a request meant for another client).
using Vireo.Abi;
using Vireo.User;

static unsafe class Areas
{
    public const int Pages = 16, Bytes = Pages * 4096;
    public const int Max = 16;

    private struct Area
    {
        public int[] Pages;       // Dma page indices
        public ulong[] Shared;    // per page: the copy clients' frames derive from
        public bool Owned;        // a file holds it
        public int InFlight;      // requests on it not finished yet
    }

    private static Area[] s_areas = new Area[Max];
    private static int s_count;

    /// <summary>A free area (a new one if none is free): its index, or -1 when memory or slots ran out.</summary>
    public static int Take()
    {
        for (int i = 0; i < s_count; i++)
            if (!s_areas[i].Owned && s_areas[i].InFlight == 0)
            {
                s_areas[i].Owned = true;
                return i;
            }
        if (s_count == Max) return -1;
        var a = new Area { Pages = new int[Pages], Shared = new ulong[Pages] };
        for (int p = 0; p < Pages; p++)
        {
            if (Dma.Page(out _, out a.Pages[p]) != Status.Ok || !CSpace.TryAlloc(out uint slot)) return -1;
            if (Sys.Copy(Dma.Frame(a.Pages[p]), CSpace.Self, slot, Rights.Read | Rights.Write | Rights.Map, out CapHandle shared) != Status.Ok)
            {
                CSpace.Free(slot);
                return -1;
            }
            a.Shared[p] = shared.Value;
        }
        a.Owned = true;
        s_areas[s_count] = a;
        return s_count++;
    }

    /// <summary>The file let go of it: clients' mappings of it go now; it is free once idle.</summary>
    public static void Give(int area)
    {
        if (area < 0) return;
        // The copies are ours and never deleted: revoking one fails only if it were gone.
        for (int p = 0; p < Pages; p++) _ = Sys.Revoke(new CapHandle(s_areas[area].Shared[p]));
        s_areas[area].Owned = false;
    }

    public static int[] PagesOf(int area) => s_areas[area].Pages;
    public static CapHandle Shared(int area, int page) => new CapHandle(s_areas[area].Shared[page]);
    public static byte* Address(int area, int offset) => Dma.Address(s_areas[area].Pages[offset >> 12]) + (offset & 0xFFF);
    public static void Started(int area) => s_areas[area].InFlight++;
    public static void Finished(int area) => s_areas[area].InFlight--;
}
